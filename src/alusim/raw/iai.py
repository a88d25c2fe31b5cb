"""International Aluminium Institute (IAI) statistics as carried in NREL PV_ICE.

Source: IAI "Primary Aluminium Production", "Alumina Production", "Primary Aluminium Smelting Energy
Intensity" and "Metallurgical Alumina Refining Energy Intensity" (annual, by IAI region), via GitHub
``NREL/PV_ICE``; files in ``iai_stats_pv_ice/``.
Licence: repository BSD-3-Clause; the numbers are IAI's, published free without an open licence —
keep the attribution "International Aluminium Institute" and check IAI's terms before a release.
Units: production in kt/yr; smelting energy in kWh per t Al (AC total and DC process); refining
energy in MJ per t alumina.
Coverage: production 1995–2022; energy intensity 1995–2021 (GCC from 2009, China DC from 1995, other
regions' DC from 2006, China refining from 1998).

Zeros in the production tables are IAI's "not separately reported" (e.g. China before 1999 and GCC
before 2010 sit in other regions or in "Estimated Unreported"); regions always sum to ``WORLD``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.errors import InputError
from alusim.raw._io import FIX_RAW, read_csv_checked, require_file, to_number, to_year

FOLDER = "iai_stats_pv_ice"
LICENCE = "IAI statistics (free, no open licence stated; attribute International Aluminium Institute) via NREL PV_ICE (BSD-3-Clause)"
ALUMINIUM_FILE = "iai_primary_aluminium_production_by_region_kt.csv"
ALUMINA_FILE = "iai_alumina_production_by_region_kt.csv"
SMELT_ENERGY_FILE = "InternationalAluminumInst-1995-2021-PrimaryAlSmeltEnergy-kWhpTonne.csv"
REFINE_ENERGY_FILE = "InternationalAluminumInst-1995-2021-PrimaryAluminaRefineEnergy-MJpTonne.csv"

#: IAI primary-aluminium region headers → alusim region codes.
ALUMINIUM_REGIONS: dict[str, str] = {
    "China (Estimated)": "CN",
    "Asia (ex China)": "ASIA",
    "Gulf Cooperation Council": "GCC",
    "North America": "NA",
    "South America": "SA",
    "Western & Central Europe": "WCE",
    "Russia & Eastern Europe": "REE",
    "Oceania": "OC",
    "Africa": "AF",
    "Estimated Unreported to IAI": "UNREPORTED",
    "World": "WORLD",
}

#: IAI alumina region headers → codes. Alumina uses other groupings: ``AF_ASIA`` = Africa & Asia
#: (ex China); ``EUR`` = Europe incl. Russia (2021 onwards, when WCE and REE are 0); ``OC`` = Australia.
ALUMINA_REGIONS: dict[str, str] = {
    "Africa & Asia (ex China)": "AF_ASIA",
    "North America": "NA",
    "South America": "SA",
    "Western & Central Europe": "WCE",
    "Russia & Eastern Europe": "REE",
    "Europe (incl. Russia)": "EUR",
    "Oceania": "OC",
    "China (Estimated)": "CN",
    "Estimated Unreported": "UNREPORTED",
    "World": "WORLD",
}

#: Energy-intensity region headers → codes (``EUR`` = all Europe; ``AF_ASIA`` as for alumina).
ENERGY_REGIONS: dict[str, str] = {
    "Africa": "AF",
    "North America": "NA",
    "South America": "SA",
    "Asia (ex China)": "ASIA",
    "Africa & Asia (ex China)": "AF_ASIA",
    "Europe": "EUR",
    "Oceania": "OC",
    "Gulf Cooperation Council": "GCC",
    "China": "CN",
    "World": "WORLD",
}

SMELT_BASIS: dict[str, str] = {"Total Energy_ac": "ac_total", "Process Energy_dc": "dc_process"}


def _regional_long(path: Path, regions: dict[str, str], value_name: str, id_cols: list[str]) -> pd.DataFrame:
    """Wide ``year`` × region CSV → long ``year, [id_cols], region, value_name`` with empty cells dropped."""
    wide = read_csv_checked(path, ["year", *id_cols, *regions])
    wide["year"] = to_year(wide["year"], path, "year")
    parts = [
        pd.DataFrame({**{c: wide[c] for c in ["year", *id_cols]}, "region": code,
                      value_name: to_number(wide[header], path, header)})
        for header, code in regions.items()
    ]
    long = pd.concat(parts, ignore_index=True).dropna(subset=[value_name])
    return long.sort_values(["year", *id_cols, "region"], ignore_index=True)


def read_primary_production(raw_dir: Path) -> pd.DataFrame:
    """IAI primary aluminium production: ``year, region, production_kt`` (kt/yr), 1995–2022.

    ``region`` ∈ CN, ASIA, GCC, NA, SA, WCE, REE, OC, AF, UNREPORTED, WORLD.
    """
    path = require_file(raw_dir, FOLDER, ALUMINIUM_FILE)
    return _regional_long(path, ALUMINIUM_REGIONS, "production_kt", [])


def read_alumina_production(raw_dir: Path) -> pd.DataFrame:
    """IAI alumina production: ``year, region, production_kt`` (kt alumina/yr), 1995–2022.

    ``region`` ∈ AF_ASIA, NA, SA, WCE, REE, EUR, OC, CN, UNREPORTED, WORLD (``EUR`` only 2021–2022).
    """
    path = require_file(raw_dir, FOLDER, ALUMINA_FILE)
    return _regional_long(path, ALUMINA_REGIONS, "production_kt", [])


def read_smelting_energy(raw_dir: Path) -> pd.DataFrame:
    """IAI smelting energy intensity: ``year, basis, region, energy_kwh_t`` (kWh per t Al), 1995–2021.

    ``basis`` is ``ac_total`` (total AC energy) or ``dc_process`` (DC process energy).
    """
    path = require_file(raw_dir, FOLDER, SMELT_ENERGY_FILE)
    regions = {k: v for k, v in ENERGY_REGIONS.items() if k != "Africa & Asia (ex China)"}
    long = _regional_long(path, regions, "energy_kwh_t", ["Type"])
    unknown = sorted(set(long["Type"]) - set(SMELT_BASIS))
    if unknown:
        raise InputError(f"column 'Type' has unknown value(s) {unknown}", where=str(path), fix=FIX_RAW)
    long = long.rename(columns={"Type": "basis"})
    long["basis"] = long["basis"].map(SMELT_BASIS)
    return long[["year", "basis", "region", "energy_kwh_t"]]


def read_refining_energy(raw_dir: Path) -> pd.DataFrame:
    """IAI alumina refining energy intensity: ``year, region, energy_mj_t`` (MJ per t alumina), 1995–2021.

    The 2001 row is an outlier in the source (~25 GJ/t world); it is kept, not fixed.
    """
    path = require_file(raw_dir, FOLDER, REFINE_ENERGY_FILE)
    regions = {k: v for k, v in ENERGY_REGIONS.items()
               if k in {"Africa & Asia (ex China)", "North America", "South America", "Europe", "Oceania",
                        "China", "World"}}
    return _regional_long(path, regions, "energy_mj_t", [])
