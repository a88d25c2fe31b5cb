"""Finished sweeps in the run store, beside the runs::

    root/sweeps/<sweep_id>/
      sweep.json         the plan (design, N, seed, inputs, outputs, timings)
      results.parquet    one row per run: ``run``, the inputs, the outputs
      indices.parquet    ``output, input, input_b, index, value, conf``
      report.html

A sweep is copied in whole (one atomic rename) only once every run is done, so an interrupted sweep
is never listed. :meth:`RunStore.query` shows them as the views ``sweeps`` (one row per sweep),
``sweep_results`` and ``sweep_indices`` (each with a ``sweep_id`` column).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from alusim.store.atomic import FileContent, write_dir_atomically

SWEEPS_DIR = "sweeps"
SWEEP_FILES = ("sweep.json", "results.parquet", "indices.parquet")


def save_sweep(root: Path, files: Mapping[str, FileContent]) -> str:
    """Store a finished sweep's files under a new id ``sweep-YYYYMMDD-HHMMSS-xxxxxx`` and return it."""
    sweeps = Path(root).expanduser() / SWEEPS_DIR
    sweeps.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        sweep_id = f"sweep-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
        try:
            write_dir_atomically(sweeps / sweep_id, files, replace=False)
        except FileExistsError as exc:
            if exc.filename == str(sweeps / sweep_id):
                continue
            raise
        return sweep_id
    raise RuntimeError("could not find a free sweep id")  # pragma: no cover


def sweep_dirs(root: Path) -> list[Path]:
    sweeps = Path(root).expanduser() / SWEEPS_DIR
    if not sweeps.is_dir():
        return []
    return sorted(p for p in sweeps.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and all((p / name).is_file() for name in SWEEP_FILES))


def create_sweep_views(con, root: Path) -> None:
    """Views ``sweeps``, ``sweep_results`` and ``sweep_indices`` in a DuckDB connection."""
    dirs = sweep_dirs(root)
    rows = []
    for d in dirs:
        plan = json.loads((d / "sweep.json").read_text(encoding="utf-8"))
        rows.append((d.name, plan.get("scenario"), plan.get("design"), plan.get("n"), plan.get("runs"),
                     plan.get("paths"), plan.get("seed"), json.dumps(plan.get("inputs")), json.dumps(plan.get("outputs")),
                     plan.get("created")))
    con.execute("CREATE TEMP TABLE _alusim_sweeps (sweep_id VARCHAR, scenario VARCHAR, design VARCHAR, n INTEGER, "
                "runs INTEGER, paths INTEGER, seed BIGINT, inputs VARCHAR, outputs VARCHAR, created VARCHAR)")
    if rows:
        con.executemany("INSERT INTO _alusim_sweeps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE VIEW sweeps AS SELECT * FROM _alusim_sweeps ORDER BY created DESC, sweep_id DESC")
    for view, name, empty in (("sweep_results", "results.parquet", "NULL::BIGINT AS run"),
                              ("sweep_indices", "indices.parquet",
                               "NULL::VARCHAR AS output, NULL::VARCHAR AS input, NULL::VARCHAR AS input_b, "
                               "NULL::VARCHAR AS \"index\", NULL::DOUBLE AS value, NULL::DOUBLE AS conf")):
        files = [str(d / name) for d in dirs if os.path.isfile(d / name)]
        if files:
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            con.execute(f"CREATE VIEW {view} AS SELECT parse_filename(parse_dirpath(filename)) AS sweep_id, "
                        f"* EXCLUDE (filename) FROM read_parquet([{listed}], union_by_name = true, filename = true)")
        else:
            con.execute(f"CREATE VIEW {view} AS SELECT NULL::VARCHAR AS sweep_id, {empty} LIMIT 0")
