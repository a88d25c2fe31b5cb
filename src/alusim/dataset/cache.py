"""A cache of validated dataset tables, so that a run on an unchanged dataset skips re-validation.

The cache is data only: one Parquet file per table and a JSON manifest, never a pickle, so that
whoever can write to the cache folder can at worst change numbers (which the key below then no
longer matches), never run code. The key is the SHA-256 of the *content* of every table file the
loader knows (:data:`alusim.dataset.schemas.TABLES` and ``OPTIONAL_TABLES``, absent ones included as
absent), of the alusim version and of the dataset package's validation code: an edit that keeps a file's size and modification time still
changes the key. The manifest repeats the key and the SHA-256 of each Parquet file; an entry whose
files do not match is ignored and the tables are validated again. The cache lives in
``$ALUSIM_CACHE`` (default ``~/.cache/alusim``); when it cannot be written, loading validates every
time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
PREFIX = "dataset-"
FORMAT = 2


def cache_root() -> Path:
    return Path(os.environ.get("ALUSIM_CACHE", "~/.cache/alusim")).expanduser()


def _table_files() -> tuple[str, ...]:
    from alusim.dataset.table_files import OPTIONAL_TABLE_FILES, TABLE_FILES

    return (*TABLE_FILES, *OPTIONAL_TABLE_FILES)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _rules_fingerprint() -> str:
    """SHA-256 of the dataset package's own code (schemas, loader, checks): tables validated by older
    rules are validated again."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(folder: Path) -> str | None:
    """SHA-256 over the alusim version and the bytes of every table file (None when one is unreadable:
    the loader then reports it)."""
    from alusim import __version__

    digest = hashlib.sha256(f"alusim {__version__} cache {FORMAT} rules {_rules_fingerprint()}\n".encode())
    for name in _table_files():
        path = folder / name
        try:
            entry = _sha256(path) if path.is_file() else "-"
        except OSError:
            return None
        digest.update(f"{name}:{entry}\n".encode())
    return digest.hexdigest()


def load_cached(folder: Path) -> dict[str, pd.DataFrame] | None:
    """The cached tables of ``folder``, or None when absent, stale or not what the manifest says."""
    key = cache_key(folder)
    if key is None:
        return None
    entry = cache_root() / f"{PREFIX}{key}"
    try:
        manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("key") != key or manifest.get("format") != FORMAT:
            return None
        tables = {}
        for name, meta in manifest["tables"].items():
            path = entry / f"{name}.parquet"
            if _sha256(path) != meta["sha256"]:
                return None
            tables[name] = _with_dtypes(_read_parquet(path).to_pandas(), meta.get("dtypes") or {})
        return tables
    except (OSError, ValueError, KeyError, TypeError, AttributeError, pa.ArrowException):
        return None


def _read_parquet(path: Path) -> pa.Table:
    """One cached table, read as a single Parquet file: the same table as ``pq.read_table`` (a test
    compares them), without its dataset discovery (``pyarrow.dataset``, ~20 ms of every run)."""
    with pq.ParquetFile(path) as file:
        return file.read()


@functools.lru_cache(maxsize=64)
def _dtype(name: str):
    return pd.api.types.pandas_dtype(name)


def _with_dtypes(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """``frame`` with the column types the manifest recorded; only the columns that Parquet did not
    bring back as they were are converted (all of them usually: converting the ~230 columns of a
    dataset one by one anyway took ~50 ms of every run)."""
    current = frame.dtypes
    changes = {c: t for c, t in dtypes.items() if current[c] != _dtype(t)}
    return frame.astype(changes) if changes else frame


def _discard(entry: Path) -> None:
    trash = entry.with_name(f".{entry.name}.trash-{os.getpid()}")
    os.rename(entry, trash)
    if trash.is_symlink() or not trash.is_dir():
        trash.unlink()
    else:
        shutil.rmtree(trash, ignore_errors=True)


def store_cached(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Write ``tables`` under the content key of ``folder`` (silently skipped when the cache cannot be
    written)."""
    key = cache_key(folder)
    if key is None:
        return
    root = cache_root()
    target = root / f"{PREFIX}{key}"
    work = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(target):
            if load_cached(folder) is not None:
                return
            _discard(target)          # a damaged or tampered entry: replaced, never trusted
        work = Path(tempfile.mkdtemp(dir=root, prefix=f".{PREFIX}tmp-"))
        entries = {}
        for name, frame in tables.items():
            path = work / f"{name}.parquet"
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
            entries[name] = {"sha256": _sha256(path), "dtypes": {c: str(t) for c, t in frame.dtypes.items()}}
        (work / MANIFEST).write_text(json.dumps({"format": FORMAT, "key": key, "tables": entries}, indent=1),
                                     encoding="utf-8")
        os.rename(work, target)
    except (OSError, ValueError, TypeError, pa.ArrowException):
        return
    finally:
        if work is not None and work.exists():
            shutil.rmtree(work, ignore_errors=True)
