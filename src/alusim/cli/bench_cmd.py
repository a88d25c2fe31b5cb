"""``alusim bench``: engine throughput in asset-path-months per second, the Mesa ratio, and the wall
time of ``alusim run`` (the baseline, 1,000 paths, report written) in fresh processes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alusim.cli.common import console, print_json, table


def bench(
    paths: Annotated[int, typer.Option(min=10, max=100_000, help="Paths of the fixed workload.")] = 1000,
    repeats: Annotated[int, typer.Option(min=1, max=20, help="Timed repeats (best is reported).")] = 5,
    mesa_paths: Annotated[int, typer.Option(min=0, max=200, help="Paths for the Mesa reference (0 = skip).")] = 10,
    run_repeats: Annotated[int, typer.Option(
        min=0, max=20, help="Warm `alusim run` calls after the cold one, in fresh processes (0 = skip).")] = 3,
    run_src: Annotated[list[Path] | None, typer.Option(
        "--run-src", help="Also time `alusim run` of another source tree (e.g. main's src) in the same session.")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Benchmark the compiled engine on the baseline workload against the Mesa reference model, and time
    `alusim run` from the shell (cold start: the session's first call; warm: the best of the rest)."""
    from alusim.bench import run_benchmark
    from alusim.bench.run_timing import time_run

    result = run_benchmark(paths=paths, repeats=repeats, mesa_paths=mesa_paths)
    if run_repeats:
        result["run_wall"] = [time_run(paths=paths, repeats=run_repeats, src=src) for src in [None, *(run_src or [])]]
    if as_json:
        print_json(result)
        return
    rows = [[k, v] for k, v in result.items() if isinstance(v, int | float)]
    for timing in result.get("run_wall", []):
        rows += [[f"alusim run cold wall s ({timing['src']})", timing["cold_wall_s"]],
                 [f"alusim run warm wall s ({timing['src']})", timing["warm_wall_s"]]]
    console.print(table("alusim bench", ["measure", "value"], rows))
