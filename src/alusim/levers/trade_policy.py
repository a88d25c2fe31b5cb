"""China's export policy and foreign import tariffs, as they reach China's net-export arbitrage.

* ``export_tax`` / ``export_rebate``: the 15% tax on primary exports and the 13% VAT rebate on semis
  that was cancelled on 24 aluminium codes from 1 Dec 2024 [R78][R79][R80]. The arbitrage uses the
  export-weighted rate of primary and semis (``trade.cn_primary_share_of_exports``).
* ``import_tariff``: a tariff in an importing country on Chinese metal (US Section 232: 10% 2018,
  25% from 12 Mar 2025, 50% from 4 Jun 2025 [R74][R75][R76]; anti-dumping and countervailing duties,
  seed 000) cuts the netback of the share of China's exports that goes there. A tariff on every
  exporter (``exporter: '*'``, e.g. Section 232) and a China-specific one (``exporter: CN``, e.g.
  Section 301) are kept apart and add up. A destination with tariff t returns 1/(1+t) of the duty-free
  netback, so a 145% tariff all but closes that market while the others stay open.

* ``import_cost``: the delivered cost of China's primary imports over LME (freight, premium, the
  discount on metal that sanctions divert to China) changes by a number of USD/t.

With the regions outside China as markets (``market.regions_enabled: 1``, :mod:`~.regional_trade`)
a tariff also acts between regions, and China's netback loss weighs each region's tariff by its
share of China's exports; without them a tariff between two non-Chinese countries is refused.
"""

from __future__ import annotations

import numpy as np

from alusim.errors import InputError
from alusim.levers.base import LeverContext


def _check_cn(index: int, country: str) -> None:
    if country.upper() != "CN":
        raise InputError(f"events.{index}.country: only China's export policy is modelled, got {country!r}",
                         fix="use country: CN")


def apply_export_tax(ctx: LeverContext, index: int, event) -> None:
    _check_cn(index, event.country)
    _set_rate(ctx, index, event, "export_tax")


def apply_export_rebate(ctx: LeverContext, index: int, event) -> None:
    _check_cn(index, event.country)
    _set_rate(ctx, index, event, "export_rebate")


def _set_rate(ctx: LeverContext, index: int, event, measure: str) -> None:
    rates = ctx.trade_rates()
    window = ctx.window(event)
    for v in ctx.variants(index):
        rates[(measure, event.product)][v, window] = event.rate
    ctx.note(index, f"{measure.replace('_', ' ')} on {event.product} = {event.rate:.0%} from month {window.start}")


def apply_import_tariff(ctx: LeverContext, index: int, event) -> None:
    from alusim.levers import regional_trade

    exporter = event.exporter.upper()
    if event.importer.upper() == "CN":
        raise InputError(f"events.{index}.importer: China's own import tariffs are not modelled",
                         fix="model a tariff on China's exports abroad (importer: US, EU …)")
    regions = regional_trade.regional(ctx)
    if exporter not in ("CN", "*") and not regions:
        raise InputError(f"events.{index}.exporter: a tariff on {event.exporter!r} metal acts between the regions "
                         "outside China", fix=regional_trade.NEEDS_REGIONS)
    if regions:
        regional_trade.apply_tariff(ctx, index, event)
        if exporter not in ("CN", "*"):
            return
    shares = ctx.export_shares()
    by_upper = {k.upper(): k for k in shares}
    importer = by_upper.get(event.importer.upper(), event.importer.upper())
    if importer not in shares:
        if regions:        # China's side then acts through the regions' shares (finalise)
            return
        known = ", ".join(sorted(shares))
        raise InputError(f"events.{index}.importer: no export share for {importer!r} in trade.cn_export_share.*",
                         fix=f"use one of {known} (or turn on the regions: {regional_trade.NEEDS_REGIONS})")
    tariffs = ctx.destination_tariffs()
    who = "CN" if exporter == "CN" else "*"
    window = ctx.window(event)
    for v in ctx.variants(index):
        tariffs[(importer, who)][v, window] = event.rate
    scope = "Chinese" if who == "CN" else "all"
    ctx.note(index, f"{importer} tariff on {scope} aluminium {event.rate:.0%} from month {window.start} "
                    f"({shares[importer]:.0%} of China's exports go there; China-specific and general tariffs add up)")


def apply_import_cost(ctx: LeverContext, index: int, event) -> None:
    """Add ``change_usd_t`` to the delivered cost of China's primary imports over LME in the event's
    months (the import parity SHFE is measured against; events add up)."""
    window = ctx.window(event)
    for v in ctx.variants(index):
        ctx.inputs.import_cost_add[v, window] += event.change_usd_t
    ctx.note(index, f"China's import cost over LME {event.change_usd_t:+,.0f} USD/t in months "
                    f"{window.start}-{window.stop - 1}")


def finalise(ctx: LeverContext) -> None:
    """Recompute the effective export tax, rebate and foreign tariff series after all events."""
    if ctx.rates is not None:
        w = ctx.dataset.param("trade.cn_primary_share_of_exports")
        ctx.inputs.export_tax[:] = w * ctx.rates[("export_tax", "primary")] + (1 - w) * ctx.rates[("export_tax", "semis")]
        ctx.inputs.export_rebate[:] = (w * ctx.rates[("export_rebate", "primary")]
                                       + (1 - w) * ctx.rates[("export_rebate", "semis")])
    if len(ctx.inputs.node_names) > 1 and ctx.node_tariff_parts is not None:
        # with regions, China's netback loss weighs each region's tariff on Chinese metal by its share of
        # China's exports (the regions' own shares, not trade.cn_export_share.*)
        from alusim.engine.node_terms import china_netback_loss

        ctx.inputs.foreign_tariff[:] = china_netback_loss(ctx.inputs.node_cn_export_share, ctx.inputs.node_cn_tariff)
    elif ctx.tariffs is not None:
        from alusim.engine.trade_terms import netback_loss

        shares = ctx.export_shares()
        ctx.inputs.foreign_tariff[:] = netback_loss(shares, {d: ctx.tariffs[(d, "*")] + ctx.tariffs[(d, "CN")]
                                                             for d in shares})
    np.clip(ctx.inputs.foreign_tariff, 0.0, 0.999, out=ctx.inputs.foreign_tariff)
