"""``alusim sweep`` (global sensitivity over thousands of runs) and ``alusim discover`` (PRIM boxes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from alusim.cli.common import console, fmt, progress_bar, table
from alusim.cli.run_cmd import DataOpt, StoreOpt, baseline_path
from alusim.errors import InputError


def _scenario(scenario: Path, paths: int | None, end: str | None):
    from pydantic import ValidationError

    from alusim.scenario import load_scenario
    from alusim.scenario.model import Scenario

    if not scenario.exists() and scenario.name == "baseline":
        scenario = baseline_path()
    loaded = load_scenario(scenario)
    update = {k: v for k, v in (("paths", paths), ("end", end)) if v is not None}
    if not update:
        return loaded
    try:
        return Scenario.model_validate({**loaded.model_dump(mode="json", by_alias=True), **update})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(str(first["msg"]).removeprefix("Value error, "), where="--end" if end else "--paths",
                         fix="give a month YYYY-MM that the scenario's period and events allow") from None


def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (or 'baseline').")],
    vary: Annotated[list[str], typer.Option("--vary", help="NAME=LOW:HIGH: a parameter, assumption or "
                                                           "events.N.FIELD (repeat the option).")],
    outputs: Annotated[list[str], typer.Option("--outputs", help="VARIABLE[@REGION][:YEAR][~STAT] (repeat).")],
    design: Annotated[str, typer.Option(help="sobol, morris or lhs.")] = "sobol",
    n: Annotated[int, typer.Option("--n", min=1, max=1_000_000, help="Base samples (Sobol: a power of 2; runs = "
                                                                      "N(2D+2); Morris: trajectories; LHS: runs).")] = 64,
    events_probability: Annotated[list[str] | None, typer.Option(
        "--events-probability", help="N=LOW:HIGH: vary the probability of the scenario's event N (from 0).")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Sampling seed (default: the scenario's).")] = None,
    paths: Annotated[int | None, typer.Option(min=1, max=200_000, help="Paths per run.")] = None,
    end: Annotated[str | None, typer.Option(help="Last simulated month YYYY-MM (default: the scenario's).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="Local worker processes.")] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="Dask scheduler address (tcp://host:8786).")] = None,
    chunk_runs: Annotated[int | None, typer.Option(min=1, help="Runs per task (default: about 2 s of work).")] = None,
    out: Annotated[Path | None, typer.Option(help="Sweep folder (default out/sweep-NAME); re-run to resume.")] = None,
    store: StoreOpt = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not copy the finished sweep into the run store.")] = False,
    data: DataOpt = None,
) -> None:
    """Global sensitivity (Sobol, Morris, LHS) of outputs to uncertain inputs, over many runs."""
    from alusim.analysis.executors import make_executor
    from alusim.sweep.inputs import parse_event_probability, parse_vary
    from alusim.sweep.outputs import parse_output
    from alusim.sweep.study import plan_sweep, run_sweep

    varies = [parse_vary(v) for v in vary] + [parse_event_probability(p) for p in events_probability or []]
    specs = [parse_output(o) for o in outputs]
    sc = _scenario(scenario, paths, end)
    out_dir = out if out is not None else Path("out") / f"sweep-{sc.name}"
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("exists and is not a folder", where=f"--out {out_dir}", fix="give a folder path")
    with make_executor(workers, dask) as executor:
        plan = plan_sweep(sc, varies, specs, design_name=design.lower(), n=n, seed=seed, data_dir=data)
        console.print(f"{len(plan.x):,} runs of {sc.paths} paths ({sc.start}…{sc.end}); "
                      f"about {plan.seconds_per_run:.2f} s per run on one core")
        with progress_bar(f"sweep {sc.name}", len(plan.x), unit="runs", eta=True) as update:
            outcome = run_sweep(plan, out_dir, executor, chunk_runs=chunk_runs, progress=update)
    sweep_id = _write(out_dir, outcome, None if no_store else store, no_store)
    _print(outcome)
    stats = outcome.plan["stats"]
    rate = f", {stats['runs_per_s']:.1f} runs/s" if stats.get("runs_per_s") else ""
    console.print(f"{stats['runs_computed']:,} runs computed, {stats['runs_resumed']:,} resumed{rate}; "
                  f"wrote {out_dir}/results.parquet, indices.csv, report.html"
                  + (f"; stored as {sweep_id}" if sweep_id else ""))


def _write(out_dir: Path, outcome, store: Path | None, no_store: bool) -> str | None:
    from alusim.store import write_dir_atomically
    from alusim.store.paths import default_store_root
    from alusim.store.sweeps import save_sweep
    from alusim.sweep.report import write_sweep_report

    files = {"results.parquet": lambda p: outcome.results.to_parquet(p, index=False),
             "indices.parquet": lambda p: outcome.indices.to_parquet(p, index=False),
             "indices.csv": outcome.indices.to_csv(index=False),
             "report.html": lambda p: write_sweep_report(outcome.plan, outcome.results, outcome.indices,
                                                         outcome.notes, p),
             "sweep.json": json.dumps({**outcome.plan, "notes": outcome.notes}, indent=2)}
    write_dir_atomically(out_dir, files)
    if no_store:
        return None
    return save_sweep(store or default_store_root(), {name: (out_dir / name).read_bytes() for name in files})


def _print(outcome) -> None:
    indices = outcome.indices
    main = indices[indices["input_b"].isna() & indices["index"].isin(["ST", "mu_star"])]
    if main.empty:
        main = indices[indices["input_b"].isna()]
    for output, group in main.groupby("output", sort=False):
        top = group.sort_values("value", ascending=False).head(12)
        console.print(table(f"{output}: {top['index'].iloc[0]}", ["input", "value", "± 95%"],
                            [[r.input, r.value, r.conf] for r in top.itertuples()]))
    for note in outcome.notes:
        console.print(f"note: {note}")


def discover(
    sweep_dir: Annotated[Path, typer.Argument(help="Folder of a finished sweep (its --out, or the store's copy).")],
    where: Annotated[str, typer.Option("--where", help='OUTPUT OP NUMBER, e.g. "production_kt@CN:2030 < 42000".')],
    min_density: Annotated[float, typer.Option(min=0.0, max=1.0, help="Density the reported box should reach.")] = 0.8,
    out: Annotated[Path | None, typer.Option(help="Folder for discovery.html and box.csv (default: SWEEP_DIR).")] = None,
) -> None:
    """Scenario discovery: the box of inputs where an outcome of interest concentrates (PRIM)."""
    import pandas as pd

    from alusim.store import write_dir_atomically
    from alusim.sweep.discovery import discover as find
    from alusim.sweep.discovery import parse_where
    from alusim.sweep.report import write_discovery_report

    plan_file, results_file = sweep_dir / "sweep.json", sweep_dir / "results.parquet"
    if not plan_file.is_file() or not results_file.is_file():
        raise InputError("not a finished sweep (no sweep.json and results.parquet)", where=str(sweep_dir),
                         fix="give the --out folder of an `alusim sweep` that ran to the end (re-run it to resume)")
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    condition = parse_where(where, list(plan["outputs"]))
    found = find(pd.read_parquet(results_file), plan["inputs"], condition, min_density=min_density)
    target = out if out is not None else sweep_dir
    write_dir_atomically(target, {
        "box.csv": found.limits.to_csv(index=False), "peeling.csv": found.trajectory.to_csv(index=False),
        "discovery.html": lambda p: write_discovery_report(plan, found, p)})
    pick = found.trajectory.iloc[found.chosen]
    console.print(table(f"{condition.text()}: {found.cases:,} of {found.runs:,} runs — box coverage "
                        f"{pick['coverage']:.0%}, density {pick['density']:.0%}",
                        ["input", "box min", "box max", "sweep range", "quasi-p"],
                        [[r.input, r.min, r.max, f"{fmt(r.low)}…{fmt(r.high)}", f"{r.qp:.2g}"]
                         for r in found.limits.itertuples()]))
    console.print(f"wrote {target}/discovery.html, box.csv, peeling.csv")
