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


def start_job(scenario_text: str, store_root: Path, data_dir: Path | None = None, *, queue_only: bool = False) -> str:
    """Queue ``scenario_text`` (validated YAML) for a run outside the page process; return the job id.

    A serving worker (:func:`start_server`) picks queued jobs up; with ``queue_only=False`` a new
    process is also started for this job (whichever claims it first runs it).
    """
    job_id = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    folder = jobs_root(store_root) / job_id
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text(scenario_text, encoding="utf-8")
    write_json(folder / "progress.json", {"done": 0, "total": 0, "state": "queued"})
    if not queue_only:
        _spawn(["--job", str(folder)], store_root, data_dir, folder / "worker.log")
    return job_id


def start_server(store_root: Path, data_dir: Path | None = None) -> subprocess.Popen:
    """A warm worker process that imports and compiles the engine once, then runs queued jobs as they
    come; it stops when the process that started it ends."""
    root = jobs_root(store_root)
    root.mkdir(parents=True, exist_ok=True)
    return _spawn(["--serve", "--parent", str(os.getpid())], store_root, data_dir, root / "server.log")


def _spawn(args: list[str], store_root: Path, data_dir: Path | None, log_path: Path) -> subprocess.Popen:
    argv = [sys.executable, "-m", "alusim.app.worker", *args, "--store", str(store_root)]
    if data_dir is not None:
        argv += ["--data", str(data_dir)]
    with open(log_path, "ab") as log:
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def claim(folder: Path) -> bool:
    """Take a queued job (atomic: exactly one worker gets it)."""
    try:
        os.close(os.open(folder / "claimed", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def queued(store_root: Path) -> list[Path]:
    root = jobs_root(store_root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not (p / "claimed").exists())


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
