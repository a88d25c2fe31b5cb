"""The monthly summary computed on a thread (``alusim run``): the same table, no change to Python's
warnings filters from that thread, and failures handed to the caller."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

from alusim.background import Background
from alusim.quantiles import path_nanmean


@pytest.mark.parametrize("seed", range(30))
def test_path_nanmean_is_numpys_nanmean_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 300)), int(rng.integers(1, 40)), 3)
    values = rng.normal(size=shape) * 10.0 ** rng.uniform(-6, 6)
    values[rng.random(shape) < rng.choice([0.0, 0.05, 0.5, 0.95])] = np.nan
    if seed % 3 == 0:
        values[:, 0, :] = np.nan                              # a month with no value
    if seed % 5 == 0:
        values[0, -1, 0], values[-1, -1, 0] = np.inf, -np.inf
    if seed % 4 == 0:
        values = np.asfortranarray(values)
    column = values[:, ::-1, 1] if seed % 2 else values[:, :, 2]   # strided views, as the summary reads
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanmean(column, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                        # it warns about nothing
        got = path_nanmean(column)
    assert got.shape == expected.shape and got.tobytes() == expected.tobytes()


def test_background_hands_over_the_value_or_the_error():
    done = Background(lambda a, b: a + b, 2, 3)
    assert done._thread.daemon
    assert done.result() == 5 and done.result() == 5

    def broken():
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        Background(broken).result()


def test_monthly_summary_leaves_the_warnings_filters_alone(dataset, small_baseline, monkeypatch):
    """``warnings.catch_warnings`` is not thread-safe: the summary (with empty columns, the case that
    used it) must not enter it, and computed on a thread it is the table computed in line."""
    from alusim.engine.simulate import simulate

    scenario = small_baseline.model_copy(update={"end": "2026-06", "paths": 12})
    result, again = simulate(scenario, dataset), simulate(scenario, dataset)
    for res in (result, again):                                 # some paths without a value in some months
        res.data["price_lme_usd_t"].values[:5, :3, :] = np.nan
        res.data["production_kt"].values[:, 2, 0] = np.nan
    expected = again.summary("M")

    entered = []
    original = warnings.catch_warnings

    def watched(*args, **kwargs):
        entered.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(warnings, "catch_warnings", watched)
    try:
        got = Background(result.summary, "M", name="summary-thread").result()
    finally:
        monkeypatch.undo()
    assert "summary-thread" not in entered
    assert got.to_csv(index=False) == expected.to_csv(index=False)
    assert result.summary("M") is got                           # cached for the store's copy


def test_run_writes_the_monthly_summary_it_computed_on_a_thread(dataset, small_baseline, tmp_path):
    from alusim.cli.run_cmd import RUN_FILES, run_files
    from alusim.engine.simulate import simulate
    from alusim.store.atomic import write_dir_atomically

    scenario = small_baseline.model_copy(update={"end": "2026-06", "paths": 12})
    files = run_files(simulate(scenario, dataset), dataset)
    assert set(files) == set(RUN_FILES)
    write_dir_atomically(tmp_path / "out", files)
    expected = simulate(scenario, dataset).summary("M").to_csv(index=False)
    assert (tmp_path / "out" / "summary.csv").read_text() == expected


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_sort_paths_sorts_a_copy_never_its_input(axis):
    """The paths are sorted in place in a copy: also when moving the axis leaves the array C-ordered
    (no copy would be made for it otherwise)."""
    from alusim.quantiles import sort_paths

    values = np.random.default_rng(1).normal(size=(5, 7, 9))
    values[0, 0, 0] = np.nan
    before = values.copy()
    got = sort_paths(values, axis)
    assert np.array_equal(values, before, equal_nan=True)
    assert np.array_equal(got, np.sort(np.moveaxis(values, axis, -1), axis=-1), equal_nan=True)
    assert got.flags.c_contiguous and not np.shares_memory(got, values)
