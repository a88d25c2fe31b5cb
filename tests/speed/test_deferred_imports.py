"""``alusim run`` defers numpy submodules that scipy imports only to copy numpy's namespace; they still
work when something does use them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def test_deferred_modules_load_on_first_use():
    code = textwrap.dedent("""
        import sys
        from alusim.cli.common import UNUSED_AT_RUN, defer_unused_imports
        defer_unused_imports()
        import scipy.linalg                                   # what numba's BLAS check imports
        assert type(sys.modules["numpy.f2py"]).__name__ == "_LazyModule"
        assert "unittest" not in sys.modules
        import numpy as np
        np.testing.assert_array_equal(np.arange(3), [0, 1, 2])  # executed on first use
        assert callable(np.f2py.get_include)
        defer_unused_imports()                                # a second call leaves them alone
        assert sys.modules["numpy.testing"] is np.testing
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_scipy_linalg_deferred_with_numbas_blas_check():
    """numba's BLAS check finds scipy's BLAS without executing scipy.linalg, which still works."""
    code = textwrap.dedent("""
        import sys
        from alusim.cli.common import defer_unused_imports
        defer_unused_imports()
        import numba.np.arraymath as arraymath               # numba's BLAS check runs on import
        assert arraymath._HAVE_BLAS
        assert type(sys.modules["scipy.linalg"]).__name__ == "_LazyModule"
        import numpy as np
        from numba import njit
        dot = njit(lambda a, b: np.dot(a, b))                 # BLAS through scipy's cython_blas
        assert dot(np.eye(3), np.arange(3.0)).tolist() == [0.0, 1.0, 2.0]
        import scipy.linalg
        assert scipy.linalg.solve(np.eye(2), np.ones(2)).tolist() == [1.0, 1.0]   # executed on first use
        assert scipy.linalg.cython_blas is sys.modules["scipy.linalg.cython_blas"]
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_xarray_does_not_import_pint_during_a_run():
    code = textwrap.dedent("""
        import sys
        import numpy as np
        import xarray as xr
        from alusim.cli.common import pint_unseen_by_xarray
        with pint_unseen_by_xarray():
            data = xr.Dataset({"a": (("x",), np.arange(3.0))})
            assert data["a"].values.tolist() == [0.0, 1.0, 2.0]
            assert "pint" not in sys.modules
            from alusim.units import parse_unit
            assert str(parse_unit("kt"))                     # pint still loads for a unit to parse
        from xarray.namedarray.pycompat import array_type
        import pint
        assert array_type("pint") == (pint.Quantity,)        # xarray's own look-up afterwards
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_dask_hidden_after_xarray_looked_for_it():
    """A session that imported xarray (which may have found dask installed) can still run in process:
    xarray's answer is forgotten while dask is hidden."""
    code = textwrap.dedent("""
        import sys
        import numpy as np
        import pandas as pd
        import xarray as xr
        from xarray.namedarray.utils import module_available
        installed = module_available("dask")
        from alusim.cli.common import without_dask
        with without_dask():
            months = pd.date_range("2025-01-01", periods=3, freq="MS")
            data = xr.Dataset({"a": (("month",), np.zeros(3))}, coords={"month": months, "path": np.arange(2)})
            assert data["a"].sum().item() == 0.0
        assert module_available("dask") == installed
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def _without_blas_setting() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}


def test_the_program_asks_for_single_threaded_blas_before_numpy_loads_and_skips_unused_modules(tmp_path):
    """``alusim`` sets OPENBLAS_NUM_THREADS=1 before anything imports numpy (OpenBLAS reads it as it
    loads; its worker threads spin ~0.1 s each, taking CPU from a run), and numpy's import then
    starts no thread."""
    record = tmp_path / "numpy-import.json"
    code = textwrap.dedent(f"""
        import atexit, builtins, json, os, runpy, sys
        seen = {{}}
        original = builtins.__import__
        def watch(name, *args, **kwargs):
            if name.split(".")[0] == "numpy" and "numpy" not in sys.modules and not seen:
                seen["setting"] = os.environ.get("OPENBLAS_NUM_THREADS")
                seen["threads"] = len(os.listdir("/proc/self/task"))
                module = original(name, *args, **kwargs)
                seen["after"] = len(os.listdir("/proc/self/task"))
                return module
            return original(name, *args, **kwargs)
        builtins.__import__ = watch
        # the program ends the process itself after a run (exit handlers first): write what was seen then
        def write():
            seen["loaded"] = sorted(m for m in ("pyarrow.dataset", "dask", "pint", "scipy.linalg") if m in sys.modules
                                    and type(sys.modules[m]).__name__ != "_LazyModule")
            open({str(record)!r}, "w").write(json.dumps(seen))
        atexit.register(write)
        sys.argv = ["alusim", "run", "--paths", "2", "--no-store", "--out", {str(tmp_path / "out")!r}, "--json"]
        runpy.run_module("alusim", run_name="__main__")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env=_without_blas_setting())
    assert done.returncode == 0, done.stderr
    seen = json.loads(record.read_text())
    assert seen["setting"] == "1", seen
    assert seen["after"] == seen["threads"], f"OpenBLAS started a worker thread: {seen}"
    # nor does a run load what it does not use: pyarrow's dataset layer (its cached tables are single
    # Parquet files), dask, pint, scipy.linalg (docs/performance.md)
    assert seen["loaded"] == [], seen["loaded"]


def test_blas_threads_left_as_the_user_set_them():
    code = textwrap.dedent("""
        import os
        from alusim.cli.common import single_threaded_blas
        os.environ["OPENBLAS_NUM_THREADS"] = "2"
        single_threaded_blas()
        assert os.environ["OPENBLAS_NUM_THREADS"] == "2"                # the user's choice
        del os.environ["OPENBLAS_NUM_THREADS"]
        import numpy
        single_threaded_blas()
        assert "OPENBLAS_NUM_THREADS" not in os.environ                 # too late to matter: not set
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=_without_blas_setting())
    assert done.returncode == 0, done.stderr
