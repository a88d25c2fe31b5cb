"""Activity drivers off their path (``driver_path``): a construction slump deeper than forecast, an
EV or PV build-out faster than the record, GDP below the IMF's outlook. The demand model
(:mod:`alusim.demand`) is run again with the driver changed; demand in the event's variants is
scaled by the ratio of the two paths, month by month, so every sector the driver feeds moves with
its own elasticity. Recycled supply keeps the baseline's path (old scrap answers to demand only
after products' lifetimes)."""

from __future__ import annotations

import numpy as np

from alusim.demand.drivers import DRIVERS
from alusim.errors import InputError
from alusim.levers.base import LeverContext


def driver_changes(event, end_year: int) -> dict[int, float]:
    """Year → fractional change of the driver's level (the demand model is annual)."""
    if event.path is not None:
        points = sorted((int(m[:4]), v) for m, v in event.path.items())
        return dict(points)
    changes = {int(event.start[:4]): float(event.pct)}
    if event.end is not None and int(event.end[:4]) < end_year:
        changes[int(event.end[:4]) + 1] = 0.0
    return changes


def _as_levels(changes: dict[int, float]) -> dict[int, float]:
    """Convert 'level off baseline by x from year y' into the cumulative multipliers that
    :func:`alusim.demand.drivers.driver_level` applies from each year on."""
    out, current = {}, 1.0
    for year, change in sorted(changes.items()):
        out[year] = (1.0 + change) / current - 1.0
        current = 1.0 + change
    return out


def apply(ctx: LeverContext, index: int, event) -> None:
    from alusim.demand.model import sector_drivers
    from alusim.engine.inputs import demand_paths

    if event.driver not in DRIVERS:
        raise InputError(f"events.{index}.driver: unknown driver {event.driver!r}",
                         fix=f"use one of {', '.join(DRIVERS)}")
    dataset = ctx.dataset
    used = {(d, r) for region in dataset.demand_drivers["region"].unique()
            for d, r in sector_drivers(dataset, region).values()}
    if (event.driver, event.region) not in used:
        regions = sorted({r for d, r in used if d == event.driver})
        raise InputError(f"events.{index}: no demand follows {event.driver} of {event.region!r}",
                         fix=f"use region {' or '.join(regions)}" if regions else
                         "pick a driver of demand_drivers.csv")
    scenario = ctx.scenario
    end_year = int(scenario.end[:4]) + 1
    changes = {(event.driver, event.region): _as_levels(driver_changes(event, end_year))}
    base, _, _, _ = demand_paths(dataset, scenario)
    moved, _, _, _ = demand_paths(dataset, scenario, changes=changes)
    ratio = np.where(base > 0, moved / np.maximum(base, 1e-12), 1.0)
    for v in ctx.variants(index):
        ctx.inputs.demand_base[v] *= ratio
        ctx.inputs.node_demand[v] *= ratio[:, 1:2]          # the regions outside China move with their total
    change = (ratio - 1.0) * 100.0
    ctx.note(index, f"{event.driver} ({event.region}) off path: demand CN {change[:, 0].min():+.1f}…"
                    f"{change[:, 0].max():+.1f} %, ROW {change[:, 1].min():+.1f}…{change[:, 1].max():+.1f} %")
