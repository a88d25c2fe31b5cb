"""The alumina market in the backtest (issue 12): China's alumina price (CNY/t), FOB Australia (USD/t)
and China's alumina output against the record, when the replay runs the alumina market.

Scored only with ``alumina.market`` 1: with 0 the alumina price is the recorded path (the replay's
``input_price`` events) and there is no refinery output, so every alumina target is reported as not
scored (``met: None``, with the reason), never as passed.

The in-sample years up to ``alumina.market.pin_until_year`` (the replay sets the split year) carry the
recorded price, so their price MAPE measures the annual interpolation of the record, not the market:
``pinned_years`` says which years those are and the in-sample price targets are not set on them.
China's output is the market's in every year (the refineries answer the pinned price as they would
any price).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.history.scoring import score_series

#: key → (simulated variable, simulated region, history_annual variable, record region, label, unit)
ALUMINA_SERIES = {
    "alumina_cn": ("price_alumina_cny_t", "CN", "alumina_price_cny_t", "CN",
                   "China alumina price (annual average)", "CNY/t"),
    "alumina_fob": ("price_alumina_usd_t", "WORLD", "alumina_price_usd_t", "WORLD",
                    "Alumina FOB Australia (annual average)", "USD/t"),
    "china_alumina_production": ("production_alumina_kt", "CN", "alumina_production_kt", "CN",
                                 "China alumina output (NBS)", "kt"),
}
#: issue 12's bars: out-of-sample price MAPE, each year's output error, the size of a move
PRICE_MAPE_TARGET = 0.15
OUTPUT_EVERY_YEAR = 0.05
MOVE_SHARE = 0.5
#: the years whose move (against the year before) must come out in direction and at least half its size
MOVE_YEARS = (2024, 2025)


def recorded_alumina(dataset: Dataset) -> dict[str, pd.Series]:
    """Annual record of each :data:`ALUMINA_SERIES` key (``history_annual.csv``)."""
    return {key: dataset.annual_series(variable, region)
            for key, (_, _, variable, region, _, _) in ALUMINA_SERIES.items()}


def move_score(simulated: pd.Series, actual: pd.Series, year: int) -> dict:
    """The move of ``year`` against the year before, simulated (median path) and recorded: ``met``
    when the signs agree and the simulated move is at least :data:`MOVE_SHARE` of the recorded one
    (``None`` when either year is missing)."""
    if not all(y in simulated.index and y in actual.index for y in (year - 1, year)):
        return {"year": year, "actual": None, "simulated": None, "met": None,
                "reason": f"{year - 1} or {year} not in the window or the record"}
    act = float(actual.loc[year] / actual.loc[year - 1] - 1.0)
    sim = float(simulated.loc[year] / simulated.loc[year - 1] - 1.0)
    met = bool(np.sign(sim) == np.sign(act) and abs(sim) >= MOVE_SHARE * abs(act))
    return {"year": year, "actual": act, "simulated": sim, "ratio": sim / act if act else None, "met": met}


def score_alumina(bands: dict[str, pd.DataFrame] | None, record: dict[str, pd.Series], in_years: list[int],
                  out_years: list[int], split: int, *, on: bool, pinned_until: float) -> dict:
    """``metrics.json`` ``alumina``: per series the scores of :func:`~alusim.history.scoring.score_series`
    with each year's error, the 2024/2025 moves of the prices, and ``targets`` (see the module docstring).
    ``bands`` maps each key to its p05/p50/p95 by year (``None`` when the market is off)."""
    out: dict = {"scored": bool(on)}
    if not on:
        out["reason"] = "alumina.market 0: the alumina price is the recorded path and there are no refineries"
        out["targets"] = {name: {"value": None, "met": None, "reason": out["reason"]} for name in target_names()}
        return out
    years = in_years + out_years
    pinned = [y for y in years if y <= pinned_until]
    out["pinned_years"] = pinned
    targets = {}
    for key, (_, _, _, _, label, unit) in ALUMINA_SERIES.items():
        actual = record[key]
        band = bands[key]
        scored = [y for y in years if y in actual.index]
        entry = {"label": label, "unit": unit,
                 **score_series(band, actual, in_years, out_years, split, "no_change" if unit != "kt" else
                                "linear_trend")}
        errors = band["p50"].reindex(scored) / actual.reindex(scored) - 1.0
        entry["error_by_year"] = {int(y): float(v) for y, v in errors.items()}
        entry["max_abs_error"] = float(errors.abs().max()) if len(errors) else None
        if unit != "kt":
            entry["moves"] = {str(y): move_score(band["p50"], actual, y) for y in MOVE_YEARS}
            entry["mape_in_sample_pinned"] = bool(pinned) and all(y in pinned for y in in_years)
        out[key] = entry
    for key in ("alumina_cn", "alumina_fob"):
        m = out[key]
        targets[f"{key}.mape_out_of_sample<={PRICE_MAPE_TARGET}"] = _check(m["mape_out_of_sample"],
                                                                            m["mape_out_of_sample"] <= PRICE_MAPE_TARGET)
        for y in MOVE_YEARS:
            move = m["moves"][str(y)]
            targets[f"{key}.move_{y} right way, ≥ half its size"] = {
                "value": move["simulated"], "met": move["met"], **({"reason": move["reason"]} if "reason" in move
                                                                  else {"actual": move["actual"]})}
    output = out["china_alumina_production"]
    errors = [abs(v) for v in output["error_by_year"].values()]
    worst = max(errors) if errors else None
    targets[f"china_alumina_production.every_year_within_{OUTPUT_EVERY_YEAR}"] = _check(
        worst, worst is not None and worst <= OUTPUT_EVERY_YEAR)
    out["targets"] = targets
    return out


def target_names() -> list[str]:
    names = []
    for key in ("alumina_cn", "alumina_fob"):
        names.append(f"{key}.mape_out_of_sample<={PRICE_MAPE_TARGET}")
        names += [f"{key}.move_{y} right way, ≥ half its size" for y in MOVE_YEARS]
    return names + [f"china_alumina_production.every_year_within_{OUTPUT_EVERY_YEAR}"]


def _check(value, met: bool) -> dict:
    if value is None or not np.isfinite(value):
        return {"value": None, "met": None}
    return {"value": float(value), "met": bool(met)}
