"""End-to-end tests of the command line, as a user runs it: exit codes, one-line errors, files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from alusim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--paths", "12"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run the installed console script in a subprocess (what the user types)."""
    return subprocess.run([sys.executable, "-m", "alusim", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("ALUSIM_STORE", str(tmp_path / "store"))
    return tmp_path / "store"


def test_run_writes_the_design_outputs_and_stores_the_run(tmp_path, store, capsys):
    out = tmp_path / "out"
    scenario = write(tmp_path / "s.yaml", "name: short\nstart: 2025-01\nend: 2026-12\npaths: 12\n")
    assert main(["run", str(scenario), "--out", str(out)]) == 0
    for name in ("summary.csv", "assets.parquet", "report.html", "scenario.yaml"):
        assert (out / name).is_file(), name
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == ["variable", "region", "month", "mean", "p05", "p50", "p95"]
    for variable in ("price_lme_usd_t", "price_shfe_cny_t", "production_kt", "capacity_built_kt",
                     "capacity_operating_kt", "operating_rate", "consumption_kt", "inventory_kt", "stock_days",
                     "net_exports_kt", "secondary_production_kt", "cash_cost_p90_cny_t", "margin_cny_t",
                     "share_loss_making", "co2_mt", "co2_t_per_t"):
        assert variable in set(summary["variable"]), variable
    assert {"CN", "ROW", "WORLD"} <= set(summary["region"])
    assets = pd.read_parquet(out / "assets.parquet")
    assert {"asset_id", "year", "production_p50_kt"} <= set(assets.columns)
    assert "stored as run" in capsys.readouterr().out
    assert main(["runs", "list", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert len(runs) == 1 and runs[0]["scenario"] == "short"
    run_id = runs[0]["run_id"]
    assert main(["runs", "show", run_id[:12]]) == 0
    assert main(["runs", "rm", run_id]) == 0
    capsys.readouterr()
    assert main(["runs", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_paths_and_seed_options_override_the_scenario(tmp_path, store):
    out = tmp_path / "o"
    scenario = write(tmp_path / "s.yaml", "name: s\nend: 2025-06\npaths: 50\nseed: 1\n")
    assert main(["run", str(scenario), "--paths", "7", "--seed", "3", "--out", str(out), "--no-store"]) == 0
    text = (out / "scenario.yaml").read_text()
    assert "paths: 7" in text and "seed: 3" in text


@pytest.mark.parametrize("content, expect", [
    ("name: x\nbogus: 1\n", "bogus: unknown key"),
    ("name: x\nevents:\n  - type: production_cut\n    target: {province: Atlantis}\n    share: 0.1\n"
     "    start: 2025-02\n", "selects no asset"),
    ("name: x\nend: 2025-06\nevents:\n  - type: export_tax\n    rate: 0.1\n    start: 2030-01\n", "outside the run"),
    ("name: [x\n", "YAML syntax error"),
    ("name: x\nevents:\n  - type: power_price\n    target: {country: CN}\n    change: 5 bananas\n"
     "    start: 2025-02\n", "unknown unit"),
])
def test_bad_scenarios_exit_2_with_one_line_and_write_nothing(tmp_path, store, content, expect):
    out = tmp_path / "out"
    scenario = write(tmp_path / "bad.yaml", content)
    proc = run_cli("run", str(scenario), "--out", str(out), *SMALL)
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and expect in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert not (store / "runs").exists() or not any((store / "runs").iterdir())


@pytest.mark.parametrize("args, expect", [
    (["run", "--paths", "0"], "--paths"),
    (["run", "--seed", "-1"], "--seed"),
    (["run", "missing.yaml"], "not found"),
    (["costcurve", "--region", "ATLANTIS"], "unknown region"),
    (["costcurve", "--out", "curve.txt"], "--out"),
    (["costcurve", "--year", "1990"], "--year"),
    (["costcurve", "--currency", "EUR"], "currency"),
    (["data", "info", "--data", "/nonexistent"], "not found"),
    (["compare", "scenarios/baseline.yaml"], "two scenario"),
    (["sensitivity", "scenarios/baseline.yaml", "--vary", "nonsense"], "PARAM=LOW:HIGH"),
    (["sensitivity", "scenarios/baseline.yaml", "--vary", "cost.nope=1:2"], "unknown parameter"),
    (["frobnicate"], "frobnicate"),
])
def test_bad_options_exit_2_with_one_line(args, expect, tmp_path):
    proc = run_cli(*args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expect in lines[0], proc.stderr


def test_costcurve_writes_csv_html_and_png(tmp_path, capsys):
    csv = tmp_path / "curve.csv"
    assert main(["costcurve", "--region", "CN", "--year", "2025", "--basis", "cash", "--currency", "CNY",
                 "--price", "20000", "--out", str(csv)]) == 0
    table = pd.read_csv(csv)
    for column in ("asset_id", "name", "owner", "country", "province", "power_source", "capacity_kt",
                   "cumulative_capacity_kt", "cash_cost_cny_t", "source"):
        assert column in table.columns
    assert table["cash_cost_cny_t"].is_monotonic_increasing
    assert "share losing money" in capsys.readouterr().out
    html = tmp_path / "curve.html"
    assert main(["costcurve", "--region", "WORLD", "--currency", "USD", "--out", str(html)]) == 0
    text = html.read_text()
    assert "<html" in text[:2000].lower()
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']https?://""", text)   # opens offline
    png = tmp_path / "curve.png"
    assert main(["costcurve", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_data_info_validate_and_json(capsys):
    assert main(["data", "validate"]) == 0
    assert "every row has a source" in capsys.readouterr().out
    assert main(["data", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    provinces = {row["province"] for row in info["by_province_cn"]}
    assert {"Xinjiang", "Shandong", "Yunnan", "Inner Mongolia"} <= provinces
    assert info["totals"]["china_built_kt"] > 40_000
    assert len(info["sources"]) > 50


def test_bad_data_file_exits_2(tmp_path):
    import shutil

    from alusim.dataset import default_data_dir

    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    (data / "demand.csv").write_text("region,base_year\nCN,notayear\n")
    proc = run_cli("data", "validate", "--data", str(data))
    assert proc.returncode == 2
    assert "demand.csv" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_scenario_validate_and_show(capsys):
    assert main(["scenario", "validate", "scenarios/baseline.yaml"]) == 0
    assert "ok:" in capsys.readouterr().out
    assert main(["scenario", "show", "scenarios/baseline.yaml", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    cap = shown["events"][0]
    assert cap["type"] == "capacity_cap" and "45,000" in cap["effect"]
    yunnan = [e for e in shown["events"] if e["type"] == "power_curtailment"][0]
    assert "Yunnan" in yunnan["effect"] or "kt/yr" in yunnan["effect"]


def test_a_demand_shock_does_not_lift_the_lme_above_the_baseline_a_year_later():
    """With supply inertia (expected margins, take-or-pay power, restart hurdles and lags) a -15% demand
    shock lowers LME and keeps it below the baseline: the rest of the world does not cut half its
    output in a year and then overshoot."""
    from alusim.engine.simulate import simulate
    from tests.conftest import scenario

    base = simulate(scenario(name="a", end="2026-12", paths=10))
    shock = simulate(scenario(name="b", end="2026-12", paths=10, events=[
        dict(type="demand_shock", region="WORLD", pct=-0.15, start="2025-03")]))
    lme = lambda r: r.data["price_lme_usd_t"].sel(region="WORLD").median("path").values  # noqa: E731
    assert (lme(shock) - lme(base) <= 1e-9).all()


def test_compare_writes_paired_differences(tmp_path, capsys):
    a = write(tmp_path / "a.yaml", "name: a\nend: 2026-12\npaths: 10\n")
    b = write(tmp_path / "b.yaml", "name: b\nend: 2026-12\npaths: 10\nevents:\n  - type: demand_shock\n"
                                   "    region: WORLD\n    pct: -0.15\n    start: 2025-03\n")
    out = tmp_path / "cmp"
    assert main(["compare", str(a), str(b), "--out", str(out)]) == 0
    diffs = pd.read_csv(out / "differences.csv")
    lme = diffs[(diffs["variable"] == "price_lme_usd_t") & (diffs["region"] == "WORLD")].set_index("year")
    assert lme.loc[2025, "diff_p95"] < 0                  # the year of the shock: lower on every path band
    assert (out / "report.html").is_file() and (out / "summary_a.csv").is_file()
