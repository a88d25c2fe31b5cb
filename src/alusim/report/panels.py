"""The report's multi-panel and comparison figures (as :class:`~alusim.report.spec.FigureSpec`):
production, stocks, margins and emissions in stacked panels sharing the time axis, China's cost
anchor, and scenarios on the same axes with their paired differences."""

from __future__ import annotations

import pandas as pd

from alusim.report.figures import (
    REGION_COLOURS,
    REGION_LABELS,
    SCENARIO_COLOURS,
    add_bands,
    fan_chart,
    info,
    style,
)
from alusim.report.spec import FigureSpec, subplots_column
from alusim.report.stats import (
    annual_dataset,
    annual_values,
    band_frame,
    check_paired,
    monthly_bands,
    monthly_values,
    months_per_year,
    years_of,
)


def _panel_bands(fig, result, variable, regions, row, *, secondary_y=None, inner=False):
    meta = info(variable)
    for region in regions:
        bands = monthly_bands(result, variable, region, meta.scale)
        add_bands(fig, bands, REGION_LABELS[region], REGION_COLOURS[region], fmt=meta.fmt, row=row, col=1,
                  secondary_y=secondary_y, inner=inner)


def _legend_once(fig: FigureSpec) -> None:
    """Show each legend name once (panels repeat the regions); clicking it toggles every panel."""
    seen = set()
    for trace in fig.data:
        if trace.get("showlegend") is False:
            continue
        name = trace.get("name")
        if name is None:
            trace.pop("legendgroup", None)
        else:
            trace["legendgroup"] = name
        if name in seen:
            trace["showlegend"] = False
        seen.add(name)


def _panel_layout(fig: FigureSpec, title: str, height: int = 640) -> None:
    style(fig, title, height=height)
    fig.update_layout(margin={"t": 118}, legend={"y": 1.1})
    fig.update_annotations(font={"size": 13, "color": "#333"}, xanchor="left", x=0.0, xref="paper")


def two_panel(result, top: tuple[str, tuple[str, ...]], bottom: tuple[str, tuple[str, ...]], title: str,
              *, secondary: tuple[str, str] | None = None, zero_line: bool = False) -> FigureSpec:
    """Two stacked monthly panels sharing the time axis, each with median lines and p05–p95 bands by
    region; ``secondary`` = (variable, region) drawn as a dotted median on the lower panel's right axis."""
    (v1, r1), (v2, r2) = top, bottom
    i1, i2 = info(v1), info(v2)
    fig = subplots_column(2, 0.11, titles=(f"{i1.label}, {i1.unit}", f"{i2.label}, {i2.unit}"),
                          secondary_y=(False, secondary is not None))
    _panel_bands(fig, result, v1, r1, 1)
    _panel_bands(fig, result, v2, r2, 2, secondary_y=False if secondary else None)
    if secondary:
        var, region = secondary
        meta = info(var)
        bands = monthly_bands(result, var, region, meta.scale)[["p50"]]
        add_bands(fig, bands, f"{meta.label}, median (right axis)", "#7f8c8d", fmt=meta.fmt, row=2, col=1,
                  secondary_y=True, dash="dot")
        fig.update_yaxes(title_text=meta.unit, row=2, col=1, secondary_y=True, showgrid=False,
                         tickmode="auto", nticks=6, tickformat=",.0f")
    if zero_line:
        fig.add_hline(y=0, line={"color": "#999", "width": 1}, row=1, col=1)
    _legend_once(fig)
    _panel_layout(fig, title)
    fig.update_yaxes(title_text=i1.unit, row=1, col=1)
    fig.update_yaxes(title_text=i2.unit, row=2, col=1, secondary_y=False if secondary else None)
    return fig


def production_figure(result) -> FigureSpec:
    return two_panel(result, ("production_kt", ("CN", "ROW")), ("operating_rate", ("CN", "ROW")),
                     "Primary output and operating rate (of built capacity)")


def inventory_figure(result) -> FigureSpec:
    return two_panel(result, ("inventory_kt", ("CN", "ROW")), ("stock_days", ("CN", "ROW")),
                     "Visible inventory and stock days of consumption, with the LME price",
                     secondary=("price_lme_usd_t", "WORLD"))


def margin_figure(result) -> FigureSpec:
    return two_panel(result, ("margin_usd_t", ("CN", "ROW")), ("share_loss_making", ("CN", "ROW")),
                     "Margin over cash cost and share of operating capacity losing money", zero_line=True)


def cost_p90_figure(result) -> FigureSpec:
    """China: the 90th-percentile cash cost (fan) against the SHFE median — the engine's cost anchor."""
    fig = fan_chart(result, "cash_cost_p90_cny_t", "CN", "China: 90th-percentile cash cost vs SHFE price",
                    "CNY/t (tax-inclusive)", colour="#6c3483", name="p90 cash cost, median")
    bands = monthly_bands(result, "price_shfe_cny_t", "CN")[["p50"]]
    add_bands(fig, bands, "SHFE price, median", REGION_COLOURS["CN"], dash="dot")
    return fig


def emissions_figure(result, annual=None) -> FigureSpec:
    """Annual scope 1+2 CO2e (Mt/yr) and intensity (t CO2e per t primary) by region."""
    annual = annual if annual is not None else annual_dataset(result)
    years = years_of(annual)
    fig = subplots_column(2, 0.1, titles=("CO2e emissions, scope 1+2, Mt/yr", "CO2e intensity, t CO2e per t primary"))
    for row, var, fmt in ((1, "co2_mt", ",.1f"), (2, "co2_t_per_t", ".2f")):
        for region in ("CN", "ROW", "WORLD"):
            bands = band_frame(annual_values(annual, var, region), years)
            add_bands(fig, bands, REGION_LABELS[region], REGION_COLOURS[region], fmt=fmt, row=row, col=1,
                      inner=False)
    partial = [y for y, n in months_per_year(result).items() if n < 12]
    title = "Emissions (scope 1+2, smelting; alumina refining not included)"
    if partial:
        title += f" — {', '.join(map(str, partial))} partial"
    _legend_once(fig)
    _panel_layout(fig, title)
    fig.update_xaxes(dtick=1, row=2, col=1)
    fig.update_yaxes(title_text="Mt CO2e/yr", row=1, col=1)
    fig.update_yaxes(title_text="t CO2e/t", row=2, col=1)
    return fig


def scenario_label(results, i: int) -> str:
    """Legend label of the i-th scenario (numbered when names repeat)."""
    names = [r.scenario.name for r in results]
    return f"{i + 1}. {names[i]}" if names.count(names[i]) > 1 else names[i]


def compare_figure(results, variable: str, region: str, title: str | None = None) -> FigureSpec:
    """Every scenario's monthly median with its p05–p95 band, on the same axes."""
    meta = info(variable)
    fig = FigureSpec()
    for i, result in enumerate(results):
        bands = monthly_bands(result, variable, region, meta.scale)
        add_bands(fig, bands, scenario_label(results, i), SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)],
                  fmt=meta.fmt, inner=False, outer_alpha=0.13)
    if variable.startswith("margin") or variable == "net_exports_kt":
        fig.add_hline(y=0, line={"color": "#999", "width": 1})
    style(fig, title or f"{meta.label} — {REGION_LABELS.get(region, region)}", height=400)
    fig.update_yaxes(title_text=meta.unit)
    return fig


def difference_figure(results, variable: str, region: str, title: str | None = None) -> FigureSpec:
    """Fan of the paired monthly difference of each scenario minus the first (median, p25–p75,
    p05–p95 over paths)."""
    meta = info(variable)
    base = results[0]
    fig = FigureSpec()
    months = pd.DatetimeIndex(base.data["month"].to_numpy())
    for i, result in enumerate(results[1:], start=1):
        check_paired(base, result)
        diff = monthly_values(result, variable, region) - monthly_values(base, variable, region)
        add_bands(fig, band_frame(diff, months, meta.scale), f"{scenario_label(results, i)} − "
                  f"{scenario_label(results, 0)}", SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)], fmt=meta.fmt)
    fig.add_hline(y=0, line={"color": "#555", "width": 1})
    style(fig, title or f"Paired difference: {meta.label} — {REGION_LABELS.get(region, region)}", height=400)
    fig.update_yaxes(title_text=f"Δ {meta.unit}")
    return fig
