"""alusim — a fast, plant-level simulator of the primary-aluminium industry.

>>> import alusim
>>> dataset = alusim.load_dataset()                       # the embedded, sourced dataset
>>> scenario = alusim.Scenario.load("scenarios/baseline.yaml")   # doctest: +SKIP
>>> result = alusim.simulate(scenario)                    # doctest: +SKIP
>>> result.summary().head()                               # doctest: +SKIP
"""

from alusim.dataset import Dataset, load_dataset
from alusim.engine.simulate import simulate
from alusim.errors import InputError
from alusim.scenario import Scenario

__version__ = "0.1.0"
__all__ = ["Dataset", "InputError", "Scenario", "__version__", "load_dataset", "simulate"]
