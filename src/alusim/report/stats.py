"""Percentiles over Monte Carlo paths for the report: monthly and annual bands, and paired
differences between two runs (paths are paired by seed, so B − A per path isolates the scenario
effect from the shared noise).

Medians, not means, are the central line everywhere (domain-facts.md c6).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from alusim.errors import InputError
from alusim.quantiles import path_quantiles

#: percentiles drawn as bands: p05–p95 (outer) and p25–p75 (inner) around the median
BANDS = (0.05, 0.25, 0.5, 0.75, 0.95)
BAND_NAMES = ("p05", "p25", "p50", "p75", "p95")

#: variables a comparison looks at: (variable, region)
KEY_VARIABLES: tuple[tuple[str, str], ...] = (
    ("price_lme_usd_t", "WORLD"), ("price_shfe_cny_t", "CN"), ("production_kt", "CN"),
    ("production_kt", "WORLD"), ("net_exports_kt", "CN"), ("margin_cny_t", "CN"),
    ("share_loss_making", "CN"), ("co2_mt", "WORLD"), ("co2_t_per_t", "WORLD"),
)


def quantiles(values: np.ndarray, qs: Sequence[float] = BANDS) -> np.ndarray:
    """``nanquantile`` over the first axis (paths), silent on all-NaN columns (one sort per call:
    :mod:`alusim.quantiles`)."""
    return path_quantiles(values, qs)


def band_frame(values: np.ndarray, index: Iterable, scale: float = 1.0) -> pd.DataFrame:
    """(paths, time) array → DataFrame indexed by time with columns p05, p25, p50, p75, p95."""
    q = quantiles(np.asarray(values, float) * scale)
    return pd.DataFrame(q.T, index=pd.Index(list(index)), columns=list(BAND_NAMES))


def monthly_values(result, variable: str, region: str) -> np.ndarray:
    """(paths, months) array of one variable and region."""
    return result.data[variable].sel(region=region).transpose("path", "month").to_numpy()


def monthly_bands(result, variable: str, region: str, scale: float = 1.0) -> pd.DataFrame:
    """Monthly percentiles over paths (index: month start timestamps)."""
    months = pd.DatetimeIndex(result.data["month"].to_numpy())
    return band_frame(monthly_values(result, variable, region), months, scale)


def summary_bands(summary: pd.DataFrame, variable: str, region: str, scale: float = 1.0) -> pd.DataFrame:
    """Bands from a monthly ``summary()`` table (p05, p50, p95 only: the table holds no quartiles)."""
    rows = summary[(summary["variable"] == variable) & (summary["region"] == region)]
    if rows.empty:
        raise InputError(f"the summary holds no {variable} for {region}", where="fan_chart")
    index = pd.to_datetime(rows["month"].astype(str))
    return pd.DataFrame({k: rows[k].to_numpy(float) * scale for k in ("p05", "p50", "p95")}, index=index)


def annual_dataset(result) -> xr.Dataset:
    """Per path and calendar year (dimension ``year``): flows summed, stocks at year end, the rest
    averaged — :meth:`SimulationResult.annual` with its time dimension named ``year``."""
    annual = result.annual()
    time_dim = next(d for d in annual.dims if d not in ("path", "region"))
    return annual.rename({time_dim: "year"}) if time_dim != "year" else annual


def annual_values(annual: xr.Dataset, variable: str, region: str) -> np.ndarray:
    """(paths, years) array from :func:`annual_dataset`."""
    return annual[variable].sel(region=region).transpose("path", "year").to_numpy()


def years_of(annual: xr.Dataset) -> list[int]:
    return [int(y) for y in annual["year"].to_numpy()]


def months_per_year(result) -> dict[int, int]:
    """Number of simulated months in each calendar year (12 except at a partial start or end)."""
    years = pd.DatetimeIndex(result.data["month"].to_numpy()).year
    return {int(y): int(n) for y, n in zip(*np.unique(years, return_counts=True), strict=True)}


def has_data(result, variable: str, region: str) -> bool:
    return variable in result.data and bool(np.isfinite(result.data[variable].sel(region=region)).any())


def check_paired(a, b) -> None:
    """Both runs must have the same paths and months for a paired difference."""
    pa, pb = a.data.sizes["path"], b.data.sizes["path"]
    ma, mb = a.data["month"].to_numpy(), b.data["month"].to_numpy()
    if pa != pb or len(ma) != len(mb) or not np.array_equal(ma, mb):
        raise InputError(
            f"cannot pair {a.scenario.name!r} ({pa} paths, {len(ma)} months from {str(ma[0])[:7]}) with "
            f"{b.scenario.name!r} ({pb} paths, {len(mb)} months from {str(mb[0])[:7]})",
            fix="run both scenarios with the same paths, start and end")


def _expand(a, variables: Iterable[str | tuple[str, str]]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for item in variables:
        if isinstance(item, str):
            if item not in a.data:
                raise InputError(f"unknown variable {item!r}", where="paired_differences")
            pairs += [(item, str(r)) for r in a.data["region"].to_numpy() if has_data(a, item, str(r))]
        else:
            variable, region = item
            if variable not in a.data:
                raise InputError(f"unknown variable {variable!r}", where="paired_differences")
            pairs.append((variable, region))
    return pairs


def paired_differences(a, b, variables: Iterable[str | tuple[str, str]] = KEY_VARIABLES) -> pd.DataFrame:
    """Annual paired differences B − A over Monte Carlo paths.

    ``variables`` holds names (every region with data) or ``(variable, region)`` pairs. Per path,
    annual values are computed for both results (flows summed, stocks at year end, the rest averaged)
    and the percentiles of B − A are taken over paths. Returns the long table ``variable, region,
    year, diff_p05, diff_p50, diff_p95, a_p50, b_p50``. Raises :class:`InputError` when the two
    results differ in paths or months.
    """
    check_paired(a, b)
    pairs = _expand(a, variables)
    ann_a, ann_b = annual_dataset(a), annual_dataset(b)
    years = years_of(ann_a)
    frames = []
    for variable, region in pairs:
        va, vb = annual_values(ann_a, variable, region), annual_values(ann_b, variable, region)
        diff = quantiles(vb - va, (0.05, 0.5, 0.95))
        frames.append(pd.DataFrame({
            "variable": variable, "region": region, "year": years,
            "diff_p05": diff[0], "diff_p50": diff[1], "diff_p95": diff[2],
            "a_p50": quantiles(va, (0.5,))[0], "b_p50": quantiles(vb, (0.5,))[0]}))
    columns = ["variable", "region", "year", "diff_p05", "diff_p50", "diff_p95", "a_p50", "b_p50"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def monthly_difference_bands(a, b, variable: str, region: str, scale: float = 1.0) -> pd.DataFrame:
    """Monthly percentiles of the paired difference B − A."""
    check_paired(a, b)
    diff = monthly_values(b, variable, region) - monthly_values(a, variable, region)
    return band_frame(diff, pd.DatetimeIndex(a.data["month"].to_numpy()), scale)
