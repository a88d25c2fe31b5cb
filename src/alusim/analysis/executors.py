"""Executors for sweeps: local processes by default, a Dask cluster when an address is given.

Worker processes are started with ``spawn``: the numba kernel's OpenMP threads do not survive a
``fork`` safely. For Dask, the nanny's ``MALLOC_TRIM_THRESHOLD_`` setting is dropped, because it
makes numpy temporaries several times slower (ecosystem.md §6).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from alusim.errors import InputError


def quiet_worker() -> None:
    """Worker start-up: numpy floating-point warnings never reach the user's terminal (results are
    checked for finiteness instead, :mod:`alusim.engine.finite`)."""
    import warnings

    import numpy as np

    np.seterr(all="ignore")
    warnings.simplefilter("ignore", RuntimeWarning)


def local_workers(workers: int | None = None) -> int:
    """Worker processes of a local executor: ``workers``, or the CPUs up to four."""
    return workers or max(1, min(os.cpu_count() or 1, 4))


@contextmanager
def make_executor(workers: int | None = None, dask_address: str | None = None):
    """Yield a ``concurrent.futures.Executor``; closes it (and any Dask client) afterwards."""
    if dask_address:
        try:
            import dask
            from distributed import Client
        except ImportError:
            raise InputError("Dask is not installed", where="--dask",
                             fix="pip install 'alusim[dask]' or leave out --dask") from None
        dask.config.set({"distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1,
                                                                   "OPENBLAS_NUM_THREADS": 1}})
        try:
            client = Client(dask_address, timeout=10)
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler ({exc})", where=f"--dask {dask_address}",
                             fix="start `dask scheduler` and workers, or leave out --dask") from None
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
        return
    n = local_workers(workers)
    executor: Executor = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=quiet_worker)
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
