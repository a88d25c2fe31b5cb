"""Alumina in the backtest (issue 12): the right years are scored, moves need direction and size, and
with the market off nothing is passed silently."""

from __future__ import annotations

import pandas as pd
import pytest

from alusim.history.alumina_scoring import (
    ALUMINA_SERIES,
    MOVE_SHARE,
    move_score,
    score_alumina,
    target_names,
)


def _bands(values: dict[int, float]) -> pd.DataFrame:
    s = pd.Series(values, dtype=float)
    return pd.DataFrame({"p05": s * 0.9, "p50": s, "p95": s * 1.1})


def test_move_needs_the_right_sign_and_half_the_size():
    actual = pd.Series({2023: 100.0, 2024: 140.0})
    assert move_score(pd.Series({2023: 100.0, 2024: 125.0}), actual, 2024)["met"] is True      # +25 of +40
    assert move_score(pd.Series({2023: 100.0, 2024: 100 + 40 * MOVE_SHARE - 1}), actual, 2024)["met"] is False
    assert move_score(pd.Series({2023: 100.0, 2024: 80.0}), actual, 2024)["met"] is False      # wrong way
    missing = move_score(pd.Series({2023: 100.0, 2024: 125.0}), actual, 2025)
    assert missing["met"] is None and "not in the window" in missing["reason"]


def test_market_off_reports_every_target_as_not_scored():
    out = score_alumina(None, {}, [2015], [2020], 2019, on=False, pinned_until=0)
    assert out["scored"] is False
    assert set(out["targets"]) == set(target_names())
    assert all(t["met"] is None and "alumina.market 0" in t["reason"] for t in out["targets"].values())


def test_scores_use_the_recorded_years_and_the_split():
    in_years, out_years = [2018, 2019], [2020, 2021, 2022, 2023, 2024]
    years = in_years + out_years
    record = {"alumina_cn": pd.Series({y: 3000.0 for y in years}),
              "alumina_fob": pd.Series({y: 400.0 for y in years}),
              "china_alumina_production": pd.Series({2020: 70000.0, 2023: 80000.0})}   # two recorded years
    bands = {"alumina_cn": _bands({y: 3000.0 if y <= 2019 else 3300.0 for y in years}),     # +10 % out of sample
             "alumina_fob": _bands({y: 400.0 if y != 2024 else 300.0 for y in years}),      # 2024 −25 %
             "china_alumina_production": _bands({y: 70000.0 if y != 2023 else 88000.0 for y in years})}
    out = score_alumina(bands, record, in_years, out_years, 2019, on=True, pinned_until=2019)
    assert out["pinned_years"] == [2018, 2019]
    assert out["alumina_cn"]["mape_in_sample"] == pytest.approx(0.0)
    assert out["alumina_cn"]["mape_out_of_sample"] == pytest.approx(0.10)
    assert out["targets"]["alumina_cn.mape_out_of_sample<=0.15"]["met"] is True
    assert out["alumina_fob"]["mape_out_of_sample"] == pytest.approx(0.05)
    # the record is flat in 2024 (no move): a simulated fall is not "the right way"
    assert out["targets"]["alumina_fob.move_2024 right way, ≥ half its size"]["met"] is False
    production = out["china_alumina_production"]
    assert set(production["error_by_year"]) == {2020, 2023}            # only the recorded years
    assert production["error_by_year"][2023] == pytest.approx(0.10)
    assert out["targets"]["china_alumina_production.every_year_within_0.05"]["met"] is False
    assert set(ALUMINA_SERIES) == {"alumina_cn", "alumina_fob", "china_alumina_production"}


@pytest.mark.parametrize("on", [0.0, 1.0])
def test_backtest_scores_alumina_only_when_the_market_runs(dataset, on):
    from alusim.history.backtest import run_backtest

    bt = run_backtest(dataset, "2019-01", "2020-12", split=2019, paths=4, seed=1,
                      assumptions={"alumina.market": on})
    pinned = run_backtest(dataset, "2019-01", "2020-12", split=2019, paths=4, seed=1,
                          assumptions={"alumina.market": on, "alumina.market.pin_until_year": 2019})
    if on:
        assert pinned.metrics["alumina"]["pinned_years"] == [2019]
    alumina = bt.metrics["alumina"]
    assert alumina["scored"] is bool(on)
    targets = {k: v for k, v in bt.metrics["targets"].items() if k.startswith("alumina.")}
    assert len(targets) == len(target_names())
    if on:
        assert alumina["pinned_years"] == []            # the replay forms the price from the first month
        recorded = set(dataset.annual_series("alumina_production_kt", "CN").index)
        assert set(alumina["china_alumina_production"]["error_by_year"]) == recorded & {2019, 2020}
        assert {2019, 2020} <= recorded                # the output rows of both years (NBS basis)
        assert alumina["alumina_cn"]["years_scored"] == 2
    else:
        assert all(v["met"] is None for v in targets.values())
