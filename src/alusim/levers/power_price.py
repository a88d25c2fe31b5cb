"""Changes in delivered power prices: the end of Yunnan's preferential hydro tariffs (Sept 2021
[R101]), Inner Mongolia's end of preferential tariffs [R160], coal-driven tariff moves. A percent change
scales the tariff; an absolute change (CNY/kWh or USD/MWh) is added, converted to each asset's
currency at the dataset exchange rate."""

from __future__ import annotations

import numpy as np

from alusim.levers.base import LeverContext
from alusim.scenario.quantities import parse_change


def apply(ctx: LeverContext, index: int, event) -> None:
    mask = ctx.select(event.target, index)
    kind, value, unit = parse_change(event.change, ("CNY/kWh", "USD/MWh"))
    window = ctx.window(event)
    fx = ctx.dataset.param("fx.cny_per_usd")
    if kind == "pct":
        for v in ctx.variants(index):
            ctx.inputs.power_mult[v, window, mask] *= 1.0 + value
        ctx.note(index, f"power tariff {value:+.1%} for {ctx.describe_assets(mask)}")
        return
    per_kwh_cny = value if unit == "CNY/kWh" else value / 1000.0 * fx
    per_asset = np.where(ctx.inputs.is_cn, per_kwh_cny, per_kwh_cny / fx)
    for v in ctx.variants(index):
        ctx.inputs.power_add[v, window][:, mask] += per_asset[mask]
    ctx.note(index, f"power tariff {value:+g} {unit} for {ctx.describe_assets(mask)}")
