"""``alusim sweep`` and ``alusim discover`` end to end: files, store, resume, and one-line errors."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from alusim.cli import main
from alusim.store import RunStore

VARY = ["--vary", "demand.cn.intensity_shift_pct_per_year=0:4", "--vary", "events.0.limit_kt=44000:46000",
        "--events-probability", "1=0.1:0.9"]
OUTPUTS = ["--outputs", "production_kt@CN:2025", "--outputs", "price_shfe_cny_t@CN"]


def test_sweep_writes_results_indices_report_and_store_then_resumes(tmp_path, scenario_file, capsys):
    out, store = tmp_path / "sweep", tmp_path / "store"
    args = ["sweep", str(scenario_file), "--design", "lhs", "--n", "20", *VARY, *OUTPUTS, "--workers", "2",
            "--chunk-runs", "5", "--out", str(out), "--store", str(store)]
    assert main(args) == 0
    results = pd.read_parquet(out / "results.parquet")
    assert list(results.columns) == ["run", "demand.cn.intensity_shift_pct_per_year", "events.0.limit_kt",
                                     "events.1.probability", "production_kt@CN:2025", "price_shfe_cny_t@CN:2025"]
    assert len(results) == 20 and results["production_kt@CN:2025"].nunique() > 1
    plan = json.loads((out / "sweep.json").read_text())
    assert plan["status"] == "complete" and plan["stats"]["runs_computed"] == 20 and plan["runs_per_chunk"] == 5
    assert {i["kind"] for i in plan["inputs"]} == {"parameter", "event", "probability"}
    indices = pd.read_csv(out / "indices.csv")
    assert set(indices["index"]) == {"S1"} and set(indices["output"]) <= set(results.columns)
    html = (out / "report.html").read_text()
    assert "Plotly" in html and "events.0.limit_kt" in html and "<script src=" not in html
    # queryable with DuckDB: straight over the folder, and through the store's views
    count = duckdb.sql(f"SELECT count(*) FROM '{out}/results.parquet' WHERE \"events.1.probability\" > 0.5").fetchall()[0]
    assert count[0] == (results["events.1.probability"] > 0.5).sum()
    stored = RunStore(store).query("SELECT sweep_id, runs, design FROM sweeps")
    assert len(stored) == 1 and stored["runs"].iloc[0] == 20 and stored["design"].iloc[0] == "lhs"
    rows = RunStore(store).query("SELECT count(*) AS n FROM sweep_results")
    assert rows["n"].iloc[0] == 20
    # resume: a lost chunk is recomputed, the others are not
    parts = sorted((out / "parts").glob("chunk-*.parquet"))
    assert len(parts) == 4
    kept = {p.name: p.stat().st_mtime_ns for p in parts[1:]}
    parts[0].unlink()
    capsys.readouterr()
    assert main([*args, "--no-store"]) == 0
    assert "5 runs computed, 15 resumed" in capsys.readouterr().out.replace("\n", " ")
    assert {p.name: p.stat().st_mtime_ns for p in sorted((out / "parts").glob("chunk-*.parquet"))[1:]} == kept
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), results)
    assert len(RunStore(store).query("SELECT * FROM sweeps")) == 1      # --no-store: nothing added
    # scenario discovery on the finished sweep
    threshold = float(results["production_kt@CN:2025"].median())
    assert main(["discover", str(out), "--where", f"production_kt@CN:2025 < {threshold}", "--min-density", "0.6"]) == 0
    box = pd.read_csv(out / "box.csv")
    assert set(box["input"]) <= set(results.columns) and len(box) >= 1
    assert "Peeling trajectory" in (out / "discovery.html").read_text()


def test_a_morris_sweep_reports_mu_star_and_sigma(tmp_path, scenario_file):
    out = tmp_path / "m"
    assert main(["sweep", str(scenario_file), "--design", "morris", "--n", "2", "--vary",
                 "demand.cn.intensity_shift_pct_per_year=0:4", "--vary", "events.0.limit_kt=44000:46000",
                 "--outputs", "price_shfe_cny_t@CN:2025", "--workers", "1", "--out", str(out), "--no-store"]) == 0
    indices = pd.read_parquet(out / "indices.parquet")
    assert set(indices["index"]) == {"mu_star", "sigma", "mu"} and len(pd.read_parquet(out / "results.parquet")) == 6
    growth = indices[(indices["input"] == "demand.cn.intensity_shift_pct_per_year") & (indices["index"] == "mu_star")]
    assert growth["value"].iloc[0] > 0


@pytest.mark.parametrize(("extra", "field"), [
    (["--vary", "market.price_adjust_per_month=0.5"], "--vary"),
    (["--vary", "market.price_adjust_per_month=0.5:0.1"], "LOW must be below HIGH"),
    (["--vary", "market.nothing_here=0.1:0.5"], "unknown input"),
    (["--vary", "demand.price_elasticity=-0.4:-0.1"], "changes nothing"),
    (["--events-probability", "7=0.1:0.5"], "events"),
    (["--outputs", "price@MARS"], "--outputs"),
    (["--n", "6"], "power of 2"),
    (["--design", "fast"], "--design"),
    (["--dask", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler"),
])
def test_bad_sweep_options_fail_in_one_line_before_any_run(tmp_path, scenario_file, capsys, monkeypatch, extra, field):
    monkeypatch.setenv("ALUSIM_DASK_CONNECT_TIMEOUT_S", "1")
    base = {"--vary": ["demand.cn.intensity_shift_pct_per_year=0:4", "events.0.limit_kt=44000:46000"],
            "--outputs": ["production_kt@CN"], "--n": ["4"], "--design": ["sobol"]}
    if extra[0] in ("--n", "--design"):
        base[extra[0]] = [extra[1]]
    elif extra[0] in base:
        base[extra[0]] = base[extra[0]] + [extra[1]]
    args = ["sweep", str(scenario_file), "--out", str(tmp_path / "o"), "--store", str(tmp_path / "s")]
    for option, values in base.items():
        for value in values:
            args += [option, value]
    if extra[0] not in base:
        args += extra
    assert main(args) == 2
    err = capsys.readouterr().err
    assert field in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "o").exists() and not (tmp_path / "s").exists()


def test_bad_where_and_folders_fail_in_one_line(tmp_path, capsys):
    assert main(["discover", str(tmp_path), "--where", "x < 1"]) == 2
    assert "not a finished sweep" in capsys.readouterr().err
    (tmp_path / "sweep.json").write_text(json.dumps({"scenario": "t", "outputs": ["production_kt@CN:2025"],
                                                     "inputs": [{"name": "a", "low": 0, "high": 1}]}))
    pd.DataFrame({"run": range(20), "a": [i / 20 for i in range(20)],
                  "production_kt@CN:2025": range(20)}).to_parquet(tmp_path / "results.parquet")
    for where, message in (("production_kt@CN:2025 ~ 3", "cannot read"), ("price_lme_usd_t < 3", "not an output"),
                           ("production_kt < -5", "no run meets"), ("production_kt@CN:2025 < 1e9", "every run meets")):
        assert main(["discover", str(tmp_path), "--where", where]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "discovery.html").exists()
