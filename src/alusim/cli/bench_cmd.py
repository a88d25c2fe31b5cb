"""``alusim bench``: engine throughput in asset-path-months per second, and the Mesa ratio."""

from __future__ import annotations

from typing import Annotated

import typer

from alusim.cli.common import console, print_json, table


def bench(
    paths: Annotated[int, typer.Option(min=10, max=100_000, help="Paths of the fixed workload.")] = 1000,
    repeats: Annotated[int, typer.Option(min=1, max=20, help="Timed repeats (best is reported).")] = 5,
    mesa_paths: Annotated[int, typer.Option(min=0, max=200, help="Paths for the Mesa reference (0 = skip).")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Benchmark the compiled engine on the baseline workload against the Mesa reference model."""
    from alusim.bench import run_benchmark

    result = run_benchmark(paths=paths, repeats=repeats, mesa_paths=mesa_paths)
    if as_json:
        print_json(result)
        return
    rows = [[k, v] for k, v in result.items() if isinstance(v, int | float)]
    console.print(table("alusim bench", ["measure", "value"], rows))
