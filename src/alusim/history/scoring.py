"""Honest scores of a replay against the record: pure functions on pandas series.

Errors are fractions (0.05 = 5%), never percent. The simulated value of a year is the median over
Monte Carlo paths; coverage counts actual values inside the paths' 5th–95th percentile band. Naive
baselines are forecasts made at the split year with what was known then: no change (the last
in-sample value held) for prices, a straight line fitted to the in-sample years for output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def mape(simulated: pd.Series, actual: pd.Series, years) -> float:
    """Mean absolute percentage error over ``years`` present in both series (fraction; NaN if none)."""
    years = [y for y in years if y in simulated.index and y in actual.index and actual.loc[y] != 0]
    if not years:
        return float("nan")
    sim = simulated.loc[years].to_numpy(float)
    act = actual.loc[years].to_numpy(float)
    return float(np.mean(np.abs(sim - act) / np.abs(act)))


def coverage(low: pd.Series, high: pd.Series, actual: pd.Series, years) -> float:
    """Share of actual values inside [low, high] over ``years`` (fraction; NaN if none)."""
    years = [y for y in years if y in low.index and y in actual.index]
    if not years:
        return float("nan")
    act = actual.loc[years].to_numpy(float)
    return float(np.mean((act >= low.loc[years].to_numpy(float) - 1e-9) & (act <= high.loc[years].to_numpy(float) + 1e-9)))


def no_change_forecast(actual: pd.Series, split: int, years) -> pd.Series:
    """The last value at or before ``split`` held for ``years``."""
    known = actual[actual.index <= split]
    return pd.Series(float(known.iloc[-1]) if len(known) else np.nan, index=list(years))


def linear_trend_forecast(actual: pd.Series, split: int, years) -> pd.Series:
    """A least-squares line through the values at or before ``split``, extended to ``years``."""
    known = actual[actual.index <= split].dropna()
    if len(known) < 2:
        return no_change_forecast(actual, split, years)
    slope, intercept = np.polyfit(known.index.to_numpy(float), known.to_numpy(float), 1)
    return pd.Series(intercept + slope * np.asarray(list(years), dtype=float), index=list(years))


def direction_hit_rate(simulated: pd.Series, actual: pd.Series) -> float:
    """Share of months in which the simulated and the actual series move the same way (fraction)."""
    both = pd.concat([simulated.rename("sim"), actual.rename("act")], axis=1).dropna()
    moves = both.diff().dropna()
    moves = moves[(moves["act"] != 0)]
    if moves.empty:
        return float("nan")
    return float(np.mean(np.sign(moves["sim"]) == np.sign(moves["act"])))


def score_series(bands: pd.DataFrame, actual: pd.Series, in_years, out_years, split: int, naive: str) -> dict:
    """Scores of one annual series. ``bands`` has columns p05, p50, p95 indexed by year; ``naive`` is
    ``no_change`` or ``linear_trend``."""
    forecast = (no_change_forecast if naive == "no_change" else linear_trend_forecast)(actual, split, out_years)
    all_years = list(in_years) + list(out_years)
    observed = [y for y in all_years if y in actual.index and y in bands.index]
    return {
        "mape_in_sample": mape(bands["p50"], actual, in_years),
        "mape_out_of_sample": mape(bands["p50"], actual, out_years),
        "naive_mape_out_of_sample": mape(forecast, actual, out_years),
        "naive": naive,
        "coverage_p05_p95": coverage(bands["p05"], bands["p95"], actual, all_years),
        "coverage_in_sample": coverage(bands["p05"], bands["p95"], actual, in_years),
        "coverage_out_of_sample": coverage(bands["p05"], bands["p95"], actual, out_years),
        "years_scored": len(observed),
        "years": {int(y): {"actual": float(actual.loc[y]), "p05": float(bands.loc[y, "p05"]),
                           "p50": float(bands.loc[y, "p50"]), "p95": float(bands.loc[y, "p95"])}
                  for y in observed},
    }
