"""paths.parquet written on a thread: the same bytes, and a failing write stores nothing."""

from __future__ import annotations

import pytest

from alusim.store.records import BackgroundPaths, write_paths_parquet


def test_background_paths_are_the_same_file(result, tmp_path):
    write_paths_parquet(result.data, tmp_path / "direct.parquet")
    BackgroundPaths(result.data)(tmp_path / "threaded.parquet")
    assert (tmp_path / "threaded.parquet").read_bytes() == (tmp_path / "direct.parquet").read_bytes()


def test_a_failing_paths_write_leaves_no_run(result, store, pre):
    class Broken(BackgroundPaths):
        def _write(self, data):
            self._error = OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        store.save(result, paths=Broken(result.data), **pre)
    assert store.list().empty
    assert not [p for p in store.runs_dir.glob("*") if not p.name.startswith(".")]


def test_saved_run_reads_back_its_threaded_paths(result, store, pre):
    run_id = store.save(result, paths=BackgroundPaths(result.data), **pre)
    paths = store.load_paths(run_id, "price_lme_usd_t")
    assert len(paths) and set(paths["variable"]) == {"price_lme_usd_t"}
