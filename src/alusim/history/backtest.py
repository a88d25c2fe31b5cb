"""Backtest: replay the record over a window and score the simulated fans against what happened.

In-sample years are those up to ``split`` (the calibration window, 2015–2019 by default), the rest are
out of sample. The run is one free simulation from the first month: nothing is re-initialised at
the split, so out-of-sample years carry every error the model accumulated before them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.engine.result import SimulationResult
from alusim.engine.simulate import simulate
from alusim.history.actuals import SERIES, Actuals, load_actuals
from alusim.history.replay import replay
from alusim.history.scoring import direction_hit_rate, mape, score_series
from alusim.scenario.model import Scenario

#: targets of issue 5, as fractions: series → (in-sample MAPE, out-of-sample MAPE)
TARGETS = {"china_production": (0.03, 0.05), "lme_annual": (0.10, 0.15)}
COVERAGE_TARGET = (0.80, 0.95)
NAIVE = {"china_production": "linear_trend", "world_production": "linear_trend", "lme_annual": "no_change",
         "shfe_annual": "no_change", "china_net_exports": "no_change", "china_demand": "linear_trend",
         "china_secondary": "linear_trend"}
#: issue 9: with recorded drivers, every recorded year within this share of the record (median path)
EVERY_YEAR_WITHIN = {"china_demand": 0.05, "china_secondary": 0.10}


@dataclass
class Backtest:
    result: SimulationResult
    actuals: Actuals
    metrics: dict
    bands: dict[str, pd.DataFrame]           # series → p05/p50/p95 by year
    lme_monthly_bands: pd.DataFrame          # p05/p50/p95 by month (Period)
    notes: list[str] = field(default_factory=list)


def annual_bands(result: SimulationResult, variable: str, region: str) -> pd.DataFrame:
    """p05/p50/p95 over paths of a variable's annual value (flows summed, prices averaged)."""
    values = result.annual()[variable].sel(region=region).values            # (paths, years)
    years = [int(str(m)[:4]) for m in result.annual()["month"].values]
    q = np.quantile(values, [0.05, 0.5, 0.95], axis=0)
    return pd.DataFrame({"p05": q[0], "p50": q[1], "p95": q[2]}, index=years)


def monthly_bands(result: SimulationResult, variable: str, region: str) -> pd.DataFrame:
    values = result.data[variable].sel(region=region).values                # (paths, months)
    q = np.quantile(values, [0.05, 0.5, 0.95], axis=0)
    index = pd.period_range(result.scenario.start, periods=values.shape[1], freq="M")
    return pd.DataFrame({"p05": q[0], "p50": q[1], "p95": q[2]}, index=index)


def score(result: SimulationResult, actuals: Actuals, split: int) -> tuple[dict, dict, pd.DataFrame]:
    """metrics.json content, annual bands by series and LME monthly bands."""
    first, last = int(result.scenario.start[:4]), int(result.scenario.end[:4])
    in_years = [y for y in range(first, last + 1) if y <= split]
    out_years = [y for y in range(first, last + 1) if y > split]
    metrics: dict = {}
    bands = {}
    for key, (variable, region, _, _, label, unit) in SERIES.items():
        bands[key] = annual_bands(result, variable, region)
        actual = actuals.annual[key]
        if not any(y in actual.index for y in in_years + out_years):
            continue
        metrics[key] = {"label": label, "unit": unit,
                        **score_series(bands[key], actual, in_years, out_years, split, NAIVE[key])}
        scored = [y for y in in_years + out_years if y in actual.index]
        errors = (bands[key]["p50"].reindex(scored) / actual.reindex(scored) - 1.0).abs()
        metrics[key]["max_abs_error"] = float(errors.max()) if len(errors) else float("nan")
        metrics[key]["error_by_year"] = {int(y): float(v) for y, v in (bands[key]["p50"].reindex(scored)
                                                                       / actual.reindex(scored) - 1.0).items()}
    lme_m = monthly_bands(result, "price_lme_usd_t", "WORLD")
    if actuals.lme_monthly is not None:
        actual = actuals.lme_monthly.reindex(lme_m.index)
        inside = ((actual >= lme_m["p05"]) & (actual <= lme_m["p95"]))[actual.notna()]
        split_month = pd.Period(f"{split}-12", freq="M")
        ins = actual.index <= split_month
        metrics["lme_monthly"] = {
            "label": "LME monthly average", "unit": "USD/t", "source": actuals.lme_monthly_source,
            "mape_in_sample": mape(lme_m["p50"][ins], actual[ins].dropna(), list(lme_m.index[ins])),
            "mape_out_of_sample": mape(lme_m["p50"][~ins], actual[~ins].dropna(), list(lme_m.index[~ins])),
            "coverage_p05_p95": float(inside.mean()) if len(inside) else float("nan"),
            "direction_hit_rate": direction_hit_rate(lme_m["p50"], actual),
            "direction_hit_rate_in_sample": direction_hit_rate(lme_m["p50"][ins], actual[ins]),
            "direction_hit_rate_out_of_sample": direction_hit_rate(lme_m["p50"][~ins], actual[~ins]),
            "months_scored": int(actual.notna().sum())}
    metrics["targets"] = targets(metrics)
    metrics["window"] = {"from": result.scenario.start, "to": result.scenario.end,
                         "in_sample": [in_years[0], in_years[-1]] if in_years else None,
                         "out_of_sample": [out_years[0], out_years[-1]] if out_years else None}
    metrics["paths"], metrics["seed"] = result.scenario.paths, result.scenario.seed
    return metrics, bands, lme_m


def targets(metrics: dict) -> dict:
    """Each target of issue 5 with the measured value and whether it is met (``None`` = not scored)."""
    out = {}
    for key, (t_in, t_out) in TARGETS.items():
        m = metrics.get(key, {})
        out[f"{key}.mape_in_sample<={t_in}"] = _check(m.get("mape_in_sample"), lambda v, t=t_in: v <= t)
        out[f"{key}.mape_out_of_sample<={t_out}"] = _check(m.get("mape_out_of_sample"), lambda v, t=t_out: v <= t)
    for key, tolerance in EVERY_YEAR_WITHIN.items():
        m = metrics.get(key, {})
        out[f"{key}.max_abs_error<={tolerance}"] = _check(m.get("max_abs_error"), lambda v, t=tolerance: v <= t)
    for key in ("china_production", "world_production", "lme_annual"):
        m = metrics.get(key, {})
        out[f"{key}.coverage_p05_p95 in [0.8, 0.95]"] = _check(
            m.get("coverage_p05_p95"), lambda v: COVERAGE_TARGET[0] <= v <= COVERAGE_TARGET[1])
        out[f"{key}.beats_naive_out_of_sample"] = _check(
            m.get("mape_out_of_sample"), lambda v, n=m.get("naive_mape_out_of_sample"): n is not None and v < n)
    return out


def _check(value, test: Callable[[float], bool]) -> dict:
    if value is None or not np.isfinite(value):
        return {"value": None, "met": None}
    return {"value": float(value), "met": bool(test(value))}


def run_backtest(dataset: Dataset, start: str, end: str, *, split: int = 2019, paths: int | None = None,
                 seed: int | None = None, record: Scenario | None = None, raw_dir: Path | None = None,
                 parameters: Mapping[str, float] | None = None,
                 progress: Callable[[int, int], None] | None = None, actuals: Actuals | None = None,
                 assets: pd.DataFrame | None = None) -> Backtest:
    """Replay ``start``…``end`` and score it (see the module docstring). ``actuals`` and ``assets``
    reuse what an earlier call loaded (calibration loops)."""
    notes: list[str] = []
    scenario, history = replay(dataset, start, end, record=record, paths=paths, seed=seed,
                               parameters=parameters, notes=notes, assets=assets, fit_last=split)
    notes[:] = list(dict.fromkeys(notes))
    result = simulate(scenario, history, progress=progress)
    actuals = actuals if actuals is not None else load_actuals(dataset, raw_dir)
    metrics, bands, lme_m = score(result, actuals, split)
    metrics["notes"] = notes
    return Backtest(result=result, actuals=actuals, metrics=metrics, bands=bands, lme_monthly_bands=lme_m,
                    notes=notes)
