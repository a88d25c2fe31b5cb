"""Start state, recorded input paths and the scoring functions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from alusim.history import scoring
from alusim.history.start import (
    annual_path,
    coal_reference_cny_t,
    history_value,
    input_paths,
    start_assumptions,
    start_input_level,
)


def _with_history(dataset, rows):
    extra = pd.DataFrame(rows, columns=["year", "variable", "region", "value"]).assign(
        unit="x", source="test", confidence="low")
    return replace(dataset, history_annual=pd.concat([dataset.history_annual, extra], ignore_index=True))


def test_annual_path_puts_each_average_at_july_and_starts_at_the_previous_year(dataset):
    ds = _with_history(dataset, [(2014, "test_series", "CN", 100.0), (2015, "test_series", "CN", 200.0),
                                 (2016, "test_series", "CN", 200.0)])
    path = annual_path(ds, "test_series", "CN", "2015-01", 30)
    assert path[0] == pytest.approx(100 + 100 * 6 / 12)       # Jan 2015: half way from Jul 2014 to Jul 2015
    assert path[6] == pytest.approx(200.0)                    # Jul 2015
    assert path[-1] == pytest.approx(200.0)                   # held past the last year


def test_missing_years_are_interpolated_or_extended_and_said(dataset):
    ds = _with_history(dataset, [(2016, "test_series", "CN", 100.0), (2018, "test_series", "CN", 121.0)])
    notes = []
    assert history_value(ds, "test_series", "CN", 2017, notes) == pytest.approx(110.5)
    assert history_value(ds, "test_series", "CN", 2019, notes) == pytest.approx(121.0)
    assert history_value(ds, "test_series", "CN", 2015, notes, trend=True) == pytest.approx(100 / 1.1)
    assert len(notes) == 3 and "interpolated" in notes[0] and "held" in notes[1] and "growth" in notes[2]


def test_coal_multiplies_tariffs_relative_to_the_tariff_years(dataset):
    notes = []
    paths = input_paths(dataset, "2015-01", 120, notes)
    coal = paths[("coal", "WORLD")]
    recorded = dataset.annual_series("coal_price_cny_t", "CN")
    reference = coal_reference_cny_t(dataset)
    # 2022 has fewer than six monthly readings: its annual average sits at July
    july_2022 = (2022 - 2015) * 12 + 6
    assert coal[july_2022] == pytest.approx(recorded.loc[2022] / reference)
    # a recorded month is taken as it is (October 2021: the Qinhuangdao spot reading)
    october_2021 = (2021 - 2015) * 12 + 9
    spot = dataset.history.sel(variable="price_coal_cny_t", region="CN", month=pd.Timestamp("2021-10-01"))
    assert coal[october_2021] == pytest.approx(float(spot) / reference)
    # 2021 has enough monthly readings to stand in for its annual average, and the notes say so
    assert any(n.startswith("coal (WORLD) 2021:") and f"{recorded.loc[2021]:,.0f}" in n for n in notes)
    fx = paths[("fx", "WORLD")]
    assert fx[0] == pytest.approx(1.0)                        # FX starts at the previous year's average


def test_start_state_uses_only_the_previous_year(dataset):
    out = start_assumptions(dataset, "2015-01")
    # the observed state: December 2014's LME from the monthly record, not an annual average
    dec = dataset.history.sel(variable="price_lme_usd_t", region="WORLD", month=pd.Timestamp("2014-12-01"))
    assert out["price.lme.start_usd_t"] == pytest.approx(float(dec))
    assert out["price.lme.start_usd_t"] != pytest.approx(dataset.annual_series("lme_price_usd_t", "WORLD").loc[2014])
    # FX starts at its recorded level in the first month (January 2015: 6.22, not 2014's 6.14 average)
    assert out["fx.cny_per_usd"] == pytest.approx(start_input_level(dataset, "fx", "WORLD", "2015-01"))
    assert out["fx.cny_per_usd"] != pytest.approx(dataset.annual_series("fx_cny_per_usd", "CN").loc[2014])
    # demand follows its recorded drivers: only the switch-off of their uncertainty is set
    demand = {k: v for k, v in out.items() if k.startswith("demand.")}
    assert demand == {"demand.driver_growth_sd_pct_per_year.cn": 0.0, "demand.driver_growth_sd_pct_per_year.row": 0.0}
    assert out["inventory.start_kt.cn"] > 0 and out["inventory.start_kt.row"] > 0


def test_mape_and_coverage_are_fractions_over_common_years():
    actual = pd.Series([100.0, 200.0, 400.0], index=[2015, 2016, 2017])
    sim = pd.Series([110.0, 180.0], index=[2015, 2016])
    assert scoring.mape(sim, actual, [2015, 2016, 2017]) == pytest.approx(0.10)
    low = pd.Series([90.0, 150.0, 500.0], index=[2015, 2016, 2017])
    high = pd.Series([120.0, 190.0, 600.0], index=[2015, 2016, 2017])
    assert scoring.coverage(low, high, actual, [2015, 2016, 2017]) == pytest.approx(1 / 3)
    assert np.isnan(scoring.mape(sim, actual, [2020]))


def test_naive_baselines_use_only_what_was_known_at_the_split():
    actual = pd.Series([10.0, 12.0, 14.0, 99.0], index=[2015, 2016, 2017, 2018])
    assert scoring.no_change_forecast(actual, 2017, [2018, 2019]).tolist() == [14.0, 14.0]
    assert scoring.linear_trend_forecast(actual, 2017, [2018, 2019]).tolist() == pytest.approx([16.0, 18.0])


def test_direction_hit_rate_counts_matching_monthly_moves():
    idx = pd.period_range("2015-01", periods=5, freq="M")
    act = pd.Series([1.0, 2.0, 1.0, 3.0, 4.0], index=idx)
    sim = pd.Series([1.0, 2.0, 3.0, 2.0, 5.0], index=idx)
    assert scoring.direction_hit_rate(sim, act) == pytest.approx(0.5)


def test_score_series_reports_every_required_key():
    bands = pd.DataFrame({"p05": [90.0, 90.0], "p50": [100.0, 100.0], "p95": [110.0, 110.0]}, index=[2019, 2020])
    actual = pd.Series([100.0, 120.0], index=[2019, 2020])
    out = scoring.score_series(bands, actual, [2019], [2020], 2019, "no_change")
    assert out["mape_in_sample"] == 0.0
    assert out["mape_out_of_sample"] == pytest.approx(20 / 120)
    assert out["naive_mape_out_of_sample"] == pytest.approx(20 / 120)
    assert out["coverage_p05_p95"] == 0.5
