"""One executor path for sweeps, sensitivity and calibration: local processes by default, a Dask
cluster when an address is given — both behind ``concurrent.futures.Executor``.

* Local worker processes start with ``forkserver``: a child forked after a GNU-OpenMP numba kernel
  has run aborts at its next parallel kernel (ecosystem.md, "Sweeps and calibration").
* Every worker runs one numba thread (:data:`WORKER_ENV`): set in the forkserver's environment for
  local workers, and in ``distributed.nanny.pre-spawn-environ`` for the workers of a Dask cluster
  started from this process (a ``LocalCluster``). Dask's nanny caps OpenMP/BLAS but not numba
  (distributed issue 9075); its default ``MALLOC_TRIM_THRESHOLD_`` is left out of that setting, as it
  makes numpy temporaries several times slower (ecosystem.md §6). For a cluster started elsewhere,
  give the workers the same environment (docs/sweep.md).
* Leaving the context on an exception (Ctrl-C included) cancels what is queued and stops the local
  workers; a local worker whose coordinator was killed outright (``kill -9``) ends itself within a
  second or two, so no process outlives the command.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import signal
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from alusim.errors import InputError

#: environment of every worker process: one thread each for numba, OpenMP and BLAS
WORKER_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
CONNECT_TIMEOUT_ENV = "ALUSIM_DASK_CONNECT_TIMEOUT_S"


def dask_worker_config() -> dict:
    """Dask configuration for workers started from this process (``dask.config.set(**…)``)."""
    return {"distributed.nanny.pre-spawn-environ": dict(WORKER_ENV)}


def _init_worker(coordinator: int) -> None:
    os.environ.update(WORKER_ENV)
    quiet_worker()
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the coordinator handles Ctrl-C and stops the workers
    threading.Thread(target=_exit_with, args=(coordinator,), daemon=True, name="alusim-watchdog").start()


def _exit_with(coordinator: int, every_s: float = 1.0) -> None:
    """End this worker when the coordinator is gone (killed with -9, say): a worker holds its own end
    of the task queue, so it would otherwise wait for tasks for ever. A chunk cut short leaves only a
    temporary file, never a part."""
    while True:
        time.sleep(every_s)
        try:
            os.kill(coordinator, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:       # the pid now belongs to another user's process: ours is gone
            os._exit(1)


def _start_forkserver() -> None:
    """Start the forkserver (once per process) with the workers' environment: children inherit it
    before they import numba, whatever ``__main__`` preloads."""
    saved = {k: os.environ.get(k) for k in WORKER_ENV}
    os.environ.update(WORKER_ENV)
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def local_executor(workers: int | None = None) -> ProcessPoolExecutor:
    n = local_workers(workers)
    _start_forkserver()
    return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("forkserver"),
                               initializer=_init_worker, initargs=(os.getpid(),))


def _dask_client(address: str):
    try:
        import dask
        from distributed import Client
    except ImportError:
        raise InputError("Dask is not installed", where="--dask",
                         fix="pip install 'alusim[sweep]' (or 'alusim[dask]'), or leave out --dask") from None
    dask.config.set(dask_worker_config())
    timeout = float(os.environ.get(CONNECT_TIMEOUT_ENV, "10"))
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise InputError(f"cannot reach the Dask scheduler ({reason})", where=f"--dask {address}",
                         fix="start `dask scheduler` and `dask worker`, check the address, or leave out --dask") from None
    if not client.scheduler_info().get("workers"):
        client.close()
        raise InputError("the Dask scheduler has no workers", where=f"--dask {address}",
                         fix="start at least one `dask worker ADDRESS` (or a dask-jobqueue cluster)")
    return client


def _stop(executor: Executor) -> None:
    """Cancel queued work and stop local worker processes now (they hold nothing worth waiting for)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    if isinstance(executor, ProcessPoolExecutor):
        executor.shutdown(wait=False, cancel_futures=True)
    else:
        executor.shutdown(wait=False)     # Dask's ClientExecutor cancels its futures
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()


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
    client = _dask_client(dask_address) if dask_address else None
    executor: Executor = client.get_executor(pure=False) if client is not None else local_executor(workers)
    try:
        yield executor
    except BaseException:
        _stop(executor)
        raise
    else:
        executor.shutdown(wait=True)
    finally:
        if client is not None:
            client.close()
