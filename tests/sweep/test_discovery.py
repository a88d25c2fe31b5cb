"""PRIM finds the box that was planted in the data, with its coverage and density."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.sweep.discovery import discover, parse_where


def test_prim_recovers_a_planted_box():
    rng = np.random.default_rng(5)
    results = pd.DataFrame({"a": rng.uniform(0, 10, 2000), "b": rng.uniform(-1, 1, 2000), "c": rng.uniform(0, 1, 2000)})
    # the outcome of interest happens when a < 3 and b > 0 (c is noise)
    results["out@CN:2030"] = np.where((results["a"] < 3) & (results["b"] > 0), 1.0, 5.0) + rng.normal(0, 0.1, 2000)
    inputs = [{"name": "a", "low": 0, "high": 10}, {"name": "b", "low": -1, "high": 1}, {"name": "c", "low": 0, "high": 1}]
    found = discover(results, inputs, parse_where("out < 2", ["out@CN:2030"]), min_density=0.9)
    assert found.condition.label == "out@CN:2030" and found.cases == ((results["a"] < 3) & (results["b"] > 0)).sum()
    pick = found.trajectory.iloc[found.chosen]
    assert pick["density"] >= 0.9 and pick["coverage"] >= 0.8
    limits = found.limits.set_index("input")
    assert set(limits.index) == {"a", "b"}
    assert abs(limits.loc["a", "max"] - 3) < 0.3 and abs(limits.loc["b", "min"]) < 0.1
    assert found.trajectory["coverage"].is_monotonic_decreasing
