"""Read-only SQL views over every stored run (used by :meth:`alusim.store.RunStore.query`): the
manifests as ``runs``, and the Parquet files of all runs as ``summary``, ``summary_annual``,
``assets`` and ``paths``, each with a ``run_id`` column. The catalog file is never opened."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

from alusim.store.records import _record, _runs_arrow

_EMPTY = {
    "summary": "NULL::VARCHAR AS variable, NULL::VARCHAR AS region, NULL::VARCHAR AS month, "
               "NULL::DOUBLE AS mean, NULL::DOUBLE AS p05, NULL::DOUBLE AS p50, NULL::DOUBLE AS p95",
    "paths": "NULL::INTEGER AS path, NULL::VARCHAR AS month, NULL::VARCHAR AS region, "
             "NULL::VARCHAR AS variable, NULL::FLOAT AS value",
    "assets": "NULL::VARCHAR AS asset_id",
}
_EMPTY["summary_annual"] = _EMPTY["summary"]


def create_views(con: duckdb.DuckDBPyConnection, runs_dir: Path, manifests: list[dict[str, Any]]) -> None:
    """Create the views in ``con`` (an in-memory DuckDB) over the runs of ``manifests``."""
    con.register("_alusim_runs", _runs_arrow([_record(m) for m in manifests]))
    con.execute("CREATE VIEW runs AS SELECT * FROM _alusim_runs ORDER BY created DESC, run_id DESC")
    for view in ("summary", "summary_annual", "assets", "paths"):
        files = [str(runs_dir / m["run_id"] / f"{view}.parquet") for m in manifests]
        files = [f for f in files if os.path.isfile(f)]
        if files:
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            con.execute(f"CREATE VIEW {view} AS SELECT parse_filename(parse_dirpath(filename)) AS run_id, "
                        f"* EXCLUDE (filename) FROM read_parquet([{listed}], union_by_name = true, "
                        "filename = true)")
        else:
            con.execute(f"CREATE VIEW {view} AS SELECT NULL::VARCHAR AS run_id, {_EMPTY[view]} LIMIT 0")
