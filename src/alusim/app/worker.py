"""The process behind a dashboard run: ``python -m alusim.app.worker JOB_DIR --store ROOT [--data DIR]``.

Reads the job's ``scenario.yaml``, simulates it with progress written to ``progress.json``, stores the
run (with its report) in the run store and writes ``status.json``. Any failure ends as
``{"state": "error", "message": <one line>}``; nothing is stored then.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from alusim.app.jobs import write_json


def run_job(folder: Path, store_root: Path, data_dir: Path | None) -> str:
    from alusim.dataset import load_dataset
    from alusim.engine.simulate import simulate
    from alusim.report import write_run_report
    from alusim.scenario import load_scenario
    from alusim.store import RunStore

    t0 = time.perf_counter()
    scenario = load_scenario(folder / "scenario.yaml")
    dataset = load_dataset(data_dir)

    def progress(done: int, total: int) -> None:
        write_json(folder / "progress.json", {"done": done, "total": total, "state": "running"})

    progress(0, scenario.paths)
    result = simulate(scenario, dataset, progress=progress)
    return RunStore(store_root).save(result, extra_files={"report.html": lambda p: write_run_report(result, p, dataset)},
                                     elapsed_s=time.perf_counter() - t0)


def execute_job(folder: Path, store_root: Path, data_dir: Path | None) -> int:
    """Run one claimed job and write its ``status.json``; returns 0 (stored) or 2 (failed, nothing stored)."""
    try:
        run_id = run_job(folder, store_root, data_dir)
    except Exception as exc:  # noqa: BLE001 - every failure becomes the job's one-line message
        message = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        write_json(folder / "status.json", {"state": "error", "message": message})
        return 2
    write_json(folder / "status.json", {"state": "done", "run_id": run_id})
    return 0


def warm_up(data_dir: Path | None) -> None:
    """Import the engine, load the dataset, run two short paths and render their report, so that the
    first real run is warm."""
    import tempfile

    from alusim.dataset import load_dataset
    from alusim.engine.simulate import simulate
    from alusim.report import write_run_report
    from alusim.scenario import load_scenario

    dataset = load_dataset(data_dir)
    scenario = load_scenario("baseline").model_copy(update={"paths": 2, "end": "2026-12"})
    result = simulate(scenario, dataset)
    with tempfile.TemporaryDirectory() as tmp:
        write_run_report(result, Path(tmp) / "report.html", dataset)


def alive(pid: int) -> bool:
    """True while the process that started this worker runs (an orphan is re-parented)."""
    return os.getppid() == pid


def serve(store_root: Path, data_dir: Path | None, parent: int, poll_s: float = 0.1) -> int:
    """Warm up, then run queued jobs until the parent process ends."""
    from alusim.app.jobs import claim, queued

    warm_up(data_dir)
    while alive(parent):
        for folder in queued(store_root):
            if claim(folder):
                execute_job(folder, store_root, data_dir)
        time.sleep(poll_s)
    return 0


def main(argv: list[str] | None = None) -> int:
    from alusim.app.jobs import claim

    parser = argparse.ArgumentParser(prog="alusim.app.worker")
    parser.add_argument("--job", type=Path, default=None, help="run this one job folder")
    parser.add_argument("--serve", action="store_true", help="run queued jobs until --parent ends")
    parser.add_argument("--parent", type=int, default=0)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.store, args.data, args.parent or os.getppid())
    if args.job is None or not claim(args.job):
        return 0
    return execute_job(args.job, args.store, args.data)


if __name__ == "__main__":
    raise SystemExit(main())
