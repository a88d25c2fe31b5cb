"""Calibration: fit the behavioural parameters to the in-sample years of the record.

Stage 1 fits the deterministic response — price adjustment speed, the cost anchor (percentile and
markup), the price's response to stock days, the curtailment threshold, China's restart hurdle, the
export elasticity, and China's demand growth over the window (a history-only parameter: the baseline
keeps its own outlook) — by differential evolution (scipy) on the mean in-sample MAPE of China and
world output, the LME and SHFE annual averages and China's net exports (which tie China's demand to
its output: without them the fit cannot tell weak demand from strong exports), the median of a fixed
set of paths (common random numbers: every candidate sees the same shocks). Candidates are evaluated through any
``concurrent.futures`` executor (local processes, or Dask).

Stage 2 sets the price noise: the LME monthly volatility whose p05–p95 band holds 90% of the
in-sample months (monthly World Bank series; annual averages when the raw folder is absent).

Nothing from the out-of-sample years enters either stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from alusim.errors import InputError

#: calibrated parameters: name → (low, high)
BOUNDS: dict[str, tuple[float, float]] = {
    "market.price_adjust_per_month": (0.05, 0.8),
    "market.cost_anchor_percentile": (0.70, 0.99),
    "market.cost_anchor_markup": (-0.10, 0.30),
    "market.price_stock_elasticity": (-1.0, -0.02),
    "supply.curtail_threshold_pct_of_cost": (75.0, 105.0),
    "supply.restart_hurdle_pct_of_cost.cn": (0.0, 25.0),
    "supply.restart_hurdle_pct_of_cost.row": (0.0, 40.0),
    "supply.curtail_margin_months": (1.0, 12.0),
    "trade.cn_export_elasticity_per_pct_arb": (0.1, 3.0),
}
#: fitted on history but not carried into the baseline (none since demand follows its drivers)
HISTORY_ONLY: tuple[str, ...] = ()
#: series whose in-sample MAPE the fit minimises (equal weights; absent series and years are skipped)
FIT_SERIES = ("china_production", "world_production", "lme_annual", "shfe_annual", "china_net_exports")
NOISE_GRID = (2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0)


@dataclass(frozen=True)
class FitConfig:
    """Everything a worker needs to score a candidate (picklable; workers cache what they load)."""

    start: str = "2015-01"
    end: str = "2019-12"
    paths: int = 24
    seed: int = 11
    data_dir: str | None = None
    record: str | None = None
    raw_dir: str | None = None
    names: tuple[str, ...] = tuple(BOUNDS)
    fixed: tuple[tuple[str, float], ...] = ()


_CACHE: dict = {}


def _context(config: FitConfig):
    key = (config.data_dir, config.record, config.raw_dir, config.start)
    if key not in _CACHE:
        from alusim.dataset import load_dataset
        from alusim.history.actuals import load_actuals
        from alusim.history.assets import assets_at
        from alusim.history.replay import load_record

        _CACHE.clear()
        dataset = load_dataset(config.data_dir)
        raw = Path(config.raw_dir) if config.raw_dir else None
        _CACHE[key] = (dataset, load_record(config.record), load_actuals(dataset, raw),
                       assets_at(dataset, config.start))
    return _CACHE[key]


def run_candidate(config: FitConfig, values) -> dict:
    """Backtest metrics of one candidate over the fit window."""
    from alusim.history.backtest import run_backtest

    dataset, record, actuals, assets = _context(config)
    parameters = {**dict(config.fixed), **dict(zip(config.names, map(float, values), strict=True))}
    bt = run_backtest(dataset, config.start, config.end, split=int(config.end[:4]), paths=config.paths,
                      seed=config.seed, record=record, parameters=parameters, actuals=actuals, assets=assets)
    return bt.metrics


def loss(metrics: dict) -> float:
    errors = [metrics[k]["mape_in_sample"] for k in FIT_SERIES
              if k in metrics and np.isfinite(metrics[k]["mape_in_sample"])]
    return float(np.mean(errors)) if errors else float("inf")


@dataclass(frozen=True)
class Objective:
    """Picklable objective for ``scipy.optimize.differential_evolution`` (vector → loss)."""

    config: FitConfig

    def __call__(self, values) -> float:
        return loss(run_candidate(self.config, values))


@dataclass
class Calibration:
    parameters: dict[str, float]
    fit: dict
    history_only: tuple[str, ...] = HISTORY_ONLY
    bounds: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(BOUNDS))

    def as_document(self) -> dict:
        return {"name": f"alusim calibration {self.fit['window']['from']}…{self.fit['window']['to']}",
                "parameters": {k: round(float(v), 6) for k, v in self.parameters.items()},
                "history_only": list(self.history_only),
                "bounds": {k: list(v) for k, v in self.bounds.items()},
                "fit": self.fit}


def calibrate(executor: Executor, *, start: str = "2015-01", end: str = "2019-12", paths: int = 24, seed: int = 11,
              maxiter: int = 12, popsize: int = 8, data_dir: Path | None = None, record: Path | None = None,
              raw_dir: Path | None = None, progress: Callable[[str], None] | None = None) -> Calibration:
    """Fit :data:`BOUNDS` on ``start``…``end`` (see the module docstring); ``maxiter`` generations of
    ``popsize`` × (number of parameters) candidates each."""
    from scipy.optimize import differential_evolution

    if end < start:
        raise InputError(f"calibration window ends ({end}) before it starts ({start})", fix="swap --from and --to")
    t0 = time.perf_counter()
    config = FitConfig(start=start, end=end, paths=paths, seed=seed,
                       data_dir=str(data_dir) if data_dir else None, record=str(record) if record else None,
                       raw_dir=str(raw_dir) if raw_dir else None)
    bounds = [BOUNDS[n] for n in config.names]
    evaluations = {"n": 0}

    def mapper(func, iterable):
        items = list(iterable)
        evaluations["n"] += len(items)
        return list(executor.map(func, items))

    def report(xk, convergence=None):
        if progress is not None:
            progress(f"generation done — {evaluations['n']} candidates, convergence {convergence or 0:.3f}")

    result = differential_evolution(Objective(config), bounds, maxiter=maxiter, popsize=popsize, seed=seed,
                                    workers=mapper, updating="deferred", polish=False, tol=1e-3,
                                    init="sobol", callback=report)
    best = dict(zip(config.names, map(float, result.x), strict=True))
    # stage 2: price noise for ~90% in-sample coverage
    noise = [FitConfig(**{**config.__dict__, "names": ("price.lme.vol_pct_per_month",),
                          "fixed": tuple({**best, "price.lme.vol_pct_per_month": v}.items())})
             for v in NOISE_GRID]
    covered = list(executor.map(_noise_run, noise))
    evaluations["n"] += len(noise)
    vol, cov = min(covered, key=lambda vc: (abs(vc[1] - 0.90), vc[0]))
    best["price.lme.vol_pct_per_month"] = vol
    best["price.shfe.vol_pct_per_month"] = vol * 0.8
    final = run_candidate(FitConfig(**{**config.__dict__, "names": (), "fixed": tuple(best.items())}), [])
    fit = {"window": {"from": start, "to": end}, "objective_mape_mean": loss(final),
           "date": time.strftime("%Y-%m"),
           "in_sample": {k: {m: final[k][m] for m in ("mape_in_sample", "coverage_in_sample")}
                         for k in FIT_SERIES if k in final},
           "lme_monthly_coverage_in_sample": (final.get("lme_monthly") or {}).get("coverage_p05_p95"),
           "noise_grid": {f"{v:g}": c for v, c in covered},
           "method": f"scipy differential_evolution (sobol init, popsize {popsize}, maxiter {maxiter}, seed {seed}), "
                     f"{paths} paths per candidate (seed {seed}), then LME vol from a grid for 90% monthly coverage",
           "evaluations": evaluations["n"], "generations": int(result.nit), "seconds": time.perf_counter() - t0,
           "converged": bool(result.success)}
    return Calibration(parameters=best, fit=fit)


def _noise_run(config: FitConfig) -> tuple[float, float]:
    vol = dict(config.fixed)["price.lme.vol_pct_per_month"]
    metrics = run_candidate(FitConfig(**{**config.__dict__, "names": ()}), [])
    monthly = metrics.get("lme_monthly")
    if monthly is not None:
        return vol, float(monthly["coverage_p05_p95"])
    return vol, float(metrics["lme_annual"]["coverage_in_sample"])
