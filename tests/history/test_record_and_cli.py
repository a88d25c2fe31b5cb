"""The event record, the replay window and the backtest/calibrate commands end to end."""

from __future__ import annotations

import json

import pytest

from alusim.cli import main
from alusim.history.replay import cut_events, load_record, replay


def test_record_events_all_carry_a_source_and_resolve_on_the_2015_rebuild(dataset):
    from alusim.engine.simulate import prepare

    record = load_record()
    assert record.start <= "2015-01" and record.end >= "2024-12"
    assert all(event.source for event in record.events)
    scenario, history = replay(dataset, "2015-01", "2024-12", paths=2)
    _, inputs = prepare(scenario, history)        # raises if any target selects nothing
    types = {e.type for e in scenario.events}
    for expected in ("ban_new_capacity", "close_noncompliant", "capacity_cap", "production_cut", "power_curtailment",
                     "export_rebate", "import_tariff", "import_cost", "input_price", "power_price"):
        assert expected in types
    # the 2017 clean-up closes the retired non-compliant plants
    closed = [i for i, e in enumerate(scenario.events) if e.type == "close_noncompliant"]
    assert any("noncompliant" in line for i in closed for line in inputs.lever_log[i])


def test_the_window_drops_later_events_and_clips_running_ones():
    record = load_record()
    events = cut_events(record, "2015-01", "2019-12")
    assert all(e["start"] <= "2019-12" for e in events)
    assert all(e.get("end", "2019-12") <= "2019-12" for e in events)
    assert all(e["end"] <= "2019-12" for e in events if e["type"] == "import_cost")   # clipped to the window
    assert len(events) < len(record.events)
    # a one-off closure before the window is already in the rebuilt state, not an event of the window
    later = cut_events(record, "2018-01", "2019-12")
    assert not any(e["type"] == "close_noncompliant" for e in later)


def test_a_backtest_starting_later_writes_no_nan(tmp_path):
    out = tmp_path / "bt"
    assert main(["backtest", "--from", "2020", "--to", "2024", "--split", "2022", "--paths", "10",
                 "--out", str(out)]) == 0
    text = (out / "metrics.json").read_text()
    assert "NaN" not in text and json.loads(text)["window"]["in_sample"] == [2020, 2022]
    assert json.loads(text)["seed_checks"] == []          # a 2020 start covers none of the seeds' months


def test_backtest_writes_metrics_report_and_fans(tmp_path):
    out = tmp_path / "bt"
    assert main(["backtest", "--from", "2015", "--to", "2018", "--split", "2016", "--paths", "12",
                 "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("china_production", "world_production", "lme_annual"):
        for field in ("mape_in_sample", "mape_out_of_sample", "naive_mape_out_of_sample", "coverage_p05_p95"):
            value = metrics[key][field]
            assert value is None or 0.0 <= value <= 1.5, (key, field, value)     # fractions, not percent
        assert set(metrics[key]["years"]) == {"2015", "2016", "2017", "2018"}
    assert metrics["window"]["in_sample"] == [2015, 2016]
    html = (out / "report.html").read_text()
    assert "Simulated against actual" in html and "plotly" in html.lower()
    assert "china_production" in (out / "fans.csv").read_text()
    # the seeds' statements of 2016-2017 are read on the replay, beside the targets, not among them
    seeds = metrics["seed_checks"]
    assert [c["seed"] for c in seeds] == ["001", "001", "002", "004", "004"]
    assert all(isinstance(c["met"], bool) for c in seeds) and "The seeds' history" in html
    assert not any(k.startswith("seed") for k in metrics["targets"])


@pytest.mark.parametrize("args, field", [
    (["--from", "2019", "--to", "2016"], "--to"),
    (["--from", "2015", "--to", "2018", "--split", "2018"], "--split"),
    (["--from", "2010", "--to", "2018", "--split", "2012"], "window"),
])
def test_bad_backtest_options_fail_in_one_line_and_write_nothing(tmp_path, capsys, args, field):
    out = tmp_path / "bt"
    assert main(["backtest", *args, "--paths", "10", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert field in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_a_bad_parameter_file_fails_in_one_line(tmp_path, capsys):
    bad = tmp_path / "p.yaml"
    bad.write_text("parameters: [1, 2]\n")
    assert main(["backtest", "--paths", "10", "--params", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "--params" in capsys.readouterr().err
    unknown = tmp_path / "q.yaml"
    unknown.write_text("parameters: {market.no_such_thing: 1.0}\n")
    assert main(["backtest", "--paths", "10", "--params", str(unknown), "--out", str(tmp_path / "o")]) == 2
    assert "no_such_thing" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_calibrate_writes_a_parameter_set_that_backtest_reads(tmp_path):
    out = tmp_path / "cal.yaml"
    assert main(["calibrate", "--from", "2015", "--to", "2016", "--maxiter", "1", "--popsize", "2", "--paths", "4",
                 "--workers", "1", "--out", str(out), "--only", "market.price_adjust_per_month",
                 "--only", "market.price_stock_elasticity"]) == 0
    from ruamel.yaml import YAML

    document = YAML(typ="safe").load(out.read_text())
    assert set(document["parameters"]) >= {"market.price_adjust_per_month", "price.lme.vol_pct_per_month"}
    assert document["fit"]["window"] == {"from": "2015-01", "to": "2016-12"}
    assert document["fit"]["evaluations"] > 0 and document["fit"]["objective_mape_mean"] >= 0
    assert main(["backtest", "--from", "2015", "--to", "2017", "--split", "2016", "--paths", "10",
                 "--params", str(out), "--out", str(tmp_path / "bt")]) == 0
    metrics = json.loads((tmp_path / "bt" / "metrics.json").read_text())
    assert str(out) in metrics["parameters_source"]
    assert metrics["parameters_ensemble_members"] == len(document["ensemble"]) >= 1
    # the replay's monthly summary in the format of a run's summary.csv (DESIGN.md §4)
    summary = (tmp_path / "bt" / "summary.csv").read_text().splitlines()
    assert summary[0] == "variable,region,month,mean,p05,p50,p95" and len(summary) > 100
    # run again: the checkpoint answers every candidate, nothing is scored twice
    checkpoint = tmp_path / "cal.yaml.checkpoint.jsonl"
    lines = len(checkpoint.read_text().splitlines())
    assert main(["calibrate", "--from", "2015", "--to", "2016", "--maxiter", "1", "--popsize", "2", "--paths", "4",
                 "--workers", "1", "--out", str(out), "--only", "market.price_adjust_per_month",
                 "--only", "market.price_stock_elasticity"]) == 0
    assert len(checkpoint.read_text().splitlines()) == lines
    assert YAML(typ="safe").load(out.read_text())["parameters"] == document["parameters"]
