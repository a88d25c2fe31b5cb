"""Cash-cost build-up per asset and industry cost curves."""

from alusim.costs.buildup import (
           COMPONENTS,
           available_in_year,
           cost_table,
           costs_in_currency,
           direct_co2_t_per_t,
)
from alusim.costs.curve import CurveStatistics, cost_curve, curve_statistics, select_region, weighted_quantile

__all__ = ["COMPONENTS", "CurveStatistics", "available_in_year", "cost_curve", "cost_table", "costs_in_currency",
           "curve_statistics", "direct_co2_t_per_t", "select_region", "weighted_quantile"]
