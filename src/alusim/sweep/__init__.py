"""Uncertainty at scale: global sensitivity (``alusim sweep``) and scenario discovery (``alusim discover``)
over thousands of runs, on local processes or a Dask cluster (docs/sweep.md)."""
