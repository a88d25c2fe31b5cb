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
import os
import secrets
import shutil
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from alusim.errors import InputError
from alusim.store.atomic import TMP_PREFIX, FileContent, clean_stale, write_dir_atomically
from alusim.store.catalog import CatalogUnavailable, discard_catalog, with_catalog
from alusim.store.paths import default_store_root
from alusim.store.records import (
    _QUOTED,
    _RUN_HINT,
    CATALOG_FILE,
    MANIFEST,
    MANIFEST_FORMAT,
    PATH_VARIABLES,
    RUNS_DIR,
    STANDARD_FILES,
    TRASH_PREFIX,
    _first_line,
    _frame_writer,
    _jsonable,
    _manifest_writer,
    _read_manifest,
    _record,
    _runs_frame,
    _upsert,
    _version,
    headline_metrics,
    write_paths_parquet,
)
from alusim.store.views import create_views

if TYPE_CHECKING:
    from alusim.engine.result import SimulationResult


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
             elapsed_s: float | None = None, paths: FileContent | None = None) -> str:
        """Store ``result`` as a new run and return its id (``YYYYMMDD-HHMMSS-xxxxxx``, UTC).

        ``extra_files`` (name → bytes, text or ``writer(path)``) are stored beside the standard files;
        ``metrics`` are merged over the headline metrics. ``summary``, ``summary_annual`` and ``assets``
        may be passed when the caller has computed them already, and ``paths`` (e.g. a
        :class:`~alusim.store.records.BackgroundPaths` started earlier) as the writer of
        ``paths.parquet``; ``elapsed_s`` defaults to the
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
                "paths.parquet": paths if paths is not None else (lambda dest, data=data: write_paths_parquet(data, dest)),
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
        except CatalogUnavailable as exc:
            warnings.warn(f"run {run_id} is saved in {target} but not yet in the catalog ({exc}); "
                          "it is added the next time runs are listed", RuntimeWarning, stacklevel=2)
        return run_id

    def remove(self, run_id: str) -> str:
        """Delete a run (id or unique prefix) — or anything else inside the store's ``runs/`` folder, a
        run with a broken manifest or a stray file included; returns the full name. The entry is first
        renamed to a hidden trash name (so it vanishes at once), then deleted, then its catalog row.
        Symbolic links are removed, never followed."""
        rid = self.resolve_entry(run_id)
        trash = self.runs_dir / f"{TRASH_PREFIX}{rid}-{secrets.token_hex(4)}"
        try:
            os.rename(self.runs_dir / rid, trash)
        except FileNotFoundError:
            raise self._unknown(run_id) from None
        if trash.is_dir() and not trash.is_symlink():
            shutil.rmtree(trash, ignore_errors=True)
        else:
            trash.unlink(missing_ok=True)
        try:
            self._with_catalog(lambda con: con.execute("DELETE FROM runs WHERE run_id = ?", [rid]),
                               self.lock_timeout)
        except CatalogUnavailable as exc:
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
        except CatalogUnavailable:
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
        return self._read(run_id, name, lambda path: pd.read_parquet(path))

    def load_assets(self, run_id: str) -> pd.DataFrame:
        """The per-asset, per-year table."""
        return self._read(run_id, "assets.parquet", lambda path: pd.read_parquet(path))

    def load_paths(self, run_id: str, variables: str | builtins.list[str] | None = None) -> pd.DataFrame:
        """Per-path monthly values ``path, month, region, variable, value`` (optionally some variables)."""
        filters = None
        if variables is not None:
            filters = [("variable", "in", [variables] if isinstance(variables, str) else builtins.list(variables))]
        return self._read(run_id, "paths.parquet", lambda path: pq.read_table(path, filters=filters).to_pandas())

    def query(self, sql: str) -> pd.DataFrame:
        """Run one read-only SQL ``SELECT`` across all runs in an in-memory DuckDB.

        Views: ``runs`` (the manifests; ``metrics`` as JSON text — quote ``"end"``), ``summary``,
        ``summary_annual``, ``assets`` and ``paths`` (each with a ``run_id`` column); finished sweeps as
        ``sweeps``, ``sweep_results`` and ``sweep_indices`` (each with a ``sweep_id``; store/sweeps.py). The catalog file
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

    def repair(self) -> tuple[int, int]:
        """Move the catalog aside (whatever state it is in) and rebuild it from the run folders; returns
        (runs catalogued, run folders whose manifest is unreadable and so left out)."""
        discard_catalog(self.catalog_path)
        catalogued = self.rebuild_catalog()
        return catalogued, len(self._run_ids()) - catalogued

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

    def resolve_entry(self, name: str) -> str:
        """Like :meth:`_resolve`, but over every entry of ``runs/`` (folders without a readable
        manifest and stray files too); hidden entries only by their exact name."""
        rid = str(name).strip()
        if not rid or "/" in rid or "\\" in rid or rid in (".", ".."):
            raise self._unknown(name)
        try:
            entries = sorted(e.name for e in os.scandir(self.runs_dir))
        except OSError:
            raise self._unknown(name) from None
        if rid in entries:
            return rid
        if rid.lower() in ("latest", "last"):
            return self._resolve(rid)
        matches = [e for e in entries if not e.startswith(".") and e.startswith(rid)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            return self._resolve(rid)   # the ambiguity message
        raise self._unknown(name)

    def _read(self, run_id: str, name: str, reader: Callable[[Path], Any]) -> Any:
        """Read a stored file; a damaged one is one line naming the run and how to remove it."""
        path = self._file(run_id, name)
        try:
            return reader(path)
        except (OSError, ValueError, pa.ArrowException) as exc:
            rid = path.parent.name
            raise InputError(f"{name} is unreadable ({_first_line(exc)})", where=f"run {rid}",
                             fix=f"remove the run with `alusim runs rm {rid}`") from None

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
        return with_catalog(self.catalog_path, fn, timeout)

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
        create_views(con, self.runs_dir, self._manifests())
        from alusim.store.sweeps import create_sweep_views

        create_sweep_views(con, self.root)


# -- files -----------------------------------------------------------------------------------------
