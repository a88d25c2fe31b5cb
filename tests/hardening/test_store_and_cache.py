"""Issue 16, classes 1, 3, 6 and 7: nothing alusim did not create is touched, the dataset cache is
data only and keyed on content, writes are one transaction checked before computing, and the run
store survives bad runs and bad files."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
from pathlib import Path

import duckdb
import pytest

import alusim
from alusim.dataset import load_dataset
from alusim.dataset.cache import cache_key, load_cached, store_cached
from alusim.dataset.paths import default_data_dir
from alusim.errors import InputError
from alusim.raw.build import MARKER, check_cache_dir
from alusim.store import RunStore
from alusim.store.atomic import StagedDir, write_file_atomically
from alusim.store.locations import check_writable_dir
from tests.hardening.conftest import assert_refused, listing, scenario_text

PACKAGE = Path(alusim.__file__).parent


# -- class 1: data loss ---------------------------------------------------------------------------
def test_cache_dir_accepts_only_empty_folders_and_alusim_caches(tmp_path):
    check_cache_dir(tmp_path / "new")                 # missing: fine
    (tmp_path / "empty").mkdir()
    check_cache_dir(tmp_path / "empty")
    built = tmp_path / "built"
    built.mkdir()
    (built / MARKER).write_text("")
    (built / "lme_monthly.parquet").write_bytes(b"x")
    check_cache_dir(built)
    (tmp_path / "link").symlink_to(built)
    with pytest.raises(InputError, match="--cache"):
        check_cache_dir(tmp_path / "link")            # a symlink is never replaced


# -- class 3: no code from the cache --------------------------------------------------------------
def test_no_pickle_is_loaded_anywhere_in_the_package():
    pattern = re.compile(r"pickle\.loads?\(|read_pickle|allow_pickle\s*=\s*True|joblib\.load|shelve\.open|"
                         r"marshal\.loads?\(|dill\.|cloudpickle\.loads?")
    hits = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert hits == []


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("ALUSIM_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    shutil.copytree(default_data_dir(), folder)
    return folder


def test_the_cache_is_parquet_and_json_and_round_trips_exactly(data_copy, tmp_path):
    fresh = load_dataset(data_copy)
    # (pint keeps its parsed definitions beside it, in cache/pint, made when a unit is first parsed)
    entries = [p for p in (tmp_path / "cache").iterdir() if p.name != "pint"]
    assert len(entries) == 1
    assert {p.suffix for p in entries[0].iterdir()} == {".parquet", ".json"}
    cached = load_dataset(data_copy)
    for name in ("smelters", "parameters", "demand", "trade", "retired", "capacity_history"):
        a, b = getattr(fresh, name), getattr(cached, name)
        assert a.equals(b) and list(a.dtypes) == list(b.dtypes), name


def test_cached_tables_are_read_as_read_table_reads_them(data_copy, tmp_path):
    import pyarrow.parquet as pq

    from alusim.dataset.cache import _read_parquet

    load_dataset(data_copy)
    (entry,) = (p for p in (tmp_path / "cache").iterdir() if p.name != "pint")
    files = sorted(entry.glob("*.parquet"))
    assert files
    for path in files:
        ours, theirs = _read_parquet(path), pq.read_table(path)
        assert ours.schema == theirs.schema and ours.schema.metadata == theirs.schema.metadata, path.name
        assert ours.equals(theirs), path.name
        a, b = ours.to_pandas(), theirs.to_pandas()
        assert a.equals(b) and list(a.dtypes) == list(b.dtypes), path.name


def test_a_planted_pickle_is_never_executed(data_copy, tmp_path):
    load_dataset(data_copy)
    key = cache_key(data_copy)
    flag = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (flag,))

    for name in (f"dataset-{key}.pkl", f"dataset-{key[:24]}.pkl"):
        (tmp_path / "cache" / name).write_bytes(pickle.dumps(Payload()))
    entry = tmp_path / "cache" / f"dataset-{key}"
    (entry / "parameters.parquet").write_bytes(pickle.dumps(Payload()))   # a swapped table file
    load_dataset(data_copy)                           # the swapped file fails its SHA-256: validated again
    assert load_cached(data_copy) is not None         # … and the cache entry was not trusted blindly
    assert not flag.exists()


def test_an_edit_that_keeps_size_and_mtime_is_seen(data_copy):
    load_dataset(data_copy)
    path = data_copy / "parameters.csv"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("supply.utilisation_max,1.0,", "supply.utilisation_max,1.9,")
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(InputError, match="parameters.csv"):
        load_dataset(data_copy)                       # validated again, and refused like `data validate`


def test_cache_write_failure_is_silent(data_copy, tmp_path, monkeypatch):
    (tmp_path / "blocker").write_text("")
    monkeypatch.setenv("ALUSIM_CACHE", str(tmp_path / "blocker" / "cache"))
    tables = load_dataset(data_copy, use_cache=False)
    store_cached(data_copy, {"parameters": tables.parameters})
    assert load_cached(data_copy) is None


# -- class 6: locations and transactions ----------------------------------------------------------
def test_full_disk_is_refused_with_the_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(InputError, match=r"--out: .* MB free; the output needs about"):
        check_writable_dir(tmp_path / "out", "--out")
    assert list(tmp_path.iterdir()) == []


def test_single_files_are_written_beside_the_target_never_in_the_grandparent(tmp_path):
    target = tmp_path / "a" / "b" / "curve.png"
    seen = []

    def writer(path: Path) -> None:
        seen.append(path.parent)
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_file_atomically(target, writer)
    assert seen == [target.parent]
    assert list(target.parent.iterdir()) == [] and sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b"]


def test_output_folder_and_stored_run_are_one_transaction(cli, monkeypatch):
    scenario = cli.file("in/s.yaml", scenario_text("tx"))

    def broken_commit(self):
        raise OSError(28, "No space left on device", str(self.target))

    monkeypatch.setattr(StagedDir, "commit", broken_commit)
    outcome = cli("run", scenario, "--out", cli.root / "result")
    assert outcome.code == 2 and len(outcome.err_lines) == 1
    assert not (cli.root / "result").exists()
    runs = cli.root / "store" / "runs"
    assert not runs.exists() or [p for p in runs.iterdir() if not p.name.startswith(".")] == []


# -- class 2: names never leave out/ --------------------------------------------------------------
def test_a_hostile_scenario_name_writes_inside_out_only(cli, tmp_path):
    scenario = cli.file("in/s.yaml", scenario_text('"../../\\x1b[31mescape"'))
    outcome = cli("run", scenario, "--no-store")
    assert outcome.code == 0, outcome.err
    new = set(outcome.after) - set(outcome.before)
    assert new and all(p.startswith("out") for p in new), new
    assert (cli.root / "out" / "31mescape").is_dir() or (cli.root / "out" / "escape").is_dir()
    assert "\x1b" not in outcome.out
    assert not (tmp_path / "escape").exists() and not (tmp_path.parent / "escape").exists()


# -- class 7: the store survives ------------------------------------------------------------------
@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A store with one real (tiny) run, copied fresh for each test."""
    from alusim.engine.simulate import simulate
    from alusim.scenario import parse_scenario_text

    root = tmp_path_factory.mktemp("store")
    result = simulate(parse_scenario_text(scenario_text("stored")))
    run_id = RunStore(root).save(result)
    return root, run_id


@pytest.fixture
def store(stored, cli):
    root, run_id = stored
    shutil.copytree(root, cli.root / "store")
    return cli.root / "store", run_id


def test_a_manifest_with_a_huge_seed_does_not_break_listing(cli, store):
    root, run_id = store
    manifest = root / "runs" / run_id / "manifest.json"
    data = json.loads(manifest.read_text())
    data.update(seed=2**64, paths="many", created=["not", "a", "date"], metrics=[1, 2])
    manifest.write_text(json.dumps(data))
    (root / "catalog.duckdb").unlink()
    outcome = cli("runs", "list", "--json")
    assert outcome.code == 0, outcome.err
    assert json.loads(outcome.out)[0]["seed"] is None


def test_a_garbage_parquet_gives_one_line_naming_the_run(cli, store):
    root, run_id = store
    (root / "runs" / run_id / "summary_annual.parquet").write_bytes(b"garbage")
    outcome = cli("runs", "show", run_id)
    assert_refused(outcome, f"run {run_id}")
    assert outcome.out == ""


def test_runs_rm_removes_what_its_error_names_and_anything_in_the_store(cli, store):
    root, run_id = store
    (root / "runs" / run_id / "manifest.json").write_text("{broken")
    outcome = cli("runs", "show", run_id)
    assert_refused(outcome, f"alusim runs rm {run_id}")
    (root / "runs" / "stray.txt").write_text("x")
    (root / "runs" / "half-written").mkdir()
    outside = cli.file("outside/keep.txt", "keep")
    (root / "runs" / "link").symlink_to(outside.parent)
    outcome = cli("runs", "rm", run_id, "stray.txt", "half-written", "link")
    assert outcome.code == 0, outcome.err
    assert sorted(os.listdir(root / "runs")) == []
    assert outside.read_text() == "keep"                  # a symlink is removed, never followed


@pytest.mark.parametrize("damage", [b"", b"garbage" * 500, "truncate"])
def test_a_corrupted_catalogue_is_rebuilt_automatically_and_by_repair(cli, store, damage):
    root, run_id = store
    catalog = root / "catalog.duckdb"
    RunStore(root).list()
    if damage == "truncate":
        catalog.write_bytes(catalog.read_bytes()[: catalog.stat().st_size // 2])
    else:
        catalog.write_bytes(damage)
    outcome = cli("runs", "list", "--json")
    assert outcome.code == 0 and [r["run_id"] for r in json.loads(outcome.out)] == [run_id]
    con = duckdb.connect(str(catalog), read_only=True)
    assert con.execute("SELECT run_id FROM runs").fetchall() == [(run_id,)]
    con.close()
    catalog.write_bytes(b"garbage")
    outcome = cli("runs", "repair")
    assert outcome.code == 0 and "1 runs" in outcome.out
    con = duckdb.connect(str(catalog), read_only=True)
    assert con.execute("SELECT count(*) FROM runs").fetchone() == (1,)
    con.close()


def test_listing_helper_sees_every_entry(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").write_text("x")
    assert set(listing(tmp_path)) == {"a", "a/b"}
