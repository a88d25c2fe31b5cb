"""A sweep from request to indices: check everything, compile once, fan out, analyse.

:func:`plan_sweep` does every check that can fail on bad input — names and ranges of the inputs,
an input that changes nothing the kernel sees, the design and N, the outputs (against one run of the
scenario, which also compiles the kernel into numba's cache before any worker starts) — and writes
nothing. :func:`run_sweep` then writes the plan, evaluates the chunks through the executor, and
analyses the outputs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from alusim.scenario.model import Scenario
from alusim.sweep import checkpoint, design
from alusim.sweep.inputs import UncertainInput, check_effects, resolve_inputs
from alusim.sweep.models import ScenarioModel
from alusim.sweep.outputs import OutputSpec, resolve_outputs
from alusim.sweep.runner import SweepStats, chunk_size, evaluate


@dataclass
class SweepPlan:
    """A checked sweep, ready to run (nothing written yet)."""

    scenario: Scenario
    inputs: list[UncertainInput]
    outputs: list[OutputSpec]
    design: str
    n: int
    seed: int
    x: np.ndarray
    model: object
    seconds_per_run: float
    data_dir: str | None = None

    @property
    def names(self) -> list[str]:
        return [i.name for i in self.inputs]

    @property
    def problem(self) -> dict:
        return design.problem(self.names, [(i.low, i.high) for i in self.inputs])

    def config(self) -> dict:
        return {"scenario": self.scenario.model_dump(mode="json", by_alias=True), "inputs": self.inputs,
                "outputs": [o.label for o in self.outputs], "design": self.design, "n": self.n, "seed": self.seed}


@dataclass
class SweepOutcome:
    plan: dict
    results: pd.DataFrame
    indices: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    stats: SweepStats | None = None


def plan_sweep(scenario: Scenario, varies: list[UncertainInput], outputs: list[OutputSpec], *, design_name: str,
               n: int, seed: int | None = None, dataset=None, data_dir: Path | None = None) -> SweepPlan:
    """Check the request (one :class:`~alusim.errors.InputError` line on the first problem) and
    compile the kernel with one run of the scenario; no file is written."""
    from alusim.dataset import load_dataset
    from alusim.engine.simulate import simulate

    dataset = dataset if dataset is not None else load_dataset(data_dir)
    inputs = resolve_inputs(varies, scenario, dataset)
    design.check_design(design_name, n, len(inputs))
    check_effects(scenario, dataset, inputs)
    probe = simulate(scenario, dataset)                 # compiles (and caches) the kernel before fan-out
    resolved = resolve_outputs(outputs, probe.annual())
    seed = scenario.seed if seed is None else seed
    prob = design.problem([i.name for i in inputs], [(i.low, i.high) for i in inputs])
    x = design.sample(design_name, prob, n, seed)
    model = ScenarioModel(scenario.model_dump_json(by_alias=True), tuple(inputs), tuple(resolved),
                          str(data_dir) if data_dir else None)
    model(x[:1])                                        # loads this process's dataset and scenario caches
    t0 = time.perf_counter()
    model(x[:1])                                        # one run as a worker does it: sizes the chunks
    return SweepPlan(scenario, inputs, resolved, design_name, n, seed, x, model, time.perf_counter() - t0,
                     str(data_dir) if data_dir else None)


def run_sweep(plan: SweepPlan, out_dir: Path, executor, *, chunk_runs: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> SweepOutcome:
    """Evaluate (or resume) the sweep into ``out_dir`` and analyse it."""
    key = checkpoint.sweep_key(plan.config())
    runs = len(plan.x)
    document = {
        "format": checkpoint.FORMAT, "key": key, "scenario": plan.scenario.name, "design": plan.design,
        "n": plan.n, "seed": plan.seed, "runs": runs, "paths": plan.scenario.paths,
        "start": plan.scenario.start, "end": plan.scenario.end,
        "inputs": [{"name": i.name, "low": i.low, "high": i.high, "kind": i.kind} for i in plan.inputs],
        "outputs": [o.label for o in plan.outputs],
        "runs_per_chunk": chunk_runs or chunk_size(plan.seconds_per_run, runs),
        "created": datetime.now(UTC).isoformat(timespec="seconds"), "status": "running",
        "scenario_json": plan.model.scenario_json,
    }
    document = checkpoint.start_or_resume(out_dir, document, plan.x, plan.names)
    stats = evaluate(plan.model, plan.x, out_dir, int(document["runs_per_chunk"]), executor, progress)
    return analyse_sweep(plan, out_dir, document, stats)


def analyse_sweep(plan: SweepPlan, out_dir: Path, document: dict, stats: SweepStats | None) -> SweepOutcome:
    labels = [o.label for o in plan.outputs]
    outputs = checkpoint.collect(out_dir, len(plan.x), labels)
    samples = checkpoint.read_samples(out_dir)
    x = samples[plan.names].to_numpy(float)
    indices, notes = design.analyse_all(plan.design, plan.problem, x, outputs[labels], plan.seed)
    results = samples.merge(outputs, on="run", validate="one_to_one")
    document = {**document, "status": "complete",
                "stats": stats.as_dict() if stats is not None else document.get("stats")}
    return SweepOutcome(document, results, indices, notes, stats)
