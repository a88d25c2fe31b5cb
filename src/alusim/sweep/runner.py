"""Fan a sweep's chunks out over a ``concurrent.futures`` executor and gather them back.

Every chunk is one task: the worker evaluates the chunk's rows with the model, writes the outputs as
a Parquet part and returns only a small summary (run count and timings), so the coordinator's
memory does not grow with the sweep. Chunks whose part exists are skipped (resume). Chunks are sized
to take about :data:`TARGET_CHUNK_S` each, measured on one run after the kernel is compiled, so the
scheduling overhead per run stays small. A ``KeyboardInterrupt`` propagates after the executor
context has cancelled the queued chunks and stopped the workers (analysis/executors.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from alusim.sweep.checkpoint import chunk_bounds, done_chunks, write_part

#: seconds of work per chunk the automatic chunk size aims for (tasks of ≥ 1 s: ecosystem.md §6)
TARGET_CHUNK_S = 2.0


def run_chunk(model, chunk: int, first_run: int, rows: np.ndarray, out_dir: str) -> dict:
    """Worker entry point: evaluate ``rows`` (runs ``first_run…``), write part ``chunk``, return timings."""
    t0 = time.perf_counter()
    values, timings = model(rows)
    runs = np.arange(first_run, first_run + len(rows), dtype=np.int64)
    write_part(out_dir, chunk, runs, model.labels, values)
    return {"chunk": chunk, "runs": len(rows), "seconds": time.perf_counter() - t0, **timings}


def chunk_size(seconds_per_run: float, runs: int, target_s: float = TARGET_CHUNK_S) -> int:
    """Runs per chunk so that a chunk takes about ``target_s`` (at least one run, at most all)."""
    per_run = max(seconds_per_run, 1e-6)
    return int(min(max(1, math.ceil(target_s / per_run)), max(runs, 1)))


@dataclass
class SweepStats:
    runs: int = 0
    runs_resumed: int = 0
    chunks: int = 0
    chunks_resumed: int = 0
    wall_s: float = 0.0
    worker_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        done = self.runs - self.runs_resumed
        return {"runs": self.runs, "runs_computed": done, "runs_resumed": self.runs_resumed,
                "chunks": self.chunks, "chunks_resumed": self.chunks_resumed, "wall_s": round(self.wall_s, 3),
                "worker_s": round(self.worker_s, 3),
                "runs_per_s": round(done / self.wall_s, 3) if self.wall_s > 0 and done else None,
                **{k: round(v, 3) for k, v in self.timings.items()}}


def evaluate(model, x: np.ndarray, out_dir: Path, runs_per_chunk: int, executor: Executor,
             progress: Callable[[int, int], None] | None = None) -> SweepStats:
    """Run every chunk of ``x`` that has no part yet in ``out_dir`` through ``executor``."""
    bounds = chunk_bounds(len(x), runs_per_chunk)
    finished = done_chunks(out_dir)
    todo = [b for b in bounds if b[0] not in finished]
    stats = SweepStats(runs=len(x), chunks=len(bounds), chunks_resumed=len(bounds) - len(todo))
    stats.runs_resumed = sum(stop - start for c, start, stop in bounds if c in finished)
    done = stats.runs_resumed
    if progress is not None:
        progress(done, len(x))
    t0 = time.perf_counter()
    target = str(Path(out_dir).absolute())          # workers may run in another working directory
    futures = [executor.submit(run_chunk, model, c, start, x[start:stop], target) for c, start, stop in todo]
    try:
        for future in as_completed(futures):
            summary = future.result()
            done += summary["runs"]
            stats.worker_s += summary["seconds"]
            for key, value in summary.items():
                if key.endswith("_s") and key != "seconds":
                    stats.timings[key] = stats.timings.get(key, 0.0) + value
            if progress is not None:
                progress(done, len(x))
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    stats.wall_s = time.perf_counter() - t0
    return stats
