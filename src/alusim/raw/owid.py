"""Our World in Data: carbon intensity of electricity by country.

Source: OWID grapher "carbon-intensity-electricity" (OWID processing of Ember and Energy Institute
Statistical Review data), carried by GitHub ``NREL/PV_ICE``; file
``owid_grid_carbon_intensity/carbon-intensity-electricity-country.csv``.
Licence: CC BY 4.0 — "Our World in Data based on Ember and Energy Institute".
Units: ``t_co2_per_mwh`` (source gCO2/kWh ÷ 1000).
Coverage: 2000–2022, 233 entities. :func:`read_grid_co2` returns countries only (ISO3 codes; OWID's
Kosovo code ``OWID_KOS`` → ``XKX`` as in the World Bank files); regional aggregates (no code) are
dropped and ``OWID_WRL`` is returned by :func:`read_grid_co2_world`.
Grid averages only: not the captive or marginal supply a smelter uses.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.raw._io import clean_text, read_csv_checked, require_file, to_number, to_year

FOLDER = "owid_grid_carbon_intensity"
LICENCE = "CC BY 4.0 (Our World in Data based on Ember and Energy Institute)"
FILE = "carbon-intensity-electricity-country.csv"
VALUE = "Carbon intensity of electricity (gCO2/kWh)"
CODE_FIXES: dict[str, str] = {"OWID_KOS": "XKX", "OWID_WRL": "WLD"}


def _read_all(raw_dir: Path) -> pd.DataFrame:
    path = require_file(raw_dir, FOLDER, FILE)
    raw = read_csv_checked(path, ["Entity", "Code", "Year", VALUE])
    code = clean_text(raw["Code"])
    out = pd.DataFrame(
        {
            "country_iso3": code.replace(CODE_FIXES),
            "entity": clean_text(raw["Entity"]),
            "year": to_year(raw["Year"], path, "Year"),
            "t_co2_per_mwh": to_number(raw[VALUE], path, VALUE) / 1000.0,
        }
    )
    return out.dropna(subset=["t_co2_per_mwh"])


def read_grid_co2(raw_dir: Path) -> pd.DataFrame:
    """Grid CO2 intensity by country: ``country_iso3, entity, year, t_co2_per_mwh``."""
    data = _read_all(raw_dir)
    keep = data["country_iso3"].str.fullmatch(r"[A-Z]{3}") & (data["country_iso3"] != "WLD")
    return data[keep].sort_values(["country_iso3", "year"], ignore_index=True)


def read_grid_co2_world(raw_dir: Path) -> pd.DataFrame:
    """World average grid CO2 intensity: ``year, t_co2_per_mwh``."""
    data = _read_all(raw_dir)
    world = data[data["country_iso3"] == "WLD"]
    return world[["year", "t_co2_per_mwh"]].sort_values("year", ignore_index=True)
