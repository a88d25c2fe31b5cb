"""``alusim backtest`` and ``alusim calibrate``: replay the event record, score it, fit parameters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from alusim.cli.common import console, load_data, out_path, progress_bar, table
from alusim.errors import InputError
from alusim.scenario.model import MAX_SEED

RecordOption = Annotated[Path | None, typer.Option(help="Event record YAML (default: scenarios/history/record.yaml).")]
RawOption = Annotated[Path | None, typer.Option(help="Public raw-data folder for the LME monthly series.")]
DataOption = Annotated[Path | None, typer.Option("--data", help="Dataset folder.")]


def _check_window(start: int, end: int) -> None:
    if end < start:
        raise InputError(f"--to {end} is before --from {start}", fix="give --from ≤ --to")


def _raw(raw: Path | None) -> Path | None:
    from alusim.history.actuals import default_raw_dir

    if raw is not None and not (raw / "worldbank_pinksheet").is_dir():
        raise InputError("no worldbank_pinksheet folder there", where=f"--raw {raw}",
                         fix="point --raw at shared/data/raw, or leave it out to score annual averages only")
    return raw if raw is not None else default_raw_dir()


def _parameters(params: str | None, dataset):
    """The parameter set of ``--params``: a file written by ``alusim calibrate``, ``none`` for the
    dataset alone, or (absent) the shipped calibration."""
    from alusim.history.parameter_sets import resolve

    return resolve(dataset, params)


def _assumptions(items: list[str], dataset) -> dict[str, float]:
    """``--assume NAME=VALUE`` items as checked overrides (known names, values in range)."""
    from alusim.dataset.bounds import check_overrides

    pairs = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"{item!r} is not NAME=VALUE", where="--assume", fix="e.g. --assume alumina.market=1")
        pairs[name.strip()] = value.strip()
    return check_overrides(dataset, pairs, where="--assume")


ParamsOption = Annotated[str | None, typer.Option(
    "--params", help="Parameter set from `alusim calibrate` (default: the shipped calibration and its ensemble; "
                     "'none': the dataset's values alone).")]


def backtest(
    start: Annotated[int, typer.Option("--from", min=2000, max=2100, help="First year of the replay.")] = 2015,
    end: Annotated[int, typer.Option("--to", min=2000, max=2100, help="Last year of the replay.")] = 2024,
    out: Annotated[Path, typer.Option(parser=out_path, help="Folder for metrics.json, report.html and fans.csv.")] = Path(
        "out/backtest"),
    split: Annotated[int, typer.Option(min=2000, max=2100, help="Last in-sample (calibration) year.")] = 2019,
    paths: Annotated[int, typer.Option(min=10, max=200_000, help="Monte Carlo paths.")] = 300,
    seed: Annotated[int, typer.Option(min=0, max=MAX_SEED, help="Random seed.")] = 7,
    params: ParamsOption = None,
    record: RecordOption = None,
    raw: RawOption = None,
    data: DataOption = None,
    assume: Annotated[list[str] | None, typer.Option(
        "--assume", help="NAME=VALUE: a parameter set on top of the replay's assumptions (the calibration's "
                         "ensemble kept), e.g. alumina.market=1; repeatable.")] = None,
) -> None:
    """Replay the 2015–2024 event record and score it against what happened; writes metrics.json,
    fans.csv, report.html and the replay's monthly summary.csv."""
    from alusim.history.backtest import run_backtest
    from alusim.history.replay import load_record
    from alusim.report.backtest import write_backtest_report
    from alusim.store import write_dir_atomically

    _check_window(start, end)
    if not start <= split < end:
        raise InputError(f"--split {split} is not inside {start}…{end - 1}",
                         fix="choose the last in-sample year between --from and --to − 1")
    from alusim.store.locations import check_writable_dir

    check_writable_dir(out, "--out", names=("metrics.json", "fans.csv", "report.html", "summary.csv"))
    dataset = load_data(data)
    parameter_set = _parameters(params, dataset)
    assumptions = _assumptions(assume or [], dataset)
    rec = load_record(record)
    raw_dir = _raw(raw)
    with progress_bar("backtest", paths) as update:
        bt = run_backtest(dataset, f"{start}-01", f"{end}-12", split=split, paths=paths, seed=seed, record=rec,
                          raw_dir=raw_dir, params=parameter_set, progress=update, regions=True,
                          assumptions=assumptions)
    bt.metrics["assumptions"] = assumptions
    bt.metrics["parameters_source"] = parameter_set.source
    bt.metrics["parameters_ensemble_members"] = len(parameter_set.ensemble)
    fans = _fans_csv(bt)
    write_dir_atomically(out, {
        "metrics.json": json.dumps(_finite(bt.metrics), indent=2, allow_nan=False),
        "fans.csv": fans,
        "summary.csv": lambda p: bt.result.summary("M").to_csv(p, index=False),
        "report.html": lambda p: write_backtest_report(bt, p, split=split, record_name=rec.name)})
    rows = []
    from alusim.history.actuals import SERIES

    for key in SERIES:
        m = bt.metrics.get(key)
        if m:
            rows.append([m["label"], *(_pct(m.get(k)) for k in ("mape_in_sample", "mape_out_of_sample",
                                                               "naive_mape_out_of_sample", "coverage_p05_p95",
                                                               "max_abs_error"))])
    console.print(table(f"Backtest {start}–{end} (in sample ≤ {split})",
                        ["series", "MAPE in", "MAPE out", "naive out", "p05–p95 coverage", "worst year"], rows))
    from alusim.report.backtest_regions import regional_rows

    regional = regional_rows(bt.metrics)
    if regional:
        console.print(table("Regions (issue 11)", ["figure", "years", "measured", "bar", "met"], regional))
    seeds = [[c["seed"], c["statement"], f"{c['value']:,.1f} {c['unit']}", c["bar"], "yes" if c["met"] else "no"]
             for c in bt.metrics.get("seed_checks", [])]
    if seeds:
        console.print(table("The seeds' history (not targets)", ["seed", "statement", "simulated", "bar", "met"], seeds))
    alumina = bt.metrics.get("alumina", {})
    if alumina.get("scored"):
        rows = [[alumina[k]["label"], *(_pct(alumina[k].get(f)) for f in ("mape_in_sample", "mape_out_of_sample",
                                                                          "max_abs_error"))]
                for k in ("alumina_cn", "alumina_fob", "china_alumina_production")]
        pinned = alumina.get("pinned_years") or []
        title = "Alumina (issue 12" + (f"; prices pinned to the record {pinned[0]}–{pinned[-1]})" if pinned else ")")
        console.print(table(title,
                            ["series", "MAPE in", "MAPE out", "worst year"], rows))
    else:
        console.print(f"alumina targets not scored: {alumina.get('reason', 'no alumina metrics')}")
    earlier = [c["met"] for k, c in bt.metrics["targets"].items() if not k.startswith("alumina.") and c["met"] is not None]
    console.print(f"earlier targets met: {sum(earlier)} of {len(earlier)}")
    met = [c["met"] for c in bt.metrics["targets"].values() if c["met"] is not None]
    console.print(f"targets met: {sum(met)} of {len(met)}; wrote {out}/metrics.json, report.html, fans.csv, "
                  "summary.csv")


def _pct(value) -> str:
    import math

    return "–" if value is None or not math.isfinite(value) else f"{100 * value:.1f}%"


def _finite(value):
    """The same structure with every NaN or infinity as ``None`` (JSON has no NaN)."""
    import math

    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _fans_csv(bt) -> str:
    import pandas as pd

    from alusim.history.actuals import SERIES

    frames = []
    for key, band in bt.bands.items():
        frame = band.copy()
        frame["actual"] = bt.actuals.annual[key].reindex(frame.index)
        frame["series"], frame["unit"] = key, SERIES[key][5]
        frames.append(frame.rename_axis("year").reset_index())
    return pd.concat(frames)[["series", "year", "unit", "p05", "p50", "p95", "actual"]].to_csv(index=False)


def calibrate(
    start: Annotated[int, typer.Option("--from", min=2000, max=2100, help="First year of the fit window.")] = 2015,
    end: Annotated[int, typer.Option("--to", min=2000, max=2100, help="Last year of the fit window.")] = 2019,
    out: Annotated[Path, typer.Option(parser=out_path, help="Parameter-set file to write (.yaml).")] = Path(
        "out/calibration.yaml"),
    paths: Annotated[int, typer.Option(min=4, max=2000, help="Paths per candidate (common random numbers).")] = 24,
    maxiter: Annotated[int, typer.Option(min=1, max=200, help="Differential-evolution generations.")] = 15,
    popsize: Annotated[int, typer.Option(min=2, max=50, help="Population per parameter.")] = 5,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Random seed (optimiser and paths).")] = 11,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="Local worker processes.")] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="Dask scheduler address (tcp://host:8786).")] = None,
    checkpoint: Annotated[Path | None, typer.Option(parser=out_path, help="Checkpoint of scored candidates "
                                                    "(default: beside --out); read back to resume.")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Fit only this parameter (repeatable); the "
                                                   "others stay at the dataset's values.")] = None,
    record: RecordOption = None,
    raw: RawOption = None,
    data: DataOption = None,
) -> None:
    """Fit the behavioural parameters on the in-sample years of the record (2015–2019 by default),
    with an ensemble of good fits; resumes from its checkpoint when run again."""
    from ruamel.yaml import YAML

    from alusim.analysis.executors import make_executor
    from alusim.history.calibrate import calibrate as fit
    from alusim.history.replay import load_record
    from alusim.store.atomic import write_file_atomically
    from alusim.store.locations import check_writable_file

    _check_window(start, end)
    check_writable_file(out, "--out")
    checkpoint = checkpoint or out.with_name(out.name + ".checkpoint.jsonl")
    check_writable_file(checkpoint, "--checkpoint")
    load_data(data)
    load_record(record)
    raw_dir = _raw(raw)
    with progress_bar("calibrate", 1, unit="candidates", eta=True) as update, \
            make_executor(workers, dask) as executor:
        result = fit(executor, start=f"{start}-01", end=f"{end}-12", paths=paths, seed=seed, maxiter=maxiter,
                     popsize=popsize, data_dir=data, record=record, raw_dir=raw_dir, checkpoint=checkpoint,
                     only=tuple(only) if only else None,
                     progress=lambda done, total, best: update(done, total))
    document = result.as_document()
    import io

    buffer = io.StringIO()
    buffer.write(f"# written by `alusim calibrate --from {start} --to {end}`; use with `alusim run --params` or "
                 "`alusim backtest --params`\n")
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.dump(_finite(document), buffer)
    write_file_atomically(out, buffer.getvalue())
    spread = document["fit"]["ensemble"]["spread"]
    rows = [[k, f"{v:g}", (f"{spread[k]['min']:g}…{spread[k]['max']:g}" if k in spread else "fixed at prior")]
            for k, v in document["parameters"].items()]
    console.print(table(f"Calibrated on {start}–{end}: in-sample loss (weighted MAPE) "
                        f"{_pct(document['fit']['objective_mape_mean'])}, "
                        f"{document['fit']['ensemble']['members']} ensemble members",
                        ["parameter", "best", "ensemble range"], rows))
    console.print(f"{document['fit']['evaluations']} candidates in {document['fit']['seconds']:.0f} s; wrote {out} "
                  f"(checkpoint {checkpoint})")
