"""What a sweep evaluates: a picklable model that maps rows of input values to rows of outputs.

Workers receive the model by value (a small frozen dataclass of text and numbers) and import the
engine themselves; the numba kernel is loaded from the on-disk cache that the coordinator filled
before fanning out, never shipped as a pickled dispatcher. Each worker process keeps the dataset and
the parsed scenario between chunks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from alusim.sweep.inputs import UncertainInput, apply_inputs
from alusim.sweep.outputs import OutputSpec, measure


@lru_cache(maxsize=2)
def _dataset(data_dir: str | None):
    from alusim.dataset import load_dataset

    return load_dataset(data_dir)


@lru_cache(maxsize=4)
def _scenario(scenario_json: str):
    from alusim.scenario.model import Scenario

    scenario = Scenario.model_validate_json(scenario_json)
    return scenario, scenario.model_dump(mode="json", by_alias=True)


def one_numba_thread() -> None:
    """One numba thread in this worker, whatever its environment said (Dask's nanny caps OpenMP and
    BLAS threads but not numba's: distributed issue 9075)."""
    import numba

    if numba.get_num_threads() != 1:
        numba.set_num_threads(1)


@dataclass(frozen=True)
class ScenarioModel:
    """A scenario whose uncertain inputs are set from each row; every run uses the scenario's seed."""

    scenario_json: str
    inputs: tuple[UncertainInput, ...]
    outputs: tuple[OutputSpec, ...]
    data_dir: str | None = None

    @property
    def labels(self) -> list[str]:
        return [o.label for o in self.outputs]

    def __call__(self, rows: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
        from alusim.engine.simulate import simulate

        one_numba_thread()
        dataset = _dataset(self.data_dir)
        scenario, document = _scenario(self.scenario_json)
        out = np.empty((len(rows), len(self.outputs)))
        timings = {"kernel_s": 0.0, "prepare_s": 0.0}
        for i, row in enumerate(rows):
            variant = apply_inputs(scenario, self.inputs, row, document)
            result = simulate(variant, dataset)
            out[i] = measure(result.annual(), self.outputs)
            timings["kernel_s"] += result.timings.get("kernel_s", 0.0)
            timings["prepare_s"] += result.timings.get("prepare_s", 0.0)
        return out, timings


@dataclass(frozen=True)
class Ishigami:
    """The Ishigami function (Ishigami & Homma 1990), the standard check of Sobol' estimators: on
    [−π, π]³ with a = 7, b = 0.1 its indices are known in closed form (:meth:`indices`)."""

    a: float = 7.0
    b: float = 0.1
    seconds_per_row: float = 0.0

    @property
    def labels(self) -> list[str]:
        return ["ishigami"]

    def __call__(self, rows: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
        if self.seconds_per_row:
            time.sleep(self.seconds_per_row * len(rows))
        x1, x2, x3 = rows[:, 0], rows[:, 1], rows[:, 2]
        y = np.sin(x1) + self.a * np.sin(x2) ** 2 + self.b * x3 ** 4 * np.sin(x1)
        return y[:, None], {}

    def indices(self) -> dict[str, np.ndarray]:
        """Analytical S1 and ST of x1, x2, x3 (Sobol' & Levitan 1999; Saltelli et al. 2008, §1.5)."""
        a, b, pi = self.a, self.b, np.pi
        v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
        v2 = a ** 2 / 8
        v13 = b ** 2 * pi ** 8 * (1 / 18 - 1 / 50)
        v = v1 + v2 + v13
        return {"S1": np.array([v1, v2, 0.0]) / v, "ST": np.array([v1 + v13, v2, v13]) / v}
