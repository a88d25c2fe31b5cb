"""Mission Possible Partnership (MPP) Aluminium model: smelter and alumina-refinery asset stacks.

Source: GitHub ``missionpossiblepartnership/mpp-shared-code`` (commit b09472f), ``aluminium/data/``;
files ``mpp_aluminium/data/bau/def/intermediate/initial_asset_stack.csv`` (181 smelters) and
``mpp_aluminium/data/bau/def_refineries/intermediate/initial_asset_stack.csv`` (94 refineries).
Licence: GNU AGPL-3.0 (copyleft) — read for calibration; do not embed in a permissively licensed release.
Units: ``capacity_kt`` in kt/yr (aluminium for smelters, alumina for refineries; source in Mt/yr);
coordinates in decimal degrees; ``capacity_factor`` is MPP's calibration value (0 = idle).
Coverage: snapshot around 2020–2022; world smelting 77.457 Mt/yr, China 42.411 Mt/yr (84 smelters in six
Chinese sub-regions); refineries 159 Mt/yr alumina. No plant names or owners.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.errors import InputError
from alusim.raw._io import FIX_RAW, clean_text, read_csv_checked, require_file, to_number, to_year
from alusim.raw.countries import iso2_to_region, map_names

FOLDER = "mpp_aluminium"
LICENCE = "AGPL-3.0 (MPP mpp-shared-code; copyleft)"
SMELTER_FILE = "data/bau/def/intermediate/initial_asset_stack.csv"
REFINERY_FILE = "data/bau/def_refineries/intermediate/initial_asset_stack.csv"

REQUIRED = [
    "shorthand", "region", "country", "coordinates", "product", "technology",
    "annual_production_capacity", "year", "capacity_factor", "ppa_allowed",
]

#: power part of the MPP smelter technology string → alusim ``power_source``.
POWER_SOURCES: dict[str, str] = {
    "Coal": "captive_coal",
    "Grid": "grid",
    "PPA+Grid": "mixed",
    "Hydro": "hydro",
    "Natural Gas": "gas",
}

SMELTER_COLUMNS = [
    "shorthand", "mpp_region", "country_name", "country_iso2", "china_subregion", "region", "lat", "lon",
    "technology", "power_source", "capacity_kt", "start_year", "capacity_factor", "ppa_allowed",
]
REFINERY_COLUMNS = [
    "shorthand", "mpp_region", "country_name", "country_iso2", "china_subregion", "region", "lat", "lon",
    "technology", "boiler_fuel", "calciner_fuel", "capacity_kt", "start_year", "capacity_factor",
]


def _split_coordinates(values: pd.Series, path: Path) -> tuple[pd.Series, pd.Series]:
    """``"lat, lon"`` strings → two float Series; InputError if any is malformed or out of range."""
    parts = values.astype(str).str.split(",", n=1, expand=True)
    if parts.shape[1] != 2 or parts[1].isna().any():
        raise InputError("column 'coordinates' must hold 'lat, lon'", where=str(path), fix=FIX_RAW)
    lat = to_number(parts[0], path, "coordinates (lat)")
    lon = to_number(parts[1], path, "coordinates (lon)")
    if lat.isna().any() or lon.isna().any() or (lat.abs() > 90).any() or (lon.abs() > 180).any():
        raise InputError("column 'coordinates' has an empty or out-of-range value", where=str(path), fix=FIX_RAW)
    return lat, lon


def _common(path: Path, location_col: str) -> pd.DataFrame:
    """Columns shared by both stacks. China: ``location_col`` holds "China - <sub-region>"."""
    raw = read_csv_checked(path, REQUIRED)
    location = clean_text(raw[location_col])
    is_china = location.str.startswith("China")
    names = clean_text(raw["country"]).where(~is_china, "China")
    iso2 = map_names(names, path, "country")
    lat, lon = _split_coordinates(raw["coordinates"], path)
    return pd.DataFrame(
        {
            "shorthand": clean_text(raw["shorthand"]),
            "mpp_region": clean_text(raw["region"]),
            "country_name": names,
            "country_iso2": iso2,
            "china_subregion": location.where(is_china, "").str.replace("China - ", "", regex=False),
            "region": iso2.map(iso2_to_region),
            "lat": lat,
            "lon": lon,
            "technology": clean_text(raw["technology"]),
            "capacity_kt": (to_number(raw["annual_production_capacity"], path, "annual_production_capacity") * 1000).round(6),
            "start_year": to_year(raw["year"], path, "year", allow_na=True),
            "capacity_factor": to_number(raw["capacity_factor"], path, "capacity_factor"),
            "ppa_allowed": clean_text(raw["ppa_allowed"]).str.upper().eq("TRUE"),
        }
    )


def read_smelters(raw_dir: Path) -> pd.DataFrame:
    """MPP primary-aluminium smelters; columns :data:`SMELTER_COLUMNS`.

    ``power_source`` ∈ captive_coal, grid, mixed (PPA + grid), hydro, gas — from ``technology``
    ("Carbon Anode + Coal" …). ``region`` is the alusim region code of ``country_iso2``.
    """
    path = require_file(raw_dir, FOLDER, SMELTER_FILE)
    out = _common(path, "country")
    power = out["technology"].str.split("+", n=1).str[1].str.strip()
    out["power_source"] = power.map(POWER_SOURCES)
    if out["power_source"].isna().any():
        bad = sorted(set(out.loc[out["power_source"].isna(), "technology"]))
        raise InputError(f"column 'technology' has unknown power source(s) {bad}", where=str(path),
                         fix="add the power source to alusim.raw.mpp.POWER_SOURCES")
    return out[SMELTER_COLUMNS]


def read_refineries(raw_dir: Path) -> pd.DataFrame:
    """MPP alumina refineries; columns :data:`REFINERY_COLUMNS` (``capacity_kt`` = kt alumina/yr).

    ``boiler_fuel``/``calciner_fuel`` (coal, gas, oil) are split from ``technology``
    ("Coal-Boiler + Gas-Calciner"). Chinese rows have ``country`` = "Refinery" in the source and the
    sub-region in ``region``; they are mapped to CN here.
    """
    path = require_file(raw_dir, FOLDER, REFINERY_FILE)
    out = _common(path, "region")
    fuels = out["technology"].str.extract(r"^\s*(\w+)-Boiler\s*\+\s*(\w+)-Calciner\s*$")
    if fuels.isna().any().any():
        bad = sorted(set(out.loc[fuels.isna().any(axis=1), "technology"]))
        raise InputError(f"column 'technology' not of the form '<fuel>-Boiler + <fuel>-Calciner': {bad}",
                         where=str(path), fix=FIX_RAW)
    out["boiler_fuel"] = fuels[0].str.lower()
    out["calciner_fuel"] = fuels[1].str.lower()
    return out[REFINERY_COLUMNS]
