"""The process behind a dashboard run: ``python -m alusim.app.worker JOB_DIR --store ROOT [--data DIR]``.

Reads the job's ``scenario.yaml``, simulates it with progress written to ``progress.json``, stores the
run (with its report) in the run store and writes ``status.json``. Any failure ends as
``{"state": "error", "message": <one line>}``; nothing is stored then.
"""

from __future__ import annotations

import argparse
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


def execute_job(folder: str, store_root: str, data_dir: str | None) -> int:
    """Run one job and write its ``status.json``; returns 0 (stored) or 2 (failed, nothing stored)."""
    folder_path = Path(folder)
    try:
        run_id = run_job(folder_path, Path(store_root), Path(data_dir) if data_dir else None)
    except Exception as exc:  # noqa: BLE001 - every failure becomes the job's one-line message
        message = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        write_json(folder_path / "status.json", {"state": "error", "message": message})
        return 2
    write_json(folder_path / "status.json", {"state": "done", "run_id": run_id})
    return 0


def warm_up(data_dir: str | None) -> None:
    """Import the engine, load the dataset and run one short path, so the first real run is warm."""
    from alusim.dataset import load_dataset
    from alusim.engine.simulate import simulate
    from alusim.scenario import load_scenario

    scenario = load_scenario("baseline").model_copy(update={"paths": 2, "end": "2025-12"})
    simulate(scenario, load_dataset(Path(data_dir) if data_dir else None))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="alusim.app.worker")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args(argv)
    return execute_job(str(args.folder), str(args.store), None if args.data is None else str(args.data))


if __name__ == "__main__":
    raise SystemExit(main())
