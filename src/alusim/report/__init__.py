"""Reports: plotly figures, balance tables and self-contained HTML files (DESIGN.md §4)."""

from alusim.report.figures import balance_table, cost_curve_figure, fan_chart
from alusim.report.html import write_compare_report, write_run_report
from alusim.report.stats import paired_differences

__all__ = ["balance_table", "cost_curve_figure", "fan_chart", "paired_differences", "write_compare_report",
           "write_run_report"]
