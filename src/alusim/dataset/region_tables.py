"""The optional tables of the regions outside China (trade nodes, their shares, corridors, freight,
consumption and premiums): pandera schemas, the reader and the empty defaults. A dataset folder
without ``regions.csv`` runs the rest of the world as one region (docs/data-model.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from alusim.errors import InputError

CONFIDENCE = ("high", "medium", "low")
#: the IAI regions a node reports under (as in smelters_*.csv and demand.csv)
IAI_REGIONS = ("ASIA", "GCC", "NA", "SA", "WCE", "REE", "OC", "AF")
#: what a row of region_shares.csv shares out
SHARE_QUANTITIES = ("demand_share", "cn_export_share", "cn_import_share")


class _Sourced(pa.DataFrameModel):
    source: Series[str] = pa.Field(str_length={"min_value": 3})
    confidence: Series[str] = pa.Field(isin=CONFIDENCE)
    note: Series[str] = pa.Field(nullable=True)

    class Config:             # inherited by every region table
        strict = True
        coerce = True


class Regions(_Sourced):
    """A trade node: a country or bloc with its own trade policy, the countries in it, the IAI region
    it reports under and the recorded premium (a ``history_monthly.csv`` variable) that prices it."""

    node: Series[str] = pa.Field(unique=True, str_matches=r"^[A-Z]{2,4}$")
    name: Series[str] = pa.Field(str_length={"min_value": 2})
    iai_region: Series[str] = pa.Field(isin=IAI_REGIONS)
    countries: Series[str] = pa.Field(str_matches=r"^[A-Z]{2}(;[A-Z]{2})*$")
    premium_variable: Series[str] = pa.Field(nullable=True)


class RegionShares(_Sourced):
    """Shares that split a whole into nodes: a demand.csv region's demand (``of`` = the region),
    China's exports by destination and its primary imports by origin (``of`` = CN)."""

    node: Series[str] = pa.Field(str_matches=r"^[A-Z]{2,4}$")
    quantity: Series[str] = pa.Field(isin=SHARE_QUANTITIES)
    of: Series[str] = pa.Field(str_matches=r"^[A-Z]{2,4}$")
    value: Series[float] = pa.Field(ge=0, le=1)
    year: Series[int] = pa.Field(ge=1990, le=2100)


class TradeFlows(_Sourced):
    exporter: Series[str] = pa.Field(str_matches=r"^[A-Z+]{2,12}$")
    importer: Series[str] = pa.Field(str_matches=r"^[A-Z+]{2,12}$")
    product: Series[str] = pa.Field(str_matches=r"^[a-z_]+$")
    year: Series[int] = pa.Field(ge=1990, le=2100)
    kt: Series[float] = pa.Field(ge=0)
    unit: Series[str] = pa.Field(isin=["kt"])


class Freight(_Sourced):
    origin: Series[str] = pa.Field(str_matches=r"^[A-Z]{2,5}$")
    destination: Series[str] = pa.Field(str_matches=r"^[A-Z]{2,5}$")
    usd_t: Series[float] = pa.Field(gt=0)
    year: Series[int] = pa.Field(ge=1990, le=2100)


class RegionalConsumption(_Sourced):
    region: Series[str] = pa.Field(str_matches=r"^[A-Z]{2,6}$")
    year: Series[int] = pa.Field(ge=1990, le=2100)
    consumption_kt: Series[float] = pa.Field(gt=0)
    basis: Series[str] = pa.Field(str_matches=r"^[a-z_]+$")


class RegionPremiums(_Sourced):
    node: Series[str] = pa.Field(str_matches=r"^[A-Z]{2,4}$")
    period: Series[str] = pa.Field(str_matches=r"^\d{4}(-\d{2}|Q[1-4])?$")
    usd_t: Series[float]
    basis: Series[str] = pa.Field(str_matches=r"^[a-z_]+$")


#: file name → (Dataset field, schema)
REGION_TABLES: dict[str, tuple[str, type[pa.DataFrameModel]]] = {
    "regions.csv": ("regions", Regions),
    "region_shares.csv": ("region_shares", RegionShares),
    "trade_flows.csv": ("trade_flows", TradeFlows),
    "freight.csv": ("freight", Freight),
    "regional_consumption.csv": ("regional_consumption", RegionalConsumption),
    "region_premiums.csv": ("region_premiums", RegionPremiums),
}


def empty_region_table(field: str) -> pd.DataFrame:
    """An empty table of a region field with its columns."""
    schema = next(s for f, s in REGION_TABLES.values() if f == field)
    return pd.DataFrame({c: pd.Series(dtype=object) for c in schema.to_schema().columns})


def read_region_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The region tables of a dataset folder, validated; empty where a file is absent. The nodes must
    not share a country, and every share and premium row must name a node of ``regions.csv``."""
    from alusim.dataset.loader import read_table

    out = {}
    for name, (field, _) in REGION_TABLES.items():
        out[field] = read_table(folder / name) if (folder / name).is_file() else empty_region_table(field)
    check_regions(out, folder)
    return out


def check_regions(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    regions = tables["regions"]
    if regions.empty:
        return
    seen: dict[str, str] = {}
    for row in regions.itertuples():
        for country in str(row.countries).split(";"):
            if country in seen:
                raise InputError(f"country {country} is in nodes {seen[country]} and {row.node}",
                                 where=str(folder / "regions.csv"), fix="put every country in one node")
            seen[country] = row.node
    nodes = set(regions["node"])
    for field, column in (("region_shares", "node"), ("region_premiums", "node")):
        table = tables[field]
        unknown = table[~table[column].isin(nodes)]
        if len(unknown):
            line = int(unknown.index[0]) + 2
            raise InputError(f"line {line} column node: {unknown[column].iloc[0]!r} is not a node of regions.csv",
                             where=str(folder / f"{field}.csv"), fix=f"use one of {', '.join(sorted(nodes))}")


__all__ = ["REGION_TABLES", "read_region_tables", "empty_region_table"]
