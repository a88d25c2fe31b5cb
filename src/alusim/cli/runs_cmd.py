"""``alusim runs list | show | rm | repair``: the run store."""

from __future__ import annotations

from typing import Annotated

import typer

from alusim.cli.common import console, print_json, table
from alusim.cli.run_cmd import StoreOpt

runs_app = typer.Typer(no_args_is_help=True, help="List, inspect, remove and repair stored runs.")


@runs_app.command("list")
def list_runs(store: StoreOpt = None,
              as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Stored runs, newest first."""
    from alusim.store import RunStore

    runs = RunStore(store).list()
    if as_json:
        print_json(runs.to_dict("records"))
        return
    if runs.empty:
        console.print("no runs stored yet — `alusim run` stores one")
        return
    shown = runs.copy()
    if "created" in shown:
        shown["created"] = shown["created"].astype(str).str.slice(0, 16)
    cols = [c for c in ("run_id", "scenario", "created", "paths", "seed") if c in shown.columns]
    console.print(table(f"{len(runs)} runs (newest first)", cols, shown[cols].astype(str).values.tolist()))


@runs_app.command("show")
def show(run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")], store: StoreOpt = None) -> None:
    """The manifest and annual headline of one run."""
    from alusim.store import RunStore

    s = RunStore(store)
    manifest = s.get(run_id)
    annual = s.load_summary(manifest["run_id"], annual=True)   # read everything before printing anything
    print_json(manifest)
    keep = annual[annual["variable"].isin(["price_lme_usd_t", "price_shfe_cny_t", "production_kt"])
                  & annual["region"].isin(["CN", "WORLD"])]
    console.print(table("annual medians", ["variable", "region", "year", "p05", "p50", "p95"],
                        keep[["variable", "region", "month", "p05", "p50", "p95"]].values.tolist()))


@runs_app.command("rm")
def rm(run_ids: Annotated[list[str], typer.Argument(help="Run ids (or unique prefixes).")],
       store: StoreOpt = None) -> None:
    """Remove stored runs."""
    from alusim.store import RunStore

    s = RunStore(store)
    ids = [s.resolve_entry(r) for r in run_ids]   # resolve all first: nothing removed on a bad id
    for rid in ids:
        s.remove(rid)
        console.print(f"removed {rid}")


@runs_app.command("repair")
def repair(store: StoreOpt = None) -> None:
    """Rebuild the run catalogue from the run folders (also done automatically when it is corrupt)."""
    from alusim.store import RunStore

    catalogued, skipped = RunStore(store).repair()
    console.print(f"catalogue rebuilt: {catalogued} runs" + (f"; {skipped} folders without a readable manifest "
                                                             "(remove them with `alusim runs rm`)" if skipped else ""))
