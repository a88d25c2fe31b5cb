"""Several processes saving into one store at once: every run lands on disk and in the catalog."""

from __future__ import annotations

import pickle
import subprocess
import sys
import time

import duckdb

from alusim.store import RunStore

WORKER = """
import pickle, sys, time
from pathlib import Path
from alusim.store import RunStore

root, pickled, flags, n = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
result, pre = pickle.loads(Path(pickled).read_bytes())
store = RunStore(root, lock_timeout=60)
(flags / f"ready-{n}").touch()
while not (flags / "go").exists():
    time.sleep(0.005)
for _ in range(2):
    print(store.save(result, **pre), flush=True)
"""


def test_four_processes_saving_at_once(tmp_path, result, pre):
    root = tmp_path / "store"
    pickled = tmp_path / "result.pkl"
    pickled.write_bytes(pickle.dumps((result, pre)))
    flags = tmp_path / "flags"
    flags.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(root), str(pickled), str(flags), str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
    deadline = time.monotonic() + 60
    while len(list(flags.glob("ready-*"))) < 4 and time.monotonic() < deadline:
        assert all(p.poll() is None for p in procs), [p.communicate()[1] for p in procs]
        time.sleep(0.01)
    (flags / "go").touch()  # all four start saving together
    ids = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        ids += out.split()
    assert len(ids) == 8 and len(set(ids)) == 8

    store = RunStore(root)
    assert sorted(store.list()["run_id"]) == sorted(ids)
    con = duckdb.connect(str(store.catalog_path), read_only=True)
    try:
        assert sorted(r[0] for r in con.execute("select run_id from runs").fetchall()) == sorted(ids)
    finally:
        con.close()
    assert store.query("select count(distinct run_id) n from summary")["n"].iloc[0] == 8
    assert not [p for p in store.runs_dir.iterdir() if p.name.startswith(".")]
