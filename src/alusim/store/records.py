"""What a stored run is made of: its files, its manifest and its catalog record (pure helpers of the
run store; :mod:`alusim.store.runstore` does the I/O orchestration)."""

from __future__ import annotations

import io
import json
import math
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    import xarray as xr


RUNS_DIR = "runs"
CATALOG_FILE = "catalog.duckdb"
MANIFEST = "manifest.json"
TRASH_PREFIX = ".alusim-trash-"
MANIFEST_FORMAT = 1
STANDARD_FILES = ("scenario.yaml", "summary.parquet", "summary_annual.parquet", "assets.parquet",
                  "paths.parquet", MANIFEST)
#: variables kept per path in paths.parquet (the summaries keep every variable)
PATH_VARIABLES = ("price_lme_usd_t", "price_shfe_cny_t", "production_kt", "inventory_kt", "net_exports_kt",
                  "co2_mt", "share_loss_making", "margin_cny_t")
#: headline metrics (median over paths in the last simulated year) put in every manifest
HEADLINE = (("price_lme_usd_t", "WORLD"), ("price_shfe_cny_t", "CN"), ("production_kt", "CN"),
            ("production_kt", "WORLD"), ("net_exports_kt", "CN"), ("stock_days", "CN"),
            ("share_loss_making", "CN"), ("margin_cny_t", "CN"), ("co2_mt", "WORLD"), ("co2_t_per_t", "WORLD"))
#: catalog table ``runs``: column, DuckDB type
CATALOG_COLUMNS = (
    ("run_id", "VARCHAR PRIMARY KEY"), ("scenario", "VARCHAR"), ("description", "VARCHAR"),
    ("created", "TIMESTAMP"), ("seed", "BIGINT"), ("paths", "INTEGER"), ("start", "VARCHAR"),
    ("end", "VARCHAR"), ("months", "INTEGER"), ("alusim_version", "VARCHAR"), ("elapsed_s", "DOUBLE"),
    ("size_bytes", "BIGINT"), ("scenario_sha256", "VARCHAR"), ("metrics", "VARCHAR"), ("files", "VARCHAR[]"),
)
COLUMNS = tuple(name for name, _ in CATALOG_COLUMNS)
_QUOTED = ", ".join(f'"{name}"' for name in COLUMNS)
_RUN_HINT = "`alusim runs list` shows the ids"


def write_paths_parquet(data: xr.Dataset, dest: Path, variables: tuple[str, ...] = PATH_VARIABLES) -> None:
    """Per-path monthly values in long form ``path, month, region, variable, value``.

    Values are float32; month/region/variable are dictionary-encoded; rows are ordered by variable,
    region, path, month, one row group per (variable, region) for big runs so filters skip the rest.
    Regions where a variable is undefined (all NaN, e.g. the SHFE price outside CN) are left out.
    """
    from alusim.engine.annual import ordered_values

    months = pd.DatetimeIndex(data["month"].values).strftime("%Y-%m").tolist()
    regions = [str(r) for r in data["region"].values]
    n_paths, n_months = data.sizes["path"], data.sizes["month"]
    names = [v for v in variables if v in data.data_vars and set(data.variables[v].dims) == {"path", "month", "region"}]
    values, var_idx, reg_idx = [], [], []
    for vi, name in enumerate(names):
        arr = ordered_values(data, name)
        for ri in range(len(regions)):
            block = arr[:, :, ri]
            if np.isnan(block).all():
                continue
            values.append(block.astype(np.float32).ravel())
            var_idx.append(vi)
            reg_idx.append(ri)
    per = n_paths * n_months
    n_series = len(values)
    path_ids = np.asarray(data["path"].values, dtype=np.int32)

    def dictionary(indices: np.ndarray, labels: list[str]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(indices), pa.array(labels, type=pa.string()))

    table = pa.table({
        "path": pa.array(np.tile(np.repeat(path_ids, n_months), n_series)),
        "month": dictionary(np.tile(np.arange(n_months, dtype=np.int16), n_paths * n_series), months),
        "region": dictionary(np.repeat(np.asarray(reg_idx, dtype=np.int8), per), regions),
        "variable": dictionary(np.repeat(np.asarray(var_idx, dtype=np.int8), per), names),
        "value": pa.array(np.concatenate(values) if values else np.empty(0, np.float32)),
    })
    # byte-stream-split + zstd packs float32 series ~35% smaller than dictionary + zstd
    pq.write_table(table, dest, compression="zstd", use_dictionary=["month", "region", "variable"],
                   use_byte_stream_split=["value"], row_group_size=max(per, 1 << 16))


class BackgroundPaths:
    """``paths.parquet`` of ``data`` written into memory on a thread (started at once), so that it
    overlaps building the report; calling it with a destination — as the run store's writer for
    that file — waits for the thread and writes the bytes, or raises what the thread raised (and
    then, the store being written atomically, no run is stored)."""

    def __init__(self, data: xr.Dataset) -> None:
        self._bytes: bytes | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._write, args=(data,), name="alusim-paths", daemon=True)
        self._thread.start()

    def _write(self, data: xr.Dataset) -> None:
        try:
            sink = io.BytesIO()
            write_paths_parquet(data, sink)
            self._bytes = sink.getvalue()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller on the main thread
            self._error = exc

    def __call__(self, dest: Path) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error
        Path(dest).write_bytes(self._bytes or b"")


def headline_metrics(annual: pd.DataFrame) -> dict[str, Any]:
    """Median over paths, in the last simulated year, of a few headline variables."""
    if annual.empty:
        return {}
    last = max(annual["month"].astype(str))
    rows = annual[annual["month"].astype(str) == last]
    out: dict[str, Any] = {"last_year": int(last[:4])}
    for var, region in HEADLINE:
        hit = rows[(rows["variable"] == var) & (rows["region"] == region)]
        if len(hit):
            out[f"{var}_{region}_p50"] = float(hit["p50"].iloc[0])
    return out


def _frame_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    def write(dest: Path) -> None:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), dest, compression="zstd")
    return write


def _manifest_writer(manifest: dict[str, Any], names: list[str]) -> Callable[[Path], None]:
    """Written last: records the files and their total size, then the manifest itself."""
    def write(dest: Path) -> None:
        manifest["files"] = names
        manifest["size_bytes"] = sum(p.stat().st_size for p in dest.parent.iterdir() if p.name != MANIFEST)
        dest.write_text(json.dumps(_jsonable(manifest), indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return write


def _read_manifest(run_dir: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    manifest["run_id"] = run_dir.name  # the directory name is the id
    return manifest


# -- catalog ---------------------------------------------------------------------------------------
def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    columns = ", ".join(f'"{name}" {kind}' for name, kind in CATALOG_COLUMNS)
    con.execute(f"CREATE TABLE IF NOT EXISTS runs ({columns})")
    have = [row[0] for row in con.execute("SELECT name FROM pragma_table_info('runs')").fetchall()]
    if have != list(COLUMNS):  # an older layout: the catalog is only an index, rebuild it
        con.execute("DROP TABLE runs")
        con.execute(f"CREATE TABLE runs ({columns})")


def _upsert(con: duckdb.DuckDBPyConnection, manifests: list[dict[str, Any]]) -> None:
    rows = []
    for m in manifests:
        rec = _record(m)
        created = rec["created"]
        rows.append([
            rec["run_id"], rec["scenario"], rec["description"],
            None if pd.isna(created) else created.tz_convert(None).to_pydatetime(),
            rec["seed"], rec["paths"], rec["start"], rec["end"], rec["months"], rec["alusim_version"],
            rec["elapsed_s"], rec["size_bytes"], rec["scenario_sha256"],
            json.dumps(_jsonable(rec["metrics"]), allow_nan=False), rec["files"],
        ])
    placeholders = ", ".join("?" for _ in COLUMNS)
    con.executemany(f"INSERT OR REPLACE INTO runs ({_QUOTED}) VALUES ({placeholders})", rows)


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    if isinstance(exc, duckdb.TransactionException):
        return True
    return isinstance(exc, duckdb.IOException) and ("lock" in text)


# -- records ---------------------------------------------------------------------------------------
def _record(source: Mapping[str, Any]) -> dict[str, Any]:
    """A manifest or a catalog row → one normalised row of :meth:`RunStore.list`."""
    metrics = source.get("metrics") or {}
    if isinstance(metrics, str):
        try:
            metrics = json.loads(metrics)
        except ValueError:
            metrics = {}
    if not isinstance(metrics, dict):
        metrics = {}
    created = source.get("created")
    created = pd.to_datetime(created if isinstance(created, str | datetime) else None, utc=True, errors="coerce")

    def num(key: str, kind: type, bits: int = 64) -> Any:
        """A number that fits the catalog column (signed ``bits``), or None: a manifest with a seed
        of 2**64 or a text where a number belongs must not break the catalog for every run."""
        value = source.get(key)
        if isinstance(value, bool):
            return None
        try:
            number = None if value is None else kind(value)
        except (TypeError, ValueError, OverflowError):
            return None
        if number is None or (kind is float and not math.isfinite(number)):
            return None
        if kind is int and not -(2 ** (bits - 1)) <= number < 2 ** (bits - 1):
            return None
        return number

    def text(key: str) -> str | None:
        value = source.get(key)
        return None if value is None else str(value)[:10_000]

    return {
        "run_id": str(source.get("run_id")), "scenario": text("scenario"),
        "description": text("description") or "", "created": created,
        "seed": num("seed", int), "paths": num("paths", int, 32), "start": text("start"),
        "end": text("end"), "months": num("months", int, 32), "alusim_version": text("alusim_version"),
        "elapsed_s": num("elapsed_s", float), "size_bytes": num("size_bytes", int),
        "scenario_sha256": text("scenario_sha256"), "metrics": metrics,
        "files": [str(f) for f in source.get("files")] if isinstance(source.get("files"), list) else [],
    }


def _runs_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    frame["created"] = pd.to_datetime(frame["created"], utc=True)
    for col in ("seed", "paths", "months", "size_bytes"):
        frame[col] = frame[col].astype("Int64")
    frame["elapsed_s"] = frame["elapsed_s"].astype(float)
    frame = frame.sort_values(["created", "run_id"], ascending=False, kind="stable", na_position="last")
    return frame.reset_index(drop=True)


def _runs_arrow(records: list[dict[str, Any]]) -> pa.Table:
    schema = pa.schema([
        ("run_id", pa.string()), ("scenario", pa.string()), ("description", pa.string()),
        ("created", pa.timestamp("us", tz="UTC")), ("seed", pa.int64()), ("paths", pa.int32()),
        ("start", pa.string()), ("end", pa.string()), ("months", pa.int32()), ("alusim_version", pa.string()),
        ("elapsed_s", pa.float64()), ("size_bytes", pa.int64()), ("scenario_sha256", pa.string()),
        ("metrics", pa.string()), ("files", pa.list_(pa.string())),
    ])
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    for rec in records:
        for name in schema.names:
            value = rec[name]
            if name == "metrics":
                value = json.dumps(_jsonable(value), allow_nan=False)
            elif name == "created":
                value = None if pd.isna(value) else value.to_pydatetime()
            columns[name].append(value)
    return pa.table(columns, schema=schema)


# -- small helpers ---------------------------------------------------------------------------------
def _jsonable(value: Any) -> Any:
    """Plain JSON values: numpy scalars → Python, NaN/inf → None, tuples → lists."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | np.ndarray):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(float(value)) else None
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat()
    return str(value)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("alusim")
    except Exception:  # noqa: BLE001
        import alusim

        return str(getattr(alusim, "__version__", "unknown"))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
