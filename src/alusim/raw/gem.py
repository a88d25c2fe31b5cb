"""Global Energy Monitor, Global Coal Plant Tracker (July 2023): coal units captive to aluminium.

Source: GEM GCPT July 2023, sheet ``Units`` rows whose ``Captive`` column contains "aluminum", via
GitHub ``pik-piam/PyPSA-China-PIK``; file ``gem_gcpt_captive_aluminium/gcpt_2023-07_units_captive_aluminum.csv``.
Licence: CC BY 4.0 — "Global Coal Plant Tracker, Global Energy Monitor, July 2023 release."
Units: ``capacity_mw`` in MWe; coordinates in decimal degrees (WGS84); heat rate Btu/kWh; emission
factor kg CO2/TJ; annual CO2 Mt/yr.
Coverage: 557 units (125 plants) in 11 countries, all statuses (operating, construction, retired,
cancelled …); units ≥ 30 MW. These are power units, not smelters (no aluminium tonnage).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.raw._io import clean_text, read_csv_checked, require_file, to_number, to_year
from alusim.raw.countries import map_names

FOLDER = "gem_gcpt_captive_aluminium"
LICENCE = "CC BY 4.0 (Global Coal Plant Tracker, Global Energy Monitor, July 2023 release)"
UNITS_FILE = "gcpt_2023-07_units_captive_aluminum.csv"

#: source column → tidy column, text columns
TEXT_COLUMNS: dict[str, str] = {
    "GEM unit/phase ID": "unit_id",
    "GEM location ID": "location_id",
    "Plant name": "plant",
    "Unit name": "unit",
    "Owner": "owner",
    "Parent": "parent",
    "Subnational unit (province, state)": "province",
    "Status": "status",
    "Combustion technology": "combustion_technology",
    "Location accuracy": "location_accuracy",
    "Captive": "captive",
    "Captive industry use": "captive_use",
}

#: source column → tidy column, numeric columns
NUMBER_COLUMNS: dict[str, str] = {
    "Capacity (MW)": "capacity_mw",
    "Latitude": "lat",
    "Longitude": "lon",
    "Heat rate (Btu per kWh)": "heat_rate_btu_kwh",
    "Emission factor (kg of CO2 per TJ)": "emission_factor_kg_co2_tj",
    "Capacity factor": "capacity_factor",
    "Annual CO2 (million tonnes / annum)": "annual_co2_mt",
}

YEAR_COLUMNS: dict[str, str] = {"Start year": "start_year", "Retired year": "retired_year"}

COLUMNS = [
    "unit_id", "location_id", "plant", "unit", "owner", "parent", "country_iso2", "province",
    "capacity_mw", "status", "start_year", "retired_year", "lat", "lon", "location_accuracy",
    "captive", "captive_use", "combustion_technology", "heat_rate_btu_kwh", "emission_factor_kg_co2_tj",
    "capacity_factor", "annual_co2_mt",
]


def read_captive_coal_units(raw_dir: Path) -> pd.DataFrame:
    """One row per GCPT coal unit captive to aluminium/alumina; columns :data:`COLUMNS`.

    ``captive`` keeps GEM's flag text ("aluminum", "aluminum, iron & steel" …); ``captive_use`` is
    ``CHP``, ``power`` or empty; ``start_year``/``retired_year`` are nullable integers.
    """
    path = require_file(raw_dir, FOLDER, UNITS_FILE)
    raw = read_csv_checked(path, ["Country", *TEXT_COLUMNS, *NUMBER_COLUMNS, *YEAR_COLUMNS])
    out = pd.DataFrame({new: clean_text(raw[old]) for old, new in TEXT_COLUMNS.items()})
    for old, new in NUMBER_COLUMNS.items():
        out[new] = to_number(raw[old], path, old)
    for old, new in YEAR_COLUMNS.items():
        out[new] = to_year(raw[old], path, old, allow_na=True)
    out["country_iso2"] = map_names(clean_text(raw["Country"]), path, "Country")
    return out[COLUMNS]


def summarise_captive_coal(units: pd.DataFrame, status: str | None = "operating") -> pd.DataFrame:
    """Captive coal capacity by ``country_iso2, province, owner, parent``: ``n_units, capacity_mw``.

    Pure function of :func:`read_captive_coal_units` output; ``status=None`` keeps every status.
    Sorted by capacity, largest first.
    """
    subset = units if status is None else units[units["status"] == status]
    grouped = subset.groupby(["country_iso2", "province", "owner", "parent"], as_index=False, dropna=False)
    summary = grouped.agg(n_units=("unit_id", "size"), capacity_mw=("capacity_mw", "sum"))
    return summary.sort_values("capacity_mw", ascending=False, ignore_index=True)


def read_captive_coal_summary(raw_dir: Path) -> pd.DataFrame:
    """:func:`summarise_captive_coal` of the operating units."""
    return summarise_captive_coal(read_captive_coal_units(raw_dir))
