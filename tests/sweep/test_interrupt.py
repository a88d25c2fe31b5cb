"""A sweep killed outright (kill -9 of the command) leaves no process and no stored sweep behind, and
the same command resumes it without recomputing the finished chunks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from alusim.cli import main
from alusim.store import RunStore


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_kill_9_leaves_no_orphans_and_the_rerun_resumes(tmp_path, scenario_file, capsys):
    out, store = tmp_path / "sweep", tmp_path / "store"
    args = ["sweep", str(scenario_file), "--design", "lhs", "--n", "20", "--vary", "demand.cn.intensity_shift_pct_per_year=0:4",
            "--vary", "events.0.limit_kt=44000:46000", "--outputs", "production_kt@CN", "--workers", "2",
            "--chunk-runs", "1", "--out", str(out), "--store", str(store)]
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "alusim", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while len(list((out / "parts").glob("chunk-*.parquet"))) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            time.sleep(0.2)
        workers = [g for c in _children(proc.pid) for g in _children(c)] + _children(proc.pid)
        assert workers
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers), "worker processes outlived the killed sweep"
    assert not (store / "sweeps").exists() or not any((store / "sweeps").iterdir())   # nothing partial stored
    done = len(list((out / "parts").glob("chunk-*.parquet")))
    assert main(args) == 0
    text = capsys.readouterr().out.replace("\n", " ")
    assert f"{20 - done} runs computed, {done} resumed" in text
    assert len(RunStore(store).query("SELECT * FROM sweeps")) == 1
