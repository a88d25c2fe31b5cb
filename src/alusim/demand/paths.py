"""Monthly demand and recycled-supply paths for a run: drivers → demand → stock model → kernel.

:func:`market_paths` is what :func:`alusim.engine.inputs.build_inputs` calls. Years before the run
carry the record (China's apparent consumption, ``consumption_history.csv`` before that); years of
the run carry the demand model's path, so that a backtest's recycled supply comes from the metal its
own demand put into use, never from the outcome it is scored against.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pyarrow import ArrowException

from alusim.dataset import Dataset
from alusim.dataset.dataset import note_reads, tracking_reads
from alusim.demand.fit import sector_shares_by_year
from alusim.demand.model import DemandModel, annual_demand_kt, model_from_table
from alusim.demand.record import apparent_consumption_kt, bridged, recorded
from alusim.recycling.stock_model import inflow_history_kt, scrap_flows

#: the stock model starts here: older cohorts have left use (longest lifetimes ≈ 40 years ± 15)
STOCK_MODEL_FIRST_YEAR = 1950


@dataclass
class MarketPaths:
    annual: pd.DataFrame         # region, sector, year, total_kt (demand), for the run's years
    secondary: pd.DataFrame      # market (CN/ROW), year, old_scrap, new_scrap, imported, recycled (kt/yr)


def demand_model(dataset: Dataset) -> DemandModel:
    """The model in force: the fit in the dataset's ``demand_fit`` table (the shipped full-record
    fit, or a replay's in-sample refit)."""
    return model_from_table(dataset, dataset.demand_fit)


def _recorded_row_total(dataset: Dataset, years: list[int]) -> pd.Series:
    from alusim.demand.model import row_recorded_kt

    row = row_recorded_kt(dataset)
    return row.reindex(years)


_PATHS: dict[tuple, tuple[Dataset, MarketPaths]] = {}
_TABLES = ("demand", "drivers", "demand_drivers", "sector_shares", "demand_fit", "recycling", "consumption_history",
           "history_monthly", "history_annual", "parameters", "demand_sectors")


def market_paths(dataset: Dataset, start_year: int, last_year: int,
                 changes: dict[tuple[str, str], dict[int, float]] | None = None) -> MarketPaths:
    """Annual demand (by region and sector) and recycled supply (CN, ROW) for ``start_year``…``last_year``.

    Kept per tables, overrides, years and changes: sweeps, calibrations and lever re-runs ask for
    the same paths many times."""
    key = (*(id(getattr(dataset, t)) for t in _TABLES), tuple(sorted(dataset.overrides.items())), start_year,
           last_year, tuple(sorted((k, tuple(sorted(v.items()))) for k, v in (changes or {}).items())))
    if key not in _PATHS:
        if len(_PATHS) > 64:
            _PATHS.clear()
        _PATHS[key] = (dataset, *_disk_cached(dataset, start_year, last_year, changes))
    _, paths, reads = _PATHS[key]
    note_reads(reads)           # a cached path stands for the parameters it read
    return MarketPaths(annual=paths.annual.copy(), secondary=paths.secondary.copy())


def _content_key(dataset: Dataset, start_year: int, last_year: int,
                 changes: dict[tuple[str, str], dict[int, float]] | None) -> str:
    """SHA-256 of everything the paths depend on: the tables' contents, the overrides, the years,
    the driver changes and the alusim and pandas versions (a content key: an edit anywhere is a new
    key). Each table is hashed as its pickle — values, column types, names and index — ~4 ms for the
    eleven tables where ``hash_pandas_object`` of their text took ~25 ms of every run; a table pickled
    differently but equal (another memory layout) only costs a cache miss."""
    import hashlib
    import pickle

    from alusim import __version__

    digest = hashlib.sha256(f"{__version__} pandas {pd.__version__} pickle".encode())
    for name in _TABLES:
        table = getattr(dataset, name)
        digest.update(name.encode())
        digest.update(hashlib.sha256(pickle.dumps(table, protocol=5)).digest())
    digest.update(json.dumps([sorted((k, float(v)) for k, v in dataset.overrides.items()), start_year, last_year,
                              sorted((f"{k[0]}|{k[1]}", sorted(v.items())) for k, v in (changes or {}).items())]
                             ).encode())
    return digest.hexdigest()[:32]


def _disk_cached(dataset: Dataset, start_year: int, last_year: int,
                 changes: dict[tuple[str, str], dict[int, float]] | None) -> tuple[MarketPaths, list[str]]:
    """The paths from the cache folder when this content was computed before (two Parquet files and
    the JSON list of parameters the computation read, data only), else computed and stored there. A warm ``alusim run`` then skips the stock model and its
    import. A cache that cannot be read or written is simply not used."""
    from alusim.dataset.cache import cache_root

    folder = cache_root() / "demand-paths"
    key = _content_key(dataset, start_year, last_year, changes)
    annual_file, secondary_file = folder / f"{key}.annual.parquet", folder / f"{key}.secondary.parquet"
    reads_file = folder / f"{key}.reads.json"
    try:
        reads = json.loads(reads_file.read_text())
        if not (isinstance(reads, list) and all(isinstance(r, str) for r in reads)):
            raise ValueError("not a list of names")
        return MarketPaths(annual=_read_frame(annual_file), secondary=_read_frame(secondary_file)), reads
    except (OSError, ValueError, ImportError, ArrowException):
        pass
    with tracking_reads() as read:
        paths = _market_paths(dataset, start_year, last_year, changes)
    reads = sorted(read)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for write, target in ((lambda t: paths.annual.to_parquet(t, index=False), annual_file),
                              (lambda t: paths.secondary.to_parquet(t, index=False), secondary_file),
                              (lambda t: Path(t).write_text(json.dumps(reads)), reads_file)):
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".paths-", suffix=target.suffix)
            os.close(fd)
            write(tmp)
            os.replace(tmp, target)
    except OSError:
        pass
    return paths, reads


def _read_frame(path: Path) -> pd.DataFrame:
    """One cached frame: the frame ``pd.read_parquet`` gives (the cache test compares them), read as a
    single Parquet file — pandas' reader imports and sets up ``pyarrow.dataset`` (~12 ms of a run)."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as file:
        return file.read().to_pandas()


def _market_paths(dataset: Dataset, start_year: int, last_year: int,
                  changes: dict[tuple[str, str], dict[int, float]] | None = None) -> MarketPaths:
    model = demand_model(dataset)
    years = list(range(start_year, last_year + 1))
    annual = annual_demand_kt(dataset, model, years, changes=changes)
    cn_run = annual[annual["region"] == "CN"].groupby("year")["total_kt"].sum()
    row_run = annual[annual["region"] != "CN"].groupby("year")["total_kt"].sum()
    secondary = []
    for market, run in (("CN", cn_run), ("ROW", row_run)):
        history = _demand_history(dataset, market, start_year)
        demand = pd.concat([history, run]).sort_index()
        shares = _stock_shares(dataset, market, demand.index.to_numpy())
        imports = (bridged(recorded(dataset, "imports_scrap_kt", "CN"), STOCK_MODEL_FIRST_YEAR, last_year)
                   if market == "CN" else None)
        factor = (dataset.param(f"recycling.collection_factor.{market.lower()}")
                  * (1.0 + dataset.param(f"recycling.collection_uplift.{market.lower()}")))
        import_yield = dataset.param("recycling.imported_scrap_yield.cn") if market == "CN" else None
        flows = scrap_flows(demand, shares, dataset.recycling, market, imports, factor, import_yield)
        frame = pd.DataFrame({"old_scrap": flows.old_scrap, "new_scrap": flows.new_scrap,
                              "imported": flows.imported, "recycled": flows.recycled}).loc[years]
        secondary.append(frame.assign(market=market).rename_axis("year").reset_index())
    return MarketPaths(annual=annual, secondary=pd.concat(secondary, ignore_index=True))


def _demand_history(dataset: Dataset, market: str, start_year: int, record: pd.Series | None = None) -> pd.Series:
    """Recorded total-metal demand of a market from 1950 to the year before the run (``record``
    replaces the market's recorded series: the ROW record's own fixed point)."""
    if record is not None:
        record = record.copy()
    elif market == "CN":
        record = apparent_consumption_kt(dataset)["consumption"]
    else:
        record = _recorded_row_total(dataset, list(range(2000, start_year)))
    record = record[record.index < start_year].dropna()
    first_recorded = int(record.index.min()) if len(record) else start_year
    region = "CN" if market == "CN" else "ROW"
    table = dataset.consumption_history
    published = _world_minus_china(table) if region == "ROW" else table
    before = inflow_history_kt(published, region, STOCK_MODEL_FIRST_YEAR, [first_recorded + 1])
    if len(record):
        # the published points before the record give the shape of the history; its level is the
        # record's, so that the inflows do not jump where one basis meets the other (China's points
        # before 2014 are primary use, the rest of the world's are another compiler's total)
        before = before * float(record.loc[first_recorded]) / float(before.loc[first_recorded])
    before = before[before.index < first_recorded]
    gaps = pd.Series(index=range(first_recorded, start_year), dtype=float)
    merged = pd.concat([before, gaps.fillna(record)]).sort_index()
    # a year between recorded ones (e.g. recycling not published) is log-linear in between
    return np.exp(np.log(merged).interpolate(limit_area="inside")).ffill()


def _world_minus_china(table: pd.DataFrame) -> pd.DataFrame:
    """ROW points before the record: published ROW figures, plus WORLD figures before 1960 (China's
    use was then a negligible share of the world's)."""
    early = table[(table["region"] == "WORLD") & (table["year"] < 1960)]
    frame = pd.concat([table[table["region"] == "ROW"], early.assign(region="ROW")], ignore_index=True)
    return frame.drop_duplicates("year").sort_values("year")


def _stock_shares(dataset: Dataset, market: str, years: np.ndarray) -> pd.DataFrame:
    if market == "CN":
        return sector_shares_by_year(dataset, "CN", years)
    regions = [r for r in dataset.demand["region"] if r != "CN"]
    weights = dataset.demand.set_index("region").loc[regions, "consumption_kt"]
    frames = [sector_shares_by_year(dataset, r, years) * w for r, w in weights.items()]
    total = sum(frames).fillna(0.0)
    return total.div(total.sum(axis=1), axis=0)


def mid_year_knots(annual_kt: pd.Series) -> pd.Series:
    """Levels at mid-year (1 July) whose piecewise-linear path has, in each year, the annual value as
    its mean (kt/yr): a path through the annual values themselves would average L + (L₋₁ + L₊₁ − 2L)/8
    and so blunt a dip such as 2020's. Solves K + (K₋₁ + K₊₁ − 2K)/8 = L, flat beyond either end."""
    ordered = annual_kt.sort_index()
    n = len(ordered)
    system = np.diag(np.full(n, 0.75)) + np.diag(np.full(n - 1, 0.125), 1) + np.diag(np.full(n - 1, 0.125), -1)
    system[0, 0] += 0.125               # flat beyond either end: the missing neighbour equals K itself
    system[-1, -1] += 0.125
    return pd.Series(np.linalg.solve(system, ordered.to_numpy(float)), index=ordered.index)


def monthly(annual_kt: pd.Series, labels: pd.PeriodIndex, season: np.ndarray | None = None) -> np.ndarray:
    """Monthly kt from annual kt/yr: linear between mid-year levels (no steps at January) whose
    yearly means are the annual values (:func:`mid_year_knots`; a year's twelve months add up to its
    annual total before seasonality), times a seasonal multiplier by calendar month. Years beyond the
    series hold its last value."""
    knots = mid_year_knots(annual_kt)
    last = float(knots.iloc[-1])
    out = np.empty(len(labels))
    for i, period in enumerate(labels):
        t = (period.month - 0.5) / 12.0
        k0 = float(knots.get(period.year, last))
        neighbour = period.year - 1 if t < 0.5 else period.year + 1
        k1 = float(knots.get(neighbour, k0))
        out[i] = (k0 + (k1 - k0) * abs(t - 0.5)) / 12.0 * (season[period.month - 1] if season is not None else 1.0)
    return out
