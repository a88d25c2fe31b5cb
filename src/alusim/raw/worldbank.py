"""World Bank Commodity Price Data ("Pink Sheet"): monthly and annual commodity prices.

Source: World Bank Prospects Group, CMO-Historical-Data-Monthly.xlsx (June 2026 vintage) and
CMO-Historical-Data-Annual.xlsx (May 2025 vintage), read from the CSV extracts in
``worldbank_pinksheet/`` (values unchanged; the workbooks sit beside them).
Licence: CC BY 4.0 — "World Bank Commodity Price Data (The Pink Sheet)".
Units: nominal USD per the unit in each series header (``$/mt`` → ``USD/t``, ``$/mmbtu`` →
``USD/MMBtu`` …); the real annual file is in constant 2010 USD (MUV deflator).
Coverage: monthly 1960-01 … 2026-05 (71 series); annual 1960 … 2024 (69 series).
``Aluminum ($/mt)`` is the LME high-grade primary ingot cash/settlement price, monthly average.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from alusim.errors import InputError
from alusim.raw._io import FIX_RAW, read_csv_checked, require_file, to_number

FOLDER = "worldbank_pinksheet"
LICENCE = "CC BY 4.0 (World Bank Commodity Price Data, The Pink Sheet)"
MONTHLY_FILE = "pinksheet_monthly_prices_nominal_usd.csv"
ANNUAL_NOMINAL_FILE = "pinksheet_annual_prices_nominal_usd.csv"
ANNUAL_REAL_FILE = "pinksheet_annual_prices_real_2010usd.csv"

ALUMINIUM = "Aluminum"

#: Unit text in the Pink Sheet headers → unit string used in the tidy frames.
UNITS: dict[str, str] = {
    "$/mt": "USD/t",
    "$/bbl": "USD/bbl",
    "$/mmbtu": "USD/MMBtu",
    "$/kg": "USD/kg",
    "$/dmtu": "USD/dmtu",
    "$/troy oz": "USD/troy_oz",
    "$/cubic meter": "USD/m3",
    "¢/sheet": "USc/sheet",
    "cents/sheet": "USc/sheet",
    "2010=100": "index_2010=100",
}

#: Series-name spellings that differ between the monthly and annual files.
SERIES_ALIASES: dict[str, str] = {"Coal, South Afican": "Coal, South African"}

#: Energy series for smelter cost curves: Pink Sheet series → wide column name with unit.
ENERGY_SERIES: dict[str, str] = {
    "Coal, Australian": "coal_australia_usd_t",
    "Coal, South African": "coal_south_africa_usd_t",
    "Natural gas, US": "gas_us_usd_mmbtu",
    "Natural gas, Europe": "gas_europe_usd_mmbtu",
    "Liquefied natural gas, Japan": "lng_japan_usd_mmbtu",
    "Crude oil, Brent": "oil_brent_usd_bbl",
}

_HEADER = re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^()]*)\)\s*$")


def split_header(header: str) -> tuple[str, str]:
    """``"Coal, South African ** ($/mt)"`` → ``("Coal, South African", "USD/t")``.

    Footnote stars are dropped, known spelling variants are unified, and the unit is normalised.
    A header without a ``(unit)`` suffix returns an empty unit.
    """
    match = _HEADER.match(header)
    name, unit = (match["name"], match["unit"]) if match else (header, "")
    name = name.replace("*", "").strip()
    name = SERIES_ALIASES.get(name, name)
    return name, UNITS.get(unit.strip(), unit.strip())


def _melt(frame: pd.DataFrame, key: str, path: Path) -> pd.DataFrame:
    """Wide Pink Sheet frame (key + one column per series) → long ``key, series, value, unit``."""
    parts = []
    for column in frame.columns:
        if column == key:
            continue
        series, unit = split_header(column)
        parts.append(
            pd.DataFrame(
                {key: frame[key], "series": series, "value": to_number(frame[column], path, column), "unit": unit}
            )
        )
    if not parts:
        raise InputError("no price columns found", where=str(path), fix=FIX_RAW)
    return pd.concat(parts, ignore_index=True)


def _parse_months(values: pd.Series, path: Path) -> pd.Series:
    """``"1960M01"`` → Timestamp 1960-01-01; InputError on anything else."""
    text = values.astype(str).str.strip()
    ok = text.str.fullmatch(r"\d{4}M\d{2}")
    if not ok.all():
        bad = text[~ok].iloc[0]
        raise InputError(f"column 'period' has a value {bad!r} that is not YYYYMmm", where=str(path), fix=FIX_RAW)
    return pd.to_datetime(text.str.replace("M", "-", regex=False) + "-01", format="%Y-%m-%d")


def read_monthly_prices(raw_dir: Path) -> pd.DataFrame:
    """All monthly Pink Sheet series, long: ``month`` (Timestamp, month start), ``series``, ``value``, ``unit``.

    Values are nominal; months without a quote ("…" in the sheet) are dropped.
    """
    path = require_file(raw_dir, FOLDER, MONTHLY_FILE)
    wide = read_csv_checked(path, ["period", f"{ALUMINIUM} ($/mt)"])
    wide["period"] = _parse_months(wide["period"], path)
    long = _melt(wide.rename(columns={"period": "month"}), "month", path)
    return long.dropna(subset=["value"]).sort_values(["series", "month"], ignore_index=True)


def lme_aluminium_monthly(raw_dir: Path) -> pd.DataFrame:
    """LME aluminium monthly average, nominal: ``month`` (Timestamp), ``price_usd_t``; 1960-01 onwards."""
    prices = read_monthly_prices(raw_dir)
    al = prices[prices["series"] == ALUMINIUM]
    return al[["month", "value"]].rename(columns={"value": "price_usd_t"}).reset_index(drop=True)


def energy_prices_monthly(raw_dir: Path) -> pd.DataFrame:
    """Monthly coal, gas, LNG and Brent prices, wide: ``month`` + one unit-named column per series.

    Columns: ``coal_australia_usd_t, coal_south_africa_usd_t, gas_us_usd_mmbtu, gas_europe_usd_mmbtu,
    lng_japan_usd_mmbtu, oil_brent_usd_bbl`` (NaN where the series had not started).
    """
    prices = read_monthly_prices(raw_dir)
    missing = set(ENERGY_SERIES) - set(prices["series"])
    if missing:
        path = Path(raw_dir) / FOLDER / MONTHLY_FILE
        raise InputError(f"missing energy series {sorted(missing)}", where=str(path), fix=FIX_RAW)
    subset = prices[prices["series"].isin(list(ENERGY_SERIES))]
    wide = subset.pivot(index="month", columns="series", values="value").rename(columns=ENERGY_SERIES)
    wide = wide[list(ENERGY_SERIES.values())].reset_index()
    wide.columns.name = None
    return wide


def _read_annual(raw_dir: Path, name: str, basis: str) -> pd.DataFrame:
    path = require_file(raw_dir, FOLDER, name)
    wide = read_csv_checked(path, ["year", f"{ALUMINIUM} ($/mt)"])
    years = to_number(wide["year"], path, "year")
    if years.isna().any():
        raise InputError("column 'year' has an empty value", where=str(path), fix=FIX_RAW)
    wide["year"] = years.astype("int64")
    long = _melt(wide, "year", path)
    long["basis"] = basis
    return long


def read_annual_prices(raw_dir: Path) -> pd.DataFrame:
    """Annual Pink Sheet prices, nominal and real: ``year, series, basis, value, unit``.

    ``basis`` is ``nominal`` (current USD) or ``real_2010`` (constant 2010 USD, MUV-deflated; that file
    also carries the series ``MUV Index`` with unit ``index_2010=100``). Years without a value dropped.
    """
    frames = [
        _read_annual(raw_dir, ANNUAL_NOMINAL_FILE, "nominal"),
        _read_annual(raw_dir, ANNUAL_REAL_FILE, "real_2010"),
    ]
    out = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    return out[["year", "series", "basis", "value", "unit"]].sort_values(
        ["basis", "series", "year"], ignore_index=True
    )


def lme_aluminium_annual(raw_dir: Path) -> pd.DataFrame:
    """Annual LME aluminium: ``year, price_usd_t`` (nominal) and ``price_usd2010_t`` (real, 2010 USD)."""
    annual = read_annual_prices(raw_dir)
    al = annual[annual["series"] == ALUMINIUM]
    wide = al.pivot(index="year", columns="basis", values="value")
    wide = wide.rename(columns={"nominal": "price_usd_t", "real_2010": "price_usd2010_t"}).reset_index()
    wide.columns.name = None
    return wide[["year", "price_usd_t", "price_usd2010_t"]]
