"""The backtest's regional figures (issue 11) as rows: output by IAI region, the Midwest and
Rotterdam premiums and the corridors, each with its measure and whether its bar is met (the report
table and the CLI table share them)."""

from __future__ import annotations

import numpy as np

from alusim.report.html import Table


def _pct(value) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{100 * value:.1f}%"


def _met(value) -> str:
    return "–" if value is None else ("yes" if value else "no")


def regional_rows(metrics: dict) -> list[list[str]]:
    """[figure, years, measure, bar, met] for every regional figure of metrics.json ``regions``."""
    scores = metrics.get("regions")
    if not scores:
        return []
    rows = []
    bar = scores.get("output_target", 0.08)
    for m in scores["output"].values():
        value = m["mape_out_of_sample"]
        ok = value is not None and np.isfinite(value)
        years = m["years_out_of_sample"]
        rows.append([m["label"], f"{years[0]}–{years[-1]} ({len(years)})" if years else "none recorded",
                     f"MAPE out {_pct(value)}", f"≤ {bar:.0%}", _met(value <= bar if ok else None)])
    premiums = scores.get("premiums")
    if premiums is None:
        rows.append(["premiums and corridors", "–", "not scored (no regional replay)", "–", "–"])
        return rows
    midwest = premiums["midwest"]
    directions = midwest["direction_by_year"]
    marks = " ".join(f"{y}{'✓' if d['right'] else '✗'}" for y, d in sorted(directions.items()))
    rows.append([midwest["label"], ", ".join(str(y) for y in midwest["years"]) or "none recorded",
                 f"MAPE in {_pct(midwest['mape_in_sample'])}, out {_pct(midwest['mape_out_of_sample'])}", "–", "–"])
    rows.append(["US Midwest premium, direction of each year's change", marks or "–",
                 f"{sum(d['right'] for d in directions.values())} of {len(directions)} right",
                 "every year", _met(midwest["direction_right_every_year"])])
    rotterdam = premiums["rotterdam_duty_paid"]
    rows.append([rotterdam["label"], f"{len(rotterdam['points'])} points",
                 f"MAPE {_pct(rotterdam['mape'])}, direction {_pct(rotterdam['direction_hit_rate'])}",
                 "reported", "–"])
    for m in (scores.get("corridors") or {}).values():
        rows.append([m["label"], ", ".join(str(y) for y in m["years"]), f"MAPE {_pct(m['mape'])}", "reported", "–"])
    return rows


def regional_table(metrics: dict) -> Table:
    t = Table(columns=[("Regional figure", ""), ("Years", ""), ("Measured", ""), ("Bar", ""), ("Met", "")])
    for row in regional_rows(metrics):
        t.add([(cell, "") for cell in row])
    return t
