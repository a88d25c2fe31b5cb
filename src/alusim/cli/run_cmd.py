"""``alusim run`` and ``alusim compare``."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from alusim.cli.common import (
    console,
    defer_unused_imports,
    load_data,
    out_path,
    pint_unseen_by_xarray,
    print_json,
    progress_bar,
    table,
    without_dask,
)
from alusim.cli.process_exit import allow_quick_exit, collector_paused
from alusim.errors import InputError
from alusim.scenario.model import MAX_SEED
from alusim.textsafe import slug

PathsOpt = Annotated[int | None, typer.Option("--paths", min=1, max=200_000, help="Monte Carlo paths.")]
SeedOpt = Annotated[int | None, typer.Option("--seed", min=0, max=MAX_SEED, help="Random seed.")]
StoreOpt = Annotated[Path | None, typer.Option("--store", parser=out_path,
                                               help="Run store folder (default $ALUSIM_STORE or ~/.alusim).")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="Dataset folder (default: embedded).")]


def baseline_path() -> Path:
    """The packaged baseline scenario (also at scenarios/baseline.yaml in the repository)."""
    return Path(str(resources.files("alusim") / "scenarios" / "baseline.yaml"))


def load(scenario: Path | None, paths: int | None, seed: int | None):
    from alusim.scenario import load_scenario

    loaded = load_scenario(scenario if scenario is not None else baseline_path())
    update = {k: v for k, v in (("paths", paths), ("seed", seed)) if v is not None}
    return loaded.model_copy(update=update) if update else loaded


def default_out(*names: str, prefix: str = "") -> Path:
    """``out/<prefix><slug of the names joined by '-'>``: never outside ``out/`` whatever the names."""
    return Path("out") / slug(prefix + "-".join(slug(n) for n in names))


def simulate_with_progress(scenario, dataset, params=None):
    from alusim.engine.simulate import simulate

    with progress_bar(f"simulating {scenario.name}", scenario.paths) as update:
        return simulate(scenario, dataset, progress=update, params=params)


#: the files of one run's output folder (DESIGN.md §4)
RUN_FILES = ("summary.csv", "summary_annual.csv", "assets.parquet", "scenario.yaml", "report.html")


def run_files(result, dataset) -> dict:
    """The files of DESIGN.md §4 for one run, as writers for an atomic directory write (in the order
    they are written). The monthly summary — sorting every variable's paths, numpy work that releases
    the GIL — is computed on a thread while the other files and the report are made, and written
    last; the files are the same whatever the order."""
    from alusim.background import Background
    from alusim.report import write_run_report
    from alusim.scenario import dump_scenario

    monthly = Background(result.summary, "M", name="alusim-summary")
    return {
        "summary_annual.csv": lambda p: result.summary("Y").to_csv(p, index=False),
        "assets.parquet": lambda p: result.asset_table().to_parquet(p, index=False),
        "scenario.yaml": dump_scenario(result.scenario),
        "report.html": lambda p: write_run_report(result, p, dataset),
        "summary.csv": lambda p: monthly.result().to_csv(p, index=False),
    }


def run(
    scenario: Annotated[Path | None, typer.Argument(help="Scenario YAML (default: the baseline).")] = None,
    paths: PathsOpt = None, seed: SeedOpt = None,
    out: Annotated[Path | None, typer.Option("--out", parser=out_path,
                                             help="Output folder (default out/<scenario name>).")] = None,
    store: StoreOpt = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not record the run in the run store.")] = False,
    data: DataOpt = None,
    params: Annotated[str | None, typer.Option(
        "--params", help="Parameter set from `alusim calibrate` (default: the shipped calibration and its "
                         "ensemble; 'none': the dataset's values alone).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the headline as JSON.")] = False,
) -> None:
    """Simulate a scenario month by month, plant by plant, over Monte Carlo paths; write the report."""
    with collector_paused():
        defer_unused_imports()
        with without_dask(), pint_unseen_by_xarray():
            _run(scenario, paths, seed, out, store, no_store, data, params, as_json)
    allow_quick_exit()


def _run(scenario, paths, seed, out, store, no_store, data, params, as_json) -> None:
    from alusim.store import RunStore
    from alusim.store.atomic import staged_dir
    from alusim.store.locations import check_writable_dir, run_store_bytes
    from alusim.store.records import BackgroundPaths

    t0 = time.perf_counter()
    sc = load(scenario, paths, seed)
    out_dir = out if out is not None else default_out(sc.name)
    check_writable_dir(out_dir, "--out", names=RUN_FILES)
    run_store = None if no_store else RunStore(store)
    if run_store is not None:
        check_writable_dir(run_store.root, "--store", run_store_bytes(sc.paths, sc.months))
    dataset = load_data(data)
    from alusim.history.parameter_sets import resolve

    parameter_set = resolve(dataset, params)
    result = simulate_with_progress(sc, dataset, parameter_set)
    run_id = None
    # the stored run's per-path table is written on a thread while the report is built
    paths_file = BackgroundPaths(result.data) if run_store is not None else None
    # the output folder and the stored run are one transaction: both appear, or neither
    with staged_dir(out_dir, run_files(result, dataset)) as staged:
        if run_store is not None:
            run_id = run_store.save(result, extra_files={"report.html": (staged.path / "report.html").read_bytes()},
                                    elapsed_s=time.perf_counter() - t0, paths=paths_file)
        try:
            staged.commit()
        except BaseException:
            if run_id is not None:
                run_store.remove(run_id)
            raise
    headline = result.headline()
    elapsed = time.perf_counter() - t0
    if as_json:
        print_json({"run_id": run_id, "out": str(out_dir), "elapsed_s": elapsed, "timings": result.timings,
                    "headline": headline.to_dict("records")})
        return
    console.print(table(f"{sc.name}: {sc.paths} paths, {sc.start}…{sc.end} (annual medians, p05–p95)",
                        ["variable", "region", "year", "p05", "median", "p95"],
                        [[r.variable, r.region, r.year, r.p05, r.p50, r.p95] for r in headline.itertuples()]))
    console.print(f"wrote {out_dir}/report.html, summary.csv, assets.parquet, scenario.yaml"
                  + (f"; stored as run {run_id}" if run_id else "") + f" ({elapsed:.1f} s)")


def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario YAML files.")],
    paths: PathsOpt = None, seed: SeedOpt = None,
    out: Annotated[Path | None, typer.Option("--out", parser=out_path,
                                             help="Output folder (default out/compare-<names>).")] = None,
    data: DataOpt = None,
    years: Annotated[str | None, typer.Option("--years", help="Years to print, e.g. 2025,2026,2030 (default: first "
                                                              "and last).")] = None,
    quarters: Annotated[bool, typer.Option("--quarters", help="Also print (and write) quarterly differences.")]
    = False,
) -> None:
    """Run scenarios with the same seed and paths (paired) and report them side by side, with differences."""
    from alusim.report import paired_differences, write_compare_report
    from alusim.store import write_dir_atomically
    from alusim.store.locations import check_writable_dir

    if len(scenarios) < 2:
        raise InputError("compare needs at least two scenario files", where="SCENARIOS",
                         fix="give two or more .yaml files")
    loaded = [load(s, paths, seed) for s in scenarios]
    first = loaded[0]
    loaded = [first] + [s.model_copy(update={"paths": first.paths, "seed": first.seed}) for s in loaded[1:]]
    for path, sc in zip(scenarios[1:], loaded[1:], strict=True):
        if (sc.start, sc.end) != (first.start, first.end):
            raise InputError(f"period {sc.start}…{sc.end} differs from {first.start}…{first.end}", where=str(path),
                             fix="give every compared scenario the same start and end")
    names = [sc.name for sc in loaded]
    slugs = [slug(n) for n in names]
    if len(set(slugs)) != len(slugs):
        raise InputError("two scenarios share a name (as a file name)", where="SCENARIOS",
                         fix="give each scenario a distinct name")
    out_dir = out if out is not None else default_out(*names, prefix="compare-")
    check_writable_dir(out_dir, "--out", names=("differences.csv", "report.html",
                                                *(f"summary_{s}.csv" for s in slugs)))
    dataset = load_data(data)
    from alusim.engine.simulate import prepare

    for sc in loaded[1:]:   # every scenario checked against the dataset before the first one runs
        prepare(sc, dataset)
    results = [simulate_with_progress(sc, dataset) for sc in loaded]
    variables = ["price_lme_usd_t", "price_shfe_cny_t", "production_kt", "net_exports_kt", "margin_cny_t",
                 "share_loss_making", "co2_mt", "inventory_kt"]
    files = {f"summary_{slug(r.scenario.name)}.csv": (lambda p, r=r: r.summary("Y").to_csv(p, index=False))
             for r in results}
    diffs = [paired_differences(results[0], r, variables).assign(scenario=r.scenario.name) for r in results[1:]]
    import pandas as pd

    differences = pd.concat(diffs, ignore_index=True)
    files["differences.csv"] = lambda p: differences.to_csv(p, index=False)
    files["report.html"] = lambda p: write_compare_report(results, p, dataset)
    from alusim.cli.compare_view import extra_files, print_differences
    from alusim.report.periods import parse_years

    parse_years(years, differences["year"].unique())      # a bad --years fails before anything is written
    more, quarterly = extra_files(results, differences, variables, quarters)
    write_dir_atomically(out_dir, {**files, **more})
    print_differences(differences, quarterly, names[0], years, quarters)
    console.print(f"wrote {out_dir}/report.html, differences.csv, compare.xlsx and one summary per scenario")
