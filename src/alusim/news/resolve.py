"""Figures the draft takes from the dataset to express a claim in alusim's terms: built capacity of a
target (a curtailment of "1 Mt" in Yunnan is a share of Yunnan's capacity) and the power tariff a
target pays (a price "as low as 0.28 CNY/kWh" is a change against ``power_tariffs.csv``) and the
price of an input (alumina "up 150 yuan/ton" is a percentage of ``input_prices.csv``), and the path
of an activity driver ("solar installations to fall 20% next year" is a level off ``drivers.csv``'s
path, which may already hold a forecast for that year)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from alusim.dataset.dataset import BUILT_STATUSES


@dataclass(frozen=True)
class DatasetView:
    smelters: pd.DataFrame
    power_tariffs: pd.DataFrame
    input_prices: pd.DataFrame | None = None
    drivers: pd.DataFrame | None = None
    demand_drivers: pd.DataFrame | None = None

    def selected(self, target: dict) -> pd.DataFrame:
        """Smelters a target selects (owner also matches the parent, as :class:`Target` does)."""
        table = self.smelters
        mask = pd.Series(True, index=table.index)
        for field, values in target.items():
            values = values if isinstance(values, list) else [values]
            if field == "owner":
                mask &= table["owner"].isin(values) | table["parent"].isin(values)
            elif field in table.columns:
                mask &= table[field].isin(values)
        return table[mask]

    def built_kt(self, target: dict) -> float:
        """Built capacity (operating, curtailed, idle, restarting) a target selects, kt/yr."""
        rows = self.selected(target)
        return float(rows.loc[rows["status"].isin(BUILT_STATUSES), "capacity_kt"].sum())

    def tariff_cny_kwh(self, province: str | None, power_source: str | None) -> float | None:
        """The power tariff of a Chinese province (and power source) in ``power_tariffs.csv``, latest
        year: the province's own row for that source, else its ``*`` row, else the national row."""
        table = self.power_tariffs
        table = table[(table["country"] == "CN") & (table["unit"] == "CNY/kWh")]
        for prov, source in ((province, power_source), (province, "*"), ("*", power_source), ("*", "*")):
            if prov is None or source is None:
                continue
            hit = table[(table["province"] == prov) & (table["power_source"] == source)]
            if len(hit):
                return float(hit.sort_values("year")["tariff"].iloc[-1])
        return None

    def input_price(self, name: str, currency: str) -> tuple[float, int] | None:
        """(price per tonne, year) of an input in ``input_prices.csv``: China's row for CNY, the world
        row for USD, latest year."""
        table = self.input_prices
        if table is None:
            return None
        key = "CN" if currency == "CNY" else "*"
        hit = table[(table["key"] == key) & (table["input"] == name) & (table["unit"] == f"{currency}/t")]
        if hit.empty:
            return None
        row = hit.sort_values("year").iloc[-1]
        return float(row["value"]), int(row["year"])

    def demand_follows(self, driver: str, region: str) -> bool:
        """Does a demand sector of the dataset follow ``driver`` of ``region`` (``demand_drivers.csv``)?"""
        table = self.demand_drivers
        return table is not None and bool(((table["driver"] == driver) & (table["driver_region"] == region)).any())

    def driver_levels(self, driver: str, region: str, years: list[int]) -> pd.Series | None:
        """The baseline path of a driver in ``years`` as the demand model reads it (growth drivers as a
        compounded index; past the table extended as :mod:`alusim.demand.drivers` says)."""
        if self.drivers is None:
            return None
        from alusim.demand.drivers import driver_level

        return driver_level(self.drivers, driver, region, years)

    def dominant_power_source(self, province: str | None, country: str) -> str:
        """The power source of most built capacity in a province (or country): the guess for a new plant."""
        table = self.smelters
        rows = table[table["province"] == province] if province else table[table["country"] == country]
        if rows.empty:
            return "grid"
        return str(rows.groupby("power_source")["capacity_kt"].sum().idxmax())


def dataset_view(dataset) -> DatasetView:
    return DatasetView(smelters=dataset.smelters, power_tariffs=dataset.power_tariffs,
                       input_prices=dataset.input_prices, drivers=dataset.drivers,
                       demand_drivers=dataset.demand_drivers)


@lru_cache(maxsize=1)
def default_view() -> DatasetView:
    from alusim.dataset import load_dataset

    return dataset_view(load_dataset(None))
