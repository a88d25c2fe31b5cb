"""Carbon prices on smelters: China's national ETS, which covers aluminium smelting from 2025 for CO2
and PFCs without scope 2 [R82][R83], or the EU ETS. Scope 1 prices anode CO2 and PFCs; scope ``1+2``
also prices the CO2 of the power used."""

from __future__ import annotations

import numpy as np

from alusim.errors import InputError
from alusim.levers.base import LeverContext
from alusim.scenario.quantities import parse_price

EU = ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
      "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE")


def region_mask(ctx: LeverContext, region: str, index: int, field: str = "region") -> np.ndarray:
    table = ctx.inputs.assets
    code = region.upper()
    if code == "WORLD":
        return np.ones(len(table), dtype=bool)
    if code == "ROW":
        return ~ctx.inputs.is_cn
    if code == "EU":
        return table["country"].isin(EU).to_numpy()
    mask = (table["region"] == code).to_numpy() | (table["country"] == code).to_numpy()
    if not mask.any():
        raise InputError(f"events.{index}.{field}: {region!r} matches no smelter",
                         fix="use CN, ROW, WORLD, EU, an IAI region code (NA, WCE, GCC …) or an ISO2 country")
    return mask


def apply(ctx: LeverContext, index: int, event) -> None:
    mask = region_mask(ctx, event.region, index)
    value, currency = parse_price(event.price, "t_CO2")
    fx = ctx.dataset.param("fx.cny_per_usd")
    usd = value if currency == "USD" else value / fx if currency == "CNY" else value * ctx.dataset.param("fx.usd_per_eur")
    per_asset = np.where(ctx.inputs.is_cn, usd * fx, usd)
    window = ctx.window(event)
    for v in ctx.variants(index):
        ctx.inputs.carbon1[v, window][:, mask] += per_asset[mask]
        if event.scope == "1+2":
            ctx.inputs.carbon2[v, window][:, mask] += per_asset[mask]
    ctx.note(index, f"carbon price {value:g} {currency}/t CO2 (scope {event.scope}) on {ctx.describe_assets(mask)}")
