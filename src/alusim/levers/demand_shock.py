"""Demand shocks by region and sector: the 2020 pandemic shock (seed 000), a construction slump,
or demand expansion toward developed-country per-capita use (seed 000). A sector shock scales the
region's demand by the sector's share times the change: China's share in the event's year from the
demand model (:mod:`alusim.demand`), other regions' from ``demand_sectors.csv``."""

from __future__ import annotations

from alusim.errors import InputError
from alusim.levers.base import LeverContext

MARKET_REGIONS = {"CN": (0,), "ROW": (1,), "WORLD": (0, 1)}


def apply(ctx: LeverContext, index: int, event) -> None:
    region = event.region.upper()
    demand = ctx.dataset.demand
    sectors = ctx.dataset.demand_sectors
    if region in MARKET_REGIONS:
        targets = [(mk, 1.0) for mk in MARKET_REGIONS[region]]
        regions = ["CN"] if region == "CN" else list(demand["region"]) if region == "WORLD" else \
            [r for r in demand["region"] if r != "CN"]
    elif region in set(demand["region"]):
        row_total = demand.loc[demand["region"] != "CN", "consumption_kt"].sum()
        weight = float(demand.loc[demand["region"] == region, "consumption_kt"].iloc[0]) / row_total
        targets = [(0, 1.0)] if region == "CN" else [(1, weight)]
        regions = [region]
    else:
        raise InputError(f"events.{index}.region: unknown demand region {event.region!r}",
                         fix="use CN, ROW, WORLD or an IAI region code: " + ", ".join(demand["region"]))
    sector_share = 1.0
    if event.sector is not None and regions == ["CN"]:
        # China's sectors follow their own drivers: the sector's share of demand in the event's year
        from alusim.demand.paths import market_paths

        year = int(event.start[:4])
        annual = market_paths(ctx.dataset, year, year).annual
        cn = annual[annual["region"] == "CN"]
        sector_share = float(cn.loc[cn["sector"] == event.sector, "total_kt"].sum() / cn["total_kt"].sum())
    elif event.sector is not None:
        hit = sectors[(sectors["sector"] == event.sector) & sectors["region"].isin(regions)]
        weights = demand.set_index("region")["consumption_kt"].reindex(hit["region"]).to_numpy()
        sector_share = float((hit["share"].to_numpy() * weights).sum() / max(weights.sum(), 1e-9)) if len(hit) else 0.0
    window = ctx.window(event)
    for v in ctx.variants(index):
        for mk, weight in targets:
            ctx.inputs.demand_base[v, window, mk] *= 1.0 + event.pct * sector_share * weight
            if mk == 1:
                ctx.inputs.node_demand[v, window, :] *= 1.0 + event.pct * sector_share * weight
    what = f"{event.sector} ({sector_share:.0%} of demand)" if event.sector else "all sectors"
    ctx.note(index, f"demand {event.pct:+.1%} in {region}, {what}, months {window.start}–{window.stop - 1}")
