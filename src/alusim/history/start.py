"""The market as it stood at the start of a replay, and the recorded input prices that drive it.

A backtest is *conditional on the recorded exogenous inputs*: alumina, anode and thermal-coal prices
and the CNY/USD rate follow the record — the monthly record where it has the month, the annual
averages (placed at July) where it does not, linear in between, and without random noise (the
inputs are known); European wholesale power moves the power bill of the market-exposed smelters
there. Everything else — plant decisions, output, stocks, trade and the metal prices — is the
engine's. The start state uses only what was known before the first month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.engine.record_inputs import INPUT_SERIES, TARIFF_COAL_YEARS, annual_record, recorded_path
from alusim.errors import InputError

#: a series with fewer recorded anchors in the window follows the relative path of its proxy (the
#: anode traded outside China is largely Chinese: its price moves with China's)
MIN_ANCHORS = 4
PROXY = {("anode", "ROW"): ("anode", "CN")}

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

    Alumina, anode and FX start where the record has them in the first month (see
    :func:`start_assumptions`), so their multiplier is the recorded path over that level; coal
    multiplies the power tariffs, so it is the recorded path over :func:`coal_reference_cny_t`."""
    out: dict[tuple[str, str], np.ndarray] = {}
    counts = {}
    for monthly, annual, region, item, market in INPUT_SERIES:
        found = recorded_path(dataset, monthly, annual, region, start, months)
        if found is None:
            counts[(item, market)] = 0
            out[(item, market)] = np.ones(months)
            continue
        path, n_monthly, n_annual = found
        counts[(item, market)] = n_monthly + n_annual
        level = coal_reference_cny_t(dataset) if item == "coal" else path[0]
        out[(item, market)] = path / level
        if notes is not None:
            notes.append(f"{item} ({market}): {n_monthly} recorded months and {n_annual} annual averages "
                         f"(at July), linear in between")
            notes.extend(unused_annual_averages(dataset, monthly, annual, region, start, path, item, market))
    for key, proxy in PROXY.items():
        if counts.get(key, 0) < MIN_ANCHORS and counts.get(proxy, 0) >= MIN_ANCHORS:
            out[key] = out[proxy].copy()
            if notes is not None:
                notes.append(f"{key[0]} ({key[1]}): {counts.get(key, 0)} recorded points — follows the relative "
                             f"path of {proxy[0]} ({proxy[1]})")
        elif counts.get(key, 0) == 0 and notes is not None:
            notes.append(f"{key[0]} ({key[1]}): no record — held at its start level")
    return out


def unused_annual_averages(dataset: Dataset, monthly: str, annual: str, region: str, start: str,
                           path: np.ndarray, item: str, market: str) -> list[str]:
    """One line for each year of the window whose recorded annual average the path does not use (a year
    with six or more monthly readings follows them instead): the average, the path's mean over the
    year and the difference, so that an annual figure is never overridden unsaid. A full year of
    monthly readings within 2 % of the average is not reported."""
    labels = pd.period_range(start, periods=len(path), freq="M")
    cube = dataset.history
    monthly_years = pd.Series(dtype=int)
    if monthly in cube["variable"].values and region in cube["region"].values:
        stamps = cube.sel(variable=monthly, region=region).to_series().dropna().index
        monthly_years = pd.Series(pd.DatetimeIndex(stamps).year).value_counts()
    lines = []
    for year, value in annual_record(dataset, monthly, annual, region).items():
        in_window = labels.year == int(year)
        if monthly_years.get(int(year), 0) < 6 or in_window.sum() < 12:
            continue
        mean = float(path[in_window].mean())
        n = int(monthly_years[int(year)])
        if n == 12 and abs(mean / value - 1) <= 0.02:      # a full monthly record that agrees: nothing to say
            continue
        fmt = ",.0f" if abs(value) >= 100 else ".3f"
        lines.append(f"{item} ({market}) {int(year)}: {n} monthly readings stand in for the recorded annual "
                     f"average {value:{fmt}}; the path averages {mean:{fmt}} ({(mean / value - 1) * 100:+.1f} %)")
    return lines


def start_input_level(dataset: Dataset, item: str, market: str, start: str) -> float | None:
    """The recorded level of an input in the first month of a replay (None when unrecorded)."""
    for monthly, annual, region, it, mk in INPUT_SERIES:
        if (it, mk) == (item, market):
            found = recorded_path(dataset, monthly, annual, region, start, 1)
            return None if found is None else float(found[0][0])
    return None


def monthly_value(dataset: Dataset, variable: str, region: str, month: str) -> float | None:
    """The monthly record's value of ``variable`` in ``month`` (``YYYY-MM``), or None when unpublished."""
    cube = dataset.history
    try:
        value = float(cube.sel(variable=variable, region=region, month=pd.Period(month, freq="M").to_timestamp()))
    except (KeyError, ValueError):
        return None
    return value if np.isfinite(value) else None


def start_assumptions(dataset: Dataset, start: str, notes: list[str] | None = None) -> dict[str, float]:
    """Parameter and demand overrides that put the market where it stood at ``start``.

    Prices: the month before the start where the monthly record has it (LME always, SHFE where
    compiled), else the previous year's average. FX and input prices: their recorded level in the
    first month, else the previous year's averages (alumina and anode revert to them; the recorded
    path moves them). Visible stocks: China's social
    inventory at the end of the month before, where recorded; else — and always outside China, where
    the 3–4 Mt in LME sheds in 2014–15 were largely tied up in financing deals and did not weigh on the
    price as free metal does (domain-facts b3) — each market's normal stock days. Trade: China's
    exports of semis and products and its primary imports in the previous year.
    """
    year = int(start[:4]) - 1
    before = str(pd.Period(start, freq="M") - 1)

    def value(variable: str, region: str, fallback: str | None = None, trend: bool = False) -> float:
        if fallback is not None and dataset.annual_series(variable, region).empty:
            if notes is not None:
                notes.append(f"{variable} ({region}): no record — start level {fallback} kept")
            return dataset.param(fallback)
        return history_value(dataset, variable, region, year, notes, trend=trend)

    # inputs start at their recorded level in the first month (the recorded path moves them from
    # there, without noise: a conditional backtest knows them)
    def level(item: str, market: str, fallback: str) -> float:
        found = start_input_level(dataset, item, market, start)
        return found if found is not None else dataset.param(fallback)

    alumina_cn = level("alumina", "CN", "price.alumina.cn_long_run_cny_t")
    alumina_row = level("alumina", "ROW", "price.alumina.row_long_run_usd_t")
    cn_primary = value("consumption_primary_kt", "CN", trend=True)
    world_primary = value("consumption_primary_kt", "WORLD", trend=True)
    cn_secondary = value("secondary_production_kt", "CN", trend=True)
    lme = monthly_value(dataset, "price_lme_usd_t", "WORLD", before) or value("lme_price_usd_t", "WORLD")
    shfe = monthly_value(dataset, "price_shfe_cny_t", "CN", before) or shfe_start_cny_t(dataset, year, notes)
    net_primary = value("net_exports_primary_kt", "CN")
    out = {
        "price.lme.start_usd_t": lme,
        "price.shfe.start_cny_t": shfe,
        "fx.cny_per_usd": level("fx", "WORLD", "fx.cny_per_usd"),
        "price.alumina.cn_start_cny_t": alumina_cn,
        "price.alumina.cn_long_run_cny_t": alumina_cn,
        "price.alumina.row_start_usd_t": alumina_row,
        "price.alumina.row_long_run_usd_t": alumina_row,
        "price.anode.cn_start_cny_t": level("anode", "CN", "price.anode.cn_start_cny_t"),
        "price.anode.row_start_usd_t": (dataset.param("price.anode.row_start_usd_t")
                                        * level("anode", "CN", "price.anode.cn_start_cny_t")
                                        / dataset.param("price.anode.cn_start_cny_t")
                                        if start_input_level(dataset, "anode", "ROW", start) is None
                                        else level("anode", "ROW", "price.anode.row_start_usd_t")),
        "price.alumina.vol_pct_per_month": 0.0,
        "price.anode.vol_pct_per_month": 0.0,
        "price.coal.vol_pct_per_month": 0.0,
        "fx.cny_per_usd_vol_pct_per_year": 0.0,
        "inputs.follow_record": 0.0,          # the replay's input_price events carry the record
        "trade.cn_exports_start_kt_per_year": _customs(dataset, "exports_semis_kt", year,
                                                       value("net_exports_semis_kt", "CN") + max(net_primary, 0.0),
                                                       notes),
        "trade.cn_imports_start_kt_per_year": _customs(dataset, "imports_primary_kt", year, max(-net_primary, 0.0),
                                                       notes),
        # the drivers are recorded: no uncertainty about where the economy went
        "demand.driver_growth_sd_pct_per_year.cn": 0.0,
        "demand.driver_growth_sd_pct_per_year.row": 0.0,
    }
    # visible stocks at the start: recorded social inventory, else normal days of each market's
    # total-metal demand in the year before the start (demand itself comes from the drivers)
    cn_total = cn_primary + cn_secondary
    demand = dataset.demand.set_index("region")
    others = [r for r in demand.index if r != "CN"]
    weights = demand.loc[others, "consumption_kt"].astype(float)
    secondary_share = float((weights * demand.loc[others, "secondary_share"].astype(float)).sum() / weights.sum())
    row_total = (world_primary - cn_primary) / max(1.0 - secondary_share, 1e-9)
    social = monthly_value(dataset, "inventory_kt", "CN", before)
    out["inventory.start_kt.cn"] = (social if social is not None
                                    else dataset.param("market.stock_days_normal.cn") / 365.25 * cn_total)
    if social is None and notes is not None:
        notes.append(f"inventory_kt (CN) {before}: not recorded, visible stocks start at normal days")
    out["inventory.start_kt.row"] = dataset.param("market.stock_days_normal.row") / 365.25 * row_total
    return out


def _customs(dataset: Dataset, variable: str, year: int, fallback: float, notes: list[str] | None) -> float:
    """China Customs' annual total of ``variable`` in ``year``; else ``fallback`` (WBMS net trade), said in notes."""
    from alusim.demand.record import recorded

    series = recorded(dataset, variable, "CN")
    if year in series.index:
        return float(series.loc[year])
    if notes is not None:
        notes.append(f"{variable} (CN) {year}: no customs total, started from WBMS net trade: {fallback:,.0f}")
    return fallback


def shfe_start_cny_t(dataset: Dataset, year: int, notes: list[str] | None = None) -> float:
    """SHFE average of ``year``; unrecorded, the LME average at import parity (× FX × (1 + VAT))."""
    if year in dataset.annual_series("shfe_price_cny_t", "CN").index:
        return history_value(dataset, "shfe_price_cny_t", "CN", year)
    lme = history_value(dataset, "lme_price_usd_t", "WORLD", year, notes)
    fx = history_value(dataset, "fx_cny_per_usd", "CN", year, notes)
    from alusim.engine.trade_terms import vat_path

    value = lme * fx * (1.0 + float(vat_path(dataset, f"{year}-07", 1)[0]))
    if notes is not None:
        notes.append(f"shfe_price_cny_t (CN) {year}: not recorded, LME at import parity: {value:,.0f}")
    return value
