"""The :class:`Dataset` container: every table of the industry in one object, with accessors.

Think of PyPSA's ``Network``: tables of components (here smelters, parameters, tariffs, prices,
emission factors, history, demand, trade) plus a statistics accessor (:attr:`Dataset.stats`).
The container does no I/O of its own; :func:`load_dataset` reads it through the file adapter.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from alusim.dataset.targets import target_mask  # noqa: E402,F401 - part of this module's interface
from alusim.errors import InputError
from alusim.units import convert, is_compatible

if TYPE_CHECKING:
    from alusim.dataset.statistics import DatasetStatistics

#: numeric columns of demand.csv that assumptions may override as demand.<region>.<column>
DEMAND_COLUMNS = ("consumption_kt", "population_m", "saturation_kg", "price_elasticity", "income_elasticity",
                  "secondary_share")

#: admissible ranges of demand-table overrides (``demand.<region>.<column>``): an elasticity of the
#: wrong sign is refused (demand cannot rise with its own price, nor fall as incomes grow)
DEMAND_BOUNDS = {"consumption_kt": (0.0, 1e6), "population_m": (1e-3, 1e4), "saturation_kg": (1e-3, 200.0),
                 "price_elasticity": (-3.0, 0.0), "income_elasticity": (0.0, 5.0), "secondary_share": (0.0, 0.95)}

#: statuses whose capacity counts as built (exists and could run)
BUILT_STATUSES = ("operating", "curtailed", "idle", "restarting")



def relocations(smelters: pd.DataFrame) -> list[tuple[int, np.ndarray]]:
    """Relocations recorded in the asset table: for every project with a ``replaces`` entry, its row
    position and the positions of the rows of the plant it replaces (China's capacity replacement:
    the project takes over that plant's quota and the plant closes when the project starts).

    The replaced plant is matched on ``plant_id`` where the table has one (a history replay splits a
    plant into layers), else on ``asset_id``."""
    if "replaces" not in smelters.columns:
        return []
    replaces = smelters["replaces"]
    key = (smelters["plant_id"] if "plant_id" in smelters.columns else smelters["asset_id"]).astype(str).to_numpy()
    built = smelters["status"].isin(BUILT_STATUSES).to_numpy()
    out = []
    for i in np.flatnonzero(replaces.notna().to_numpy() & (replaces.astype(str).str.strip() != "").to_numpy()):
        target = str(replaces.iloc[i]).strip()
        out.append((int(i), np.flatnonzero((key == target) & built)))
    return out

#: names read through :meth:`Dataset.param` while :func:`tracking_reads` is active, per thread (sweeps
#: and sensitivity run scenarios on threads side by side)
_TRACKING = threading.local()


def _reads() -> set[str] | None:
    return getattr(_TRACKING, "reads", None)


@contextmanager
def tracking_reads() -> Iterator[set[str]]:
    """Collect every parameter name (and ``demand.<region>.<column>``) the code reads inside the
    block, in this thread: how alusim knows which parameters the engine uses and which only describe."""
    previous = _reads()
    current: set[str] = set()
    _TRACKING.reads = current
    try:
        yield current
    finally:
        _TRACKING.reads = previous
        if previous is not None:
            previous |= current


def note_reads(names) -> None:
    """Record parameter names as read (a result taken from a cache stands for the reads that made it)."""
    reads = _reads()
    if reads is not None:
        reads.update(names)


@dataclass(frozen=True)
class Dataset:
    """Tables describing the primary-aluminium industry; see ``docs/data-model.md``."""

    smelters: pd.DataFrame
    parameters: pd.DataFrame
    power_tariffs: pd.DataFrame
    input_prices: pd.DataFrame
    emission_factors: pd.DataFrame
    history_annual: pd.DataFrame
    demand: pd.DataFrame
    demand_sectors: pd.DataFrame
    trade: pd.DataFrame
    drivers: pd.DataFrame
    demand_drivers: pd.DataFrame
    sector_shares: pd.DataFrame
    demand_fit: pd.DataFrame
    recycling: pd.DataFrame
    consumption_history: pd.DataFrame
    retired: pd.DataFrame = field(default_factory=lambda: empty_history_tables()["retired"])
    capacity_history: pd.DataFrame = field(default_factory=lambda: empty_history_tables()["capacity_history"])
    history_monthly: pd.DataFrame = field(default_factory=lambda: empty_history_tables()["history_monthly"])
    # the regions outside China (alusim.dataset.region_tables); empty: one region, the rest of the world
    regions: pd.DataFrame = field(default_factory=lambda: _empty_region("regions"))
    region_shares: pd.DataFrame = field(default_factory=lambda: _empty_region("region_shares"))
    trade_flows: pd.DataFrame = field(default_factory=lambda: _empty_region("trade_flows"))
    freight: pd.DataFrame = field(default_factory=lambda: _empty_region("freight"))
    regional_consumption: pd.DataFrame = field(default_factory=lambda: _empty_region("regional_consumption"))
    region_premiums: pd.DataFrame = field(default_factory=lambda: _empty_region("region_premiums"))
    # the alumina chain (alusim.dataset.alumina_tables): refineries, bauxite by origin, dated events;
    # empty when the folder has none. No engine code reads them yet (docs/data-notes/alumina.md)
    refineries: pd.DataFrame = field(default_factory=lambda: _empty_alumina("refineries"))
    bauxite: pd.DataFrame = field(default_factory=lambda: _empty_alumina("bauxite"))
    bauxite_events: pd.DataFrame = field(default_factory=lambda: _empty_alumina("bauxite_events"))
    refinery_history: pd.DataFrame = field(default_factory=lambda: _empty_alumina("refinery_history"))
    source_dir: Path | None = None
    overrides: Mapping[str, float] = field(default_factory=dict)

    # -- parameters -------------------------------------------------------------------------
    @cached_property
    def _parameter_index(self) -> dict[str, tuple[float, str]]:
        """name → (value, unit) of the parameters table (first row of a name), built once per object:
        a run looks parameters up hundreds of times (a sweep, thousands of runs)."""
        index: dict[str, tuple[float, str]] = {}
        for name, value, unit in zip(self.parameters["name"], self.parameters["value"], self.parameters["unit"],
                                     strict=True):
            index.setdefault(str(name), (value, str(unit)))
        return index

    def param(self, name: str, unit: str | None = None) -> float:
        """Value of a scalar parameter by dotted name, converted to ``unit`` when given."""
        note_reads((name,))
        hit = self._parameter_index.get(name)
        if hit is None:
            raise InputError(f"parameter {name!r} is missing", where=self._table_place("parameters.csv"),
                             fix=f"add a row named {name} (see `alusim data info --parameters` for the others)")
        value = float(self.overrides.get(name, hit[0]))
        if unit is None:
            return value
        return float(convert(value, hit[1], unit))

    def param_or(self, name: str, default: float, unit: str | None = None) -> float:
        """Like :meth:`param` but returns ``default`` when the parameter is absent."""
        note_reads((name,))
        if name in self.overrides:
            return float(self.overrides[name])
        if name in self._parameter_index:
            return self.param(name, unit)
        return float(default)

    def _table_place(self, file_name: str) -> str:
        return str(self.source_dir / file_name) if self.source_dir is not None else file_name

    def param_unit(self, name: str) -> str:
        hit = self._parameter_index.get(name)
        if hit is None:
            raise InputError(f"unknown parameter {name!r}", fix="see `alusim data info --parameters` for names")
        return hit[1]

    def overridable(self) -> set[str]:
        """Every name an assumption may override: parameters, and ``demand.<region>.<column>`` for the
        numeric columns of the demand table."""
        names = set(self.parameters["name"])
        numeric = [c for c in DEMAND_COLUMNS if c in self.demand.columns]
        names |= {f"demand.{r.lower()}.{c}" for r in self.demand["region"] for c in numeric}
        return names

    def reporting_only(self) -> set[str]:
        """Parameters kept for reference that no run reads (``role = reporting``)."""
        if "role" not in self.parameters.columns:
            return set()
        return set(self.parameters.loc[self.parameters["role"] == "reporting", "name"])

    def demand_value(self, region: str, column: str) -> float:
        """A demand-table value for a region, after scenario overrides (``demand.<region>.<column>``)."""
        key = f"demand.{region.lower()}.{column}"
        note_reads((key,))
        if key in self.overrides:
            return float(self.overrides[key])
        values = self.demand[column]
        row = self._demand_rows.get(region)
        if row is None:
            raise InputError(f"no demand row for region {region!r}", where="demand.csv", fix="add the region")
        return float(values.iloc[row])

    @cached_property
    def _demand_rows(self) -> dict[str, int]:
        """region → position of its first row in the demand table, built once per object: a run reads
        ~120 demand values (every ensemble member's parameters), and a boolean mask over the table for
        each took most of the time of reading the parameters."""
        rows: dict[str, int] = {}
        for i, region in enumerate(self.demand["region"].tolist()):
            rows.setdefault(region, i)
        return rows

    def with_overrides(self, overrides: Mapping[str, float]) -> Dataset:
        """A copy whose parameters (or demand-table values) are overridden by dotted name (scenario
        ``assumptions``); each value must be finite and within its range (:mod:`alusim.dataset.bounds`), and
        no reporting-only parameter may be changed."""
        from alusim.dataset.bounds import check_overrides

        reporting = self.reporting_only()
        for name in overrides:
            if name in reporting:
                raise InputError(f"parameter {name!r} is reporting-only: no run reads it, so changing it changes "
                                 "nothing", where="assumptions",
                                 fix="change an engine parameter (`alusim data info --parameters` shows the role)")
        return replace(self, overrides={**self.overrides, **check_overrides(self, overrides)})

    # -- lookups used by the cost build-up ----------------------------------------------------
    def input_price(self, key: str, region: str, item: str) -> tuple[float, str, str]:
        """(value, unit, source) of an input price for a country, falling back to region then ``*``."""
        table = self.input_prices
        for k in (key, region, "*"):
            hit = table[(table["key"] == k) & (table["input"] == item)]
            if len(hit):
                row = hit.sort_values("year").iloc[-1]
                return float(row["value"]), str(row["unit"]), str(row["source"])
        raise InputError(f"no {item} price for {key}/{region}", where="input_prices.csv",
                         fix=f"add a row with key {key}, {region} or * for input {item}")

    def emission_factor(self, key: str, default: float | None = None) -> float:
        """An emission factor by key (``power.hydro``, ``grid.CN.Yunnan``, ``pfc.PFPB`` …)."""
        factors = self.emission_factor_map()
        if key not in factors:
            if default is None:
                raise InputError(f"no emission factor {key!r}", where="emission_factors.csv",
                                 fix=f"add a row with key {key}")
            return float(default)
        return factors[key]

    def emission_factor_map(self) -> dict[str, float]:
        """Every emission factor by key (built once per dataset)."""
        cached = self.__dict__.get("_ef_map")
        if cached is None:
            cached = dict(zip(self.emission_factors["key"].astype(str),
                              self.emission_factors["value"].astype(float), strict=True))
            object.__setattr__(self, "_ef_map", cached)
        return cached

    # -- selection ---------------------------------------------------------------------------
    def select(self, **target: object) -> np.ndarray:
        """Boolean mask over :attr:`smelters` for a target (see :func:`target_mask`)."""
        return target_mask(self.smelters, **target)

    # -- statistics --------------------------------------------------------------------------
    @property
    def stats(self) -> DatasetStatistics:
        from alusim.dataset.statistics import DatasetStatistics

        return DatasetStatistics(self)

    @property
    def history(self) -> xr.DataArray:
        """The recorded market month by month: ``(variable, region, month)``, NaN where not recorded
        (:func:`alusim.dataset.history.history_cube`; built once per dataset)."""
        cached = self.__dict__.get("_history_cube")
        if cached is None:
            from alusim.dataset.history import history_cube

            cached = history_cube(self.history_monthly)
            object.__setattr__(self, "_history_cube", cached)
        return cached

    def annual_series(self, variable: str, region: str) -> pd.Series:
        """Annual history of one variable for one region (``history_annual.csv``), indexed by year."""
        table = self.history_annual
        hit = table.iloc[self.row_positions("history_annual", ("variable", "region")).get((variable, region), [])]
        return hit.set_index("year")["value"].sort_index().astype(float)

    def row_positions(self, table: str, columns: tuple[str, ...]) -> dict[tuple, np.ndarray]:
        """Row positions of each combination of ``columns``' values in ``table`` (table order), built
        once per dataset: ``table.iloc[positions[key]]`` holds the rows a comparison of every column
        with ``key`` selects, in the same order (a run's recorded inputs looked their rows up by
        comparing whole columns, ~15 ms each)."""
        key = f"_rows_{table}_{'_'.join(columns)}"
        cached = self.__dict__.get(key)
        if cached is None:
            frame = getattr(self, table)
            if len(frame):
                cached = {k if isinstance(k, tuple) else (k,): v
                          for k, v in frame.groupby(list(columns), sort=False, dropna=True).indices.items()}
            else:
                cached = {}
            object.__setattr__(self, key, cached)
        return cached


def _empty_alumina(name: str) -> pd.DataFrame:
    from alusim.dataset.alumina_tables import empty_alumina_table

    return empty_alumina_table(name)


def _empty_region(name: str) -> pd.DataFrame:
    from alusim.dataset.region_tables import empty_region_table

    return empty_region_table(name)


def empty_history_tables() -> dict[str, pd.DataFrame]:
    """Empty retired-plant and capacity-history tables with their columns (``docs/data-model.md``)."""
    from alusim.dataset.schemas import OPTIONAL_TABLES

    frames = {}
    for name, key in (("smelters_retired.csv", "retired"), ("capacity_history.csv", "capacity_history"),
                      ("history_monthly.csv", "history_monthly")):
        columns = list(OPTIONAL_TABLES[name].to_schema().columns)
        frames[key] = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return frames


def load_dataset(path: str | Path | None = None, *, use_cache: bool = True) -> Dataset:
    """Load a dataset folder (default: the embedded dataset) and validate every table.

    Raises :class:`~alusim.errors.InputError` with one line naming file, line and column on bad data.
    Validated tables are cached (:mod:`alusim.dataset.cache`); any edit to a table invalidates it.
    """
    from alusim.dataset.cache import load_cached, store_cached
    from alusim.dataset.paths import default_data_dir

    folder = Path(path) if path is not None else default_data_dir()
    tables = load_cached(folder) if use_cache else None
    if tables is None:
        from alusim.dataset.loader import read_tables

        tables = read_tables(folder)
        from alusim.dataset.needs import check_engine_needs

        _check_units(Dataset(source_dir=folder, **tables))
        check_engine_needs(Dataset(source_dir=folder, **tables))
        if use_cache:
            store_cached(folder, tables)
    return Dataset(source_dir=folder, **tables)


#: units allowed in parameters.csv and emission_factors.csv (docs/data-model.md)
ALLOWED_UNITS = frozenset((
    "t/t", "kt", "t", "CNY/t", "USD/t", "EUR/t", "CNY/kWh", "USD/MWh", "kWh/t", "t_CO2/MWh", "t_CO2/t", "t_CO2e/t",
    "kg", "kg/person", "month", "months", "day", "days", "year", "percent", "fraction", "dimensionless", "CNY/USD",
    "million persons", "USD_bn", "1/month", "GJ/t", "USD/GJ"))


def _check_units(dataset: Dataset) -> None:
    """Every unit string in the parameter and emission-factor tables must be an allowed, parseable unit."""
    from alusim.units import parse_unit

    for table, name in ((dataset.parameters, "parameters.csv"), (dataset.emission_factors, "emission_factors.csv")):
        for row in table.itertuples():
            label = getattr(row, "name", None) or getattr(row, "key", "")
            unit = str(row.unit)
            if unit not in ALLOWED_UNITS:
                raise InputError(f"{label}: unknown unit {unit!r}", where=name,
                                 fix="use a unit listed in docs/data-model.md (e.g. CNY/t, USD/MWh, kt, percent)")
            parse_unit(unit)


__all__ = ["Dataset", "load_dataset", "is_compatible"]
