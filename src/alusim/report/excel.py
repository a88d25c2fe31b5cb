"""Excel workbooks for decks: one sheet per table, units in the headers, header row frozen.

Units are read from the column and variable names, which carry them by convention (``capacity_kt``,
``price_lme_usd_t``, ``co2_t_per_t``): a column ``capacity_kt`` is headed ``capacity_kt (kt)``, and a long
table with a ``variable`` column gets a ``unit`` column beside it. Written with openpyxl (a core
dependency) through pandas; files appear whole or not at all.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from alusim.errors import InputError

#: name suffix → unit, longest first (the naming convention of the summary and dataset columns)
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_t_per_t", "t/t"), ("_cny_per_usd", "CNY/USD"), ("_usd_t", "USD/t"), ("_cny_t", "CNY/t"),
    ("_cny_kwh", "CNY/kWh"), ("_usd_mwh", "USD/MWh"), ("_kwh_t", "kWh/t"), ("_musd", "MUSD"), ("_kt", "kt"),
    ("_mt", "Mt"), ("_pct", "%"), ("_days", "days"), ("_months", "months"), ("_usd", "USD"), ("_cny", "CNY"),
)
#: names without a unit suffix
UNIT_NAMES = {"stock_days": "days", "co2_t_per_t": "t CO2e/t", "operating_rate": "fraction of built capacity",
              "share_loss_making": "fraction of operating capacity"}
#: flows (kt, Mt, MUSD) are per month in monthly tables and per year in annual ones
FLOW_UNITS = ("kt", "Mt", "MUSD")
MAX_SHEET = 31


def unit_of(name: str, period: str | None = None) -> str:
    """The unit a column or variable name carries ('' when none); ``period`` ('month' or 'year')
    is appended to flows (``co2_mt`` monthly → ``Mt/month``)."""
    name = str(name)
    if name in UNIT_NAMES:
        return UNIT_NAMES[name]
    if name.startswith("share_"):
        return "fraction"
    for suffix, unit in UNIT_SUFFIXES:
        if name.endswith(suffix):
            if name.startswith(("capacity", "inventory")) or period is None or unit not in FLOW_UNITS:
                return unit + ("/yr" if name.startswith("capacity") and unit == "kt" else "")
            return f"{unit}/{period}"
    return ""


def header(name: str, period: str | None = None) -> str:
    unit = unit_of(name, period)
    return f"{name} ({unit})" if unit and f"({unit})" not in str(name) else str(name)


def with_units(frame: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """Columns headed with their units; a ``unit`` column beside ``variable`` in long tables."""
    out = frame.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" — ".join(str(p) for p in col if str(p)) for col in out.columns]
    if "variable" in out.columns and "unit" not in out.columns:
        out.insert(list(out.columns).index("variable") + 1, "unit",
                   [unit_of(v, period) for v in out["variable"]])
        return out
    return out.rename(columns={c: header(c, period) for c in out.columns})


def sheet_names(names: list[str]) -> list[str]:
    """Excel-safe, unique sheet names (≤ 31 characters, no []:*?/\\)."""
    out: list[str] = []
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'")[:MAX_SHEET] or "sheet"
        candidate, n = base, 2
        while candidate.lower() in (o.lower() for o in out):
            suffix = f" ({n})"
            candidate, n = base[:MAX_SHEET - len(suffix)] + suffix, n + 1
        out.append(candidate)
    return out


def _write(tables: Mapping[str, pd.DataFrame], target) -> None:
    if not tables:
        raise InputError("nothing to write", where="workbook", fix="give at least one table")
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for sheet, frame in zip(sheet_names(list(tables)), tables.values(), strict=True):
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for i, column in enumerate(frame.columns, start=1):
                sample = [len(str(column))] + [len(str(v)) for v in frame[column].head(200)]
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, max(sample) + 2)


def workbook_bytes(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """The workbook in memory (for downloads)."""
    buffer = io.BytesIO()
    _write(tables, buffer)
    return buffer.getvalue()


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write ``tables`` (sheet name → frame, already headed) to ``path`` atomically; returns the path."""
    from alusim.store import write_dir_atomically

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r}", where=str(path),
                         fix="end the file name with .xlsx")
    write_dir_atomically(path.parent, {path.name: lambda dest: _write(tables, dest)})
    return path
