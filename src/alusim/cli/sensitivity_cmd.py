"""``alusim sensitivity``: a tornado chart of parameter effects, run through an executor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alusim.cli.common import console, out_path, table


def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    vary: Annotated[list[str], typer.Option("--vary", help="PARAM=LOW:HIGH (repeat the option).")],
    output: Annotated[str, typer.Option(help="Summary variable to explain.")] = "price_lme_usd_t",
    region: Annotated[str, typer.Option(help="CN, ROW or WORLD.")] = "WORLD",
    year: Annotated[int | None, typer.Option(help="Year of the outcome (default: the last).")] = None,
    paths: Annotated[int | None, typer.Option(min=1, max=200_000, help="Paths per run.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="Local worker processes.")] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="Dask scheduler address (tcp://host:8786).")] = None,
    out: Annotated[Path | None, typer.Option(parser=out_path,
                                             help="Write the tornado chart (.html) and table (.csv) here.")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Dataset folder.")] = None,
) -> None:
    """One-at-a-time sensitivity of an output to parameters (paired seeds), as a tornado chart."""
    from alusim.analysis.executors import make_executor
    from alusim.analysis.sensitivity import parse_vary, run_sensitivity
    from alusim.cli.run_cmd import default_out, load
    from alusim.store import write_dir_atomically
    from alusim.store.locations import check_writable_dir

    varies = [parse_vary(v) for v in vary]
    sc = load(scenario, paths, None)
    out_dir = out if out is not None else default_out(sc.name, prefix="sensitivity-")
    check_writable_dir(out_dir, "--out", names=("tornado.csv", "tornado.html"))
    if not dask:   # local workers each hold a run in memory at once
        from alusim.analysis.executors import local_workers
        from alusim.cli.common import load_data
        from alusim.engine.memory import check_run_memory

        check_run_memory(sc.paths, sc.months, len(load_data(data).smelters), runs_at_once=local_workers(workers))
    with make_executor(workers, dask) as executor:
        result = run_sensitivity(sc, varies, output=output, region=region.upper(), year=year, executor=executor,
                                 data_dir=data)
    from alusim.cli.common import load_data
    from alusim.report.excel import with_units, workbook_bytes
    from alusim.report.tornado import tornado

    dataset = load_data(data)
    units = {v.name: dataset.param_unit(v.name) for v in varies if v.name in set(dataset.parameters["name"])}
    figure = tornado(result, units)
    write_dir_atomically(out_dir, {"tornado.csv": result.to_csv(index=False),
                                   "tornado.xlsx": workbook_bytes({"tornado": with_units(result)}),
                                   "tornado.html": figure.to_html(include_plotlyjs=True, full_html=True)})
    console.print(table(f"{output} ({region}) — base {result['outcome_base'].iloc[0]:,.1f}",
                        ["parameter", "low", "high", "outcome low", "outcome high", "swing"],
                        [[r.parameter, r.low, r.high, r.outcome_low, r.outcome_high, r.swing]
                         for r in result.itertuples()]))
    console.print(f"wrote {out_dir}/tornado.html, tornado.csv and tornado.xlsx")
