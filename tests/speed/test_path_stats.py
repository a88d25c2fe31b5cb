"""The fast percentiles and annual aggregates give the values numpy's quantiles and xarray's groupby gave."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from alusim.engine.annual import annual_dataset, year_blocks
from alusim.engine.result import FLOW_VARIABLES, STOCK_VARIABLES, SimulationResult
from alusim.quantiles import path_quantiles

QS = (0.05, 0.25, 0.5, 0.75, 0.95)


@pytest.mark.parametrize("seed", range(40))
def test_quantiles_equal_numpy_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 80)), int(rng.integers(1, 9)), 3)
    values = rng.normal(size=shape) * rng.choice([1.0, 1e6, 1e-9])
    if seed % 3 == 0:
        values = np.round(values, 1)                      # ties
    if seed % 2 == 0:
        values[rng.random(shape) < 0.3] = np.nan          # scattered gaps
    if seed % 5 == 0:
        values[:, 0, 0] = np.nan                          # an empty column
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanquantile(values, QS, axis=0)
    got = path_quantiles(values, QS)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected, equal_nan=True)
    if not np.isnan(values).any():
        assert np.array_equal(got, np.quantile(values, QS, axis=0))


def test_quantiles_of_one_dimension_and_other_axes():
    values = np.arange(11.0)[::-1]
    assert np.array_equal(path_quantiles(values, QS), np.quantile(values, QS))
    grid = np.random.default_rng(3).normal(size=(4, 50))
    assert np.array_equal(path_quantiles(grid, (0.1, 0.9), axis=1), np.quantile(grid, (0.1, 0.9), axis=1))


def test_year_blocks_of_a_partial_start_and_end():
    months = np.array(["2025-11", "2025-12", "2026-01", "2026-02"], dtype="datetime64[M]").astype("datetime64[ns]")
    years, blocks = year_blocks(months)
    assert years.tolist() == [2025, 2026]
    assert blocks == [slice(0, 2), slice(2, 4)]


def _groupby_annual(result: SimulationResult) -> xr.Dataset:
    """The former implementation: xarray's groupby over calendar years."""
    year = result.data["month"].dt.year
    parts = {}
    for name in result.variables:
        grouped = result.data[name].groupby(year)
        if name in FLOW_VARIABLES:
            parts[name] = grouped.sum(skipna=False)
        elif name in STOCK_VARIABLES:
            parts[name] = grouped.last()
        else:
            parts[name] = grouped.mean()
    annual = xr.Dataset(parts)
    annual["co2_t_per_t"] = annual["co2_mt"] * 1e3 / annual["production_kt"].where(annual["production_kt"] > 0)
    annual["operating_rate"] = annual["production_kt"] / annual["capacity_built_kt"].where(
        annual["capacity_built_kt"] > 0)
    return annual.rename({"year": "month"})


def test_annual_aggregates_equal_the_groupby(dataset, small_baseline):
    from alusim.engine.simulate import simulate

    scenario = small_baseline.model_copy(update={"start": "2025-03", "end": "2028-08", "paths": 24})
    result = simulate(scenario, dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = _groupby_annual(result)
    got = annual_dataset(result.data, result.variables, FLOW_VARIABLES, STOCK_VARIABLES)
    xr.testing.assert_identical(got, expected)
    for name in expected.data_vars:
        a, b = expected[name].to_numpy(), got[name].to_numpy()
        assert np.array_equal(a, b, equal_nan=True), name
        # the same memory layout, so sums over paths add in the same order (summary means)
        assert np.array_equal(a.mean(axis=0), b.mean(axis=0), equal_nan=True), name


def test_table_file_names_are_the_schemas():
    from alusim.dataset.alumina_tables import ALUMINA_TABLES
    from alusim.dataset.region_tables import REGION_TABLES
    from alusim.dataset.schemas import OPTIONAL_TABLES, TABLES
    from alusim.dataset.table_files import OPTIONAL_TABLE_FILES, TABLE_FILES

    assert tuple(TABLES) == TABLE_FILES
    assert (*OPTIONAL_TABLES, *REGION_TABLES, *ALUMINA_TABLES) == OPTIONAL_TABLE_FILES


@pytest.mark.parametrize("seed", range(30))
def test_whole_years_reduced_at_once_equal_year_by_year_bit_for_bit(seed):
    from alusim.engine.annual import _last_valid, _nanmean, _sum, by_year

    rng = np.random.default_rng(seed)
    lengths = [int(rng.integers(1, 13)), *[12] * int(rng.integers(0, 14)), int(rng.integers(1, 13))]
    starts = np.cumsum([0, *lengths[:-1]])
    blocks = [slice(int(a), int(a + n)) for a, n in zip(starts, lengths, strict=True)]
    values = rng.normal(size=(int(rng.integers(1, 300)), sum(lengths), 3)) * 10.0 ** rng.uniform(-6, 6)
    values[rng.random(values.shape) < rng.choice([0.0, 0.1, 0.9])] = np.nan
    if seed % 4 == 0:
        values = np.asfortranarray(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for reduce in (_sum, _nanmean, _last_valid):
            expected = np.stack([reduce(values[:, s, :], axis=1) for s in blocks], axis=0)
            got = by_year(values, blocks, reduce)
            assert got.tobytes() == expected.tobytes() and got.shape == expected.shape, reduce.__name__


def _summary_by_frames(result: SimulationResult, key: str) -> pd.DataFrame:
    """The former summary: one small frame per variable and region, concatenated."""
    source = result.data if key == "M" else result.annual()
    months = source["month"].values
    labels = pd.DatetimeIndex(months).strftime("%Y-%m") if key == "M" else months.astype(str)
    frames = []
    for name in result.variables:
        arr = source[name].transpose("path", "month", "region").values
        qs = path_quantiles(arr, (0.05, 0.5, 0.95))
        for r, region in enumerate(("CN", "ROW", "WORLD")):
            column = arr[:, :, r]
            if np.isnan(column).all():
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(column, axis=0) if np.isnan(column).any() else column.mean(axis=0)
            frames.append(pd.DataFrame({"variable": name, "region": region, "month": labels, "mean": mean,
                                        "p05": qs[0, :, r], "p50": qs[1, :, r], "p95": qs[2, :, r]}))
    return pd.concat(frames, ignore_index=True)


def test_summary_equals_the_frame_by_frame_table(dataset, small_baseline):
    from alusim.engine.simulate import simulate

    result = simulate(small_baseline.model_copy(update={"start": "2025-03", "end": "2027-08", "paths": 16}), dataset)
    for key in ("M", "Y"):
        got, expected = result.summary(key), _summary_by_frames(result, key)
        assert list(got.dtypes) == list(expected.dtypes)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert got.to_csv(index=False) == expected.to_csv(index=False)


@pytest.mark.parametrize("seed", range(40))
def test_annual_mean_equals_numpy_nanmean_bit_for_bit(seed):
    """The annual mean's shortcut (no copy when each mean is of all numbers or all NaN) gives the bytes
    of ``np.nanmean`` — in every layout and with NaNs anywhere (where the shortcut is not taken)."""
    from alusim.engine.annual import _nanmean

    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 200)), int(rng.integers(1, 40)), 3)
    values = rng.normal(size=shape) * 10.0 ** rng.uniform(-6, 6)
    if seed % 3 == 0:
        values[:, :, int(rng.integers(0, 3))] = np.nan       # a region with no value (the shortcut)
    if seed % 7 == 0:
        values[rng.random(shape) < 0.1] = np.nan             # scattered gaps (numpy's own nanmean)
    if seed % 11 == 0:
        values[: shape[0] // 2, :, 1] = np.nan               # some paths with no value in a region
    if seed % 13 == 0:
        values[0, 0, 0], values[-1, 0, 0] = np.inf, -np.inf  # infinities (a NaN sum without a NaN)
    if seed % 4 == 0:
        values = np.asfortranarray(values)
    if seed % 5 == 0:
        values = values[:, ::-1, :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for axis in (0, 1):
            expected = np.nanmean(values, axis=axis)
            got = _nanmean(values, axis)
            assert got.shape == expected.shape and got.tobytes() == expected.tobytes()
        years = shape[1] // 12
        if years:
            view = values[:, :12 * years, :].reshape(shape[0], years, 12, 3)
            assert _nanmean(view, 2).tobytes() == np.nanmean(view, axis=2).tobytes()


def test_ordered_values_are_the_transposed_dataarrays_values():
    from alusim.engine.annual import ordered_values

    rng = np.random.default_rng(3)
    data = xr.Dataset({"a": (("path", "month", "region"), rng.normal(size=(4, 5, 3))),
                       "b": (("region", "path", "month"), rng.normal(size=(3, 4, 5)))})
    for name in ("a", "b"):
        expected = data[name].transpose("path", "month", "region").values
        got = ordered_values(data, name)
        assert got.shape == expected.shape and got.strides == expected.strides
        assert np.array_equal(got, expected)
    assert np.shares_memory(ordered_values(data, "a"), data["a"].values)      # no copy
