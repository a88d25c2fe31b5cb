"""Paired differences by quarter, and the choice of periods a comparison prints.

Quarters aggregate months as years do (:meth:`SimulationResult.annual`): flows summed, stocks at the
quarter's end, the rest averaged; per path first, then percentiles of B − A over paths.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from alusim.engine.result import FLOW_VARIABLES, STOCK_VARIABLES
from alusim.errors import InputError
from alusim.report.stats import check_paired, monthly_values, quantiles


def parse_years(text: str | None, available: Iterable[int]) -> list[int]:
    """``"2025,2026,2030"`` → [2025, 2026, 2030], each inside the run; None → first and last year."""
    years = sorted(int(y) for y in available)
    if not text:
        return sorted({years[0], years[-1]})
    chosen = []
    for part in str(text).replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit():
            raise InputError(f"{part!r} is not a year", where="--years", fix="write years such as 2025,2026,2030")
        if int(part) not in years:
            raise InputError(f"{part} lies outside the run ({years[0]}…{years[-1]})", where="--years",
                             fix=f"choose years from {years[0]} to {years[-1]}")
        chosen.append(int(part))
    return sorted(set(chosen))


def _aggregate(values: np.ndarray, groups: np.ndarray, variable: str) -> np.ndarray:
    """(paths, months) → (paths, groups) by the variable's rule."""
    out = []
    for g in pd.unique(groups):
        cols = values[:, groups == g]
        if variable in FLOW_VARIABLES:
            out.append(cols.sum(axis=1))
        elif variable in STOCK_VARIABLES:
            out.append(cols[:, -1])
        else:
            out.append(np.nanmean(cols, axis=1) if np.isfinite(cols).any() else cols[:, 0])
    return np.stack(out, axis=1)


def quarterly_differences(a, b, pairs: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """Quarterly paired differences B − A: ``variable, region, quarter, diff_p05, diff_p50, diff_p95,
    a_p50, b_p50`` (quarter labels such as ``2025Q1``)."""
    check_paired(a, b)
    months = pd.DatetimeIndex(a.data["month"].to_numpy())
    groups = np.asarray(months.to_period("Q").astype(str))
    labels = list(pd.unique(groups))
    frames = []
    for variable, region in pairs:
        va = _aggregate(monthly_values(a, variable, region), groups, variable)
        vb = _aggregate(monthly_values(b, variable, region), groups, variable)
        diff = quantiles(vb - va, (0.05, 0.5, 0.95))
        frames.append(pd.DataFrame({"variable": variable, "region": region, "quarter": labels,
                                    "diff_p05": diff[0], "diff_p50": diff[1], "diff_p95": diff[2],
                                    "a_p50": quantiles(va, (0.5,))[0], "b_p50": quantiles(vb, (0.5,))[0]}))
    return pd.concat(frames, ignore_index=True)


def period_rows(differences: pd.DataFrame, period: str, chosen: list) -> dict[str, list[list]]:
    """Per scenario, rows ``variable, region, period, median, p05, p95`` for the chosen periods;
    series whose difference is zero on every path (e.g. world net exports) are left out."""
    rows = differences[differences[period].isin(chosen)]
    out: dict[str, list[list]] = {}
    for (scenario, _variable, _region), group in rows.groupby(["scenario", "variable", "region"], sort=False):
        if np.allclose(group[["diff_p05", "diff_p50", "diff_p95"]].to_numpy(float), 0.0):
            continue
        out.setdefault(scenario, []).extend(
            [r.variable, r.region, str(getattr(r, period)), r.diff_p50, r.diff_p05, r.diff_p95]
            for r in group.itertuples())
    return out
