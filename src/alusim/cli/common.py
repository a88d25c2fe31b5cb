"""Shared pieces of the command line: console, error line, progress bar, option types."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.errors import MarkupError
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from alusim.textsafe import printable


class SafeConsole(Console):
    """A rich console that strips control characters (escape sequences, carriage returns) from every
    string it prints, so that names from scenario files cannot rewrite the terminal."""

    def print(self, *objects, **kwargs) -> None:  # noqa: A003 - rich's name
        objects = tuple(printable(o) if isinstance(o, str) else o for o in objects)
        try:
            super().print(*objects, **kwargs)
        except MarkupError:      # a user's path or name that looks like markup ("[/x]") is printed as is
            super().print(*objects, **{**kwargs, "markup": False})


console = SafeConsole()
err_console = SafeConsole(stderr=True)


def fail(message: str) -> None:
    """Print the one error line (no markup, no traceback, no control characters)."""
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)


def out_path(value: str | Path) -> Path:
    """Parser of path options: refuses the empty string (``--out ""`` would otherwise mean the
    current folder) and control characters."""
    import typer

    if isinstance(value, Path):
        return value
    text = str(value)
    if not text.strip():
        raise typer.BadParameter("is empty; give a folder or file name")
    if printable(text) != text:
        raise typer.BadParameter("contains control characters; give a plain path")
    return Path(text)


@contextmanager
def quiet_numerics() -> Iterator[None]:
    """Numpy floating-point warnings never reach the user: results are checked for finiteness
    instead (:mod:`alusim.engine.finite`)."""
    import warnings

    import numpy as np

    with np.errstate(all="ignore"), warnings.catch_warnings():
        for text in ("All-NaN", "Mean of empty", "invalid value", "divide by zero", "overflow", "Degrees of freedom"):
            warnings.filterwarnings("ignore", message=f".*{text}.*", category=RuntimeWarning)
        yield


def os_error_line(exc: OSError) -> str:
    """One line for a file-system error: the path, the reason and what to do."""
    path = exc.filename or ""
    reason = exc.strerror or type(exc).__name__
    return f"{path}: cannot write or read there ({reason}) — fix: choose a writable folder with free space"


def print_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, default=_jsonable) + "\n")


def _jsonable(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return str(value)


@contextmanager
def progress_bar(label: str, total: int, unit: str = "paths", eta: bool = False) -> Iterator:
    """A rich progress bar; yields ``update(done, total)``. Quiet when stdout is not a terminal.
    With ``eta`` it also shows the time remaining (from the rate so far)."""
    columns = [SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn(unit), TimeElapsedColumn()]
    if eta:
        columns += [TextColumn("ETA"), TimeRemainingColumn()]
    progress = Progress(*columns, console=err_console, transient=True, disable=not err_console.is_terminal)
    with progress:
        task = progress.add_task(escape(printable(label)), total=total)

        def update(done: int, _total: int) -> None:
            progress.update(task, completed=done, total=_total)

        yield update


def table(title: str, columns: list[str], rows: list[list[object]]) -> Table:
    out = Table(title=Text(printable(title)), title_justify="left", header_style="bold")
    for i, column in enumerate(columns):
        # the first column names the row (an id, a variable): never cut it
        out.add_column(Text(printable(column)), justify="left" if i == 0 else "right", no_wrap=i == 0)
    for row in rows:
        out.add_row(*[Text(printable(fmt(v))) for v in row])  # cells are text, never markup
    return out


def fmt(value: object) -> str:
    if isinstance(value, float):
        if value != value:
            return "–"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:,.2f}"
        return f"{value:.3f}"
    return str(value)


def load_data(path: Path | None):
    from alusim.dataset import load_dataset

    return load_dataset(path)


@contextmanager
def without_dask() -> Iterator[None]:
    """Within a one-shot command that never makes dask arrays (``alusim run``, ``compare``), let
    pint and xarray find dask missing: both import ``dask.array`` just to recognise its arrays, about
    0.4 s at every start. Nothing changes when dask is already imported (a session that uses it)."""
    if "dask" in sys.modules:
        yield
        return
    sys.modules["dask"] = None       # ``import dask`` fails and ``find_spec("dask")`` is None
    _forget_module_lookups()
    try:
        yield
    finally:
        if sys.modules.get("dask", 0) is None:
            del sys.modules["dask"]
        _forget_module_lookups()


def _forget_module_lookups() -> None:
    """Clear xarray's cache of which modules are installed (``module_available``), when xarray is
    imported: an answer given before dask was hidden (or while it was) must not outlive that."""
    utils = sys.modules.get("xarray.namedarray.utils")
    cached = getattr(utils, "module_available", None)
    if callable(getattr(cached, "cache_clear", None)):
        cached.cache_clear()


@contextmanager
def pint_unseen_by_xarray() -> Iterator[None]:
    """Within ``alusim run``, xarray's check of every array it wraps for a pint ``Quantity`` does not
    import pint (~0.09 s; xarray imports it just to ask ``isinstance``): until the block ends, xarray is
    told that pint has no array type. A run's variables are plain numpy arrays (alusim converts units
    at the edges, :mod:`alusim.units`, and pint still loads there when a unit has to be parsed);
    nothing changes when pint is already imported or xarray has already looked for it."""
    if "pint" in sys.modules:
        yield
        return
    try:
        from xarray.namedarray import pycompat
    except ImportError:            # pragma: no cover - xarray without the cache: it imports pint itself
        yield
        return
    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    if not isinstance(cache, dict) or "pint" in cache:
        yield
        return
    cache["pint"] = _NoPintArrays()
    try:
        yield
    finally:
        if isinstance(cache.get("pint"), _NoPintArrays):
            del cache["pint"]      # the next look-up imports pint, as xarray does by itself


class _NoPintArrays:
    """What xarray's duck-array cache holds for a module it could not import: no array type."""

    module = None
    type: tuple = ()
    available = False

    @property
    def version(self):
        from packaging.version import Version

        return Version("0.0.0")


def single_threaded_blas() -> None:
    """Before numpy loads, ask OpenBLAS for no worker threads (``OPENBLAS_NUM_THREADS=1``) unless the
    user chose a number. alusim's linear algebra is small (a demand system, OLS fits), where one thread
    is as fast; yet each OpenBLAS that loads — numpy's at ``import numpy``, scipy's when numba checks
    for BLAS at its first call — starts a worker per extra core, which spins ~0.1 s waiting for work:
    in ``alusim run``, ~0.2 s of CPU taken from the main thread and the kernel's second thread on the
    2-vCPU machine. Nothing changes once numpy is imported (OpenBLAS reads the variable as it loads)."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


#: numpy submodules that scipy imports only to copy numpy's namespace (``scipy._lib.array_api_compat``
#: touches every name ``dir(numpy)`` lists), when numba loads its BLAS check at the kernel's first call
UNUSED_AT_RUN = ("numpy.f2py", "numpy.testing")


def defer_unused_imports() -> None:
    """Make :data:`UNUSED_AT_RUN` lazy modules (``importlib.util.LazyLoader``): they are executed on
    first attribute access, which a run never makes, instead of on import (~0.1 s at every
    ``alusim run``, numpy.f2py's Fortran parser and ``unittest``); and scipy.linalg too, its BLAS
    extension loaded alone (:func:`_blas_without_linalg`). Used by one-shot commands only; a module
    already imported is left as it is."""
    import importlib.util

    for name in UNUSED_AT_RUN:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        _lazy(spec)
    _blas_without_linalg()


def _lazy(spec):
    """Put a module that executes on first attribute access in ``sys.modules`` (and on its parent)."""
    import importlib.util

    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    parent, _, child = spec.name.rpartition(".")
    setattr(sys.modules[parent], child, module)
    return module


def _blas_without_linalg() -> None:
    """numba checks that BLAS is there when its array functions load, at the first call of a compiled
    function: ``import scipy.linalg.cython_blas``, which executes the whole of scipy.linalg first
    (~0.1 s; a run calls no linear algebra). Here the extension module ``scipy.linalg.cython_blas`` is
    loaded on its own (~10 ms) and scipy.linalg made lazy: executed, with that same extension, on first
    use. Nothing is done when scipy.linalg is already imported or cannot be found."""
    import importlib.machinery
    import importlib.util

    if "scipy.linalg" in sys.modules or "scipy.linalg.cython_blas" in sys.modules:
        return
    try:
        spec = importlib.util.find_spec("scipy.linalg")
    except ImportError:
        return
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return
    blas_spec = importlib.machinery.PathFinder.find_spec("scipy.linalg.cython_blas", spec.submodule_search_locations)
    if blas_spec is None or blas_spec.loader is None:
        return
    blas = importlib.util.module_from_spec(blas_spec)
    sys.modules[blas_spec.name] = blas
    try:
        blas_spec.loader.exec_module(blas)
    except BaseException:
        del sys.modules[blas_spec.name]
        raise
    linalg = _lazy(spec)
    linalg.cython_blas = blas      # kept when the package executes (LazyLoader keeps attributes set before)
