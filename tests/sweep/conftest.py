"""Fixtures of the sweep tests: a short scenario with events, and one real Dask cluster per module."""

from __future__ import annotations

import os

import pytest

from alusim.scenario import dump_scenario
from tests.conftest import scenario

#: a short, small scenario with an event magnitude and an event probability to vary
EVENTS = [{"type": "capacity_cap", "country": "CN", "limit_kt": 45000, "start": "2025-01"},
          {"type": "production_cut", "target": {"province": "Shandong"}, "kt": 1500, "start": "2025-03",
           "end": "2025-12", "probability": 0.5}]


def short_scenario(**fields):
    return scenario(**{"name": "sweep-test", "start": "2025-01", "end": "2025-12", "paths": 6, "seed": 3,
                       "events": EVENTS, **fields})


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text(dump_scenario(short_scenario()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def dask_cluster():
    """A real ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` with alusim's worker
    environment (one numba thread, no MALLOC_TRIM_THRESHOLD_)."""
    pytest.importorskip("distributed")
    import dask
    from distributed import LocalCluster

    from alusim.analysis.executors import dask_worker_config

    # the nanny sets its pre-spawn environment in this process's own os.environ before it spawns a
    # worker (distributed.nanny.WorkerProcess.start): left there, NUMBA_NUM_THREADS=1 makes the next
    # numba compilation in the test process fail once its thread pool runs with more threads
    # ("Cannot set NUMBA_NUM_THREADS to a different value once the threads have been launched")
    saved = dict(os.environ)
    with dask.config.set(dask_worker_config()):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    _restore_environ(saved)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()
        _restore_environ(saved)


def _restore_environ(saved: dict[str, str]) -> None:
    for key in set(os.environ) - set(saved):
        del os.environ[key]
    os.environ.update(saved)
