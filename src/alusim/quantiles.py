"""Percentiles over Monte Carlo paths, exactly as ``np.nanquantile(..., method="linear")`` gives them,
from one sort per array.

``np.quantile`` partitions each column along a strided axis and ``np.nanquantile`` loops over columns
in Python; a run's summaries and report asked for them some 200 times (≈0.8 s for 1,000 paths). Here
the paths axis is moved last (contiguous), sorted once (numpy's vectorised sort: NaNs go last), and
every percentile is read off the sorted values with numpy's own interpolation rule — the same order
statistics and the same arithmetic, so the results are bit for bit those of ``np.nanquantile`` (and of
``np.quantile`` where a column has no NaN; tests check both).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def sort_paths(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """``values`` with ``axis`` (the paths) moved last and sorted along it (NaNs last). One C-ordered
    copy sorted in place — what ``np.sort`` does to a copy of its own — instead of a contiguous copy
    and then ``np.sort``'s second one (a run sorts ~100 arrays of 3 MB)."""
    moved = np.moveaxis(np.asarray(values, dtype=float), axis, -1)
    ordered = np.array(moved, dtype=float, order="C", copy=True)   # never the caller's array
    ordered.sort(axis=-1)
    return ordered


def from_sorted(ordered: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Percentiles ``qs`` of the last axis of an array sorted by :func:`sort_paths`, ignoring NaNs;
    shape ``(len(qs), *ordered.shape[:-1])``; NaN where a column holds no number."""
    if ordered.ndim == 1:   # one column: the same rule on a (1, n) array
        return from_sorted(ordered[None, :], qs)[:, 0]
    q = np.asarray(qs, dtype=float)
    n_total = ordered.shape[-1]
    valid = ~np.isnan(ordered[..., -1]) if n_total else np.zeros(ordered.shape[:-1], bool)
    if valid.all():
        count = np.full(ordered.shape[:-1], n_total, dtype=np.intp)
    else:
        count = np.count_nonzero(~np.isnan(ordered), axis=-1)
    out = np.empty((len(q), *ordered.shape[:-1]))
    last = np.maximum(count - 1, 0)
    for i, qi in enumerate(q):
        # numpy's "linear" method: virtual index (n - 1)·q, neighbours floor and floor + 1, clipped
        # to the last valid value; gamma the fractional part
        virtual = (count - 1) * qi
        previous = np.floor(virtual)
        gamma = virtual - previous
        previous = previous.astype(np.intp)
        following = previous + 1
        above = virtual >= count - 1
        previous = np.where(above, last, previous)
        following = np.where(above, last, following)
        a = np.take_along_axis(ordered, previous[..., None], axis=-1)[..., 0]
        b = np.take_along_axis(ordered, following[..., None], axis=-1)[..., 0]
        out[i] = _lerp(a, b, gamma)
    out[:, count == 0] = np.nan
    return out


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """numpy's ``_lerp``: a + (b − a)·t, or b − (b − a)·(1 − t) where t ≥ 0.5 (exact at both ends)."""
    with np.errstate(invalid="ignore"):
        diff = b - a
        result = np.add(a, diff * t)
        np.subtract(b, diff * (1 - t), out=result, where=t >= 0.5)
    return result


def path_quantiles(values: np.ndarray, qs: Sequence[float], axis: int = 0) -> np.ndarray:
    """``np.nanquantile(values, qs, axis=axis)`` without its warnings (NaN where a column is empty)."""
    return from_sorted(sort_paths(values, axis), qs)


def path_nanmean(values: np.ndarray) -> np.ndarray:
    """``np.nanmean(values, axis=0)`` bit for bit, without its "Mean of empty slice" warning (NaN where
    a column has no number): numpy's own steps — the values copied in their layout with NaN set to 0,
    summed, divided by the count — so that no ``warnings.catch_warnings`` is needed, which is not
    thread-safe (the monthly summary is computed on a thread, :mod:`alusim.background`)."""
    mask = np.isnan(values)
    filled = np.array(values, copy=True)
    np.copyto(filled, 0, where=mask)
    count = np.sum(~mask, axis=0, dtype=np.intp)
    total = np.sum(filled, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):      # numpy's _divide_by_count (0 / 0 is NaN)
        return np.divide(total, count, out=total, casting="unsafe")
