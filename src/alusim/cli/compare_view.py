"""What ``alusim compare`` prints and adds to its folder: paired differences for the years asked for
(``--years``), by quarter (``--quarters``), and a workbook of every table (``compare.xlsx``)."""

from __future__ import annotations

import pandas as pd

from alusim.cli.common import console, table


def extra_files(results, differences: pd.DataFrame, variables: list[str], quarters: bool) -> tuple[dict, pd.DataFrame]:
    """Files for the compare folder, and the quarterly differences (empty unless ``quarters``)."""
    from alusim.report.deck import differences_tables
    from alusim.report.excel import with_units, workbook_bytes
    from alusim.report.periods import quarterly_differences
    from alusim.report.stats import has_data

    quarterly = pd.DataFrame()
    if quarters:
        base = results[0]
        pairs = [(v, r) for v in variables for r in map(str, base.data["region"].to_numpy()) if has_data(base, v, r)]
        quarterly = pd.concat([quarterly_differences(base, r, pairs).assign(scenario=r.scenario.name)
                               for r in results[1:]], ignore_index=True)
    tables = differences_tables(differences, {r.scenario.name: r.summary("Y") for r in results})
    files = {}
    if quarters:
        tables = {"differences_quarterly": with_units(quarterly, "quarter"), **tables}
        files["differences_quarterly.csv"] = lambda p: quarterly.to_csv(p, index=False)
    files["compare.xlsx"] = lambda p: p.write_bytes(workbook_bytes(tables))
    return files, quarterly


def print_differences(differences: pd.DataFrame, quarterly: pd.DataFrame, base_name: str, years_text: str | None,
                      quarters: bool) -> None:
    from alusim.report.periods import parse_years, period_rows

    years = parse_years(years_text, differences["year"].unique())
    columns = ["variable", "region", "period", "median", "p05", "p95"]
    for scenario, rows in period_rows(differences, "year", years).items():
        console.print(table(f"{scenario} − {base_name}: paired differences by year", columns, rows))
    if quarters:
        chosen = [q for q in quarterly["quarter"].unique() if int(str(q)[:4]) in years]
        for scenario, rows in period_rows(quarterly, "quarter", chosen).items():
            console.print(table(f"{scenario} − {base_name}: paired differences by quarter", columns, rows))
