"""The EU's Carbon Border Adjustment Mechanism (CBAM) as a border charge between regions (issue 11).

From 2026 an importer of aluminium into the EU surrenders certificates, at the EU ETS price, for the
metal's embedded emissions above the share of the benchmark that EU producers still receive as free
allocation: charge per tonne = price × (embedded − benchmark × CBAM factor), the factor falling from
97.5 % in 2026 to 0 in 2034 (:data:`CBAM_FACTOR`). For aluminium CBAM counts direct emissions only
(scope 1: anode CO2 and PFCs), so the default scope is ``1``; ``1+2`` adds the power's emissions (a
scenario of a wider CBAM). Each origin's embedded CO2 is its plants' average at the start, weighted by
their running capacity, unless the event gives it (``embedded_t_co2_per_t``: a CBAM default value,
e.g. 3.0 t/t for Chinese metal without verified data).

The charge sits in the ``border`` term of the regional model (:class:`~alusim.engine.layout.Nodes`,
USD/t per origin × destination and month): it raises the landed cost of the importer's imports, so
its parity and premium rise by the weighted charge, and it narrows the arbitrage of high-CO2 origins
more than of low-CO2 ones, so the corridors lean toward the cleaner metal. China's exports to the
importer carry the charge as an ad-valorem equivalent on the LME of the start (the China-specific
tariff of that region, as a tariff on Chinese metal does).
"""

from __future__ import annotations

import numpy as np

from alusim.errors import InputError
from alusim.levers.base import LeverContext
from alusim.levers.regional_trade import NEEDS_REGIONS, china_tariff_parts, node_index, regional
from alusim.scenario.quantities import parse_price

#: share of the benchmark still covered by free allocation (the "CBAM factor"), by year: Directive
#: (EU) 2023/959 amending the EU ETS Directive, Article 10a(1a) -
#: https://eur-lex.europa.eu/eli/dir/2023/959/oj ; the 2026 factor (97.5 %) and the formula
#: embedded − benchmark × factor as in cbamreports.com, "How Will Your CBAM Payments Evolve Over
#: Time?" - https://cbamreports.com/cbampayments ; full coverage by 2034 (certificates for 2.5 % of
#: the benchmark in 2026 rising to 100 %) as in "CBAM: EU Carbon Border Tax Impact for Importers" -
#: https://custom-tariffs-seo.pages.dev/en/guides/cbam-eu-carbon-border-tax
CBAM_FACTOR = {2026: 0.975, 2027: 0.95, 2028: 0.90, 2029: 0.775, 2030: 0.515, 2031: 0.39, 2032: 0.265,
               2033: 0.14, 2034: 0.0}
RUNNING = (2, 3)          # plant states that produce (operating, curtailed): kernel.OPERATING, CURTAILED


def factor_by_month(years: np.ndarray, schedule: dict[int, float]) -> np.ndarray:
    """(M,) free-allocation share of each month's year: the schedule's value for the latest year at or
    before it (its first year's before the schedule starts)."""
    keys = sorted(schedule)

    def share(year: int) -> float:
        before = [k for k in keys if k <= year]
        return float(schedule[before[-1] if before else keys[0]])

    return np.array([share(int(y)) for y in years], dtype=float)


def embedded_by_origin(ctx: LeverContext, scope: str) -> tuple[np.ndarray, float]:
    """(R,) t CO2 per t of each region's metal and China's: its plants' average at the start, weighted
    by running capacity (direct emissions; with the power's for scope ``1+2``)."""
    inputs = ctx.inputs
    per_t = inputs.direct_co2.astype(float).copy()
    if scope == "1+2":
        per_t = per_t + inputs.assets["power_kwh_t"].to_numpy(float) / 1000.0 * inputs.power_co2_t_mwh
    weight = inputs.capacity_kt * inputs.init_share * np.isin(inputs.init_state, RUNNING)
    n = len(inputs.node_names)
    row = inputs.market == 1
    total = np.bincount(inputs.asset_node[row], weights=(weight * per_t)[row], minlength=n)
    mass = np.bincount(inputs.asset_node[row], weights=weight[row], minlength=n)
    regions = np.divide(total, mass, out=np.zeros(n), where=mass > 0)
    china = ~row
    cn = float((weight * per_t)[china].sum() / max(weight[china].sum(), 1e-12))
    return regions, cn


def price_by_month(ctx: LeverContext, event) -> np.ndarray:
    """(M,) EUR/t CO2 (or the currency given, converted to USD below) in each month of the run."""
    fx = ctx.dataset.param("fx.usd_per_eur")
    cny = ctx.dataset.param("fx.cny_per_usd")

    def usd(text: str) -> float:
        value, currency = parse_price(text, "t_CO2")
        return value if currency == "USD" else value / cny if currency == "CNY" else value * fx

    months = ctx.inputs.months
    if event.price is not None:
        return np.full(months, usd(event.price))
    from alusim.scenario.model import month_index

    out = np.zeros(months)
    for month, text in sorted(event.path.items()):
        out[max(month_index(month, ctx.scenario.start), 0):] = usd(text)
    return out


def apply(ctx: LeverContext, index: int, event) -> None:
    """Border charges (USD/t) on every origin's metal into ``importer`` in the event's months."""
    if not regional(ctx):
        raise InputError(f"events.{index}: a carbon border charge acts between regions", fix=NEEDS_REGIONS)
    d = node_index(ctx, index, "importer", event.importer)
    names = ctx.inputs.node_names
    regions, cn = embedded_by_origin(ctx, event.scope)
    for code, value in (event.embedded_t_co2_per_t or {}).items():
        if code.upper() == "CN":
            cn = value
        else:
            regions[node_index(ctx, index, "embedded_t_co2_per_t", code)] = value
    benchmark = (event.benchmark_t_co2_per_t if event.benchmark_t_co2_per_t is not None
                 else ctx.dataset.param("carbon.cbam_benchmark_primary_t_co2_per_t"))
    from alusim.engine.inputs import month_labels

    years = month_labels(ctx.scenario.start, ctx.inputs.months).year.to_numpy()
    factor = factor_by_month(years, event.free_allocation or CBAM_FACTOR)
    price = price_by_month(ctx, event)
    window = ctx.window(event)
    due = np.zeros(ctx.inputs.months, dtype=bool)
    due[window] = True
    lme0 = float(ctx.inputs.start_state[1]) or 1.0                            # kernel.S_PRICE_ROW
    _, specific = china_tariff_parts(ctx)
    charges = {}
    for o in range(len(names)):
        if o == d:
            continue
        charge = np.where(due, price * np.maximum(regions[o] - benchmark * factor, 0.0), 0.0)
        charges[names[o]] = float(charge[window].mean()) if window.stop > window.start else 0.0
        for v in ctx.variants(index):
            ctx.inputs.node_border[v, :, o, d] += charge
    cn_charge = np.where(due, price * np.maximum(cn - benchmark * factor, 0.0), 0.0)
    general, _ = china_tariff_parts(ctx)
    for v in ctx.variants(index):
        specific[v, :, d] += cn_charge / lme0
        ctx.inputs.node_cn_tariff[v] = general[v] + specific[v]
    shown = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(charges.items(), key=lambda kv: -kv[1])[:4])
    ctx.note(index, f"carbon border charge into {names[d]} from month {window.start}: mean USD/t over the window "
                    f"{shown} …; China {float(cn_charge[window].mean()) if window.stop > window.start else 0:,.0f}"
                    f" (benchmark {benchmark:g} t/t, scope {event.scope})")
