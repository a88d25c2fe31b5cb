"""Schemas of the dataset tables (pandera), one per CSV file; see docs/data-model.md.

Validation is lazy (every failure is collected) and the loader turns the first failure into one line
that names the file, the row and the column.
"""

from __future__ import annotations

from typing import Optional

import pandera.pandas as pa
from pandera.typing import Series

from alusim.dataset.history import BASES as HISTORY_BASES

REGIONS = ("CN", "ASIA", "GCC", "NA", "SA", "WCE", "REE", "OC", "AF")
MARKETS = ("CN", "ROW")
STATUSES = ("planned", "construction", "operating", "curtailed", "idle", "restarting", "closed")
POWER_SOURCES = ("captive_coal", "grid", "hydro", "gas", "mixed")
CELL_TECHNOLOGIES = ("PFPB", "CWPB", "SWPB", "VSS", "HSS")
CONFIDENCE = ("high", "medium", "low")
SECTORS = ("construction", "transport", "transport_ev", "packaging", "electrical", "pv_energy", "machinery",
           "consumer", "other")
INPUTS = ("alumina", "anode", "other", "sustaining")
TRADE_MEASURES = ("export_tax", "export_rebate", "import_tariff", "vat")
PRODUCTS = ("primary", "semis")


class _Sourced(pa.DataFrameModel):
    source: Series[str] = pa.Field(str_length={"min_value": 3})
    confidence: Series[str] = pa.Field(isin=CONFIDENCE)


#: reasons a plant runs below capacity (``curtailment_cause``); all but ``economic`` cap its running capacity
CURTAILMENT_CAUSES = ("economic", "power", "equipment", "policy", "sanctions", "ramp_up")


class Plant(_Sourced):
    """The columns every plant table shares (smelters, alumina refineries): identity, place, state and
    first metal; each table adds its capacity bounds and technical columns."""

    asset_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+$")
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    owner: Series[str] = pa.Field(str_length={"min_value": 1})
    parent: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(str_matches=r"^[A-Z]{2}$")
    region: Series[str] = pa.Field(isin=REGIONS)
    province: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=STATUSES)
    start_year: Series[int] = pa.Field(ge=1880, le=2040)
    source_date: Series[str] = pa.Field(str_matches=r"^\d{4}(-\d{2})?$")
    notes: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="operating_kt must not exceed capacity_kt")
    def operating_within_capacity(cls, df):
        return df["operating_kt"] <= df["capacity_kt"] + 1e-9

    @pa.dataframe_check(error="province is required for Chinese assets")
    def china_has_province(cls, df):
        return ~((df["country"] == "CN") & (df["province"].fillna("").str.len() == 0))

    class Config:             # inherited by every plant table
        strict = True
        coerce = True


class Smelters(Plant):
    capacity_kt: Series[float] = pa.Field(ge=0, le=5000)
    operating_kt: Series[float] = pa.Field(ge=0, le=5000)
    power_source: Series[str] = pa.Field(isin=POWER_SOURCES)
    power_kwh_t: Series[float] = pa.Field(ge=10000, le=19000)
    cell_technology: Series[str] = pa.Field(isin=CELL_TECHNOLOGIES)
    cell_ka: Series[float] = pa.Field(nullable=True, ge=50, le=700)
    alumina_integrated: Series[bool]
    compliant: Series[bool]
    #: optional: the asset_id of the built plant whose capacity quota this planned project takes over
    #: (China's capacity replacement: a relocation); the plant closes when the project starts
    replaces: Optional[Series[str]] = pa.Field(nullable=True)  # noqa: UP045 (pandera reads the annotation)
    #: optional: why a plant runs below capacity when the reason is not its margin — ``power`` (no power
    #: to run more), ``equipment`` (worn or damaged lines), ``policy`` (an owner's or a state's decision),
    #: ``sanctions``, ``ramp_up`` (lines still coming up); blank or ``economic``: curtailed on margin,
    #: restarts on margin. Any other cause is a ceiling on running capacity (engine/availability.py)
    curtailment_cause: Optional[Series[str]] = pa.Field(nullable=True, isin=CURTAILMENT_CAUSES)  # noqa: UP045


class Parameters(_Sourced):
    """A scalar parameter with its unit and the range it may take (``lower ≤ value ≤ upper``, in
    ``unit``): scenario assumptions, ``--vary``, ``--params`` and calibrations are checked against it."""

    name: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+(\.[A-Za-z0-9_]+)+$")
    value: Series[float]
    unit: Series[str]
    #: ``engine``: read by the simulation; ``reporting``: a published figure kept for reference and
    #: reports (2024 trade volumes, CBAM benchmarks …) that no run reads — assumptions refuse it
    role: Series[str] = pa.Field(isin=("engine", "reporting"))
    date: Series[str] = pa.Field(nullable=True)
    note: Series[str] = pa.Field(nullable=True)
    lower: Series[float]
    upper: Series[float]

    @pa.dataframe_check(error="value must lie within lower…upper (and lower ≤ upper)")
    def value_within_bounds(cls, df):
        return (df["lower"] <= df["value"]) & (df["value"] <= df["upper"])

    class Config:
        strict = True
        coerce = True


class PowerTariffs(_Sourced):
    country: Series[str] = pa.Field(str_matches=r"^([A-Z]{2}|\*)$")
    province: Series[str]
    power_source: Series[str] = pa.Field(isin=(*POWER_SOURCES, "*"))
    tariff: Series[float] = pa.Field(gt=0)
    unit: Series[str] = pa.Field(isin=("CNY/kWh", "USD/MWh"))
    year: Series[int] = pa.Field(ge=2000, le=2040)
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class InputPrices(_Sourced):
    key: Series[str]
    input: Series[str] = pa.Field(isin=INPUTS)
    value: Series[float] = pa.Field(ge=0)
    unit: Series[str] = pa.Field(isin=("CNY/t", "USD/t"))
    year: Series[int] = pa.Field(ge=2000, le=2040)
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class EmissionFactors(_Sourced):
    key: Series[str] = pa.Field(unique=True)
    value: Series[float] = pa.Field(ge=0)
    unit: Series[str]
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class HistoryAnnual(_Sourced):
    year: Series[int] = pa.Field(ge=1950, le=2030)
    variable: Series[str]
    region: Series[str]
    value: Series[float]
    unit: Series[str]

    class Config:
        strict = True
        coerce = True


class Demand(_Sourced):
    region: Series[str] = pa.Field(isin=REGIONS, unique=True)
    base_year: Series[int] = pa.Field(ge=2000, le=2030)
    consumption_kt: Series[float] = pa.Field(ge=0)
    population_m: Series[float] = pa.Field(gt=0)
    saturation_kg: Series[float] = pa.Field(gt=0)
    price_elasticity: Series[float] = pa.Field(ge=-3, le=0)
    income_elasticity: Series[float] = pa.Field(ge=-1, le=5)
    secondary_share: Series[float] = pa.Field(ge=0, le=1)
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class DemandSectors(_Sourced):
    region: Series[str] = pa.Field(isin=REGIONS)
    sector: Series[str] = pa.Field(isin=SECTORS)
    share: Series[float] = pa.Field(ge=0, le=1)

    @pa.dataframe_check(error="sector shares must sum to 1 for each region")
    def shares_sum_to_one(cls, df):
        sums = df.groupby("region")["share"].transform("sum")
        return (sums - 1.0).abs() < 0.011

    class Config:
        strict = True
        coerce = True


class Trade(_Sourced):
    exporter: Series[str] = pa.Field(str_matches=r"^([A-Z]{2}|\*|ROW|EU)$")
    importer: Series[str] = pa.Field(str_matches=r"^([A-Z]{2}|\*|ROW|EU)$")
    product: Series[str] = pa.Field(isin=PRODUCTS)
    measure: Series[str] = pa.Field(isin=TRADE_MEASURES)
    rate: Series[float] = pa.Field(ge=0, le=5)
    start: Series[str]
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class SmeltersRetired(Smelters):
    """Plants built before or during the history window but closed since (absent from today's tables)."""

    closed: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}$")
    closed_by: Series[str] = pa.Field(isin=("policy", "market", "relocation"))

    class Config:
        strict = True
        coerce = True


class CapacityHistory(_Sourced):
    """From month ``date`` on, an asset has ``capacity_kt`` built and ``operating_kt`` running."""

    asset_id: Series[str] = pa.Field(str_matches=r"^[a-z0-9_]+$")
    date: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}$")
    # company × province blocks were larger before the 2017 clean-up (Hongqiao Binzhou > 6 Mt)
    capacity_kt: Series[float] = pa.Field(ge=0, le=10000)
    operating_kt: Series[float] = pa.Field(ge=0, le=10000)
    note: Series[str] = pa.Field(nullable=True)
    #: optional: why the plant runs below capacity from this month (as the smelter tables' column;
    #: ``ramp_up``: lines still coming up); blank: the latest row takes the table's, earlier ones economic
    curtailment_cause: Optional[Series[str]] = pa.Field(nullable=True, isin=CURTAILMENT_CAUSES)  # noqa: UP045

    @pa.dataframe_check(error="operating_kt must not exceed capacity_kt")
    def operating_within_capacity(cls, df):
        return df["operating_kt"] <= df["capacity_kt"] + 1e-9

    @pa.dataframe_check(error="one row per asset_id and date")
    def unique_dates(cls, df):
        return ~df.duplicated(["asset_id", "date"], keep=False)

    class Config:
        strict = True
        coerce = True


class HistoryMonthly(_Sourced):
    """The recorded market at its publishers' frequency (``alusim.dataset.history`` checks the rest:
    variable names, units, periods against basis, gaps)."""

    variable: Series[str] = pa.Field(str_matches=r"^[a-z0-9_]+$")
    region: Series[str] = pa.Field(str_matches=r"^[A-Z]{2,5}$")
    period: Series[str] = pa.Field(str_matches=r"^\d{4}(-\d{2}|Q[1-4])?$")
    value: Series[float] = pa.Field(nullable=True)
    unit: Series[str]
    basis: Series[str] = pa.Field(isin=HISTORY_BASES)
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class Drivers(_Sourced):
    """Activity drivers of demand by region and year (``alusim.demand.drivers`` checks names, units, gaps)."""

    driver: Series[str] = pa.Field(str_matches=r"^[a-z0-9_]+$")
    region: Series[str] = pa.Field(str_matches=r"^[A-Z]{2,5}$")
    year: Series[int] = pa.Field(ge=1950, le=2060)
    value: Series[float]
    unit: Series[str]
    basis: Series[str] = pa.Field(isin=("actual", "estimate", "forecast"))
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class DemandDrivers(_Sourced):
    """Which activity indicator drives each region's (and China's each sector's) demand."""

    region: Series[str] = pa.Field(isin=REGIONS)
    sector: Series[str] = pa.Field(isin=(*SECTORS, "all"))
    driver: Series[str]
    driver_region: Series[str] = pa.Field(str_matches=r"^[A-Z]{2,5}$")
    form: Series[str] = pa.Field(isin=("elasticity", "intensity", "income_elasticity"))
    note: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="one row per region and sector")
    def unique(cls, df):
        return ~df.duplicated(["region", "sector"], keep=False)

    class Config:
        strict = True
        coerce = True


class SectorShares(_Sourced):
    """Published end-use shares of aluminium use by region, sector and year."""

    region: Series[str] = pa.Field(isin=REGIONS)
    sector: Series[str] = pa.Field(isin=SECTORS)
    year: Series[int] = pa.Field(ge=1990, le=2040)
    share: Series[float] = pa.Field(ge=0, le=1)
    note: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="sector shares must sum to 1 for each region and year")
    def shares_sum_to_one(cls, df):
        sums = df.groupby(["region", "year"])["share"].transform("sum")
        return (sums - 1.0).abs() < 0.011

    class Config:
        strict = True
        coerce = True


class DemandFit(_Sourced):
    """The demand fit (``scripts/fit_demand.py``): elasticities and intensity trends with s.e."""

    region: Series[str] = pa.Field(isin=(*REGIONS, "ROW"))
    sector: Series[str] = pa.Field(isin=(*SECTORS, "all"))
    driver: Series[str]
    elasticity: Series[float] = pa.Field(nullable=True, ge=0, le=5)
    elasticity_se: Series[float] = pa.Field(nullable=True, ge=0)
    trend: Series[float] = pa.Field(ge=-0.5, le=0.5)
    trend_se: Series[float] = pa.Field(ge=0)
    intercept: Series[float] = pa.Field(nullable=True)
    base_year: Series[int] = pa.Field(ge=1950, le=2060)
    spec: Series[str] = pa.Field(isin=("elasticity", "unit_intensity", "intensity", "income_elasticity_prior"))
    r2: Series[float] = pa.Field(nullable=True)
    n_obs: Series[int] = pa.Field(ge=1)
    years: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{4}$")

    class Config:
        strict = True
        coerce = True


class Recycling(_Sourced):
    """Parameters of the scrap stock model (``alusim.recycling``)."""

    parameter: Series[str] = pa.Field(isin=("lifetime_mean_years", "lifetime_sd_years", "collection_rate",
                                            "recovery_yield", "new_scrap_rate"))
    region: Series[str] = pa.Field(isin=("CN", "ROW", "WORLD"))
    sector: Series[str] = pa.Field(isin=(*SECTORS, "all"))
    value: Series[float] = pa.Field(ge=0, le=100)
    unit: Series[str] = pa.Field(isin=("years", "fraction", "dimensionless"))
    note: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="rates and yields are fractions between 0 and 1")
    def fractions(cls, df):
        rate = df["parameter"].isin(("collection_rate", "recovery_yield", "new_scrap_rate"))
        return ~rate | (df["value"] <= 1.0)

    class Config:
        strict = True
        coerce = True


class ConsumptionHistory(_Sourced):
    """Published total-metal consumption before the monthly record (inflows of the stock model)."""

    region: Series[str] = pa.Field(isin=("CN", "ROW", "WORLD"))
    year: Series[int] = pa.Field(ge=1900, le=2030)
    value_kt: Series[float] = pa.Field(gt=0)
    basis: Series[str] = pa.Field(isin=("total_metal", "primary", "apparent_primary", "final_products"))
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


#: history tables: optional (a dataset folder without them replays no history)
OPTIONAL_TABLES: dict[str, type[pa.DataFrameModel]] = {
    "smelters_retired.csv": SmeltersRetired,
    "capacity_history.csv": CapacityHistory,
    "history_monthly.csv": HistoryMonthly,
}

#: file name → schema, in load order
TABLES: dict[str, type[pa.DataFrameModel]] = {
    "smelters_cn.csv": Smelters,
    "smelters_row.csv": Smelters,
    "parameters.csv": Parameters,
    "power_tariffs.csv": PowerTariffs,
    "input_prices.csv": InputPrices,
    "emission_factors.csv": EmissionFactors,
    "history_annual.csv": HistoryAnnual,
    "demand.csv": Demand,
    "demand_sectors.csv": DemandSectors,
    "trade.csv": Trade,
    "drivers.csv": Drivers,
    "demand_drivers.csv": DemandDrivers,
    "sector_shares.csv": SectorShares,
    "demand_fit.csv": DemandFit,
    "recycling.csv": Recycling,
    "consumption_history.csv": ConsumptionHistory,
}
