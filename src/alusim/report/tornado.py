"""The sensitivity tornado for decks: the figure is as tall as its bars need, every parameter carries
a readable label with its tested range and unit, and the axis states the output's unit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from alusim.report.excel import unit_of

BAR_PX = 46          # height per parameter
MARGIN_TOP_PX = 90   # title and legend
MARGIN_BOTTOM_PX = 60


def parameter_label(name: str, low: float, high: float, unit: str) -> str:
    """``market.price_adjust_per_month 0.15 → 0.45 (1/month)``."""
    suffix = f" {unit}" if unit else ""
    return f"{name}  {low:g} → {high:g}{suffix}"


def tornado_height(n_parameters: int) -> int:
    return MARGIN_TOP_PX + MARGIN_BOTTOM_PX + BAR_PX * max(n_parameters, 1)


def tornado(table: pd.DataFrame, units: dict[str, str] | None = None) -> go.Figure:
    """Bars from the base outcome to the outcome at each parameter's low and high value, largest swing
    on top; ``units`` maps parameter names to their units (from the dataset)."""
    units = units or {}
    attrs = table.attrs
    output = str(attrs.get("output", "outcome"))
    unit = unit_of(output, "year")
    base = float(table["outcome_base"].iloc[0]) if len(table) else 0.0
    order = table.iloc[::-1]
    labels = [parameter_label(r.parameter, r.low, r.high, units.get(r.parameter, "")) for r in order.itertuples()]
    fig = go.Figure()
    for column, value, name, colour in (("outcome_low", "low", "at the low value", "#2f7fd1"),
                                        ("outcome_high", "high", "at the high value", "#e8912d")):
        delta = order[column] - base
        fig.add_bar(y=labels, x=delta, base=base, orientation="h", name=name, marker_color=colour,
                    text=[f"{v:+,.1f}" for v in delta], textposition="outside", cliponaxis=False,
                    customdata=order[value], hovertemplate="%{y}: %{x:+,.1f} at %{customdata}<extra></extra>")
    year = attrs.get("year") or "last year"
    fig.update_layout(barmode="overlay", template="plotly_white", height=tornado_height(len(table)),
                      title=f"Sensitivity of {output} ({attrs.get('region')}, {year}); base {base:,.1f} {unit}",
                      margin={"t": MARGIN_TOP_PX, "b": MARGIN_BOTTOM_PX, "l": 10, "r": 40},
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
                      xaxis_title=f"{output} ({unit})" if unit else output)
    fig.update_yaxes(tickmode="array", tickvals=labels, ticktext=labels, automargin=True)
    fig.add_vline(x=base, line_color="#555555")
    return fig
