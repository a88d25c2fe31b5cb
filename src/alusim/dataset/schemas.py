"""Schemas of the dataset tables (pandera), one per CSV file; see docs/data-model.md.

Validation is lazy (every failure is collected) and the loader turns the first failure into one line
that names the file, the row and the column.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

REGIONS = ("CN", "ASIA", "GCC", "NA", "SA", "WCE", "REE", "OC", "AF")
MARKETS = ("CN", "ROW")
STATUSES = ("planned", "construction", "operating", "curtailed", "idle", "restarting", "closed")
POWER_SOURCES = ("captive_coal", "grid", "hydro", "gas", "mixed")
CELL_TECHNOLOGIES = ("PFPB", "CWPB", "SWPB", "VSS", "HSS")
CONFIDENCE = ("high", "medium", "low")
SECTORS = ("construction", "transport", "packaging", "electrical", "machinery", "consumer", "other")
INPUTS = ("alumina", "anode", "other", "sustaining")
TRADE_MEASURES = ("export_tax", "export_rebate", "import_tariff")
PRODUCTS = ("primary", "semis")


class _Sourced(pa.DataFrameModel):
    source: Series[str] = pa.Field(str_length={"min_value": 3})
    confidence: Series[str] = pa.Field(isin=CONFIDENCE)


class Smelters(_Sourced):
    asset_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+$")
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    owner: Series[str] = pa.Field(str_length={"min_value": 1})
    parent: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(str_matches=r"^[A-Z]{2}$")
    region: Series[str] = pa.Field(isin=REGIONS)
    province: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=STATUSES)
    capacity_kt: Series[float] = pa.Field(ge=0, le=5000)
    operating_kt: Series[float] = pa.Field(ge=0, le=5000)
    start_year: Series[int] = pa.Field(ge=1880, le=2040)
    power_source: Series[str] = pa.Field(isin=POWER_SOURCES)
    power_kwh_t: Series[float] = pa.Field(ge=10000, le=19000)
    cell_technology: Series[str] = pa.Field(isin=CELL_TECHNOLOGIES)
    cell_ka: Series[float] = pa.Field(nullable=True, ge=50, le=700)
    alumina_integrated: Series[bool]
    compliant: Series[bool]
    source_date: Series[str] = pa.Field(str_matches=r"^\d{4}(-\d{2})?$")
    notes: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="operating_kt must not exceed capacity_kt")
    def operating_within_capacity(cls, df):
        return df["operating_kt"] <= df["capacity_kt"] + 1e-9

    @pa.dataframe_check(error="province is required for Chinese assets")
    def china_has_province(cls, df):
        return ~((df["country"] == "CN") & (df["province"].fillna("").str.len() == 0))

    class Config:
        strict = True
        coerce = True


class Parameters(_Sourced):
    """A scalar parameter with its unit and the range it may take (``lower ≤ value ≤ upper``, in
    ``unit``): scenario assumptions, ``--vary``, ``--params`` and calibrations are checked against it."""

    name: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+(\.[A-Za-z0-9_]+)+$")
    value: Series[float]
    unit: Series[str]
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
    consumption_kt: Series[float] = pa.Field(ge=0, le=200_000)
    population_m: Series[float] = pa.Field(gt=0, le=5000)
    per_capita_kg: Series[float] = pa.Field(ge=0, le=200)
    saturation_kg: Series[float] = pa.Field(gt=0, le=200)
    growth_pct_per_year: Series[float] = pa.Field(ge=-20, le=30)
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

    @pa.dataframe_check(error="operating_kt must not exceed capacity_kt")
    def operating_within_capacity(cls, df):
        return df["operating_kt"] <= df["capacity_kt"] + 1e-9

    @pa.dataframe_check(error="one row per asset_id and date")
    def unique_dates(cls, df):
        return ~df.duplicated(["asset_id", "date"], keep=False)

    class Config:
        strict = True
        coerce = True


#: history tables: optional (a dataset folder without them replays no history)
OPTIONAL_TABLES: dict[str, type[pa.DataFrameModel]] = {
    "smelters_retired.csv": SmeltersRetired,
    "capacity_history.csv": CapacityHistory,
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
}
