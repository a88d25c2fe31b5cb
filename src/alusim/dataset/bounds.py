"""The range every overridable number may take, read from the data, and the check at the edge.

A parameter's range is its ``lower``/``upper`` columns in ``parameters.csv`` (in the parameter's own
``unit``); a demand-table value (``demand.<region>.<column>``) takes its column's range in
:data:`alusim.dataset.dataset.DEMAND_BOUNDS` (else the one in the table schema). Scenario ``assumptions``, ``--vary`` and
``--params`` pass through :func:`check_overrides` before any work starts: unknown names, NaN, ±inf
and values outside the range are refused with one line naming the parameter, the range and its unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from alusim.errors import InputError

if TYPE_CHECKING:
    from alusim.dataset.dataset import Dataset

#: units of the demand-table columns an assumption may override (docs/data-model.md)
DEMAND_UNITS = {"consumption_kt": "kt", "population_m": "million persons", "per_capita_kg": "kg/person",
                "saturation_kg": "kg/person", "growth_pct_per_year": "percent per year",
                "price_elasticity": "dimensionless", "income_elasticity": "dimensionless",
                "secondary_share": "fraction"}


def column_range(schema, column: str) -> tuple[float, float]:
    """(lower, upper) of a numeric column from its schema checks (``ge``/``gt``/``le``/``lt``/``in_range``);
    ±inf where the schema sets no bound."""
    lower, upper = -math.inf, math.inf
    for check in schema.to_schema().columns[column].checks:
        stats = check.statistics or {}
        if stats.get("min_value") is not None:
            lower = max(lower, float(stats["min_value"]))
        if stats.get("max_value") is not None:
            upper = min(upper, float(stats["max_value"]))
    return lower, upper


#: parameters table (by id, with the table itself so that a reused id is noticed) → name → range; a
#: run checks some 350 overrides (scenario, calibration, each ensemble member) against one table
_RANGES: dict[int, tuple[object, dict[str, tuple[float, float, str]]]] = {}


def _parameter_ranges(table) -> dict[str, tuple[float, float, str]]:
    """name → (lower, upper, unit) of the first row of each name, as a lookup by mask would find it."""
    cached = _RANGES.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    ranges: dict[str, tuple[float, float, str]] = {}
    for name, lower, upper, unit in zip(table["name"], table["lower"], table["upper"], table["unit"], strict=True):
        ranges.setdefault(name, (float(lower), float(upper), str(unit)))
    if len(_RANGES) > 16:      # datasets come and go in long sessions (tests, the workbench)
        _RANGES.clear()
    _RANGES[id(table)] = (table, ranges)
    return ranges


def parameter_range(dataset: Dataset, name: str) -> tuple[float, float, str]:
    """(lower, upper, unit) of an overridable name; raises :class:`InputError` for an unknown one."""
    hit = _parameter_ranges(dataset.parameters).get(name)
    if hit is not None:
        return hit
    parts = name.split(".", 2)
    if len(parts) == 3 and parts[0] == "demand" and name in dataset.overridable():
        from alusim.dataset.dataset import DEMAND_BOUNDS
        from alusim.dataset.schemas import Demand

        lower, upper = DEMAND_BOUNDS.get(parts[2]) or column_range(Demand, parts[2])
        return lower, upper, DEMAND_UNITS.get(parts[2], "")
    raise InputError(f"unknown parameter {name!r}", fix="use a dotted parameter name from "
                     "`alusim data info --parameters` (or demand.<region>.<column> of demand.csv)")


def check_overrides(dataset: Dataset, overrides: Mapping[str, object], where: str = "assumptions") -> dict[str, float]:
    """The overrides as floats, after checking each name is known and each value is a finite number
    within its range; the first problem raises :class:`InputError` naming ``where.<name>``."""
    out: dict[str, float] = {}
    for name, raw in overrides.items():
        place = f"{where}.{name}" if where else str(name)
        try:
            lower, upper, unit = parameter_range(dataset, str(name))
        except InputError as exc:
            raise InputError(exc.message, where=place, fix=exc.fix) from None
        if isinstance(raw, bool):
            raise InputError(f"{raw!r} is not a number", where=place, fix=f"give a number in {unit}")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise InputError(f"{raw!r} is not a number", where=place, fix=f"give a number in {unit}") from None
        if not math.isfinite(value):
            raise InputError(f"{value} is not a finite number", where=place,
                             fix=f"give a number from {lower:g} to {upper:g} {unit}")
        if not lower <= value <= upper:
            raise InputError(f"{value:g} is outside the parameter's range {lower:g}…{upper:g} {unit}", where=place,
                             fix="give a value within the range (parameters.csv lower/upper)")
        out[str(name)] = value
    return out
