"""alusim — a fast, plant-level simulator of the primary-aluminium industry.

>>> import alusim
>>> dataset = alusim.load_dataset()                       # the embedded, sourced dataset
>>> scenario = alusim.Scenario.load("baseline")            # doctest: +SKIP
>>> result = alusim.simulate(scenario)                    # doctest: +SKIP
>>> result.summary().head()                               # doctest: +SKIP

Top-level names are imported on first use, so that ``alusim --help`` starts quickly.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_LAZY = {
    "Dataset": "alusim.dataset",
    "RunStore": "alusim.store",
    "SimulationResult": "alusim.engine.result",
    "cost_curve": "alusim.costs",
    "list_catalogue": "alusim.scenario.catalogue",
    "load_dataset": "alusim.dataset",
    "simulate": "alusim.engine.simulate",
    "InputError": "alusim.errors",
    "Scenario": "alusim.scenario",
}
__all__ = [*sorted(_LAZY), "__version__"]


def __dir__() -> list[str]:
    """The public API, so that notebooks and editors complete ``alusim.<Tab>``."""
    return sorted(set(__all__) | {k for k in globals() if not k.startswith("_")} - {"annotations", "import_module"})


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'alusim' has no attribute {name!r}")
