"""``alusim scenario list | new | events``: the shipped scenarios and the event reference."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alusim.cli.common import console, print_json, table
from alusim.cli.scenario_cmd import scenario_app
from alusim.errors import InputError


@scenario_app.command("list")
def list_scenarios(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """The shipped scenarios, by the name that runs them from any folder (`alusim run NAME`)."""
    from alusim.scenario.catalogue import list_catalogue

    entries = list_catalogue()
    if as_json:
        print_json([{"name": e.name, "scenario": e.scenario, "description": e.description, "path": str(e.path)}
                    for e in entries])
        return
    console.print(table(f"{len(entries)} shipped scenarios (run any with `alusim run NAME`; a unique prefix "
                        "such as seeds/004 works)", ["name", "description"],
                        [[e.name, e.description[:110] + ("…" if len(e.description) > 110 else "")] for e in entries]))


@scenario_app.command("new")
def new(file: Annotated[Path, typer.Argument(help="The new scenario file (.yaml).")],
        source: Annotated[str, typer.Option("--from", help="A shipped scenario name or a file to start from.")]
        = "baseline",
        name: Annotated[str | None, typer.Option("--name", help="Name written into the new file "
                                                              "(default: the file name).")] = None,
        force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False) -> None:
    """Start a scenario file from a shipped one (comments and sources kept), ready to edit."""
    from alusim.scenario.catalogue import new_scenario_text
    from alusim.store import write_dir_atomically

    if file.suffix.lower() not in (".yaml", ".yml"):
        raise InputError("a scenario file ends in .yaml", where=str(file), fix="give a name such as my_case.yaml")
    if file.exists() and not force:
        raise InputError("file exists", where=str(file), fix="choose another name or pass --force")
    text = new_scenario_text(source, name or file.stem)
    write_dir_atomically(file.parent, {file.name: text})
    console.print(f"wrote {file} (from {source}); check it with `alusim scenario show {file}`")


@scenario_app.command("events")
def events(event_type: Annotated[str | None, typer.Argument(metavar="[TYPE]", help="One event type.")] = None,
           markdown: Annotated[bool, typer.Option("--markdown", help="Print the reference as Markdown "
                                                                      "(docs/events.md).")] = False) -> None:
    """The event reference: every event type with its fields, units, bounds, defaults and an example."""
    from alusim.scenario.model import EVENT_TYPES
    from alusim.scenario.reference import (
        SUMMARY,
        check_type,
        example_yaml,
        fields_of,
        minimal_example,
        shipped_example,
    )
    from alusim.scenario.reference import markdown as as_md

    if markdown:
        typer.echo(as_md([check_type(event_type)] if event_type else None, heading=event_type is None))
        return
    if event_type is None:
        console.print(table("Event types (`alusim scenario events TYPE` for fields and an example)",
                            ["type", "what it does"], [[t, SUMMARY[t]] for t in EVENT_TYPES]))
        return
    check_type(event_type)
    console.print(f"[bold]{event_type}[/bold] — {SUMMARY[event_type]}")
    console.print(table("fields", ["field", "required", "default", "allowed", "meaning", "unit"],
                        [[f.name, "yes" if f.required else "no", f.default, f.allowed, f.meaning, f.unit]
                         for f in fields_of(event_type)]))
    found = shipped_example(event_type)
    console.print(f"example{f' (from {found[0]})' if found else ''}:")
    console.print(example_yaml(found[1] if found else minimal_example(event_type)), markup=False, highlight=False)
