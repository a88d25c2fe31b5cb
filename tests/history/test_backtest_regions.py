"""The backtest's regional targets (issue 11): output by IAI region, the Midwest and Rotterdam
premiums and the corridors are scored, reported and carried in the targets."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from alusim.cli import main
from alusim.history import regional as R
from alusim.history.replay import load_record, needs_regions, replay


@pytest.fixture(scope="module")
def backtest_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("bt") / "out"
    assert main(["backtest", "--from", "2018", "--to", "2022", "--split", "2019", "--paths", "10",
                 "--out", str(out)]) == 0
    return out


def test_the_backtest_scores_and_reports_every_regional_figure(backtest_out):
    metrics = json.loads((backtest_out / "metrics.json").read_text())
    regions = metrics["regions"]
    assert set(regions["output"]) == set(R.IAI_REGIONS)
    scored = [code for code, m in regions["output"].items() if m["mape_out_of_sample"] is not None]
    assert {"NA", "REE", "GCC", "OC", "ASIA", "AF", "SA", "WCE"} <= set(scored)    # 2020 is recorded for all
    for code in R.IAI_REGIONS:
        check = metrics["targets"][f"region_output.{code}.mape_out_of_sample<=0.08"]
        assert check["met"] == (check["value"] <= 0.08)
    midwest = regions["premiums"]["midwest"]
    assert set(midwest["direction_by_year"]) == {"2019", "2020", "2021", "2022"}     # 2018 needs 2017 simulated
    assert metrics["targets"]["midwest_premium.direction_right_each_year 2019-2022"]["met"] == all(
        d["right"] for d in midwest["direction_by_year"].values())
    assert regions["premiums"]["rotterdam_duty_paid"]["points"]                    # 2018-12 … 2022-05
    assert {"CA->US", "RU->CN"} <= set(regions["corridors"])
    html = (backtest_out / "report.html").read_text()
    assert "NA primary output (IAI region)" in html and "US Midwest premium, direction" in html
    assert "trade CA → US" in html


def test_regional_output_counts_only_the_plants_iai_reports():
    assert R.reported("CA", 2020) and not R.reported("MY", 2020)
    assert R.reported("TJ", 2019) and not R.reported("TJ", 2020)       # Tajikistan unreported from 2020
    assets = pd.DataFrame({"region": ["ASIA", "ASIA", "NA"], "country": ["IN", "MY", "CA"]})
    production = np.array([[[100.0, 110.0], [50.0, 50.0], [30.0, 30.0]],
                           [[120.0, 130.0], [50.0, 50.0], [40.0, 40.0]]])           # (P=2, A=3, Y=2)
    bands = R.region_output_bands(assets, production, 2020)
    assert bands["ASIA"].loc[2020, "p50"] == pytest.approx(110.0)                     # Malaysia left out
    assert bands["NA"].loc[2021, "p05"] == pytest.approx(30.5)


def test_region_output_is_scored_out_of_sample_against_the_record():
    band = pd.DataFrame({"p05": [90.0, 90.0], "p50": [100.0, 110.0], "p95": [120.0, 120.0]}, index=[2019, 2020])
    scores = R.score_region_output({"NA": band}, {"NA": pd.Series({2019: 100.0, 2020: 100.0})}, split=2019)
    assert scores["NA"]["mape_out_of_sample"] == pytest.approx(0.10)
    assert scores["NA"]["mape_in_sample"] == pytest.approx(0.0)
    assert R.regional_targets({"output": scores})["region_output.NA.mape_out_of_sample<=0.08"]["met"] is False


def test_the_direction_of_each_year_is_right_or_wrong():
    actual = pd.Series({2017: 200.0, 2018: 420.0, 2019: 399.0})
    right = R.direction_by_year(pd.Series({2017: 100.0, 2018: 300.0, 2019: 250.0}), actual, [2018, 2019])
    assert all(d["right"] for d in right.values())
    wrong = R.direction_by_year(pd.Series({2017: 100.0, 2018: 300.0, 2019: 350.0}), actual, [2018, 2019])
    assert wrong[2018]["right"] and not wrong[2019]["right"]


def test_corridors_use_whole_years_only(dataset):
    record = R.corridor_record(dataset, list(dataset.regions["node"]), range(2018, 2025))
    assert 2024 not in record[("RU", "CN")].index            # only Jan–Feb and Jan–Nov 2024 are recorded
    assert record[("RU", "CN")].loc[2023] == pytest.approx(1180.0)
    assert record[("CA", "US")].loc[2023] == pytest.approx(1700.0)        # primary before unwrought
    assert 2020 not in record[("CA", "US")].index            # one month of 2020 only


def test_the_main_replay_leaves_the_measures_between_regions_out(dataset):
    notes: list[str] = []
    scenario, _ = replay(dataset, "2022-01", "2024-12", paths=2, notes=notes)
    assert not any(needs_regions(e.model_dump()) for e in scenario.events)
    assert any("between regions left out" in n for n in notes)
    regional, _ = replay(dataset, "2022-01", "2024-12", paths=2, regions=True)
    kinds = {(e.type, getattr(e, "exporter", None)) for e in regional.events}
    assert ("sanction", "RU") in kinds and ("import_tariff", "RU") in kinds and ("import_tariff", "CA") in kinds
    assert regional.assumptions["market.regions_enabled"] == 1.0
    record = load_record()
    russian = [e for e in record.events if getattr(e, "exporter", None) == "RU"]
    assert {e.start for e in russian} >= {"2023-03", "2024-04"}


def test_the_embedded_regional_record_matches_iai_where_the_raw_folder_has_it(dataset):
    from alusim.history.actuals import default_raw_dir

    raw = default_raw_dir()
    if raw is None or not (raw / "iai_stats_pv_ice").is_dir():
        pytest.skip("no raw folder")
    from alusim.raw.iai import read_primary_production

    frame = read_primary_production(raw)
    record = R.recorded_region_output(dataset)
    checked = 0
    for code, series in record.items():
        for year, value in series.items():
            rows = frame[(frame["year"] == year) & (frame["region"] == code)]
            if len(rows) and 2020 <= year <= 2022:
                assert float(rows["production_kt"].iloc[0]) == pytest.approx(value, rel=0.005), (code, year)
                checked += 1
    assert checked >= 10


def test_annual_flows_carry_their_weighted_absolute_error_in_and_out_of_sample(backtest_out):
    metrics = json.loads((backtest_out / "metrics.json").read_text())
    imports = metrics["china_imports"]
    years = {int(y): d for y, d in imports["years"].items()}
    out = [d for y, d in years.items() if y > 2019]
    expected = sum(abs(d["p50"] - d["actual"]) for d in out) / sum(abs(d["actual"]) for d in out)
    assert imports["wape_out_of_sample"] == pytest.approx(expected)
