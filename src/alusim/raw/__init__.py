"""Readers for the public raw datasets in ``shared/data/raw`` and the extended-cache builder.

Each reader is a small pure function ``read_*(raw_dir) -> pandas.DataFrame`` returning a tidy frame
with unit-carrying column names; a missing or malformed file raises :class:`alusim.errors.InputError`.
The raw files are read in place and never copied into the repository; see ``docs/raw-data.md``.
"""

from __future__ import annotations

from alusim.raw.build import TABLES, build_extended, default_cache_dir
from alusim.raw.gem import read_captive_coal_summary, read_captive_coal_units, summarise_captive_coal
from alusim.raw.genisim import read_smelter_capacity
from alusim.raw.glombo import read_elasticities
from alusim.raw.iai import (
    read_alumina_production,
    read_primary_production,
    read_refining_energy,
    read_smelting_energy,
)
from alusim.raw.messageix import read_emission_factors, read_trade
from alusim.raw.mpp import read_refineries, read_smelters
from alusim.raw.owid import read_grid_co2, read_grid_co2_world
from alusim.raw.registry import read_smelter_registry
from alusim.raw.usgs import read_country_production
from alusim.raw.worldbank import (
    energy_prices_monthly,
    lme_aluminium_annual,
    lme_aluminium_monthly,
    read_annual_prices,
    read_monthly_prices,
)
from alusim.raw.worldbank_wdi import (
    read_gdp,
    read_population,
    read_world_population_gdp,
    split_aggregates,
)

__all__ = [
    "TABLES",
    "build_extended",
    "default_cache_dir",
    "energy_prices_monthly",
    "lme_aluminium_annual",
    "lme_aluminium_monthly",
    "read_alumina_production",
    "read_annual_prices",
    "read_captive_coal_summary",
    "read_captive_coal_units",
    "read_country_production",
    "read_elasticities",
    "read_emission_factors",
    "read_gdp",
    "read_grid_co2",
    "read_grid_co2_world",
    "read_monthly_prices",
    "read_population",
    "read_primary_production",
    "read_refineries",
    "read_refining_energy",
    "read_smelter_capacity",
    "read_smelter_registry",
    "read_smelters",
    "read_smelting_energy",
    "read_trade",
    "read_world_population_gdp",
    "split_aggregates",
    "summarise_captive_coal",
]
