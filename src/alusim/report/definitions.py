"""One definition per reported number: label, unit, period and computation of each headline figure.

Every place that shows one of these figures — the report's headline, its balance and cost-curve
tables, the Excel workbook, the dashboard — takes the value from :func:`figure_values`, so one label
carries one value everywhere. The period is part of the label and follows the annual aggregation of
:meth:`SimulationResult.annual`: flows are annual totals, inventory, capacity and stock days are
year-end values, prices, margins and shares are annual averages of the monthly values. The central
value is the median over Monte Carlo paths (domain-facts.md c6), with p05–p95.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alusim.engine.result import FLOW_VARIABLES, STOCK_VARIABLES
from alusim.report.stats import annual_dataset, annual_values, quantiles, years_of


def period_of(variable: str) -> str:
    """How a variable is aggregated to a year (the period stated in every label)."""
    if variable in FLOW_VARIABLES:
        return "annual total"
    if variable in STOCK_VARIABLES:
        return "year-end"
    return "annual average"


@dataclass(frozen=True)
class Definition:
    """A reported figure: ``variable`` in ``region``, shown as ``label`` in ``unit`` (× ``scale``)."""

    variable: str
    region: str
    name: str
    unit: str
    scale: float = 1.0
    fmt: str = ",.0f"

    @property
    def key(self) -> str:
        return f"{self.variable}.{self.region}"

    @property
    def label(self) -> str:
        return f"{self.name}, {period_of(self.variable)}"


#: the headline figures of every report, in order
HEADLINE: tuple[Definition, ...] = (
    Definition("price_lme_usd_t", "WORLD", "LME price", "USD/t"),
    Definition("price_shfe_cny_t", "CN", "SHFE price (tax-incl.)", "CNY/t"),
    Definition("production_kt", "CN", "China primary output", "kt/yr"),
    Definition("production_kt", "WORLD", "World primary output", "kt/yr"),
    Definition("net_exports_kt", "CN", "China net exports (metal)", "kt/yr"),
    Definition("stock_days", "CN", "China stock days", "days of consumption", 1.0, ",.1f"),
    Definition("margin_cny_t", "CN", "China margin over cash cost", "CNY/t"),
    Definition("share_loss_making", "CN", "China operating capacity losing money", "%", 100.0, ".1f"),
    Definition("co2_t_per_t", "CN", "China CO2e intensity (scope 1+2)", "t CO2e/t", 1.0, ".2f"),
    Definition("co2_t_per_t", "WORLD", "World CO2e intensity (scope 1+2)", "t CO2e/t", 1.0, ".2f"),
)
BY_KEY = {d.key: d for d in HEADLINE}


def definition(variable: str, region: str) -> Definition:
    return BY_KEY[f"{variable}.{region}"]


def figure_values(annual, d: Definition) -> np.ndarray:
    """(3, years) array: p05, p50 and p95 over paths of the figure, scaled to its unit."""
    return quantiles(annual_values(annual, d.variable, d.region) * d.scale, (0.05, 0.5, 0.95))


def figure_table(result, definitions: tuple[Definition, ...] = HEADLINE) -> pd.DataFrame:
    """Long table ``figure, unit, region, year, p05, p50, p95`` of the figures, one row per year."""
    annual = annual_dataset(result)
    years = years_of(annual)
    rows = []
    for d in definitions:
        if d.variable not in annual:
            continue
        q = figure_values(annual, d)
        for i, year in enumerate(years):
            rows.append({"figure": d.label, "unit": d.unit, "region": d.region, "year": year,
                         "p05": q[0, i], "p50": q[1, i], "p95": q[2, i]})
    return pd.DataFrame(rows, columns=["figure", "unit", "region", "year", "p05", "p50", "p95"])
