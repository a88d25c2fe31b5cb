"""The sweep folder: the plan written before any run, one Parquet part per finished chunk, results.

Layout of ``--out DIR``::

    sweep.json              the plan: key, design, N, seed, inputs, outputs, runs, runs per chunk, status
    samples.parquet         the design matrix: ``run`` and one column per input
    parts/chunk-000012.parquet   outputs of the runs of chunk 12 (``run`` + one column per output),
                            written by the worker that ran it, atomically (temporary name, then rename)
    results.parquet         when every chunk is done: ``run``, inputs, outputs
    indices.parquet, indices.csv, report.html

A part is either there whole or not at all, so an interrupted sweep (Ctrl-C, a killed coordinator,
a lost worker) is resumed by running the same command again: only the chunks without a part run.
The key (a hash of the scenario, inputs, outputs, design, N and seed) guards against resuming a
different sweep in the same folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from alusim.errors import InputError
from alusim.store.atomic import write_dir_atomically

PLAN = "sweep.json"
SAMPLES = "samples.parquet"
RESULTS = "results.parquet"
PARTS = "parts"
FORMAT = 1


def sweep_key(config: dict) -> str:
    """Hash of everything that determines the runs' values (not the chunking or the executor)."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=_plain).encode()).hexdigest()[:16]


def _plain(value):
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def part_path(out_dir: Path | str, chunk: int) -> Path:
    return Path(out_dir) / PARTS / f"chunk-{chunk:06d}.parquet"


def write_part(out_dir: Path | str, chunk: int, runs: np.ndarray, labels: list[str], values: np.ndarray) -> Path:
    """Write one chunk's outputs whole or not at all (runs in a worker)."""
    target = part_path(out_dir, chunk)
    table = pa.table({"run": pa.array(runs, pa.int64()),
                      **{label: pa.array(values[:, j], pa.float64()) for j, label in enumerate(labels)}})
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def done_chunks(out_dir: Path | str) -> set[int]:
    parts = Path(out_dir) / PARTS
    if not parts.is_dir():
        return set()
    return {int(p.name[6:12]) for p in parts.glob("chunk-*.parquet") if p.name[6:12].isdigit()}


def chunk_bounds(runs: int, runs_per_chunk: int) -> list[tuple[int, int, int]]:
    """(chunk, first run, end run) of every chunk."""
    return [(c, start, min(start + runs_per_chunk, runs)) for c, start in enumerate(range(0, runs, runs_per_chunk))]


def read_plan(out_dir: Path) -> dict | None:
    path = out_dir / PLAN
    if not path.is_file():
        return None
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"{path} is not a readable sweep plan", where="--out",
                         fix="give another --out folder, or delete this one") from None
    return plan if isinstance(plan, dict) and plan.get("format") == FORMAT else None


def start_or_resume(out_dir: Path, plan: dict, x: np.ndarray, names: list[str]) -> dict:
    """Write the plan and the design matrix, or return the plan already there for the same key.

    A folder holding a different sweep is refused (one line, nothing touched)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("exists and is not a folder", where=f"--out {out_dir}", fix="give a folder path")
    existing = read_plan(out_dir)
    if existing is not None:
        if existing.get("key") != plan["key"]:
            raise InputError("holds a different sweep (other scenario, inputs, outputs, design, N or seed)",
                             where=f"--out {out_dir}", fix="give another --out folder, or delete this one to start over")
        (out_dir / PARTS).mkdir(exist_ok=True)
        for stale in (out_dir / PARTS).glob(".chunk-*.tmp"):     # chunks cut short by a kill
            stale.unlink(missing_ok=True)
        return existing
    samples = pd.DataFrame(x, columns=names)
    samples.insert(0, "run", np.arange(len(x), dtype=np.int64))
    write_dir_atomically(out_dir, {SAMPLES: lambda p: samples.to_parquet(p, index=False),
                                   PLAN: json.dumps(plan, indent=2, default=_plain)})
    (out_dir / PARTS).mkdir(exist_ok=True)
    return plan


def update_plan(out_dir: Path, plan: dict) -> None:
    write_dir_atomically(out_dir, {PLAN: json.dumps(plan, indent=2, default=_plain)})


def read_samples(out_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(out_dir / SAMPLES)


def collect(out_dir: Path, runs: int, labels: list[str]) -> pd.DataFrame:
    """Every run's outputs from the parts, ordered by run (checks that none is missing or doubled)."""
    files = sorted((out_dir / PARTS).glob("chunk-*.parquet"))
    frame = pq.read_table(files, columns=["run", *labels]).to_pandas() if files else pd.DataFrame(
        columns=["run", *labels])
    frame = frame.sort_values("run", kind="stable").reset_index(drop=True)
    if len(frame) != runs or not np.array_equal(frame["run"].to_numpy(), np.arange(runs)):
        raise RuntimeError(f"the parts in {out_dir / PARTS} hold {len(frame)} runs, not 0…{runs - 1}")
    return frame
