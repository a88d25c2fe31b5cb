"""``alusim scenario validate | show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alusim.cli.common import console, load_data, print_json, table

scenario_app = typer.Typer(no_args_is_help=True, help="Check scenario files and see what each event does.")
FileArg = Annotated[Path, typer.Argument(help="Scenario YAML file.")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="Dataset folder (default: embedded).")]


def _resolve(path: Path, data: Path | None):
    from alusim.engine.simulate import prepare
    from alusim.scenario import load_scenario

    scenario = load_scenario(path)
    dataset, inputs = prepare(scenario, load_data(data))
    return scenario, inputs


@scenario_app.command("validate")
def validate(file: FileArg, data: DataOpt = None) -> None:
    """Check the file against the schema and the dataset (every target must select assets)."""
    scenario, _ = _resolve(file, data)
    console.print(f"ok: {file} — {scenario.name}, {len(scenario.events)} events, {scenario.start}…{scenario.end}, "
                  f"{scenario.paths} paths")


@scenario_app.command("show")
def show(file: FileArg, data: DataOpt = None,
         as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """The resolved scenario: which assets each event hits and how many kt."""
    scenario, inputs = _resolve(file, data)
    rows = []
    for i, event in enumerate(scenario.events):
        rows.append({"event": i, "type": event.type, "start": event.start, "end": event.end or "",
                     "probability": event.probability, "effect": "; ".join(inputs.lever_log.get(i, [])),
                     "source": event.source_text or ""})
    if as_json:
        print_json({"scenario": scenario.model_dump(mode="json", by_alias=True), "events": rows,
                    "notes": inputs.notes})
        return
    from rich.markup import escape

    console.print(f"[bold]{escape(scenario.name)}[/bold] {scenario.start}…{scenario.end}, {scenario.paths} paths, "
                  f"seed {scenario.seed}\n{escape(scenario.description)}")
    if scenario.assumptions:
        console.print(table("assumptions", ["parameter", "value"], [[k, v] for k, v in scenario.assumptions.items()]))
    console.print(table("events", ["#", "type", "start", "end", "p", "effect"],
                        [[r["event"], r["type"], r["start"], r["end"], r["probability"], r["effect"]] for r in rows]))
    for note in inputs.notes:
        console.print(f"note: {note}")
