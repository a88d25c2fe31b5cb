"""Shared pieces of the command line: console, error line, progress bar, option types."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

console = Console()
err_console = Console(stderr=True)


def fail(message: str) -> None:
    """Print the one error line (no markup, no traceback)."""
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)


def print_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, default=_jsonable) + "\n")


def _jsonable(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return str(value)


@contextmanager
def progress_bar(label: str, total: int, unit: str = "paths", eta: bool = False) -> Iterator:
    """A rich progress bar; yields ``update(done, total)``. Quiet when stdout is not a terminal.
    With ``eta`` it also shows the time remaining (from the rate so far)."""
    columns = [SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn(unit), TimeElapsedColumn()]
    if eta:
        columns += [TextColumn("ETA"), TimeRemainingColumn()]
    progress = Progress(*columns, console=err_console, transient=True, disable=not err_console.is_terminal)
    with progress:
        task = progress.add_task(label, total=total)

        def update(done: int, _total: int) -> None:
            progress.update(task, completed=done, total=_total)

        yield update


def table(title: str, columns: list[str], rows: list[list[object]]) -> Table:
    out = Table(title=title, title_justify="left", header_style="bold")
    for i, column in enumerate(columns):
        # the first column names the row (an id, a variable): never cut it
        out.add_column(column, justify="left" if i == 0 else "right", no_wrap=i == 0)
    for row in rows:
        out.add_row(*[fmt(v) for v in row])
    return out


def fmt(value: object) -> str:
    if isinstance(value, float):
        if value != value:
            return "–"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:,.2f}"
        return f"{value:.3f}"
    return str(value)


def load_data(path: Path | None):
    from alusim.dataset import load_dataset

    return load_dataset(path)
