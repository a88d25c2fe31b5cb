"""One-at-a-time sensitivity of a chosen output to parameters: the data behind a tornado chart.

Each parameter is set to its low and high value in turn, everything else at the scenario's values;
every run uses the scenario's seed, so the paths are paired and the swing is the parameter's effect,
not Monte Carlo noise.
"""

from __future__ import annotations

import re
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from alusim.errors import InputError
from alusim.scenario.model import Scenario

_VARY = re.compile(r"^\s*([a-z0-9_]+(?:\.[A-Za-z0-9_]+)+)\s*=\s*([-+0-9.eE]+)\s*:\s*([-+0-9.eE]+)\s*$")


@dataclass(frozen=True)
class Vary:
    name: str
    low: float
    high: float


def parse_vary(text: str) -> Vary:
    """``PARAM=LOW:HIGH`` → :class:`Vary`."""
    match = _VARY.match(text)
    if not match:
        raise InputError(f"cannot read {text!r}", where="--vary", fix="write PARAM=LOW:HIGH, e.g. "
                         "market.price_adjust_per_month=0.1:0.3")
    try:
        low, high = float(match.group(2)), float(match.group(3))
    except ValueError:
        raise InputError(f"{text!r}: LOW and HIGH must be numbers", where="--vary", fix="e.g. 0.1:0.3") from None
    if low == high:
        raise InputError(f"{text!r}: LOW equals HIGH", where="--vary", fix="give two different values")
    return Vary(match.group(1), low, high)


def outcome(result, output: str, region: str, year: int | None) -> float:
    """Median over paths of the annual value of ``output`` in ``region`` and ``year`` (default: last)."""
    annual = result.annual()
    if output not in annual:
        raise InputError(f"unknown output {output!r}", where="--output",
                         fix="use a summary variable such as price_lme_usd_t, production_kt, co2_mt")
    arr = annual[output].sel(region=region)
    years = arr["month"].values
    pick = years[-1] if year is None else year
    if pick not in years:
        raise InputError(f"year {pick} is outside the run", where="--year",
                         fix=f"choose a year from {years[0]} to {years[-1]}")
    return float(np.nanmedian(arr.sel(month=pick).values))


@lru_cache(maxsize=2)
def _dataset(data_dir: str | None):
    from alusim.dataset import load_dataset

    return load_dataset(data_dir)


def evaluate(scenario_json: str, overrides: dict[str, float], output: str, region: str, year: int | None,
             data_dir: str | None) -> float:
    """Run one scenario variant and return the chosen outcome (runs in a worker process)."""
    from alusim.engine.simulate import simulate

    scenario = Scenario.model_validate_json(scenario_json)
    scenario = scenario.model_copy(update={"assumptions": {**scenario.assumptions, **overrides}})
    return outcome(simulate(scenario, _dataset(data_dir)), output, region, year)


def run_sensitivity(scenario: Scenario, varies: list[Vary], *, output: str, region: str = "WORLD",
                    year: int | None = None, executor: Executor | None = None,
                    data_dir: Path | None = None) -> pd.DataFrame:
    """Tornado table: one row per parameter with the outcome at its low and high value, sorted by swing."""
    dataset = _dataset(str(data_dir) if data_dir else None)
    from alusim.dataset.bounds import check_overrides
    from alusim.engine.simulate import prepare

    reporting = dataset.reporting_only()
    for v in varies:   # names, finiteness and ranges, before any run starts
        check_overrides(dataset, {v.name: v.low}, where="--vary")
        check_overrides(dataset, {v.name: v.high}, where="--vary")
        if v.name in reporting:
            raise InputError(f"parameter {v.name!r} is reporting-only: no run reads it, its swing would be zero",
                             where="--vary", fix="vary an engine parameter (`alusim data info --parameters`)")
    prepare(scenario, dataset)   # assumptions and events checked here, with file and line, not in a worker
    if region not in ("CN", "ROW", "WORLD"):
        raise InputError(f"unknown region {region!r}", where="--region", fix="use CN, ROW or WORLD")
    text = scenario.model_dump_json(by_alias=True)
    data = str(data_dir) if data_dir else None
    jobs = [("base", None, {})] + [(v.name, side, {v.name: value}) for v in varies
                                   for side, value in (("low", v.low), ("high", v.high))]
    if executor is None:
        values = [evaluate(text, o, output, region, year, data) for _, _, o in jobs]
    else:
        futures = [executor.submit(evaluate, text, o, output, region, year, data) for _, _, o in jobs]
        values = [f.result() for f in futures]
    base = values[0]
    rows = []
    for v in varies:
        low = values[1 + 2 * varies.index(v)]
        high = values[2 + 2 * varies.index(v)]
        current = (dataset.param(v.name) if v.name in set(dataset.parameters["name"])
                   else dataset.demand_value(v.name.split(".")[1].upper(), v.name.split(".", 2)[2]))
        rows.append({"parameter": v.name, "value": current, "low": v.low, "high": v.high,
                     "outcome_low": low, "outcome_high": high, "outcome_base": base, "swing": abs(high - low)})
    table = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    table.attrs.update(output=output, region=region, year=year)
    return table


def tornado_figure(table: pd.DataFrame, units: dict[str, str] | None = None):
    """Horizontal bars from the base outcome to the low and high outcomes, largest swing on top
    (:func:`alusim.report.tornado.tornado`: sized to its bars, labelled with ranges and units)."""
    from alusim.report.tornado import tornado

    return tornado(table, units)
