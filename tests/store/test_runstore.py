from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from alusim.errors import InputError
from alusim.scenario import dump_scenario
from alusim.store import RunStore, default_store_root
from alusim.store.runstore import PATH_VARIABLES, STANDARD_FILES


def hidden_entries(directory: Path) -> list[str]:
    """Temporary or trash directories left in ``directory``."""
    if not directory.exists():
        return []
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def catalog_ids(store: RunStore) -> list[str]:
    con = duckdb.connect(str(store.catalog_path), read_only=True)
    try:
        return sorted(r[0] for r in con.execute("select run_id from runs").fetchall())
    finally:
        con.close()


def test_save_list_get_load_round_trip(store, result):
    run_id = store.save(result, extra_files={"summary.csv": "a,b\n"}, metrics={"my_metric": np.float64(1.5)})
    run_dir = store.path(run_id)
    assert run_dir == store.root / "runs" / run_id
    assert sorted(p.name for p in run_dir.iterdir()) == sorted([*STANDARD_FILES, "summary.csv"])

    listed = store.list()
    assert list(listed["run_id"]) == [run_id]
    row = listed.iloc[0]
    assert row["scenario"] == "t" and row["paths"] == 20 and row["seed"] == result.scenario.seed
    assert (row["start"], row["end"], row["months"]) == ("2025-01", "2026-12", 24)
    assert str(row["created"].tz) == "UTC"

    manifest = store.get(run_id)
    assert manifest["run_id"] == run_id and manifest["scenario"] == "t"
    assert manifest["metrics"]["my_metric"] == 1.5
    assert manifest["metrics"]["last_year"] == 2026
    assert manifest["metrics"]["price_lme_usd_t_WORLD_p50"] > 0
    assert set(manifest["files"]) == {*STANDARD_FILES, "summary.csv"}
    assert manifest["size_bytes"] == sum(p.stat().st_size for p in run_dir.iterdir() if p.name != "manifest.json")
    assert manifest["alusim_version"]
    assert json.loads((run_dir / "manifest.json").read_text()) | {"run_id": run_id} == manifest
    assert (run_dir / "scenario.yaml").read_text() == dump_scenario(result.scenario)

    pd.testing.assert_frame_equal(store.load_summary(run_id), result.summary("M"))
    pd.testing.assert_frame_equal(store.load_summary(run_id, annual=True), result.summary("Y"))
    pd.testing.assert_frame_equal(store.load_assets(run_id), result.asset_table())
    assert catalog_ids(store) == [run_id]
    assert hidden_entries(store.runs_dir) == []


def test_paths_parquet_holds_the_per_path_values(store, result):
    run_id = store.save(result)
    paths = store.load_paths(run_id)
    assert set(paths["variable"].astype(str)) == set(PATH_VARIABLES)
    assert paths["value"].dtype == np.float32
    lme = store.load_paths(run_id, "price_lme_usd_t")
    assert set(lme["region"].astype(str)) == {"ROW", "WORLD"}  # undefined CN cells are not stored
    got = lme[lme["region"] == "ROW"].sort_values(["path", "month"])["value"].to_numpy()
    want = result.data["price_lme_usd_t"].sel(region="ROW").transpose("path", "month").values.ravel()
    np.testing.assert_allclose(got, want.astype(np.float32))
    assert len(paths) == store.query("select count(*) n from paths")["n"].iloc[0]


def test_run_ids_are_unique_and_listed_newest_first(store, result, pre):
    ids = [store.save(result, **pre) for _ in range(4)]
    assert len(set(ids)) == 4
    listed = store.list()
    assert list(listed["run_id"]) == ids[::-1]
    assert listed["created"].is_monotonic_decreasing
    assert store.get("latest")["run_id"] == ids[-1]


def test_prefix_lookup_and_unknown_ids(store, result, pre):
    a = store.save(result, **pre)
    b = store.save(result, **pre)
    # the first character where the two ids differ makes a unique prefix
    cut = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y) + 1
    assert store.get(a[:cut])["run_id"] == a
    assert store.path(b[:cut]) == store.runs_dir / b
    with pytest.raises(InputError, match="matches 2 runs"):
        store.get(a[:cut - 1])
    for bad in ("nope", "../runs", ".alusim-tmp-x", ""):
        with pytest.raises(InputError) as info:
            store.get(bad)
        assert "alusim runs list" in str(info.value) and repr(bad) in str(info.value)


def test_remove(store, result, pre):
    a = store.save(result, **pre)
    b = store.save(result, **pre)
    assert store.remove(a) == a
    assert not (store.runs_dir / a).exists()
    assert hidden_entries(store.runs_dir) == []
    assert catalog_ids(store) == [b]
    assert list(store.list()["run_id"]) == [b]
    with pytest.raises(InputError, match="alusim runs list"):
        store.remove(a)
    store.remove(b[:10])  # a unique prefix
    assert store.list().empty


def test_query_across_runs(store, result, pre):
    assert store.query("select count(*) as n from summary")["n"].iloc[0] == 0  # empty store
    a = store.save(result, **pre)
    b = store.save(result, **pre)
    n = store.query("select count(*) from summary").iloc[0, 0]
    assert n == 2 * len(pre["summary"])
    per_run = store.query("select run_id, count(*) n from summary_annual group by run_id order by run_id")
    assert list(per_run["run_id"]) == sorted([a, b])
    runs = store.query("""select run_id, scenario, "end", metrics->>'$.last_year' as last_year from runs""")
    assert set(runs["run_id"]) == {a, b} and set(runs["last_year"]) == {"2026"}
    joined = store.query("""select r.scenario, avg(s.p50) as p50 from summary s join runs r using (run_id)
                            where s.variable = 'price_lme_usd_t' and s.region = 'WORLD' group by 1""")
    assert joined["p50"].iloc[0] > 0
    assert store.query("select count(distinct run_id) n from assets")["n"].iloc[0] == 2


@pytest.mark.parametrize("sql", ["delete from runs", "select 1; select 2", "copy (select 1) to 'x.csv'",
                                 "select * from nowhere", "selec 1"])
def test_query_rejects_writes_and_reports_errors_as_input_errors(store, result, pre, sql):
    store.save(result, **pre)
    with pytest.raises(InputError):
        store.query(sql)


def test_failing_extra_file_leaves_nothing(store, result, pre):
    store.save(result, **pre)  # the catalog exists already
    before = sorted(p.name for p in store.runs_dir.iterdir())

    def broken_report(dest: Path) -> None:
        dest.write_text("<html>half")
        raise RuntimeError("report template exploded")

    with pytest.raises(RuntimeError, match="exploded"):
        store.save(result, **pre, extra_files={"report.html": broken_report})
    assert sorted(p.name for p in store.runs_dir.iterdir()) == before
    assert hidden_entries(store.runs_dir) == []
    assert len(catalog_ids(store)) == 1
    assert len(store.list()) == 1


def test_failing_save_into_an_empty_store_leaves_no_run(tmp_path, result, pre):
    store = RunStore(tmp_path / "s")

    def interrupted(dest: Path) -> None:
        dest.write_bytes(b"x")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.save(result, **pre, extra_files={"x.bin": interrupted})
    assert list(store.runs_dir.iterdir()) == []
    assert store.list().empty


def test_extra_files_cannot_replace_standard_files(store, result, pre):
    with pytest.raises(ValueError, match="standard"):
        store.save(result, **pre, extra_files={"manifest.json": "{}"})


def test_hand_deleted_run_disappears_and_missing_rows_come_back(store, result, pre):
    a = store.save(result, **pre)
    b = store.save(result, **pre)
    shutil.rmtree(store.runs_dir / a)
    assert list(store.list()["run_id"]) == [b]
    assert catalog_ids(store) == [b]
    # a lost catalog is rebuilt from the run directories
    store.catalog_path.unlink()
    assert list(store.list()["run_id"]) == [b]
    assert catalog_ids(store) == [b]
    with pytest.raises(InputError):
        store.get(a)


HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("select 1")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold_catalog(store: RunStore, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(store.catalog_path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_save_waits_for_a_briefly_locked_catalog(store, result, pre):
    first = store.save(result, **pre)
    proc = _hold_catalog(store, 1.0)
    try:
        second = store.save(result, **pre)  # retries until the other process lets go
    finally:
        proc.wait(timeout=30)
    assert catalog_ids(store) == sorted([first, second])


def test_catalog_locked_too_long_run_still_saved_and_reconciled(tmp_path, result, pre):
    store = RunStore(tmp_path / "s", lock_timeout=0.3, list_timeout=0.3)
    first = store.save(result, **pre)
    proc = _hold_catalog(store, 2.5)
    try:
        with pytest.warns(RuntimeWarning, match="not yet in the catalog"):
            second = store.save(result, **pre)
        assert (store.runs_dir / second / "manifest.json").is_file()
        # list() cannot open the catalog: it falls back to the manifests
        assert list(store.list()["run_id"]) == [second, first]
    finally:
        proc.wait(timeout=30)
    assert catalog_ids(store) == [first]
    assert list(store.list()["run_id"]) == [second, first]
    assert catalog_ids(store) == sorted([first, second])


def test_store_root_from_environment(monkeypatch, tmp_path, result, pre):
    monkeypatch.setenv("ALUSIM_STORE", str(tmp_path / "env-store"))
    assert default_store_root() == tmp_path / "env-store"
    store = RunStore()
    assert store.root == tmp_path / "env-store"
    run_id = store.save(result, **pre)
    assert (tmp_path / "env-store" / "runs" / run_id / "manifest.json").is_file()
    assert RunStore(tmp_path / "explicit").root == tmp_path / "explicit"
    monkeypatch.delenv("ALUSIM_STORE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_store_root() == tmp_path / "home" / ".alusim"


def test_missing_store_lists_empty_without_creating_it(tmp_path):
    store = RunStore(tmp_path / "none")
    assert store.list().empty
    assert list(store.list().columns)[:3] == ["run_id", "scenario", "description"]
    assert not store.root.exists()
    with pytest.raises(InputError, match="alusim runs list"):
        store.get("latest")
