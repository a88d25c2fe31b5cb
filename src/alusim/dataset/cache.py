"""A cache of validated dataset tables, so that a run on an unchanged dataset skips re-validation.

The key hashes the folder, every table's size and modification time, and the alusim version: any edit
to a table, or a new version, validates the tables again. The cache lives in ``$ALUSIM_CACHE`` (default
``~/.cache/alusim``); when it cannot be written, loading simply validates every time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

import pandas as pd

TABLE_FILES = ("smelters_cn.csv", "smelters_row.csv", "parameters.csv", "power_tariffs.csv", "input_prices.csv",
               "emission_factors.csv", "history_annual.csv", "demand.csv", "demand_sectors.csv", "trade.csv",
               "drivers.csv", "demand_drivers.csv", "sector_shares.csv", "demand_fit.csv", "recycling.csv",
               "consumption_history.csv")
OPTIONAL_FILES = ("smelters_retired.csv", "capacity_history.csv", "history_monthly.csv")


def cache_root() -> Path:
    return Path(os.environ.get("ALUSIM_CACHE", "~/.cache/alusim")).expanduser()


def cache_key(folder: Path) -> str | None:
    from alusim import __version__

    parts = [str(folder.resolve()), __version__]
    for name in TABLE_FILES:
        path = folder / name
        try:
            stat = path.stat()
        except OSError:
            return None          # a missing table: let the loader report it
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    for name in OPTIONAL_FILES:
        path = folder / name
        parts.append(f"{name}:{path.stat().st_size}:{path.stat().st_mtime_ns}" if path.is_file() else f"{name}:-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def load_cached(folder: Path) -> dict[str, pd.DataFrame] | None:
    key = cache_key(folder)
    if key is None:
        return None
    path = cache_root() / f"dataset-{key}.pkl"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def store_cached(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    key = cache_key(folder)
    if key is None:
        return
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=root, prefix=".dataset-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(tables, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, root / f"dataset-{key}.pkl")
    except OSError:
        return
