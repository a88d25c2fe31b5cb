"""The market as it stood at the start of a replay, and the recorded input prices that drive it.

A backtest is *conditional on the recorded exogenous inputs*: alumina, anode and thermal-coal prices,
the CNY/USD rate and China's recycled output follow their published annual averages
(``history_annual.csv``); everything else — plant decisions, output, stocks, trade and the metal
prices — is the engine's. The start state uses only what was known before the first month: the
previous year's prices, consumption, recycling and trade.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.errors import InputError

#: recorded inputs that drive a replay: (history variable, region, input_price input, market region)
INPUT_SERIES = (
    ("alumina_price_cny_t", "CN", "alumina", "CN"),
    ("alumina_price_usd_t", "WORLD", "alumina", "ROW"),
    ("anode_price_cny_t", "CN", "anode", "CN"),
    ("anode_price_usd_t", "WORLD", "anode", "ROW"),
    ("coal_price_cny_t", "CN", "coal", "WORLD"),
    ("fx_cny_per_usd", "CN", "fx", "WORLD"),
)

#: the years whose power tariffs ``power_tariffs.csv`` mostly records (2021–2023): coal at their
#: average is the level at which the tariffs hold (coal index 1)
TARIFF_COAL_YEARS = (2021, 2022, 2023)


def history_value(dataset: Dataset, variable: str, region: str, year: int, notes: list[str] | None = None, *,
                  trend: bool = False) -> float:
    """One recorded annual value. A year missing from the record is interpolated between the nearest
    recorded years — outside them the nearest is held, or with ``trend`` the growth rate of the first
    (last) two recorded years is extended — and said in ``notes``; a series with no value at all is
    an input error naming the row to add."""
    series = dataset.annual_series(variable, region)
    if year in series.index:
        return float(series.loc[year])
    if series.empty:
        raise InputError(f"no {variable} for {region} in any year", where="history_annual.csv",
                         fix=f"add a row year={year}, variable={variable}, region={region} with its source")
    years, values = series.index.to_numpy(float), series.to_numpy(float)
    outside = year < years.min() or year > years.max()
    if outside and trend and len(series) >= 2 and np.all(values > 0):
        end = slice(0, 2) if year < years.min() else slice(-2, None)
        rate = np.log(values[end][1] / values[end][0]) / (years[end][1] - years[end][0])
        anchor = 0 if year < years.min() else -1
        value = float(values[anchor] * np.exp(rate * (year - years[anchor])))
        how = f"extended at the {years[end][0]:.0f}–{years[end][1]:.0f} growth rate"
    else:
        value = float(np.interp(year, years, values))
        how = "interpolated" if not outside else f"held from {years.min() if year < years.min() else years.max():.0f}"
    if notes is not None:
        notes.append(f"{variable} ({region}) {year}: not recorded, {how}: {value:,.0f}")
    return value


def annual_path(dataset: Dataset, variable: str, region: str, start: str, months: int,
                notes: list[str] | None = None) -> np.ndarray:
    """(months,) monthly values of a recorded annual series: each year's average placed at its July,
    linear in between (across unrecorded years too), the previous year's average in the first month,
    held flat past the last recorded year."""
    series = dataset.annual_series(variable, region)
    first = pd.Period(start, freq="M")
    prior = history_value(dataset, variable, region, first.year - 1, notes)
    labels = pd.period_range(first, periods=months, freq="M")
    t = (labels.year - first.year) * 12 + labels.month - first.month
    xs = [-(first.month - 1) - 6.0]            # the previous year's July
    ys = [prior]
    for year, value in series.items():
        if year >= first.year:
            xs.append((year - first.year) * 12 + 7 - first.month)
            ys.append(float(value))
    return np.interp(t.to_numpy(float), xs, ys)


def coal_reference_cny_t(dataset: Dataset) -> float:
    """Coal price (CNY/t, Qinhuangdao 5,500 kcal) at which the embedded power tariffs hold."""
    return float(np.mean([history_value(dataset, "coal_price_cny_t", "CN", y) for y in TARIFF_COAL_YEARS]))


def input_paths(dataset: Dataset, start: str, months: int,
                notes: list[str] | None = None) -> dict[tuple[str, str], np.ndarray]:
    """Recorded inputs as multipliers on the replay's start levels, keyed by (input, market region).

    Alumina, anode and FX start at the previous year's average (see :func:`start_assumptions`), so
    their multiplier is the recorded path over that level; coal multiplies the power tariffs, so it is
    the recorded path over :func:`coal_reference_cny_t`."""
    out = {}
    for variable, region, item, market in INPUT_SERIES:
        if dataset.annual_series(variable, region).empty:
            if notes is not None:
                notes.append(f"{variable} ({region}): no record — {item} held at its start level")
            out[(item, market)] = np.ones(months)
            continue
        path = annual_path(dataset, variable, region, start, months, notes)
        level = coal_reference_cny_t(dataset) if item == "coal" else path[0]
        out[(item, market)] = path / level
    return out


def start_assumptions(dataset: Dataset, start: str, notes: list[str] | None = None) -> dict[str, float]:
    """Parameter and demand overrides that put the market where it stood at ``start``.

    Prices, FX and input prices: the previous year's averages (alumina and anode revert to them; the
    recorded path moves them). Stocks: each market's normal stock days — the 3–4 Mt in LME sheds in
    2014–15 were largely tied up in financing deals and did not weigh on the price the way free metal
    does (domain-facts b3). Demand: the previous year's primary consumption and recycled output by
    market; rest-of-world regions keep today's shares of the rest of the world. Trade: China's net
    exports of primary metal and semis in the previous year.
    """
    year = int(start[:4]) - 1

    def value(variable: str, region: str, fallback: str | None = None, trend: bool = False) -> float:
        if fallback is not None and dataset.annual_series(variable, region).empty:
            if notes is not None:
                notes.append(f"{variable} ({region}): no record — start level {fallback} kept")
            return dataset.param(fallback)
        return history_value(dataset, variable, region, year, notes, trend=trend)

    # alumina reverts to the previous year's level; the recorded path moves it from there
    alumina_cn = value("alumina_price_cny_t", "CN", "price.alumina.cn_long_run_cny_t")
    alumina_row = value("alumina_price_usd_t", "WORLD", "price.alumina.row_long_run_usd_t")
    cn_primary = value("consumption_primary_kt", "CN", trend=True)
    world_primary = value("consumption_primary_kt", "WORLD", trend=True)
    cn_secondary = value("secondary_production_kt", "CN", trend=True)
    out = {
        "price.lme.start_usd_t": value("lme_price_usd_t", "WORLD"),
        "price.shfe.start_cny_t": shfe_start_cny_t(dataset, year, notes),
        "fx.cny_per_usd": value("fx_cny_per_usd", "CN"),
        "price.alumina.cn_start_cny_t": alumina_cn,
        "price.alumina.cn_long_run_cny_t": alumina_cn,
        "price.alumina.row_start_usd_t": alumina_row,
        "price.alumina.row_long_run_usd_t": alumina_row,
        "price.anode.cn_start_cny_t": value("anode_price_cny_t", "CN", "price.anode.cn_start_cny_t"),
        "price.anode.row_start_usd_t": value("anode_price_usd_t", "WORLD", "price.anode.row_start_usd_t"),
        "trade.cn_net_exports_kt_per_year": value("net_exports_semis_kt", "CN") + value("net_exports_primary_kt", "CN"),
        "market.close_initial_balance": 1.0,
        # the drivers are recorded: no uncertainty about where the economy went
        "demand.driver_growth_sd_pct_per_year.cn": 0.0,
        "demand.driver_growth_sd_pct_per_year.row": 0.0,
    }
    # stocks at normal days of each market's total metal demand in the year before the start
    # (demand itself comes from the drivers: alusim.demand)
    cn_total = cn_primary + cn_secondary
    demand = dataset.demand.set_index("region")
    others = [r for r in demand.index if r != "CN"]
    weights = demand.loc[others, "consumption_kt"].astype(float)
    secondary_share = float((weights * demand.loc[others, "secondary_share"].astype(float)).sum() / weights.sum())
    row_total = (world_primary - cn_primary) / max(1.0 - secondary_share, 1e-9)
    out["inventory.start_kt.cn"] = dataset.param("market.stock_days_normal.cn") / 365.25 * cn_total
    out["inventory.start_kt.row"] = dataset.param("market.stock_days_normal.row") / 365.25 * row_total
    return out


def shfe_start_cny_t(dataset: Dataset, year: int, notes: list[str] | None = None) -> float:
    """SHFE average of ``year``; unrecorded, the LME average at import parity (× FX × (1 + VAT))."""
    if year in dataset.annual_series("shfe_price_cny_t", "CN").index:
        return history_value(dataset, "shfe_price_cny_t", "CN", year)
    lme = history_value(dataset, "lme_price_usd_t", "WORLD", year, notes)
    fx = history_value(dataset, "fx_cny_per_usd", "CN", year, notes)
    value = lme * fx * (1.0 + dataset.param("cost.vat_cn"))
    if notes is not None:
        notes.append(f"shfe_price_cny_t (CN) {year}: not recorded, LME at import parity: {value:,.0f}")
    return value
