"""Calendar-year aggregates of a run's monthly (path, month, region) variables, with numpy.

``Dataset.groupby(year)`` took ~0.4 s for a 1,000-path run (a group object, an index and a concat per
variable). The reductions here are the ones xarray's groupby applies to each year's block of months —
``np.sum`` (``skipna=False``) for flows, ``np.nanmean`` for the rest, the last non-NaN month for stocks —
on the same blocks, so the values are the same (a test compares them with the groupby).
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr


def year_blocks(months: np.ndarray) -> tuple[np.ndarray, list[slice]]:
    """The calendar years of ``months`` (datetime64, sorted) and the slice of months of each."""
    years = months.astype("datetime64[Y]").astype(int) + 1970
    edges = np.flatnonzero(np.diff(years)) + 1
    starts = np.concatenate([[0], edges])
    stops = np.concatenate([edges, [len(years)]])
    return years[starts].astype(np.int64), [slice(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def ordered_values(data: xr.Dataset, name: str, dims: tuple[str, ...] = ("path", "month", "region")) -> np.ndarray:
    """``data[name].transpose(*dims).values`` without making a DataArray (its coordinates and
    indexes: ~1.5 ms a variable, some 90 times a run): the variable's own array when its dimensions
    are already in that order, else the same transposed view."""
    variable = data.variables[name]
    return variable.values if variable.dims == tuple(dims) else variable.transpose(*dims).values


def _last_valid(block: np.ndarray, axis: int = 1) -> np.ndarray:
    """Along ``axis``, the last value that is not NaN (NaN when there is none), as xarray's ``nanlast``."""
    reverse = ~np.isnan(np.flip(block, axis=axis))
    index = block.shape[axis] - 1 - np.argmax(reverse, axis=axis)
    return np.take_along_axis(block, np.expand_dims(index, axis), axis=axis).squeeze(axis)


def by_year(values: np.ndarray, blocks: list[slice], reduce) -> np.ndarray:
    """``reduce(values[:, s, :], axis=1)`` for each year's block ``s``, stacked as (year, path, region).

    The run of whole calendar years (all but a partial first or last year) is reduced in one call on
    a (path, year, 12, region) view instead of one call per year: the same reduction of the same twelve
    values, which numpy adds in the same order (a test checks bit for bit), in a fifth of the time."""
    out: list[np.ndarray | None] = [None] * len(blocks)
    whole = [i for i, s in enumerate(blocks) if s.stop - s.start == 12]
    if len(whole) > 1 and blocks[whole[-1]].stop - blocks[whole[0]].start == 12 * len(whole):
        start, stop = blocks[whole[0]].start, blocks[whole[-1]].stop
        view = values[:, start:stop, :].reshape(values.shape[0], len(whole), 12, values.shape[2])
        reduced = reduce(view, axis=2)
        for j, i in enumerate(whole):
            out[i] = reduced[:, j, :]
    return np.stack([o if o is not None else reduce(values[:, s, :], axis=1) for o, s in zip(out, blocks, strict=True)],
                    axis=0)


def annual_dataset(data: xr.Dataset, variables: list[str], flows: tuple[str, ...],
                   stocks: tuple[str, ...]) -> xr.Dataset:
    """Per path and calendar year (dimension ``month`` holding the year): flows summed, stocks at
    year end, the rest averaged; ``co2_t_per_t`` and ``operating_rate`` recomputed from the annual
    totals."""
    years, blocks = year_blocks(data["month"].to_numpy())
    coords = {"path": data["path"].to_numpy(), "month": years, "region": data["region"].to_numpy()}
    parts = {}
    # the mean of a year with no value is NaN, silently (as the groupby leaves it)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for name in variables:
            values = ordered_values(data, name)
            if name in flows:
                reduce = _sum
            elif name in stocks:
                reduce = _last_valid
            else:
                reduce = _nanmean
            # stacked year by year and viewed as (path, year, region): the memory layout the groupby's
            # concatenation leaves, so that means over paths sum in the same order (same last digits)
            stacked = by_year(values, blocks, reduce)
            parts[name] = (("path", "month", "region"), np.moveaxis(stacked, 0, 1))
    annual = xr.Dataset(parts, coords=coords)
    if "co2_mt" in annual and "production_kt" in annual:        # the markets' results (not the regions')
        annual["co2_t_per_t"] = annual["co2_mt"] * 1e3 / annual["production_kt"].where(annual["production_kt"] > 0)
    if "capacity_built_kt" in annual:
        annual["operating_rate"] = annual["production_kt"] / annual["capacity_built_kt"].where(
            annual["capacity_built_kt"] > 0)
    return annual


def _sum(block: np.ndarray, axis: int) -> np.ndarray:
    return np.sum(block, axis=axis)


def _nanmean(block: np.ndarray, axis: int) -> np.ndarray:
    """``np.nanmean(block, axis=axis)``, bit for bit. When each mean's values are all numbers or all
    NaN (a run's variables: a region is defined in every month or in none), it is numpy's own
    arithmetic without its copy of the block: the same sum of the same values in the same layout,
    divided by the same count, and the NaN of numpy's 0 / 0 where there is no value (a test compares
    the bytes). ~0.1 s of a 1,000-path run's annual aggregates."""
    n = block.shape[axis]
    if n == 0 or block.ndim < 2 or axis % block.ndim == block.ndim - 1:
        return _nanmean_checked(block, axis)
    total = np.sum(block, axis=axis)
    out = np.true_divide(total, np.intp(n))
    # a NaN anywhere in a mean's values makes its sum NaN: only those means are looked at, and only in
    # the regions (last axis) that have one — each must be all NaN (e.g. a region where the variable
    # is undefined), else numpy's nanmean decides the whole block
    suspect = np.isnan(total)
    if suspect.any():
        columns = np.flatnonzero(suspect.reshape(-1, suspect.shape[-1]).any(axis=0))
        empty = np.isnan(np.take(block, columns, axis=-1)).all(axis=axis)
        if not np.array_equal(empty, np.take(suspect, columns, axis=-1)):
            return np.nanmean(block, axis=axis)
        out[suspect] = np.true_divide(np.zeros(1), np.zeros(1, dtype=np.intp))[0]   # nanmean's 0 / 0
    return out


def _nanmean_checked(block: np.ndarray, axis: int) -> np.ndarray:
    """:func:`_nanmean` by comparing the NaN pattern of the whole block (any axis)."""
    nan = np.isnan(block)
    n = block.shape[axis]
    first = np.take(nan, [0], axis=axis)
    if n == 0 or not np.array_equal(nan, np.broadcast_to(first, nan.shape)):
        return np.nanmean(block, axis=axis)
    empty = np.squeeze(first, axis=axis)
    total = np.sum(block, axis=axis)
    out = np.true_divide(total, np.intp(n))
    if empty.any():
        out[empty] = np.true_divide(np.zeros(1), np.zeros(1, dtype=np.intp))[0]   # nanmean's 0 / 0
    return out
