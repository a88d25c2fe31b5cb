"""World Bank World Development Indicators via datahub.io: population and GDP by country.

Source: World Bank WDI SP.POP.TOTL (``datahub_population/population.csv``, GitHub ``datasets/population``)
and NY.GDP.MKTP.CD (``datahub_gdp/gdp.csv``, GitHub ``datasets/gdp``).
Licence: data packages ODC-PDDL-1.0; upstream World Bank WDI CC BY 4.0 ("World Bank, World
Development Indicators").
Units: ``population`` in persons (mid-year); ``gdp_usd`` in current US dollars (nominal, market rates).
Coverage: population 1960–2024, GDP 1960–2023; the files mix countries with World Bank aggregates
(WLD, EAS, HIC …). The readers return countries only; :func:`split_aggregates` keeps ``WLD`` apart.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.errors import InputError
from alusim.raw._io import FIX_RAW, clean_text, read_csv_checked, require_file, to_number, to_year

POPULATION_FOLDER = "datahub_population"
GDP_FOLDER = "datahub_gdp"
POPULATION_LICENCE = "ODC-PDDL-1.0 (datahub.io); upstream World Bank WDI SP.POP.TOTL, CC BY 4.0"
GDP_LICENCE = "ODC-PDDL-1.0 (datahub.io); upstream World Bank WDI NY.GDP.MKTP.CD, CC BY 4.0"
REQUIRED = ["Country Name", "Country Code", "Year", "Value"]

WORLD = "WLD"

#: World Bank aggregate codes (regions, income groups, lending groups, demographic groups) besides WLD.
WB_AGGREGATES: frozenset[str] = frozenset({
    "AFE", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU", "FCS", "HIC",
    "HPC", "IBD", "IBT", "IDA", "IDB", "IDX", "INX", "LAC", "LCN", "LDC", "LIC", "LMC", "LMY", "LTE",
    "MEA", "MIC", "MNA", "NAC", "OED", "OSS", "PRE", "PSS", "PST", "SAS", "SSA", "SSF", "SST", "TEA",
    "TEC", "TLA", "TMN", "TSA", "TSS", "UMC",
})


def split_aggregates(frame: pd.DataFrame, code_col: str = "country_iso3") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a WDI-style frame into (countries, world): aggregates other than WLD are dropped.

    Pure; both parts keep all columns and a fresh index.
    """
    codes = frame[code_col]
    world = frame[codes == WORLD].reset_index(drop=True)
    countries = frame[~codes.isin(WB_AGGREGATES | {WORLD})].reset_index(drop=True)
    return countries, world


def _read_wdi(raw_dir: Path, folder: str, name: str, value_col: str) -> pd.DataFrame:
    path = require_file(raw_dir, folder, name)
    raw = read_csv_checked(path, REQUIRED)
    out = pd.DataFrame(
        {
            "country_iso3": clean_text(raw["Country Code"]),
            "country_name": clean_text(raw["Country Name"]),
            "year": to_year(raw["Year"], path, "Year"),
            value_col: to_number(raw["Value"], path, "Value"),
        }
    )
    if (out["country_iso3"] == "").any():
        raise InputError("column 'Country Code' has an empty value", where=str(path), fix=FIX_RAW)
    return out.dropna(subset=[value_col]).sort_values(["country_iso3", "year"], ignore_index=True)


def read_population_all(raw_dir: Path) -> pd.DataFrame:
    """Population incl. aggregates: ``country_iso3, country_name, year, population`` (persons)."""
    return _read_wdi(raw_dir, POPULATION_FOLDER, "population.csv", "population")


def read_gdp_all(raw_dir: Path) -> pd.DataFrame:
    """GDP incl. aggregates: ``country_iso3, country_name, year, gdp_usd`` (current USD)."""
    return _read_wdi(raw_dir, GDP_FOLDER, "gdp.csv", "gdp_usd")


def read_population(raw_dir: Path) -> pd.DataFrame:
    """Population by country (aggregates and WLD removed): ``country_iso3, country_name, year, population``."""
    return split_aggregates(read_population_all(raw_dir))[0]


def read_gdp(raw_dir: Path) -> pd.DataFrame:
    """GDP by country, current USD (aggregates and WLD removed): ``country_iso3, country_name, year, gdp_usd``."""
    return split_aggregates(read_gdp_all(raw_dir))[0]


def read_world_population_gdp(raw_dir: Path) -> pd.DataFrame:
    """World (WLD) totals: ``year, population, gdp_usd`` (GDP NaN for years it does not cover)."""
    pop = split_aggregates(read_population_all(raw_dir))[1][["year", "population"]]
    gdp = split_aggregates(read_gdp_all(raw_dir))[1][["year", "gdp_usd"]]
    return pop.merge(gdp, on="year", how="outer").sort_values("year", ignore_index=True)
