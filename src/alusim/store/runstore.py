"""The run store: every saved run is a directory of Parquet files; a small DuckDB file indexes them.

Layout (``root`` is ``--store DIR``, ``$ALUSIM_STORE`` or ``~/.alusim``)::

    root/
      catalog.duckdb              index: table ``runs``, one row per run (the manifest fields)
      runs/<run_id>/
        manifest.json             run_id, scenario, created (UTC), seed, paths, start, end, version,
                                  elapsed_s, metrics, files, …  — the source of truth
        scenario.yaml             the resolved scenario
        summary.parquet           monthly ``variable, region, month, mean, p05, p50, p95``
        summary_annual.parquet    the same per calendar year
        assets.parquet            per asset and year
        paths.parquet             per path and month: ``path, month, region, variable, value`` (float32)
        …                         extra files (report.html, summary.csv…)

A run directory is written whole with :func:`write_dir_atomically` and only then registered in the
catalog. The catalog is an index, opened briefly by whoever writes; lock conflicts between processes
are retried with backoff, and :meth:`RunStore.list` reconciles it with the directories on disk
(runs on disk but not in the catalog are added, rows whose directory is gone are dropped).
:meth:`RunStore.query` never opens the catalog: it reads the manifests and Parquet files in an
in-memory DuckDB, so queries, sweeps and dashboards never fight over the lock.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import math
import os
import random
import secrets
import shutil
import time
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from alusim.errors import InputError
from alusim.store.atomic import TMP_PREFIX, FileContent, clean_stale, write_dir_atomically
from alusim.store.paths import default_store_root

if TYPE_CHECKING:
    import xarray as xr

    from alusim.engine.result import SimulationResult

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


class _CatalogUnavailable(Exception):
    """The catalog could not be opened (locked for too long, damaged, unreadable)."""


class RunStore:
    """Saved runs under ``root`` (default :func:`default_store_root`).

    ``lock_timeout`` bounds how long :meth:`save` and :meth:`remove` wait for another process's lock
    on the catalog (the run is on disk either way); ``list_timeout`` the same for :meth:`list`, which
    falls back to reading the manifests.
    """

    def __init__(self, root: Path | str | None = None, *, lock_timeout: float = 30.0, list_timeout: float = 5.0):
        self.root = Path(root).expanduser() if root is not None else default_store_root()
        self.lock_timeout = float(lock_timeout)
        self.list_timeout = float(list_timeout)

    def __repr__(self) -> str:
        return f"RunStore({str(self.root)!r})"

    @property
    def runs_dir(self) -> Path:
        return self.root / RUNS_DIR

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG_FILE

    # -- writing ---------------------------------------------------------------------------------
    def save(self, result: SimulationResult, extra_files: Mapping[str, FileContent] | None = None,
             metrics: Mapping[str, Any] | None = None, *, summary: pd.DataFrame | None = None,
             summary_annual: pd.DataFrame | None = None, assets: pd.DataFrame | None = None,
             elapsed_s: float | None = None) -> str:
        """Store ``result`` as a new run and return its id (``YYYYMMDD-HHMMSS-xxxxxx``, UTC).

        ``extra_files`` (name → bytes, text or ``writer(path)``) are stored beside the standard files;
        ``metrics`` are merged over the headline metrics. ``summary``, ``summary_annual`` and ``assets``
        may be passed when the caller has computed them already; ``elapsed_s`` defaults to the
        simulation's own timings. The directory appears whole or not at all; if any writer fails,
        nothing is stored and the exception propagates.
        """
        extra = dict(extra_files or {})
        clash = sorted(set(extra) & set(STANDARD_FILES))
        if clash:
            raise ValueError(f"extra_files may not replace the standard run files {clash}")
        from alusim.scenario import dump_scenario

        summary = result.summary("M") if summary is None else summary
        annual = result.summary("Y") if summary_annual is None else summary_annual
        assets = result.asset_table() if assets is None else assets
        scenario = result.scenario
        scenario_text = dump_scenario(scenario)
        head = headline_metrics(annual)
        try:
            head["balance_error_kt"] = float(result.balance_error_kt())
        except Exception:  # noqa: BLE001 - a metric must never stop a save
            pass
        head.update(dict(metrics or {}))
        if elapsed_s is None:
            elapsed_s = float(sum(getattr(result, "timings", {}).values()))
        base = {
            "format": MANIFEST_FORMAT, "scenario": scenario.name, "description": scenario.description or "",
            "seed": int(scenario.seed), "paths": int(scenario.paths), "start": scenario.start,
            "end": scenario.end, "months": int(result.data.sizes["month"]), "alusim_version": _version(),
            "elapsed_s": round(float(elapsed_s), 4),
            "scenario_sha256": hashlib.sha256(scenario_text.encode()).hexdigest(),
            "metrics": _jsonable(head), "path_variables": [v for v in PATH_VARIABLES if v in result.data],
            "notes": [str(n) for n in getattr(result, "notes", [])],
        }
        runs = self.runs_dir
        runs.mkdir(parents=True, exist_ok=True)
        clean_stale(runs, (TMP_PREFIX, TRASH_PREFIX))
        data = result.data
        for _ in range(100):
            now = datetime.now(UTC)
            run_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
            manifest = {"run_id": run_id, **base, "created": now.isoformat(timespec="microseconds")}
            files: dict[str, FileContent] = {
                "scenario.yaml": scenario_text,
                "summary.parquet": _frame_writer(summary),
                "summary_annual.parquet": _frame_writer(annual),
                "assets.parquet": _frame_writer(assets),
                "paths.parquet": lambda dest, data=data: write_paths_parquet(data, dest),
                **extra,
            }
            files[MANIFEST] = _manifest_writer(manifest, [*files, MANIFEST])
            target = runs / run_id
            try:
                write_dir_atomically(target, files, replace=False)
            except FileExistsError as exc:
                if exc.filename == str(target):
                    continue  # same second and same random suffix: draw another id
                raise
            break
        else:  # pragma: no cover - 100 collisions of a 24-bit random suffix
            raise RuntimeError("could not find a free run id")
        try:
            self._with_catalog(lambda con: _upsert(con, [manifest]), self.lock_timeout)
        except _CatalogUnavailable as exc:
            warnings.warn(f"run {run_id} is saved in {target} but not yet in the catalog ({exc}); "
                          "it is added the next time runs are listed", RuntimeWarning, stacklevel=2)
        return run_id

    def remove(self, run_id: str) -> str:
        """Delete a run (id or unique prefix); returns the full id. The directory is first renamed
        to a hidden trash name (so it vanishes at once), then deleted, then its catalog row."""
        rid = self._resolve(run_id)
        trash = self.runs_dir / f"{TRASH_PREFIX}{rid}-{secrets.token_hex(4)}"
        try:
            os.rename(self.runs_dir / rid, trash)
        except FileNotFoundError:
            raise self._unknown(run_id) from None
        shutil.rmtree(trash, ignore_errors=True)
        try:
            self._with_catalog(lambda con: con.execute("DELETE FROM runs WHERE run_id = ?", [rid]),
                               self.lock_timeout)
        except _CatalogUnavailable as exc:
            warnings.warn(f"run {rid} is removed but its catalog row could not be deleted yet ({exc}); "
                          "it is dropped the next time runs are listed", RuntimeWarning, stacklevel=2)
        return rid

    # -- reading ---------------------------------------------------------------------------------
    def list(self) -> pd.DataFrame:
        """One row per stored run, newest first (columns: the catalog's; ``created`` in UTC)."""
        if not self.runs_dir.is_dir() and not self.catalog_path.exists():
            return _runs_frame([])
        try:
            records = self._with_catalog(self._reconcile, self.list_timeout)
        except _CatalogUnavailable:
            records = [_record(m) for m in self._manifests()]
        return _runs_frame(records)

    def get(self, run_id: str) -> dict[str, Any]:
        """The manifest of a run, by id, unique prefix or ``latest``."""
        rid = self._resolve(run_id)
        manifest = _read_manifest(self.runs_dir / rid)
        if manifest is None:
            raise InputError(f"run {rid} has no readable {MANIFEST}", where=str(self.runs_dir / rid),
                             fix=f"remove it with `alusim runs rm {rid}`")
        return manifest

    def path(self, run_id: str) -> Path:
        """The directory of a run."""
        return self.runs_dir / self._resolve(run_id)

    def load_summary(self, run_id: str, annual: bool = False) -> pd.DataFrame:
        """The stored summary (monthly, or per calendar year with ``annual=True``)."""
        name = "summary_annual.parquet" if annual else "summary.parquet"
        return pd.read_parquet(self._file(run_id, name))

    def load_assets(self, run_id: str) -> pd.DataFrame:
        """The per-asset, per-year table."""
        return pd.read_parquet(self._file(run_id, "assets.parquet"))

    def load_paths(self, run_id: str, variables: str | builtins.list[str] | None = None) -> pd.DataFrame:
        """Per-path monthly values ``path, month, region, variable, value`` (optionally some variables)."""
        filters = None
        if variables is not None:
            filters = [("variable", "in", [variables] if isinstance(variables, str) else builtins.list(variables))]
        table = pq.read_table(self._file(run_id, "paths.parquet"), filters=filters)
        return table.to_pandas()

    def query(self, sql: str) -> pd.DataFrame:
        """Run one read-only SQL ``SELECT`` across all runs in an in-memory DuckDB.

        Views: ``runs`` (the manifests; ``metrics`` as JSON text — quote ``"end"``), ``summary``,
        ``summary_annual``, ``assets`` and ``paths`` (each with a ``run_id`` column). The catalog file
        is not opened, so this never waits for or blocks a writer.
        """
        try:
            statements = duckdb.extract_statements(sql)
        except duckdb.Error as exc:
            raise InputError(_first_line(exc), where="query", fix="write one SQL SELECT statement") from None
        allowed = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)
        if len(statements) != 1 or statements[0].type not in allowed:
            raise InputError("only one read-only SELECT statement can be run", where="query",
                             fix="write a single SELECT (or WITH … SELECT) over runs, summary, "
                                 "summary_annual, assets, paths")
        con = duckdb.connect(":memory:")
        try:
            self._create_views(con)
            return con.execute(sql).df()
        except duckdb.Error as exc:
            raise InputError(_first_line(exc), where="query",
                             fix="the views are runs, summary, summary_annual, assets and paths") from None
        finally:
            con.close()

    def rebuild_catalog(self) -> int:
        """Drop and rebuild the catalog from the run directories; returns the number of runs."""
        def rebuild(con: duckdb.DuckDBPyConnection) -> int:
            con.execute("DELETE FROM runs")
            return len(self._reconcile(con))
        return self._with_catalog(rebuild, self.lock_timeout)

    # -- internals -------------------------------------------------------------------------------
    def _run_ids(self) -> builtins.list[str]:
        """Complete runs on disk: visible directories holding a manifest (sorted)."""
        try:
            entries = list(os.scandir(self.runs_dir))
        except FileNotFoundError:
            return []
        return sorted(e.name for e in entries if not e.name.startswith(".") and e.is_dir()
                      and os.path.isfile(os.path.join(e.path, MANIFEST)))

    def _manifests(self) -> builtins.list[dict[str, Any]]:
        out = []
        for rid in self._run_ids():
            manifest = _read_manifest(self.runs_dir / rid)
            if manifest is not None:
                out.append(manifest)
        return out

    def _resolve(self, run_id: str) -> str:
        rid = str(run_id).strip()
        if not rid or "/" in rid or "\\" in rid or rid.startswith("."):
            raise self._unknown(run_id)
        ids = self._run_ids()
        if rid.lower() in ("latest", "last"):
            if not ids:
                raise self._unknown(run_id)
            manifests = self._manifests()
            if manifests:
                return max(manifests, key=lambda m: (str(m.get("created", "")), m["run_id"]))["run_id"]
            return ids[-1]
        if rid in ids:
            return rid
        matches = [i for i in ids if i.startswith(rid)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            shown = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
            raise InputError(f"run id prefix {rid!r} matches {len(matches)} runs: {shown}", where="run id",
                             fix="give more characters of the id; " + _RUN_HINT)
        raise self._unknown(run_id)

    def _unknown(self, run_id: str) -> InputError:
        return InputError(f"no run {str(run_id)!r} in {self.runs_dir}", where="run id", fix=_RUN_HINT)

    def _file(self, run_id: str, name: str) -> Path:
        rid = self._resolve(run_id)
        path = self.runs_dir / rid / name
        if not path.is_file():
            raise InputError(f"run {rid} has no {name}", where=str(path.parent),
                             fix="it was saved without it; re-run the scenario to get it")
        return path

    def _with_catalog(self, fn: Callable[[duckdb.DuckDBPyConnection], Any], timeout: float) -> Any:
        """Open the catalog read-write, ensure the schema, run ``fn(con)`` in a transaction, close.

        Lock conflicts with other processes (and write conflicts between threads) are retried with
        jittered exponential backoff until ``timeout``; then :class:`_CatalogUnavailable`.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            try:
                con = duckdb.connect(str(self.catalog_path))
            except duckdb.Error as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise _CatalogUnavailable(_first_line(exc)) from exc
            else:
                try:
                    _ensure_schema(con)
                    con.execute("BEGIN TRANSACTION")
                    value = fn(con)
                    con.execute("COMMIT")
                    return value
                except duckdb.Error as exc:
                    try:
                        con.execute("ROLLBACK")
                    except duckdb.Error:
                        pass
                    if not _is_busy(exc) or time.monotonic() >= deadline:
                        raise _CatalogUnavailable(_first_line(exc)) from exc
                finally:
                    con.close()
            time.sleep(min(delay, max(deadline - time.monotonic(), 0.0)) * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 0.25)

    def _reconcile(self, con: duckdb.DuckDBPyConnection) -> builtins.list[dict[str, Any]]:
        """Make the catalog match the run directories (scanned while holding the lock: runs are
        registered only after their directory exists and deregistered only after it is gone)."""
        on_disk = set(self._run_ids())
        in_catalog = {row[0] for row in con.execute("SELECT run_id FROM runs").fetchall()}
        gone = sorted(in_catalog - on_disk)
        if gone:
            con.executemany("DELETE FROM runs WHERE run_id = ?", [[rid] for rid in gone])
        missing = [m for m in (_read_manifest(self.runs_dir / rid) for rid in sorted(on_disk - in_catalog))
                   if m is not None]
        if missing:
            _upsert(con, missing)
        cursor = con.execute(f"SELECT {_QUOTED} FROM runs ORDER BY created DESC, run_id DESC")
        names = [d[0] for d in cursor.description]
        return [_record(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

    def _create_views(self, con: duckdb.DuckDBPyConnection) -> None:
        manifests = self._manifests()
        con.register("_alusim_runs", _runs_arrow([_record(m) for m in manifests]))
        con.execute("CREATE VIEW runs AS SELECT * FROM _alusim_runs ORDER BY created DESC, run_id DESC")
        empty = {
            "summary": "NULL::VARCHAR AS variable, NULL::VARCHAR AS region, NULL::VARCHAR AS month, "
                       "NULL::DOUBLE AS mean, NULL::DOUBLE AS p05, NULL::DOUBLE AS p50, NULL::DOUBLE AS p95",
            "paths": "NULL::INTEGER AS path, NULL::VARCHAR AS month, NULL::VARCHAR AS region, "
                     "NULL::VARCHAR AS variable, NULL::FLOAT AS value",
        }
        empty["summary_annual"] = empty["summary"]
        empty["assets"] = "NULL::VARCHAR AS asset_id"
        for view in ("summary", "summary_annual", "assets", "paths"):
            files = [str(self.runs_dir / m["run_id"] / f"{view}.parquet") for m in manifests]
            files = [f for f in files if os.path.isfile(f)]
            if files:
                listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
                con.execute(f"CREATE VIEW {view} AS SELECT parse_filename(parse_dirpath(filename)) AS run_id, "
                            f"* EXCLUDE (filename) FROM read_parquet([{listed}], union_by_name = true, "
                            "filename = true)")
            else:
                con.execute(f"CREATE VIEW {view} AS SELECT NULL::VARCHAR AS run_id, {empty[view]} LIMIT 0")


# -- files -----------------------------------------------------------------------------------------
def write_paths_parquet(data: xr.Dataset, dest: Path, variables: tuple[str, ...] = PATH_VARIABLES) -> None:
    """Per-path monthly values in long form ``path, month, region, variable, value``.

    Values are float32; month/region/variable are dictionary-encoded; rows are ordered by variable,
    region, path, month, one row group per (variable, region) for big runs so filters skip the rest.
    Regions where a variable is undefined (all NaN, e.g. the SHFE price outside CN) are left out.
    """
    months = pd.DatetimeIndex(data["month"].values).strftime("%Y-%m").tolist()
    regions = [str(r) for r in data["region"].values]
    n_paths, n_months = data.sizes["path"], data.sizes["month"]
    names = [v for v in variables if v in data.data_vars and set(data[v].dims) == {"path", "month", "region"}]
    values, var_idx, reg_idx = [], [], []
    for vi, name in enumerate(names):
        arr = data[name].transpose("path", "month", "region").values
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
    created = pd.to_datetime(source.get("created"), utc=True, errors="coerce")

    def num(key: str, kind: type) -> Any:
        value = source.get(key)
        try:
            return None if value is None else kind(value)
        except (TypeError, ValueError):
            return None

    return {
        "run_id": str(source.get("run_id")), "scenario": source.get("scenario"),
        "description": source.get("description") or "", "created": created,
        "seed": num("seed", int), "paths": num("paths", int), "start": source.get("start"),
        "end": source.get("end"), "months": num("months", int), "alusim_version": source.get("alusim_version"),
        "elapsed_s": num("elapsed_s", float), "size_bytes": num("size_bytes", int),
        "scenario_sha256": source.get("scenario_sha256"), "metrics": metrics,
        "files": list(source.get("files") or []),
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
