"""The workbench's logic without a browser: drafts checked as the CLI checks files, results read
generically from the store, paired differences per path, background jobs, the map's placement."""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
import pytest

from alusim.app import charts, drafts, jobs, results
from alusim.cli import main, workbench_cmd
from alusim.engine.simulate import simulate
from alusim.errors import InputError
from alusim.report.stats import paired_differences
from alusim.scenario import load_scenario
from alusim.store import RunStore

SHORT = {"paths": 16, "end": "2026-12"}


@pytest.fixture(scope="module")
def base_draft():
    return drafts.draft_from("baseline")


@pytest.mark.parametrize("event, field, message", [
    ({"type": "production_cut", "target": {"province": "Yunnan"}, "kt": -5, "start": "2025-06"}, "kt",
     "events.7.kt: Input should be greater than 0"),
    ({"type": "production_cut", "target": {"province": "Atlantis"}, "kt": 50, "start": "2025-06"}, "target",
     "events.7.target (province=Atlantis) selects no asset"),
    ({"type": "production_cut", "target": {"province": "Yunnan"}, "kt": 50, "start": "2040-01"}, None,
     "events.7: dates 2040-01.. lie outside the run 2025-01..2035-12"),
])
def test_bad_events_get_the_cli_message_beside_their_field(base_draft, dataset, tmp_path, capsys, event, field,
                                                           message):
    new, problem = drafts.try_event(base_draft, event, None, dataset)
    assert new is None and message in problem.message
    assert (problem.event, problem.field) == (7, field)
    path = tmp_path / "same.yaml"                                    # the CLI says the same about the file
    path.write_text(drafts.to_yaml(drafts.with_event(base_draft, event, None)[0]))
    assert main(["scenario", "validate", str(path)]) == 2
    assert message in capsys.readouterr().err
    with pytest.raises(InputError, match=re.escape(message)):
        drafts.save_draft(drafts.with_event(base_draft, event, None)[0], tmp_path / "x.yaml", dataset)
    assert not (tmp_path / "x.yaml").exists()


def test_form_values_become_the_event_a_file_would_hold(base_draft, dataset, tmp_path):
    event = drafts.event_from_form("power_curtailment", {
        "target": {"province": ["Yunnan"], "owner": [], "compliant": None}, "share": "15%", "months": [1, 2],
        "start": "2025-11", "end": "", "source": "", "probability": "0.5"})
    assert event == {"type": "power_curtailment", "target": {"province": "Yunnan"}, "share": "15%",
                     "months": [1, 2], "start": "2025-11", "probability": 0.5}
    new, problem = drafts.try_event(base_draft, event, None, dataset)
    assert problem is None and len(new["events"]) == len(base_draft["events"]) + 1
    edited, _ = drafts.try_event(new, {**event, "share": 0.3}, len(new["events"]) - 1, dataset)
    assert edited["events"][-1]["share"] == 0.3
    saved = drafts.save_draft(edited, tmp_path / "mine.yaml", dataset)
    assert load_scenario(saved).events[-1].share == 0.3
    assert drafts.scalar("NO") == "NO" and drafts.scalar("1e3") == 1000.0


def test_target_choices_come_from_the_dataset(dataset):
    choices = drafts.target_choices(dataset)
    assert "Yunnan" in choices["province"] and "Weiqiao" in choices["owner"]
    assert set(choices["asset_id"]) == set(dataset.smelters["asset_id"])


@pytest.fixture(scope="module")
def stored_pair(dataset, tmp_path_factory):
    root = tmp_path_factory.mktemp("store")
    store = RunStore(root)
    a = simulate(load_scenario("baseline").model_copy(update=SHORT), dataset)
    b = simulate(load_scenario("seeds/004").model_copy(update=SHORT), dataset)
    return store, store.save(a), store.save(b), a, b


def test_paired_differences_from_the_store_match_the_in_memory_ones(stored_pair):
    store, id_a, id_b, a, b = stored_pair
    cursor = duckdb.connect().cursor()
    got = results.paired_differences(cursor, store.path(id_a), store.path(id_b), store.get(id_a), store.get(id_b))
    want = paired_differences(a, b, [("production_kt", "CN"), ("inventory_kt", "ROW"), ("price_lme_usd_t", "WORLD")])
    merged = want.merge(got, on=["variable", "region", "year"], suffixes=("_mem", "_store"))
    assert len(merged) == len(want)
    for column in ("diff_p05", "diff_p50", "diff_p95"):      # stored per path as float32
        assert np.allclose(merged[f"{column}_mem"], merged[f"{column}_store"], rtol=1e-4, atol=0.05)


def test_results_are_read_generically(stored_pair, dataset):
    store, id_a, _, _, _ = stored_pair
    cursor = duckdb.connect().cursor()
    monthly = results.summary(cursor, store.path(id_a), "M")
    available = results.variables_regions(monthly)
    assert set(available["production_kt"]) == {"CN", "ROW", "WORLD"} and "price_lme_usd_t" in available
    extra = monthly[monthly["variable"] == "production_kt"].assign(variable="premium_usd_t", region="EU")
    assert results.variables_regions(pd.concat([monthly, extra]))["premium_usd_t"] == ["EU"]
    quarters = results.quarterly(monthly)
    q = quarters[(quarters["variable"] == "production_kt") & (quarters["region"] == "CN")]
    m = monthly[(monthly["variable"] == "production_kt") & (monthly["region"] == "CN")]
    assert len(q) == 8 and q["p50"].sum() == pytest.approx(m["p50"].sum())
    balance = results.balance(results.summary(cursor, store.path(id_a), "Y").rename(columns={"month": "year"}),
                              "CN", "year")
    assert list(balance["year"].astype(str)) == ["2025", "2026"] and balance["surplus_kt"].notna().all()
    history = results.history_for(dataset, "price_lme_usd_t", "WORLD")
    assert len(history) >= 10 and history["year"].is_monotonic_increasing


def test_project_tracker_names_plants_and_years(stored_pair):
    store, _, id_b, _, _ = stored_pair
    tracker = results.project_tracker(store.load_assets(id_b))
    assert set(tracker["change"]) <= {"starts", "ramps up / restarts", "closes or idles", "cuts output"}
    assert len(tracker) and tracker["year"].between(2026, 2026).all()


def test_a_job_runs_outside_the_page_and_a_bad_one_stores_nothing(tmp_path):
    good = drafts.to_yaml({"name": "job", "end": "2025-06", "paths": 4})
    job = jobs.start_job(good, tmp_path)
    status = jobs.wait_for(tmp_path, job, timeout_s=300)
    assert status.state == "done" and (status.done, status.total) == (4, 4)
    assert RunStore(tmp_path).get(status.run_id)["scenario"] == "job"
    bad = jobs.start_job("name: bad\nevents:\n  - type: restart\n    target: {owner: Nobody}\n    start: 2025-02\n",
                         tmp_path)
    failed = jobs.wait_for(tmp_path, bad, timeout_s=300)
    assert failed.state == "error" and "selects no asset" in failed.message
    assert len(RunStore(tmp_path).list()) == 1


def test_every_plant_gets_a_place_on_the_map(dataset):
    placed = charts.place_assets(dataset.smelters)
    assert len(placed) == len(dataset.smelters)
    assert placed["lat"].between(-60, 80).all() and placed["lon"].between(-180, 180).all()
    assert not placed.duplicated(["lat", "lon"]).any()
    assert len(charts.smelter_map(placed, "power_source").data) >= 2


def test_app_binds_to_localhost_and_warns_for_another_host(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(workbench_cmd.os, "execv", lambda exe, argv: calls.append(argv))
    assert main(["app", "--port", "8600"]) == 0
    assert "--server.address=127.0.0.1" in calls[-1] and "--server.port=8600" in calls[-1]
    assert "warning" not in capsys.readouterr().err
    assert main(["app", "--host", "0.0.0.0"]) == 0
    assert "--server.address=0.0.0.0" in calls[-1]
    assert "warning: serving on 0.0.0.0" in capsys.readouterr().err
