"""The fit of the regional premium parameters (issue 11) on the in-sample years of the record.

The regional replay (:func:`alusim.history.replay.replay` with ``regions=True``) is run from the
start to the end of the last in-sample year only, for each candidate of a grid of
``market.premium_stock_sensitivity`` × ``market.premium_adjust_per_month``, on common paths and the
shipped calibration of every other parameter. The loss is the mean of the in-sample MAPEs of the
median path against the three premium records a region's start premium comes from: the US Midwest
annual averages (``history_annual.csv``), the Japan MJP annual averages of the Asia region
(``history_monthly.csv`` ``annual_average`` rows) and the Rotterdam duty-paid points
(:func:`alusim.history.regional.rotterdam_points`). Nothing after the split year is simulated, so
nothing out of sample enters. ``scripts/fit_premiums.py`` runs it and writes the result into
``parameters.csv``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.history.scoring import mape

#: the fitted parameters and the grid each is searched on (inside their parameters.csv ranges)
GRID: dict[str, tuple[float, ...]] = {
    "market.premium_stock_sensitivity": (0.0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8),
    "market.premium_adjust_per_month": (0.1, 0.2, 0.3, 0.5, 0.75, 1.0),
}


@dataclass
class PremiumFit:
    best: dict[str, float]
    loss: float
    #: one row per candidate: the parameters, each record's MAPE and the loss
    table: pd.DataFrame = field(repr=False)
    start: str = "2015-01"
    split: int = 2019


def mjp_record(dataset: Dataset) -> pd.Series:
    """USD/t Japan MJP annual averages by year (``history_monthly.csv`` ``annual_average`` rows, then
    ``history_annual.csv``)."""
    monthly = dataset.history_monthly
    rows = monthly[(monthly["variable"] == "premium_mjp_usd_t") & (monthly["basis"] == "annual_average")
                   & monthly["value"].notna()]
    out = pd.Series(rows["value"].astype(float).to_numpy(), index=rows["period"].astype(str).str[:4].astype(int))
    annual = dataset.history_annual
    more = annual[annual["variable"] == "premium_mjp_usd_t"]
    extra = pd.Series(more["value"].astype(float).to_numpy(), index=more["year"].astype(int))
    return pd.concat([out, extra[~extra.index.isin(out.index)]]).groupby(level=0).mean().sort_index()


def premium_errors(regions, dataset: Dataset, split: int) -> dict[str, float]:
    """In-sample MAPE (years or points ≤ ``split``) of the median premium path against the Midwest,
    MJP and Rotterdam duty-paid records; NaN for a record with no point in the window."""
    from alusim.history.regional import annual_premium_record, premium_bands, rotterdam_points

    out = {}
    for key, node, actual in (("midwest", "US", annual_premium_record(dataset)), ("mjp", "ASIA", mjp_record(dataset))):
        annual, _ = premium_bands(regions, node)
        out[key] = mape(annual["p50"], actual, [int(y) for y in actual.index if y <= split])
    _, monthly = premium_bands(regions, "EU")
    points = rotterdam_points(dataset)
    points = points[points.index.isin(monthly.index) & (points.index.year <= split)]
    errors = (monthly["p50"].reindex(points.index) - points).abs() / points.abs()
    out["rotterdam"] = float(errors.mean()) if len(errors) else float("nan")
    return out


def loss_of(errors: Mapping[str, float]) -> float:
    """Mean of the records' MAPEs that have points (NaN if none has)."""
    values = [v for v in errors.values() if np.isfinite(v)]
    return float(np.mean(values)) if values else float("nan")


def candidates(grid: Mapping[str, Iterable[float]]) -> list[dict[str, float]]:
    """Every combination of the grid's values, in order."""
    out: list[dict[str, float]] = [{}]
    for name, values in grid.items():
        out = [{**c, name: float(v)} for c in out for v in values]
    return out


def fit_premiums(dataset: Dataset, *, start: str = "2015-01", split: int = 2019, paths: int = 60, seed: int = 7,
                 grid: Mapping[str, Iterable[float]] | None = None, params=None, simulate_fn=None) -> PremiumFit:
    """Grid search of :data:`GRID` on the regional replay ``start``…December of ``split`` (common
    paths); the candidate of least :func:`loss_of` wins (ties: the first in grid order).
    ``simulate_fn(parameters) -> regions`` replaces the replay (tests)."""
    if simulate_fn is None:
        from alusim.engine.simulate import simulate
        from alusim.history.parameter_sets import resolve
        from alusim.history.replay import replay

        shipped = params if params is not None else resolve(dataset, None)

        def simulate_fn(parameters):
            scenario, history = replay(dataset, start, f"{split}-12", paths=paths, seed=seed, parameters=parameters,
                                       fit_last=split, regions=True)
            return simulate(scenario, history, params=shipped).regions

    rows = []
    for candidate in candidates(grid or GRID):
        errors = premium_errors(simulate_fn(candidate), dataset, split)
        rows.append({**candidate, **errors, "loss": loss_of(errors)})
    table = pd.DataFrame(rows)
    finite = table[np.isfinite(table["loss"])]
    if finite.empty:
        raise ValueError("no candidate has an in-sample premium record to be scored on")
    best = finite.loc[finite["loss"].idxmin()]
    names = list((grid or GRID).keys())
    return PremiumFit(best={n: float(best[n]) for n in names}, loss=float(best["loss"]), table=table, start=start,
                      split=split)
