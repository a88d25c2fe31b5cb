"""Shared pieces of the dashboard's pages: the server's resources (dataset, DuckDB, the warm worker),
this session's cursor and scenario draft, tables with downloads, charts, run progress.

Architecture (docs/ecosystem.md, Streamlit pitfalls): simulations run in a warm worker process
(:func:`alusim.app.jobs.start_server`) and the page polls their progress in a fragment; the DuckDB
database is one shared in-memory handle with one cursor per session; the scenario draft is plain data
under non-widget session keys and in a draft file, never in widget state.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from alusim.app import charts, drafts, jobs
from alusim.report.excel import with_units, workbook_bytes


# -- shared resources ---------------------------------------------------------------------------
def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--store", default=None)
    parser.add_argument("--data", default=None)
    return parser.parse_known_args(sys.argv[1:])[0]


@st.cache_resource
def dataset(data_dir: str | None):
    from alusim.dataset import load_dataset

    return load_dataset(Path(data_dir) if data_dir else None)


@st.cache_resource
def database() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@st.cache_resource
def server(store_root: str, data_dir: str | None):
    """The warm worker process (one per dashboard server), started as the page first opens."""
    return jobs.start_server(Path(store_root), Path(data_dir) if data_dir else None)


def server_alive() -> bool:
    return server(str(store().root), options().data).poll() is None


def store():
    from alusim.store import RunStore

    return RunStore(options().store)


def cursor() -> duckdb.DuckDBPyConnection:
    if "cursor" not in st.session_state:
        st.session_state["cursor"] = database().cursor()
    return st.session_state["cursor"]


# -- the draft (non-widget state, mirrored to a file) ---------------------------------------------
def draft() -> dict:
    if "draft" not in st.session_state:
        st.session_state["draft"] = drafts.draft_from("baseline")
        st.session_state["session"] = secrets.token_hex(4)
    return st.session_state["draft"]


def set_draft(new: dict) -> None:
    st.session_state["draft"] = new
    st.session_state["form_version"] = st.session_state.get("form_version", 0) + 1
    folder = store().root / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{st.session_state['session']}.yaml").write_text(drafts.to_yaml(new), encoding="utf-8")


def key(name: str) -> str:
    """Widget keys change when the draft is replaced, so forms show the new values."""
    return f"{name}-{st.session_state.get('form_version', 0)}"


# -- tables and downloads -------------------------------------------------------------------------
def table_block(frame: pd.DataFrame, name: str, period: str | None = None) -> None:
    """A table with CSV and Excel downloads (units in the headers)."""
    shown = with_units(frame, period)
    st.dataframe(shown, hide_index=True, use_container_width=True)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("CSV", shown.to_csv(index=False).encode(), file_name=f"{name}.csv", mime="text/csv",
                         key=f"csv-{name}")
    right.download_button("Excel", workbook_bytes({name[:31]: shown}), file_name=f"{name}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"xlsx-{name}")


def chart(fig, name: str) -> None:
    """A chart; its toolbar's camera button saves a PNG (drawn in the browser, offline)."""
    config = {**charts.PLOT_CONFIG, "toImageButtonOptions": {"format": "png", "scale": 2, "filename": name}}
    st.plotly_chart(fig, use_container_width=True, config=config, key=f"chart-{name}")


@st.fragment(run_every=0.5)
def progress_fragment() -> None:
    job = st.session_state.get("job")
    if not job:
        return
    status = jobs.job_status(store().root, job)
    if status.state == "error":
        st.error(f"run failed: {status.message}")
        st.session_state["job"] = None
    elif status.state == "done":
        st.session_state["job"] = None
        st.session_state["run_id"] = status.run_id
        st.session_state["done_message"] = f"run {status.run_id} stored"
        st.rerun()
    else:
        st.progress(status.fraction, text=f"simulating: {status.done} of {status.total or '…'} paths")
