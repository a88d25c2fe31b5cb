"""The dataset's statistics accessor (``dataset.stats``): capacity tables and totals of the smelters
and the alumina refineries, and the sources every table cites."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from alusim.dataset.dataset import BUILT_STATUSES, Dataset

#: tables whose ``source`` column :meth:`DatasetStatistics.sources` lists
SOURCED_TABLES = ("smelters", "parameters", "power_tariffs", "input_prices", "emission_factors",
                  "history_annual", "history_monthly", "demand", "demand_sectors", "trade", "drivers",
                  "demand_drivers", "sector_shares", "demand_fit", "recycling", "consumption_history",
                  "regions", "region_shares", "trade_flows", "freight", "regional_consumption", "region_premiums",
                  "refineries", "bauxite", "bauxite_events", "refinery_history")


def _grouped(table: pd.DataFrame, mask, by: str | list[str], count: str) -> pd.DataFrame:
    """Built and operating capacity (kt/yr) and the number of plants (column ``count``) by ``by``."""
    grouped = table[mask].groupby(by, dropna=False).agg(
        **{count: ("asset_id", "count")}, capacity_kt=("capacity_kt", "sum"), operating_kt=("operating_kt", "sum"))
    return grouped.sort_values("capacity_kt", ascending=False)


def _totals(table: pd.DataFrame, count: str) -> dict[str, float]:
    """Built and operating capacity (kt/yr) of the world, China and the rest of the world, the pipeline
    (under construction and planned) and the number of plants (key ``count``)."""
    built = table[table["status"].isin(BUILT_STATUSES)]
    cn = built["country"] == "CN"
    pipeline = table["status"].isin(("construction", "planned"))
    return {
        "world_built_kt": float(built["capacity_kt"].sum()),
        "world_operating_kt": float(built["operating_kt"].sum()),
        "china_built_kt": float(built.loc[cn, "capacity_kt"].sum()),
        "china_operating_kt": float(built.loc[cn, "operating_kt"].sum()),
        "row_built_kt": float(built.loc[~cn, "capacity_kt"].sum()),
        "row_operating_kt": float(built.loc[~cn, "operating_kt"].sum()),
        "pipeline_kt": float(table.loc[pipeline, "capacity_kt"].sum()),
        count: int(len(table)),
    }


@dataclass(frozen=True)
class DatasetStatistics:
    """Statistics accessor: ``dataset.stats.capacity_by('province', country='CN')``."""

    dataset: Dataset

    def built(self) -> pd.DataFrame:
        table = self.dataset.smelters
        return table[table["status"].isin(BUILT_STATUSES)]

    def capacity_by(self, by: str | list[str], **target: object) -> pd.DataFrame:
        """Built and operating capacity (kt/yr) and asset counts grouped by a column."""
        table = self.dataset.smelters
        mask = self.dataset.select(**target) & table["status"].isin(BUILT_STATUSES).to_numpy()
        return _grouped(table, mask, by, "assets")

    def totals(self) -> dict[str, float]:
        return _totals(self.dataset.smelters, "assets")

    def refinery_capacity_by(self, by: str | list[str], **target: object) -> pd.DataFrame:
        """Built and operating alumina refining capacity (kt alumina/yr) and refinery counts grouped by a
        column of ``refineries.csv``; ``target`` filters on column values (``country="CN"``)."""
        table = self.dataset.refineries
        mask = table["status"].isin(BUILT_STATUSES)
        for column, value in target.items():
            mask &= table[column].isin(value if isinstance(value, list | tuple | set) else [value])
        return _grouped(table, mask, by, "refineries")

    def refinery_totals(self) -> dict[str, float]:
        """Built, operating and pipeline alumina refining capacity (kt/yr): world, China, rest of world."""
        return _totals(self.dataset.refineries, "refineries")

    def sources(self) -> pd.DataFrame:
        """Every distinct source with the tables and row counts that cite it."""
        frames = [pd.DataFrame({"table": name, "source": getattr(self.dataset, name)["source"].astype(str)})
                  for name in SOURCED_TABLES]
        both = pd.concat(frames, ignore_index=True)
        return (both.groupby(["source", "table"]).size().rename("rows").reset_index()
                .sort_values("rows", ascending=False, kind="stable"))
