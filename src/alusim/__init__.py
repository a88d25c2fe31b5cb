"""alusim — a fast, plant-level simulator of the primary-aluminium industry.

>>> import alusim
>>> dataset = alusim.load_dataset()                       # the embedded, sourced dataset
>>> scenario = alusim.Scenario.load("scenarios/baseline.yaml")   # doctest: +SKIP
>>> result = alusim.simulate(scenario)                    # doctest: +SKIP
>>> result.summary().head()                               # doctest: +SKIP

Top-level names are imported on first use, so that ``alusim --help`` starts quickly.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_LAZY = {
    "Dataset": "alusim.dataset",
    "load_dataset": "alusim.dataset",
    "simulate": "alusim.engine.simulate",
    "InputError": "alusim.errors",
    "Scenario": "alusim.scenario",
}
__all__ = [*sorted(_LAZY), "__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'alusim' has no attribute {name!r}")
