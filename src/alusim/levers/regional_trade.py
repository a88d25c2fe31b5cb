"""Trade measures between the regions outside China (issue 11): import tariffs between any two
countries or regions, and sanctions that close a share of an exporter's corridors — China's
imports from it included. They act on the ``node_*`` arrays, so they need the regional model
(``market.regions_enabled: 1``); without it a measure that does not touch China is refused."""

from __future__ import annotations

import numpy as np

from alusim.errors import InputError
from alusim.levers.base import LeverContext

NEEDS_REGIONS = "set assumptions: {market.regions_enabled: 1} to run the regions outside China as markets"


def regional(ctx: LeverContext) -> bool:
    return len(ctx.inputs.node_names) > 1


def node_index(ctx: LeverContext, index: int, field: str, code: str) -> int:
    """The node of a region or country code (``EU``, ``US``, ``DE`` → EU …)."""
    from alusim.engine.nodes import node_lookup

    found = node_lookup(ctx.dataset.regions, ctx.inputs.node_names)(code)
    if found is None:
        raise InputError(f"events.{index}.{field}: unknown region or country {code.upper()!r}",
                         fix=f"use a region of regions.csv ({', '.join(ctx.inputs.node_names)}) or one of its "
                             "countries")
    return found


def china_tariff_parts(ctx: LeverContext) -> tuple[np.ndarray, np.ndarray]:
    """(V, M, R) each region's general tariff (on every exporter) and its China-specific one, from the
    data, kept on the context while events edit them (they add up in the China tariff)."""
    if ctx.node_tariff_parts is None:
        from alusim.engine.node_terms import tariff_paths

        _, general, specific = tariff_paths(ctx.dataset, ctx.scenario, ctx.inputs.node_names)
        n = ctx.inputs.node_cn_tariff.shape[0]
        ctx.node_tariff_parts = (np.repeat(general[None], n, axis=0), np.repeat(specific[None], n, axis=0))
    return ctx.node_tariff_parts


def apply_tariff(ctx: LeverContext, index: int, event) -> None:
    """An ad-valorem tariff of ``importer`` on ``exporter``'s metal (``*``: every exporter, China too)."""
    d = node_index(ctx, index, "importer", event.importer)
    exporter = event.exporter.upper()
    window = ctx.window(event)
    general, specific = china_tariff_parts(ctx)
    for v in ctx.variants(index):
        if exporter == "*":
            others = [o for o in range(len(ctx.inputs.node_names)) if o != d]
            ctx.inputs.node_tariff[v, window, others, d] = event.rate
            general[v, window, d] = event.rate
        elif exporter == "CN":
            specific[v, window, d] = event.rate
        else:
            o = node_index(ctx, index, "exporter", exporter)
            if o == d:
                raise InputError(f"events.{index}: {exporter} and {event.importer} are in the same region "
                                 f"({ctx.inputs.node_names[d]}), whose trade inside is not modelled",
                                 fix="name countries of two different regions of regions.csv")
            ctx.inputs.node_tariff[v, window, o, d] = event.rate
        ctx.inputs.node_cn_tariff[v] = general[v] + specific[v]
    ctx.note(index, f"{ctx.inputs.node_names[d]} tariff {event.rate:.0%} on {exporter} metal between regions "
                    f"from month {window.start}")


def apply_sanction(ctx: LeverContext, index: int, event) -> None:
    """Close ``share`` of the corridors from ``exporter`` to ``importers`` (``*``: every region and
    China) — a ban is share 1."""
    if not regional(ctx):
        raise InputError(f"events.{index}: a sanction acts between regions", fix=NEEDS_REGIONS)
    o = node_index(ctx, index, "exporter", event.exporter)
    code = event.exporter.upper()
    smelts = ((ctx.inputs.asset_node == o) & (ctx.inputs.market == 1) if code in ctx.inputs.node_names
              else (ctx.inputs.assets["country"].str.upper() == code).to_numpy())
    if not np.any(smelts):
        raise InputError(f"events.{index}.exporter: {event.exporter!r} has no smelter to sanction",
                         fix="name a region or country with smelters in smelters_row.csv")
    importers = ["*"] if event.importers == "*" else [str(c).upper() for c in event.importers]
    keep = 1.0 - event.share
    window = ctx.window(event)
    for v in ctx.variants(index):
        for code in importers:
            if code in ("*", "CN"):
                ctx.inputs.node_cn_import_open[v, window, o] *= keep
            if code == "*":
                others = [d for d in range(len(ctx.inputs.node_names)) if d != o]
                ctx.inputs.node_open[v, window, o, others] *= keep
            elif code != "CN":
                ctx.inputs.node_open[v, window, o, node_index(ctx, index, "importers", code)] *= keep
    names = "every region and China" if "*" in importers else ", ".join(importers)
    ctx.note(index, f"{event.share:.0%} of {ctx.inputs.node_names[o]}'s sales to {names} closed from month "
                    f"{window.start}")
