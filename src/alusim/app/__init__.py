"""The analyst's workbench (``alusim app``): a Streamlit dashboard over the run store.

The page process never simulates: runs are started as separate processes (:mod:`alusim.app.jobs`)
that write to the run store and report progress in a job folder the page polls. Results are read
generically from the store's Parquet files through one DuckDB cursor per browser session
(:mod:`alusim.app.results`); scenario drafts live in files and non-widget session state
(:mod:`alusim.app.drafts`). Only :mod:`alusim.app.page` imports Streamlit.
"""
