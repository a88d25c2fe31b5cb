"""The optional tables of the alumina chain: refineries as assets, bauxite supply and prices by origin,
dated bauxite/alumina events (export bans, disruptions), and the refineries' history for replays. Pandera schemas, the reader, the empty
defaults and the cross-table checks. A dataset folder without these files loads with empty tables;
no engine code reads them yet (docs/data-notes/alumina.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from alusim.dataset.schemas import Plant, _Sourced
from alusim.errors import InputError

#: where a refinery's bauxite comes from
BAUXITE_SOURCES = ("domestic", "imported", "mixed")
#: digestion route: Bayer low-temperature (gibbsite, ~145 °C), Bayer high-temperature (boehmite and
#: diaspore, 240–270 °C) or sintering (nepheline, alunite, high-silica ore, fly ash)
DIGESTION = ("low_temp", "high_temp", "sinter")
#: what a row of bauxite.csv measures (value in ``unit``)
BAUXITE_QUANTITIES = {"imports_cn_mt": "Mt", "exports_mt": "Mt", "mine_output_mt": "Mt",
                      "price_cif_cn_usd_t": "USD/t", "price_domestic_cny_t": "CNY/t"}
#: products an event can hit, and the kinds of event
PRODUCTS = ("bauxite", "alumina")
EVENT_KINDS = ("export_ban", "export_relaxation", "export_suspension", "licence_revocation", "announcement",
               "moratorium", "political", "seasonal", "outage", "closure")
_DATE = r"^\d{4}-\d{2}(-\d{2})?$"


class _AluminaTable(_Sourced):
    class Config:             # inherited by the bauxite tables
        strict = True
        coerce = True


class Refineries(Plant):
    """An alumina refinery (China: a company's plants in a province), with the technical coefficients
    of its cost build-up per tonne of alumina: bauxite, caustic soda (NaOH) and energy."""

    capacity_kt: Series[float] = pa.Field(ge=0, le=20000)
    operating_kt: Series[float] = pa.Field(ge=0, le=20000)
    #: alumina produced in 2024 where the owner publishes it (or our estimate, said in ``notes``); empty: not known
    output_2024_kt: Series[float] = pa.Field(nullable=True, ge=0, le=20000)
    bauxite_source: Series[str] = pa.Field(isin=BAUXITE_SOURCES)
    bauxite_origin: Series[str] = pa.Field(str_matches=r"^[A-Z]{2}$")
    digestion: Series[str] = pa.Field(isin=DIGESTION)
    energy_gj_t: Series[float] = pa.Field(ge=5, le=45)
    caustic_t_t: Series[float] = pa.Field(ge=0, le=0.3)
    #: empty for routes that use no bauxite (nepheline, fly ash)
    bauxite_t_t: Series[float] = pa.Field(nullable=True, ge=1.5, le=4.5)
    integrated_smelter: Series[str] = pa.Field(str_length={"min_value": 1})
    cost_basis: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="bauxite_t_t is required unless digestion is sinter")
    def bauxite_use_known(cls, df):
        return df["bauxite_t_t"].notna() | (df["digestion"] == "sinter")


class Bauxite(_AluminaTable):
    """Bauxite by origin: China's imports, mine output and exports (Mt) and prices delivered to China
    (CIF, USD/t) or at Chinese mines (CNY/t, by ``province``)."""

    origin: Series[str] = pa.Field(str_matches=r"^([A-Z]{2}|WORLD)$")
    province: Series[str] = pa.Field(nullable=True)
    quantity: Series[str] = pa.Field(isin=list(BAUXITE_QUANTITIES))
    period: Series[str] = pa.Field(str_matches=r"^\d{4}(-\d{2}|Q[1-4]|H[12])?$")
    value: Series[float] = pa.Field(gt=0)
    unit: Series[str] = pa.Field(isin=sorted(set(BAUXITE_QUANTITIES.values())))
    note: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="unit must be the quantity's unit (Mt for volumes, USD/t for CIF, CNY/t domestic)")
    def unit_matches_quantity(cls, df):
        return df["unit"] == df["quantity"].map(BAUXITE_QUANTITIES)


class BauxiteEvents(_AluminaTable):
    """A dated fact a scenario can refer to: an export ban, its relaxation, a licence revocation, an
    outage. ``share`` (0–1) is the part of the country's (or the asset's) supply it removed, where known."""

    event_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+$")
    country: Series[str] = pa.Field(str_matches=r"^[A-Z]{2}$")
    product: Series[str] = pa.Field(isin=PRODUCTS)
    kind: Series[str] = pa.Field(isin=EVENT_KINDS)
    start: Series[str] = pa.Field(str_matches=_DATE)
    end: Series[str] = pa.Field(nullable=True, str_matches=_DATE)
    asset_id: Series[str] = pa.Field(nullable=True, str_matches=r"^[a-z0-9_]+$")
    affected_mt_yr: Series[float] = pa.Field(nullable=True, ge=0, le=500)
    share: Series[float] = pa.Field(nullable=True, ge=0, le=1)
    description: Series[str] = pa.Field(str_length={"min_value": 10})

    @pa.dataframe_check(error="end must not be before start")
    def ends_after_start(cls, df):
        return df["end"].isna() | (df["end"].fillna("") >= df["start"].str[:7])


#: what a row of refinery_history.csv says from its month on: the refinery runs ``capacity_kt``, is idle
#: or closed (0), or (asset_id ``CN``) China's built capacity in that month, to which a replay holds the
#: Chinese rows (docs/data-notes/alumina.md, "Refinery history")
HISTORY_STATES = ("running", "idle", "closed", "national")


class RefineryHistory(_AluminaTable):
    """A dated state of a refinery (or of China's national capacity, ``asset_id`` CN) for replays that
    start before January 2025: from ``month`` until the asset's next row."""

    asset_id: Series[str] = pa.Field(str_matches=r"^([a-z0-9_]+|CN)$")
    month: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}$")
    state: Series[str] = pa.Field(isin=HISTORY_STATES)
    capacity_kt: Series[float] = pa.Field(ge=0, le=200000)
    description: Series[str] = pa.Field(str_length={"min_value": 10})

    @pa.dataframe_check(error="an idle or closed row has capacity_kt 0, a running or national row more")
    def capacity_matches_state(cls, df):
        return (df["state"].isin(["idle", "closed"]) == (df["capacity_kt"] == 0))

    @pa.dataframe_check(error="state national only on asset_id CN, and CN only with state national")
    def national_is_cn(cls, df):
        return (df["asset_id"] == "CN") == (df["state"] == "national")

    @pa.dataframe_check(error="an asset has at most one row per month")
    def one_row_per_month(cls, df):
        return ~df.duplicated(["asset_id", "month"], keep=False)


#: file name → (Dataset field, schema)
ALUMINA_TABLES: dict[str, tuple[str, type[pa.DataFrameModel]]] = {
    "refineries.csv": ("refineries", Refineries),
    "bauxite.csv": ("bauxite", Bauxite),
    "bauxite_events.csv": ("bauxite_events", BauxiteEvents),
    "refinery_history.csv": ("refinery_history", RefineryHistory),
}


def empty_alumina_table(field: str) -> pd.DataFrame:
    """An empty table of an alumina field with its columns."""
    schema = next(s for f, s in ALUMINA_TABLES.values() if f == field)
    return pd.DataFrame({c: pd.Series(dtype=object) for c in schema.to_schema().columns})


def read_alumina_tables(folder: Path, smelter_ids: set[str] | frozenset[str] = frozenset()) -> dict[str, pd.DataFrame]:
    """The alumina tables of a dataset folder, validated; empty where a file is absent. Refinery ids
    must not repeat a smelter's, a refinery's region must be its country's, and an event naming an
    asset must name a refinery."""
    from alusim.dataset.loader import read_table

    out = {}
    for name, (field, _) in ALUMINA_TABLES.items():
        out[field] = read_table(folder / name) if (folder / name).is_file() else empty_alumina_table(field)
    check_alumina(out, folder, set(smelter_ids))
    return out


def _first_bad(table: pd.DataFrame, bad: pd.Series) -> int:
    """The CSV line (header = line 1) of the first row flagged in ``bad``."""
    return int(table.index[bad.to_numpy().nonzero()[0][0]]) + 2


def check_alumina(tables: dict[str, pd.DataFrame], folder: Path, smelter_ids: set[str]) -> None:
    from alusim.raw.countries import COUNTRIES

    refineries = tables["refineries"]
    where = str(folder / "refineries.csv")
    clash = refineries["asset_id"].isin(smelter_ids)
    if clash.any():
        line = _first_bad(refineries, clash)
        raise InputError(f"line {line} column asset_id: {refineries['asset_id'][clash].iloc[0]!r} is also a smelter's id",
                         where=where, fix="give every asset a unique asset_id")
    expected = refineries["country"].map(lambda c: COUNTRIES[c][2] if c in COUNTRIES else None)
    wrong = expected.notna() & (expected != refineries["region"])
    if wrong.any():
        line = _first_bad(refineries, wrong)
        i = wrong.to_numpy().nonzero()[0][0]
        raise InputError(f"line {line} column region: {refineries['region'].iloc[i]!r} is not the region of "
                         f"country {refineries['country'].iloc[i]}", where=where,
                         fix=f"use {expected.iloc[i]} (alusim.raw.countries)")
    events = tables["bauxite_events"]
    named = events["asset_id"].notna() & ~events["asset_id"].isin(set(refineries["asset_id"]))
    if named.any():
        line = _first_bad(events, named)
        raise InputError(f"line {line} column asset_id: {events['asset_id'][named].iloc[0]!r} is not a refinery "
                         "of refineries.csv", where=str(folder / "bauxite_events.csv"),
                         fix="name a refinery's asset_id or leave the cell empty for a country-wide event")
    history = tables["refinery_history"]
    unknown = (history["asset_id"] != "CN") & ~history["asset_id"].isin(set(refineries["asset_id"]))
    if unknown.any():
        line = _first_bad(history, unknown)
        raise InputError(f"line {line} column asset_id: {history['asset_id'][unknown].iloc[0]!r} is not a refinery "
                         "of refineries.csv", where=str(folder / "refinery_history.csv"),
                         fix="name a refinery's asset_id, or CN for China's national capacity")
    bauxite = tables["bauxite"]
    misplaced = bauxite["province"].notna() & (bauxite["origin"] != "CN")
    if misplaced.any():
        line = _first_bad(bauxite, misplaced)
        raise InputError(f"line {line} column province: a province is only given for origin CN",
                         where=str(folder / "bauxite.csv"), fix="leave province empty for other origins")


__all__ = ["ALUMINA_TABLES", "read_alumina_tables", "empty_alumina_table", "check_alumina"]
