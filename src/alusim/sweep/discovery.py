"""Scenario discovery: the box of inputs in which an outcome of interest concentrates, found by PRIM
(Friedman & Fisher 1999, Statistics and Computing 9, 123–143; Bryant & Lempert 2010, Technological
Forecasting & Social Change 77, 34–49) with the standalone ``prim`` package (the EMA Workbench's PRIM;
GPL-3.0, an optional dependency of alusim).

* coverage: the share of the runs of interest that fall inside the box;
* density: the share of the runs inside the box that are of interest;
* the peeling trajectory: PRIM shrinks the box step by step, trading coverage for density.

The box picked is the one with the highest coverage among the trajectory's boxes whose density
reaches ``min_density`` (ties: the denser, then the fewer restricted inputs; if none reaches it, the
densest box).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alusim.errors import InputError

_WHERE = re.compile(r"^\s*(?P<label>\S+?)\s*(?P<op><=|>=|<|>)\s*(?P<value>[-+0-9.eE_]+)\s*$")
OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_FIX = 'write OUTPUT OP NUMBER with OP one of < <= > >=, e.g. "production_kt@CN:2030 < 42000"'


@dataclass(frozen=True)
class Condition:
    label: str
    op: str
    value: float

    def text(self) -> str:
        return f"{self.label} {self.op} {self.value:g}"


def parse_where(text: str, outputs: list[str]) -> Condition:
    """``OUTPUT OP NUMBER`` over one of the sweep's outputs (``@WORLD`` and the ``:YEAR`` of a sweep
    output may be left out when only one output matches)."""
    match = _WHERE.match(text)
    if not match:
        raise InputError(f"cannot read {text!r}", where="--where", fix=_FIX)
    try:
        value = float(match["value"].replace("_", ""))
    except ValueError:
        raise InputError(f"{match['value']!r} is not a number", where="--where", fix=_FIX) from None
    label = match["label"]
    if label not in outputs:
        candidates = [o for o in outputs if o.startswith(label + "@") or o.startswith(label + ":")]
        if len(candidates) != 1:
            raise InputError(f"{label!r} is not an output of this sweep", where="--where",
                             fix="use one of " + ", ".join(outputs))
        label = candidates[0]
    return Condition(label, match["op"], value)


@dataclass
class Discovery:
    condition: Condition
    trajectory: pd.DataFrame      # step, coverage, density, mass, res_dim
    chosen: int
    limits: pd.DataFrame          # input, min, max, low, high, qp (restricted inputs only)
    cases: int
    runs: int


def discover(results: pd.DataFrame, inputs: list[dict], condition: Condition, *, min_density: float = 0.8,
             peel_alpha: float = 0.05, mass_min: float = 0.05) -> Discovery:
    """Run PRIM on the sweep's inputs with the runs meeting ``condition`` as the cases of interest."""
    import prim

    y = OPERATORS[condition.op](results[condition.label].to_numpy(float), condition.value)
    cases = int(y.sum())
    if cases == 0 or cases == len(y):
        share = "no run" if cases == 0 else "every run"
        column = results[condition.label]
        raise InputError(f"{share} meets {condition.text()} (the output ranges {column.min():,.6g}…{column.max():,.6g})",
                         where="--where", fix="choose a threshold inside that range")
    names = [i["name"] for i in inputs]
    x = results[names].astype(float)
    engine = prim.Prim(x, y, threshold=0.5, threshold_type=">", peel_alpha=peel_alpha, mass_min=mass_min)
    box = engine.find_box()
    trajectory = box.peeling_trajectory.reset_index(drop=True).rename(columns={"res dim": "res_dim"})
    trajectory = trajectory[["coverage", "density", "mass", "res_dim"]].astype(float)
    trajectory.insert(0, "step", np.arange(len(trajectory)))
    good = trajectory[trajectory["density"] >= min_density]
    ranked = good.sort_values(["coverage", "density", "res_dim"], ascending=[False, False, True], kind="stable")
    chosen = int(ranked.index[0]) if len(good) else int(trajectory["density"].idxmax())
    box.select(chosen)
    lims = box.limits
    bounds = {i["name"]: (i["low"], i["high"]) for i in inputs}
    limits = pd.DataFrame({"input": [str(n) for n in lims.index], "min": lims["min"].astype(float).to_numpy(),
                           "max": lims["max"].astype(float).to_numpy(),
                           "qp": lims["qp values"].astype(float).to_numpy()})
    limits["low"] = [bounds[n][0] for n in limits["input"]]
    limits["high"] = [bounds[n][1] for n in limits["input"]]
    return Discovery(condition, trajectory, chosen, limits, cases, len(y))
