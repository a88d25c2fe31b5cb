"""The dashboard page, run by ``alusim app`` through ``streamlit run`` (arguments after ``--``:
``--store DIR`` and ``--data DIR``): a sidebar of pages (:mod:`alusim.app.editor`,
:mod:`alusim.app.views`) over shared session pieces (:mod:`alusim.app.session`)."""

from __future__ import annotations

import streamlit as st

from alusim.app.editor import scenario_page
from alusim.app.session import draft, options, server, store
from alusim.app.views import compare_page, cost_curve_page, map_page, results_page

PAGES = ("Scenario", "Results", "Compare", "Cost curves", "Map")


def main() -> None:
    st.set_page_config(page_title="alusim workbench", layout="wide")
    server(str(store().root), options().data)          # start the warm worker as the page opens
    draft()
    page = st.sidebar.radio("alusim workbench", PAGES, key="page")
    st.sidebar.caption(f"run store: {store().root}")
    {"Scenario": scenario_page, "Results": results_page, "Compare": compare_page, "Cost curves": cost_curve_page,
     "Map": map_page}[page]()


main()
