"""``alusim report RUN_ID`` (re-render a stored run) and ``alusim app`` (the dashboard)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from alusim.cli.common import console, err_console, load_data, out_path
from alusim.errors import InputError

StoreOpt = Annotated[Path | None, typer.Option("--store", help="Run store folder (default $ALUSIM_STORE or "
                                                              "~/.alusim).")]
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def report(run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix); see `alusim runs list`.")],
           out: Annotated[Path | None, typer.Option("--out", parser=out_path, help="report .html or workbook .xlsx (default "
                                                                 "out/<run id>/report.html).")] = None,
           store: StoreOpt = None,
           data: Annotated[Path | None, typer.Option("--data", help="Dataset folder (default: embedded).")] = None,
           ) -> None:
    """Re-render a stored run as an HTML report or an Excel workbook (its scenario is re-simulated with
    the stored seed and paths, and checked against the stored figures)."""
    from alusim.report.deck import check_suffix
    from alusim.report.rerender import rerender
    from alusim.store import RunStore

    target = check_suffix(out) if out is not None else None
    runs = RunStore(store)
    manifest = runs.get(run_id)
    target = target or Path("out") / manifest["run_id"] / "report.html"
    rerender(runs, manifest["run_id"], target, load_data(data))
    console.print(f"wrote {target} (run {manifest['run_id']}, {manifest['scenario']})")


def app(port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to serve on.")] = 8501,
        host: Annotated[str, typer.Option("--host", help="Address to bind (default 127.0.0.1: this machine "
                                                         "only).")] = "127.0.0.1",
        store: StoreOpt = None,
        data: Annotated[Path | None, typer.Option("--data", help="Dataset folder (default: embedded).")] = None,
        ) -> None:
    """The analyst's workbench in the browser: edit scenarios, run them, read and compare results."""
    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise InputError("the dashboard needs Streamlit", where="alusim app",
                         fix="install the extra: pip install 'alusim[app]' (make run does it)") from None
    from importlib import resources

    if host not in LOCAL_HOSTS:
        err_console.print(f"warning: serving on {host} lets anyone who can reach this machine use the dashboard "
                          "and start simulations; use the default 127.0.0.1 unless you mean it", markup=False)
    argv = [sys.executable, "-m", "streamlit", "run", str(resources.files("alusim.app") / "page.py"), f"--server.address={host}",
            f"--server.port={port}", "--server.headless=true", "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none", "--client.toolbarMode=viewer", "--"]
    if store is not None:
        argv += ["--store", str(store.expanduser().resolve())]
    if data is not None:
        argv += ["--data", str(data.expanduser().resolve())]
    console.print(f"alusim workbench on http://{host}:{port} (Ctrl-C stops it)")
    sys.stdout.flush()
    # become the server process, so that a signal to `alusim app` stops the server (and its worker)
    os.execv(sys.executable, argv)
