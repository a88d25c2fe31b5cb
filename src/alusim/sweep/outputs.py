"""Outputs of a sweep: ``VARIABLE[@REGION][:YEAR][~STAT]``, one number per run.

The number is a statistic over the run's Monte Carlo paths (the median by default; ``~mean``,
``~p05`` or ``~p95`` otherwise) of the variable's annual value — flows summed over the calendar year,
prices and rates averaged, stocks at year end, as in every alusim summary (engine/result.py). The
region defaults to ``WORLD`` and the year to the scenario's last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alusim.errors import InputError

_OUTPUT = re.compile(r"^\s*(?P<var>[a-z][a-z0-9_]*)(?:@(?P<region>[A-Za-z]+))?(?::(?P<year>\d{4}))?"
                     r"(?:~(?P<stat>mean|p05|p50|p95))?\s*$")
_FIX = "write VARIABLE[@REGION][:YEAR][~STAT], e.g. production_kt@CN:2030 or price_lme_usd_t:2030~mean"
STATS = {"p50": 0.5, "p05": 0.05, "p95": 0.95}


@dataclass(frozen=True)
class OutputSpec:
    variable: str
    region: str = "WORLD"
    year: int | None = None
    stat: str = "p50"

    @property
    def label(self) -> str:
        """Column name in the sweep's tables, e.g. ``production_kt@CN:2030`` (``~stat`` unless median)."""
        text = f"{self.variable}@{self.region}:{self.year}"
        return text if self.stat == "p50" else f"{text}~{self.stat}"


def parse_output(text: str) -> OutputSpec:
    match = _OUTPUT.match(text)
    if not match:
        raise InputError(f"cannot read {text!r}", where="--outputs", fix=_FIX)
    return OutputSpec(match["var"], (match["region"] or "WORLD").upper(), int(match["year"]) if match["year"] else None,
                      match["stat"] or "p50")


def resolve_outputs(specs: Sequence[OutputSpec], annual) -> list[OutputSpec]:
    """Check the outputs against a result's annual table (its variables, regions and years) and fill in
    the default year; duplicates are refused."""
    if not specs:
        raise InputError("no output given", where="--outputs", fix=_FIX)
    years = [int(y) for y in annual["month"].values]
    regions = [str(r) for r in annual["region"].values]
    out: list[OutputSpec] = []
    for spec in specs:
        if spec.variable not in annual:
            raise InputError(f"unknown output variable {spec.variable!r}", where="--outputs",
                             fix="use a summary variable such as " + ", ".join(sorted(annual.data_vars)[:8]) + ", …")
        if spec.region not in regions:
            raise InputError(f"unknown region {spec.region!r} in {spec.variable}@{spec.region}", where="--outputs",
                             fix=f"use one of {', '.join(regions)}")
        year = years[-1] if spec.year is None else spec.year
        if year not in years:
            raise InputError(f"year {year} is outside the run ({years[0]}–{years[-1]})", where="--outputs",
                             fix=f"choose a year from {years[0]} to {years[-1]}")
        resolved = OutputSpec(spec.variable, spec.region, year, spec.stat)
        if resolved in out:
            raise InputError(f"{resolved.label} is asked for twice", where="--outputs", fix="give each output once")
        out.append(resolved)
    return out


def measure(annual, specs: Sequence[OutputSpec]) -> list[float]:
    """The outputs of one run from its annual table (path × year × region)."""
    values = []
    for spec in specs:
        column = annual[spec.variable].sel(region=spec.region, month=spec.year).values
        with np.errstate(all="ignore"):
            if spec.stat == "mean":
                value = np.nanmean(column) if np.isfinite(column).any() else np.nan
            else:
                value = np.nanquantile(column, STATS[spec.stat]) if np.isfinite(column).any() else np.nan
        values.append(float(value))
    return values
