"""The recorded market, month by month: one long table, checked, and the same as an xarray cube.

``history_monthly.csv`` (our compilation, one public source per row) holds every recorded series in
long form — ``variable, region, period, value, unit, basis, source, confidence, note`` — at the
frequency its publisher uses: monthly (``YYYY-MM``), quarterly (``YYYYQn``) or annual (``YYYY``).
Nothing is interpolated. Two explicit, labelled derivations are made when the cube is built:

* NBS publishes China's output for January and February together (``basis = jan_feb_total``); the
  cube splits that total by days (31 : 28/29) and labels both months ``jan_feb_total_split_by_days``;
* ``ROW`` output is ``WORLD − CN`` in months where both are recorded (``derived_world_minus_cn``).

A month the publisher did not report carries an explicit row with ``basis = missing`` (empty value and
a note saying why); a monthly series with a month neither reported nor marked missing is an error.
Variable names are those of a run's ``summary.csv`` so that simulated and recorded series line up
without a mapping.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from alusim.errors import InputError

#: variable → (unit, what it is); the units are the only ones accepted for each variable
VARIABLES: dict[str, tuple[str, str]] = {
    "price_shfe_cny_t": ("CNY/t", "SHFE aluminium (or SMM A00 spot), tax-inclusive"),
    "price_lme_usd_t": ("USD/t", "LME aluminium cash"),
    "price_alumina_cny_t": ("CNY/t", "China domestic alumina spot"),
    "price_alumina_usd_t": ("USD/t", "alumina FOB Australia"),
    "price_coal_cny_t": ("CNY/t", "Qinhuangdao 5,500 kcal thermal coal"),
    "price_anode_cny_t": ("CNY/t", "prebaked anode, China (tender or market price), tax-inclusive"),
    "price_anode_usd_t": ("USD/t", "prebaked anode outside China (FOB China export or a smelter's quote)"),
    "price_power_eu_usd_mwh": ("USD/MWh", "European wholesale power, day-ahead baseload (Germany: WCE; Nordic: NO)"),
    "fx_cny_per_usd": ("CNY/USD", "yuan per US dollar"),
    "premium_midwest_usd_t": ("USD/t", "US Midwest duty-paid premium"),
    "premium_rotterdam_dp_usd_t": ("USD/t", "Rotterdam duty-paid premium"),
    "premium_rotterdam_dup_usd_t": ("USD/t", "Rotterdam duty-unpaid premium"),
    "premium_mjp_usd_t": ("USD/t", "Main Japanese Ports premium"),
    "production_kt": ("kt", "primary aluminium output"),
    "capacity_operating_kt": ("kt/yr", "operating smelting capacity, annualised"),
    "capacity_built_kt": ("kt/yr", "built smelting capacity, annualised"),
    "inventory_kt": ("kt", "social inventory of primary ingot"),
    "inventory_shfe_kt": ("kt", "SHFE aluminium stocks"),
    "inventory_lme_kt": ("kt", "LME aluminium stocks"),
    "imports_primary_kt": ("kt", "imports of unwrought primary aluminium"),
    "exports_primary_kt": ("kt", "exports of unwrought primary aluminium"),
    "exports_semis_kt": ("kt", "exports of unwrought aluminium and aluminium products (customs)"),
    "imports_scrap_kt": ("kt", "imports of aluminium scrap"),
    "net_exports_kt": ("kt", "net exports of primary metal and semis"),
    "secondary_production_kt": ("kt", "recycled aluminium output"),
    "production_alumina_kt": ("kt", "alumina output"),
    "consumption_kt": ("kt", "apparent consumption"),
}

MONTHLY_BASES = ("month_average", "month_end", "month_total", "jan_feb_total", "missing", "point")
QUARTERLY_BASES = ("quarter_total", "quarter_average")
ANNUAL_BASES = ("annual_average", "annual_total", "year_end")
BASES = (*MONTHLY_BASES, *QUARTERLY_BASES, *ANNUAL_BASES)
#: labels of the two derivations made when the cube is built
SPLIT_BASIS = "jan_feb_total_split_by_days"
DERIVED_ROW_BASIS = "derived_world_minus_cn"

#: a price month counts as the month's average only with basis ``month_average``: a single-day quote
#: (``point``) or a month-end close (``month_end``) fills the cube (coverage, a replay's start value) but
#: is neither scored against a simulated month average nor averaged into a year
PRICE_PREFIXES = ("price_", "premium_", "fx_")


def is_price(variable: str) -> bool:
    """True for a price or exchange-rate series (averaged and scored on month averages only)."""
    return variable.startswith(PRICE_PREFIXES)


_PERIOD_PATTERNS = {"M": r"^\d{4}-(0[1-9]|1[0-2])$", "Q": r"^\d{4}Q[1-4]$", "A": r"^\d{4}$"}


def frequency(basis: str) -> str:
    """``M``, ``Q`` or ``A`` for a basis."""
    if basis in MONTHLY_BASES:
        return "M"
    return "Q" if basis in QUARTERLY_BASES else "A"


def check_history(table: pd.DataFrame, where: str = "history_monthly.csv") -> None:
    """Refuse, with one line, a history table with an unknown variable, a wrong unit, a period that
    does not match its basis, a duplicate, a value missing without ``basis = missing``, or a gap in a
    monthly series (a month between its first and last neither reported nor marked missing)."""
    for i, row in enumerate(table.itertuples(index=False)):
        line = f"line {i + 2}"
        if row.variable not in VARIABLES:
            raise InputError(f"{line} column variable: unknown variable {row.variable!r}", where=where,
                             fix=f"use one of {', '.join(VARIABLES)}")
        unit = VARIABLES[row.variable][0]
        if row.unit != unit:
            raise InputError(f"{line} column unit: {row.variable} is in {unit}, not {row.unit!r}", where=where,
                             fix=f"convert the value to {unit} and write unit {unit}")
        freq = frequency(row.basis)
        if not pd.Series([str(row.period)]).str.match(_PERIOD_PATTERNS[freq]).iloc[0]:
            raise InputError(f"{line} column period: {row.period!r} does not fit basis {row.basis}", where=where,
                             fix={"M": "write YYYY-MM", "Q": "write YYYYQn", "A": "write YYYY"}[freq])
        if row.basis == "jan_feb_total" and not str(row.period).endswith("-02"):
            raise InputError(f"{line} column period: a jan_feb_total is dated February, not {row.period}",
                             where=where, fix="write the period as YYYY-02")
        missing = row.value is None or (isinstance(row.value, float) and np.isnan(row.value))
        if missing != (row.basis == "missing"):
            raise InputError(f"{line} column value: " + ("empty" if missing else f"{row.value} given")
                             + f" with basis {row.basis}", where=where,
                             fix="give a value, or leave it empty with basis missing and say why in note")
        if not missing and not np.isfinite(float(row.value)):
            raise InputError(f"{line} column value: {row.value} is not a finite number", where=where,
                             fix="write the published figure")
    key = ["variable", "region", "period"]
    dup = table.duplicated(key, keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        r = table.iloc[i]
        raise InputError(f"line {i + 2}: {r.variable} {r.region} {r.period} appears twice", where=where,
                         fix="keep one row per variable, region and period (say in note what the other source said)")
    monthly = table[table["basis"].map(frequency) == "M"]
    for (variable, region), rows in monthly.groupby(["variable", "region"], sort=False):
        months = pd.PeriodIndex(rows["period"].astype(str), freq="M")
        covered = set(months)
        covered |= {p - 1 for p, b in zip(months, rows["basis"], strict=True) if b == "jan_feb_total"}
        span = pd.period_range(months.min(), months.max(), freq="M")
        gaps = [p for p in span if p not in covered]
        if gaps:
            raise InputError(f"{variable} ({region}) has no row for {gaps[0]}"
                             + (f" (+{len(gaps) - 1} more months)" if len(gaps) > 1 else ""), where=where,
                             fix="add the month's figure, or a row with basis missing and an empty value saying why")


def monthly_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The table's monthly values, one row per variable, region and month, with the two labelled
    derivations (January–February split by days; ROW output = WORLD − CN)."""
    rows = table[table["basis"].isin([b for b in MONTHLY_BASES if b != "missing"])].copy()
    rows["month"] = pd.PeriodIndex(rows["period"].astype(str), freq="M")
    split = rows["basis"] == "jan_feb_total"
    if split.any():
        feb = rows[split].copy()
        days_feb = feb["month"].dt.days_in_month.to_numpy(float)
        jan = feb.copy()
        jan["month"] = feb["month"] - 1
        jan["value"] = feb["value"].to_numpy(float) * 31.0 / (31.0 + days_feb)
        feb["value"] = feb["value"].to_numpy(float) * days_feb / (31.0 + days_feb)
        for part in (jan, feb):
            part["basis"] = SPLIT_BASIS
            part["note"] = "January–February total published together, split by days"
        rows = pd.concat([rows[~split], jan, feb], ignore_index=True)
    world = rows[(rows["variable"] == "production_kt") & (rows["region"] == "WORLD")].set_index("month")
    china = rows[(rows["variable"] == "production_kt") & (rows["region"] == "CN")].set_index("month")
    both = world.index.intersection(china.index)
    if len(both) and not ((rows["variable"] == "production_kt") & (rows["region"] == "ROW")).any():
        derived = world.loc[both].copy()
        derived["region"] = "ROW"
        derived["value"] = world.loc[both, "value"].to_numpy(float) - china.loc[both, "value"].to_numpy(float)
        derived["basis"] = DERIVED_ROW_BASIS
        derived["source"] = "derived: WORLD − CN of the rows above"
        derived["note"] = "world output minus China's in the same month"
        rows = pd.concat([rows, derived.reset_index()], ignore_index=True)
    rows["period"] = rows["month"].astype(str)
    return rows.sort_values(["variable", "region", "month"], kind="stable").reset_index(drop=True)


def history_cube(table: pd.DataFrame) -> xr.DataArray:
    """``(variable, region, month)`` array of the monthly record (NaN where not recorded); ``month``
    holds month-start timestamps. Attributes carry each variable's unit."""
    rows = monthly_rows(table)
    if rows.empty:
        return xr.DataArray(np.zeros((0, 0, 0)), dims=("variable", "region", "month"), name="history")
    series = rows.set_index(["variable", "region", "month"])["value"].astype(float)
    cube = series.to_xarray()
    cube = cube.assign_coords(month=cube["month"].to_index().to_timestamp())
    cube.name = "history"
    cube.attrs["units"] = {v: VARIABLES[v][0] for v in cube["variable"].values}
    cube.attrs["description"] = "recorded market, monthly (alusim history_monthly.csv)"
    return cube


def long_form(table: pd.DataFrame, variable: str | None = None, region: str | None = None,
              monthly_only: bool = False) -> pd.DataFrame:
    """``variable, region, period, value, unit, basis, source`` — the CLI's view: every row as
    published plus the two labelled derivations (``monthly_only`` keeps monthly rows only)."""
    derived = monthly_rows(table)
    derived = derived[derived["basis"].isin([SPLIT_BASIS, DERIVED_ROW_BASIS])]
    rows = table[table["basis"] != "jan_feb_total"] if not monthly_only else table[
        table["basis"].isin([b for b in MONTHLY_BASES if b not in ("jan_feb_total", "missing")])]
    out = pd.concat([rows, derived.drop(columns=["month"])], ignore_index=True)
    if variable:
        out = out[out["variable"] == variable]
    if region:
        out = out[out["region"] == region]
    columns = ["variable", "region", "period", "value", "unit", "basis", "source"]
    return out[columns].sort_values(["variable", "region", "period"], kind="stable").reset_index(drop=True)


def annual_values(table: pd.DataFrame, variable: str, region: str) -> pd.Series:
    """Annual figure by year: the published annual row where there is one, else the sum (flows) or
    mean (prices, stocks) of a year whose twelve months are all recorded — for a price, all twelve as
    month averages (a year with a single-day quote or a month-end close in it has no annual mean)."""
    rows = table[(table["variable"] == variable) & (table["region"] == region)]
    out = {int(r.period): float(r.value) for r in rows.itertuples() if frequency(r.basis) == "A"}
    monthly = monthly_rows(rows)
    if len(monthly):
        flow = monthly["basis"].isin(("month_total", SPLIT_BASIS, DERIVED_ROW_BASIS)).all()
        by_year = monthly.groupby(monthly["month"].dt.year)["value"]
        full = by_year.count() == 12
        if is_price(variable):
            averages = (monthly["basis"] == "month_average").groupby(monthly["month"].dt.year).sum()
            full &= averages.reindex(full.index, fill_value=0) == 12
        agg = (by_year.sum() if flow else by_year.mean())[full]
        for year, value in agg.items():
            out.setdefault(int(year), float(value))
    return pd.Series(out, dtype=float).sort_index()
