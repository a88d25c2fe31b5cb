"""The tables of a run or a comparison, for decks: HTML report or Excel workbook by file suffix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.errors import InputError
from alusim.report.excel import with_units, write_workbook

SUFFIXES = (".html", ".xlsx")


def balance_frame(result) -> pd.DataFrame:
    """The report's balance table flattened: one row per year, columns ``China — Primary production (kt)``."""
    from alusim.report.figures import balance_table

    table = balance_table(result)
    flat = pd.DataFrame({f"{region} — {item} ({'days' if item == 'Stock days' else 'kt'})": table[(region, item)]
                         for region, item in table.columns})
    return flat.reset_index()


def result_tables(result) -> dict[str, pd.DataFrame]:
    """Sheet name → table of one run: headline figures, balance, annual and monthly summaries, assets."""
    from alusim.report.definitions import figure_table

    return {
        "headline": figure_table(result),
        "balance": balance_frame(result),
        "summary_annual": with_units(result.summary("Y").rename(columns={"month": "year"}), "year"),
        "summary_monthly": with_units(result.summary("M"), "month"),
        "assets": with_units(result.asset_table(), "year"),
    }


def curve_tables(curve: pd.DataFrame, stats) -> dict[str, pd.DataFrame]:
    """Sheets of a cost curve: the plants in cost order (components add up to the total) and its
    statistics, every cost column in the curve's currency per t."""
    unit = "_" + curve.attrs["currency"].lower() + "_t"
    costs = ("mean", "p25", "p50", "p75", "p90", "minimum", "maximum", "price")
    statistics = pd.DataFrame([{(k + unit if k in costs else k): v for k, v in stats.as_dict().items()}])
    return {"cost_curve": with_units(curve), "statistics": with_units(statistics)}


def check_suffix(path: Path, suffixes: tuple[str, ...] = SUFFIXES) -> Path:
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r}", where=str(path),
                         fix="end the file name with " + " or ".join(suffixes))
    return path


def write_result(result, path, dataset=None) -> Path:
    """Write ``result`` as a self-contained HTML report or an Excel workbook (by suffix)."""
    path = check_suffix(Path(path))
    if path.suffix.lower() == ".xlsx":
        return write_workbook(result_tables(result), path)
    from alusim.report.html import write_run_report

    return write_run_report(result, path, dataset)


def differences_tables(differences: pd.DataFrame, summaries: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Sheets of a comparison: the paired differences, then one annual summary per scenario."""
    tables = {"differences": with_units(differences, "year")}
    for name, summary in summaries.items():
        tables[name] = with_units(summary.rename(columns={"month": "year"}), "year")
    return tables
