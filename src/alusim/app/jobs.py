"""Background runs for the dashboard: one process per run, writing to the run store.

A job is a folder ``<store>/jobs/<job_id>/`` holding ``scenario.yaml`` (the input),
``progress.json`` (``done``/``total`` paths, rewritten atomically after each chunk) and, at the end,
``status.json`` (``{"state": "done", "run_id": …}`` or ``{"state": "error", "message": …}``). The page
starts a job with :func:`start_job` and polls :func:`job_status`; it never waits on the process.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

JOBS_DIR = "jobs"


@dataclass(frozen=True)
class JobStatus:
    job_id: str
    state: str                 # queued | running | done | error
    done: int = 0
    total: int = 0
    run_id: str | None = None
    message: str = ""

    @property
    def finished(self) -> bool:
        return self.state in ("done", "error")

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


def jobs_root(store_root: Path) -> Path:
    return Path(store_root) / JOBS_DIR


def write_json(path: Path, payload: dict) -> None:
    """Replace ``path`` atomically, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(3)}.tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)


def start_job(scenario_text: str, store_root: Path, data_dir: Path | None = None, executor=None) -> str:
    """Start simulating ``scenario_text`` (validated YAML) outside the page process; return the job id.

    With ``executor`` (a warm process pool, see :func:`worker_pool`) the job runs in its worker;
    without one a new process is started for it.
    """
    job_id = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    folder = jobs_root(store_root) / job_id
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text(scenario_text, encoding="utf-8")
    write_json(folder / "progress.json", {"done": 0, "total": 0, "state": "queued"})
    if executor is not None:
        from alusim.app.worker import execute_job

        executor.submit(execute_job, str(folder), str(store_root), None if data_dir is None else str(data_dir))
        return job_id
    argv = [sys.executable, "-m", "alusim.app.worker", str(folder), "--store", str(store_root)]
    if data_dir is not None:
        argv += ["--data", str(data_dir)]
    with open(folder / "worker.log", "wb") as log:
        subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         start_new_session=True)
    return job_id


def worker_pool(data_dir: Path | None = None):
    """One warm worker process (forkserver: numba's OpenMP layer does not survive a plain fork),
    with the engine imported and compiled before the first run is asked for."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from alusim.app.worker import warm_up

    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
    pool.submit(warm_up, None if data_dir is None else str(data_dir))
    return pool


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def job_status(store_root: Path, job_id: str) -> JobStatus:
    folder = jobs_root(store_root) / job_id
    status = _read(folder / "status.json")
    progress = _read(folder / "progress.json") or {}
    done, total = int(progress.get("done", 0)), int(progress.get("total", 0))
    if status is not None:
        return JobStatus(job_id, status["state"], done, total, status.get("run_id"), status.get("message", ""))
    return JobStatus(job_id, progress.get("state", "queued"), done, total)


def wait_for(store_root: Path, job_id: str, timeout_s: float = 600.0, poll_s: float = 0.2) -> JobStatus:
    """Block until the job ends (for scripts and tests; the page polls instead)."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = job_status(store_root, job_id)
        if status.finished or time.monotonic() > deadline:
            return status
        time.sleep(poll_s)
