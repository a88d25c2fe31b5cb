"""How a one-shot command's process ends (alusim.cli.process_exit): a quick exit still runs the exit
handlers, flushes what was printed and keeps the exit code; a run from the command line leaves the
same files as one in-process."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from alusim.cli.process_exit import collector_paused

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_quick_exit_runs_exit_handlers_flushes_and_keeps_the_code(tmp_path):
    done = _python("""
        import atexit, sys
        from pathlib import Path
        from alusim.cli import process_exit
        atexit.register(lambda: Path("handler-ran").write_text("yes"))
        sys.stdout.write("printed without a newline")       # still in the buffer
        process_exit.allow_quick_exit()
        process_exit.end_process(3)
        Path("after-end").write_text("should not exist")
    """, tmp_path)
    assert done.returncode == 3
    assert done.stdout == "printed without a newline"
    assert (tmp_path / "handler-ran").read_text() == "yes"
    assert not (tmp_path / "after-end").exists()


def test_without_permission_or_with_a_worker_left_the_exit_is_the_normal_one(tmp_path):
    normal = _python("""
        import atexit
        from pathlib import Path
        from alusim.cli import process_exit
        atexit.register(lambda: Path("handler-ran").write_text("yes"))
        process_exit.end_process(4)
    """, tmp_path)
    assert normal.returncode == 4 and (tmp_path / "handler-ran").exists()
    worker = _python("""
        import threading, time
        from pathlib import Path
        from alusim.cli import process_exit
        def work():
            time.sleep(0.5)
            Path("worker-finished").write_text("yes")
        threading.Thread(target=work).start()     # not a daemon: the normal exit waits for it
        process_exit.allow_quick_exit()
        process_exit.end_process(0)
    """, tmp_path)
    assert worker.returncode == 0 and (tmp_path / "worker-finished").exists()


def test_objects_made_while_paused_are_not_collected_at_once_yet_cycles_are_freed(tmp_path):
    """After the block, the young generation is empty (its survivors count as old, as a collection
    would have made them): no collection of everything the block made on the next allocation; a
    garbage cycle made in the block is freed by the old generation's collection; nothing stays frozen."""
    done = _python("""
        import gc, weakref
        from alusim.cli.process_exit import collector_paused
        class Node:
            pass
        with collector_paused():
            kept = [[i] for i in range(200_000)]              # far past the young generation's threshold
            a, b = Node(), Node()
            a.other, b.other = b, a                           # a cycle only the collector can free
            cycle = weakref.ref(a)
            del a, b
        collections = gc.get_stats()[0]["collections"]
        more = [[i] for i in range(100)]
        assert gc.get_stats()[0]["collections"] == collections, "the block's objects were collected at once"
        assert gc.get_freeze_count() == 0
        assert cycle() is not None
        gc.collect()
        assert cycle() is None
    """, tmp_path)
    assert done.returncode == 0, done.stderr


def test_importing_the_command_line_collects_nothing_and_leaves_the_collector_on(tmp_path):
    done = _python("""
        import gc
        before = [s["collections"] for s in gc.get_stats()]
        import alusim.cli
        after = [s["collections"] for s in gc.get_stats()]
        assert gc.isenabled()
        # the ~400 modules of the commands import with the collector paused (some 90 young and 7 middle
        # collections otherwise); what little is left is the package's own first imports
        assert after[0] - before[0] < 10 and after[1] - before[1] <= 1 and after[2] == before[2], (before, after)
    """, tmp_path)
    assert done.returncode == 0, done.stderr


def test_collector_paused_restores_its_state():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_run_from_the_command_line_writes_its_files_and_headline(tmp_path):
    env = {**os.environ, "PYTHONPATH": SRC, "ALUSIM_STORE": str(tmp_path / "store")}
    done = subprocess.run([sys.executable, "-m", "alusim", "run", "baseline", "--paths", "20", "--out",
                           str(tmp_path / "out"), "--json"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["run_id"] and payload["headline"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["summary.csv", "summary_annual.csv", "assets.parquet", "scenario.yaml", "report.html"])
    stored = tmp_path / "store" / "runs" / payload["run_id"]
    assert (stored / "paths.parquet").stat().st_size > 0 and (stored / "manifest.json").exists()
