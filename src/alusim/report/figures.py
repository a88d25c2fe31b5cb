"""Plotly figure builders and tables for the reports: pure functions, data in, ``go.Figure`` out.

Fan charts show the median over Monte Carlo paths (not the mean) with p05–p95 and p25–p75 bands
(domain-facts.md c6); balances are kt tables, China vs RoW (c4); cost curves show quartiles, the
90th percentile and the share of capacity under water (c3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from alusim.report.stats import (
    annual_dataset,
    annual_values,
    band_frame,
    check_paired,
    monthly_bands,
    monthly_values,
    months_per_year,
    summary_bands,
    years_of,
)

POWER_COLOURS = {"captive_coal": "#3b3b3b", "grid": "#7d8fa8", "hydro": "#1f6fb5", "gas": "#f28e2b",
                 "mixed": "#4e9a4a"}
POWER_LABELS = {"captive_coal": "Captive coal", "grid": "Grid", "hydro": "Hydro", "gas": "Gas", "mixed": "Mixed"}
REGION_COLOURS = {"CN": "#c0392b", "ROW": "#2471a3", "WORLD": "#4d4d4d"}
REGION_LABELS = {"CN": "China", "ROW": "RoW", "WORLD": "World"}
SCENARIO_COLOURS = ("#2471a3", "#c0392b", "#229954", "#8e44ad", "#d68910", "#17a589", "#7f8c8d", "#a04000")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@dataclass(frozen=True)
class VarInfo:
    """How a variable is labelled and scaled: monthly series (flows annualised) and annual tables."""

    label: str
    unit: str
    scale: float = 1.0
    annual_unit: str | None = None
    annual_scale: float | None = None
    fmt: str = ",.0f"


VARIABLES: dict[str, VarInfo] = {
    "price_lme_usd_t": VarInfo("LME price", "USD/t"),
    "price_shfe_cny_t": VarInfo("SHFE price (tax-incl.)", "CNY/t"),
    "production_kt": VarInfo("Primary output", "Mt/yr, annualised", 12e-3, "kt", 1.0, ",.2f"),
    "consumption_kt": VarInfo("Consumption", "Mt/yr, annualised", 12e-3, "kt", 1.0, ",.2f"),
    "secondary_production_kt": VarInfo("Secondary output", "Mt/yr, annualised", 12e-3, "kt", 1.0, ",.2f"),
    "net_exports_kt": VarInfo("Net exports", "Mt/yr, annualised", 12e-3, "kt", 1.0, ",.2f"),
    "inventory_kt": VarInfo("Visible inventory", "kt"),
    "stock_days": VarInfo("Stock days", "days", fmt=",.1f"),
    "operating_rate": VarInfo("Operating rate", "%", 100.0, fmt=".1f"),
    "margin_cny_t": VarInfo("Margin over cash cost", "CNY/t"),
    "margin_usd_t": VarInfo("Margin over cash cost", "USD/t"),
    "cash_cost_p90_cny_t": VarInfo("90th-percentile cash cost", "CNY/t"),
    "cash_cost_p90_usd_t": VarInfo("90th-percentile cash cost", "USD/t"),
    "share_loss_making": VarInfo("Capacity losing money", "%", 100.0, fmt=".1f"),
    "co2_mt": VarInfo("CO2e emissions, scope 1+2", "Mt/yr, annualised", 12.0, "Mt", 1.0, ",.1f"),
    "co2_t_per_t": VarInfo("CO2e intensity, scope 1+2", "t CO2e/t", fmt=".2f"),
}


def info(variable: str) -> VarInfo:
    return VARIABLES.get(variable, VarInfo(variable, ""))


def rgba(colour: str, alpha: float) -> str:
    c = colour.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def style(fig: go.Figure, title: str | None = None, height: int = 430) -> go.Figure:
    """Common layout: white template, system fonts (no web fonts), legend above the plot."""
    fig.update_layout(
        template="plotly_white", height=height, font={"family": FONT, "size": 12, "color": "#222"},
        title={"text": title, "x": 0.0, "xanchor": "left", "xref": "container", "y": 1.0, "yanchor": "top",
               "yref": "container", "pad": {"t": 14, "l": 12}, "font": {"size": 15}} if title else None,
        margin={"l": 70, "r": 30, "t": 80 if title else 45, "b": 50}, hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0.0, "xanchor": "left",
                "font": {"size": 11}})
    return fig


def add_bands(fig: go.Figure, bands: pd.DataFrame, name: str, colour: str, *, fmt: str = ",.0f",
              row: int | None = None, col: int | None = None, secondary_y: bool | None = None,
              inner: bool = True, outer_alpha: float = 0.15, inner_alpha: float = 0.28,
              dash: str | None = None) -> go.Figure:
    """Median line with a shaded p05–p95 band and (when present and ``inner``) a p25–p75 band."""
    where = {} if row is None else {"row": row, "col": col or 1}
    if secondary_y is not None:
        where["secondary_y"] = secondary_y
    x = list(bands.index)
    group = f"{name}-{colour}"
    pairs = [("p05", "p95", outer_alpha)] + ([("p25", "p75", inner_alpha)] if inner else [])
    for lo, hi, alpha in pairs:
        if lo not in bands or hi not in bands:
            continue
        fig.add_trace(go.Scatter(x=x, y=bands[hi], mode="lines", line={"width": 0}, hoverinfo="skip",
                                 showlegend=False, legendgroup=group), **where)
        fig.add_trace(go.Scatter(x=x, y=bands[lo], mode="lines", line={"width": 0}, fill="tonexty",
                                 fillcolor=rgba(colour, alpha), hoverinfo="skip", showlegend=False,
                                 legendgroup=group), **where)
    extra = [c for c in ("p05", "p95", "p25", "p75") if c in bands]
    custom = bands[extra].to_numpy() if extra else None
    parts = [f"median %{{y:{fmt}}}"]
    if "p05" in extra:
        parts.append(f"p05–p95 %{{customdata[0]:{fmt}}}–%{{customdata[1]:{fmt}}}")
    fig.add_trace(go.Scatter(x=x, y=bands["p50"], mode="lines", name=name, legendgroup=group,
                             line={"color": colour, "width": 2, "dash": dash}, customdata=custom,
                             hovertemplate=f"{name}: " + ", ".join(parts) + "<extra></extra>"), **where)
    return fig


def fan_chart(result_or_summary, variable: str, region: str, title: str, unit: str, *,
              scale: float | None = None, colour: str | None = None, fmt: str | None = None,
              name: str | None = None) -> go.Figure:
    """Monthly median of ``variable`` in ``region`` with p05–p95 and p25–p75 bands.

    Takes a :class:`SimulationResult` (all five percentiles) or a monthly ``summary()`` table
    (p05–p95 only). ``scale`` multiplies the values (default: 100 for a ``%`` unit); the start
    value is marked.
    """
    scale = scale if scale is not None else (100.0 if unit == "%" else 1.0)
    fmt = fmt or info(variable).fmt
    if isinstance(result_or_summary, pd.DataFrame):
        bands = summary_bands(result_or_summary, variable, region, scale)
    else:
        bands = monthly_bands(result_or_summary, variable, region, scale)
    colour = colour or REGION_COLOURS.get(region, "#2471a3")
    fig = go.Figure()
    add_bands(fig, bands, name or f"Median ({REGION_LABELS.get(region, region)})", colour, fmt=fmt)
    # band legend entries as proxies (bands themselves stay out of the legend)
    for label, alpha in (("p05–p95", 0.15), ("p25–p75", 0.28)):
        if label == "p25–p75" and "p25" not in bands:
            continue
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label, hoverinfo="skip",
                                 marker={"size": 12, "symbol": "square", "color": rgba(colour, alpha)}))
    x0, y0 = bands.index[0], float(bands["p50"].iloc[0])
    if np.isfinite(y0):
        fig.add_trace(go.Scatter(x=[x0], y=[y0], mode="markers", name="Start", hoverinfo="skip",
                                 marker={"size": 9, "color": colour, "line": {"color": "white", "width": 1.5}},
                                 showlegend=False))
        fig.add_annotation(x=x0, y=y0, text=f"start {y0:{fmt}}", showarrow=True, arrowhead=0, ax=48, ay=-34,
                           font={"size": 11, "color": colour}, bgcolor="rgba(255,255,255,0.8)")
    style(fig, title)
    fig.update_yaxes(title_text=unit)
    return fig


def cost_curve_figure(curve: pd.DataFrame, stats=None, price: float | None = None, *, title: str | None = None,
                      price_label: str = "Price") -> go.Figure:
    """Step cost curve: one bar per asset, width = capacity (kt/yr) at its cumulative position,
    height = unit cost, coloured by power source; price line and p25/p50/p75/p90 markers."""
    from alusim.costs.curve import curve_statistics

    column = curve.attrs.get("cost_column") or next(c for c in curve.columns if c.endswith("_t") and "cost" in c)
    basis, _, currency = column.partition("_cost_")
    currency = currency.removesuffix("_t").upper()
    stats = stats if stats is not None else curve_statistics(curve, price)
    if title is None and "year" in curve.attrs:
        title = f"{curve.attrs.get('region', '')} {basis} cost curve, {curve.attrs['year']}".strip()
    ccy = currency.lower()
    comps = [c for c in (f"{k}_{ccy}_t" for k in ("alumina", "power", "anode", "other", "carbon")) if c in curve]
    fig = go.Figure()
    sources = [s for s in POWER_COLOURS if s in set(curve["power_source"])]
    sources += sorted(set(curve["power_source"]) - set(sources))
    for source in sources:
        part = curve[curve["power_source"] == source]
        left = part["cumulative_capacity_kt"] - part["capacity_kt"]
        custom = np.column_stack([part[c].astype(str).to_numpy() for c in ("name", "owner", "province")]
                                 + [part[c].to_numpy(float) for c in ["capacity_kt", *comps]])
        lines = ["<b>%{customdata[0]}</b>", "%{customdata[1]} · %{customdata[2]}",
                 "capacity %{customdata[3]:,.0f} kt/yr", f"cost %{{y:,.0f}} {currency}/t"]
        lines += [f"{c.split('_')[0]} %{{customdata[{i + 4}]:,.0f}}" for i, c in enumerate(comps)]
        fig.add_trace(go.Bar(
            x=(left + part["capacity_kt"] / 2).to_numpy(), y=part[column].to_numpy(float),
            width=part["capacity_kt"].to_numpy(float), name=POWER_LABELS.get(source, str(source)),
            marker={"color": POWER_COLOURS.get(source, "#9b59b6"), "line": {"color": "white", "width": 0.4}},
            customdata=custom, hovertemplate="<br>".join(lines) + "<extra></extra>"))
    total = float(curve["capacity_kt"].sum())
    cost = curve[column].to_numpy(float)
    for q, label in ((0.25, "p25"), (0.5, "p50"), (0.75, "p75"), (0.9, "p90")):
        fig.add_vline(x=q * total, line={"dash": "dash", "color": "#888", "width": 1})
        fig.add_annotation(x=q * total, y=1.0, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{label} {getattr(stats, label):,.0f}", font={"size": 11, "color": "#555"})
    if price is not None and np.isfinite(price):
        share = f" — {stats.share_loss_making:.0%} of capacity above" if stats.share_loss_making is not None else ""
        fig.add_hline(y=price, line={"color": "#c0392b", "width": 2})
        fig.add_annotation(x=0.01, xref="paper", y=price, yanchor="bottom", xanchor="left", showarrow=False,
                           text=f"{price_label} {price:,.0f} {currency}/t{share}",
                           font={"size": 12, "color": "#c0392b"}, bgcolor="rgba(255,255,255,0.75)")
    lo, hi = float(np.nanmin(cost)), float(np.nanmax(cost))
    if price is not None and np.isfinite(price):
        lo, hi = min(lo, price), max(hi, price)
    pad = 0.07 * (hi - lo or hi)
    style(fig, title, height=470)
    fig.update_layout(bargap=0, barmode="overlay", hovermode="closest", margin={"t": 115 if title else 80},
                      legend={"y": 1.09})
    fig.update_xaxes(title_text="Cumulative capacity, kt/yr", range=[0, total * 1.01])
    tax = " (tax-inclusive)" if currency == "CNY" else ""
    fig.update_yaxes(title_text=f"{basis.capitalize()} cost, {currency}/t{tax}", range=[lo - 3 * pad, hi + 1.5 * pad])
    return fig


def balance_table(result) -> pd.DataFrame:
    """Annual balance by year (rows): China, RoW and World columns, medians over paths in kt.

    Columns are a MultiIndex (region, item): primary production, secondary, consumption, net exports
    (China and RoW), stock change, end inventory and year-end stock days. Medians of the parts need
    not add up to the median stock change. ``attrs["partial_years"]`` maps years with fewer than 12
    simulated months to their month count.
    """
    data = result.data
    years = pd.DatetimeIndex(data["month"].to_numpy()).year
    year_list = sorted(set(int(y) for y in years))
    last = [int(np.flatnonzero(years == y)[-1]) for y in year_list]

    def annual_sum(arr):  # (paths, months) → (paths, years)
        return np.stack([arr[:, years == y].sum(axis=1) for y in year_list], axis=1)

    def get(var, region):
        return data[var].sel(region=region).transpose("path", "month").to_numpy()

    columns = {}
    for region in ("CN", "ROW", "WORLD"):
        label = REGION_LABELS[region]
        prod, sec = get("production_kt", region), get("secondary_production_kt", region)
        cons, exp = get("consumption_kt", region), np.nan_to_num(get("net_exports_kt", region))
        parts = {"Primary production": annual_sum(prod), "Secondary": annual_sum(sec),
                 "Consumption": annual_sum(cons)}
        if region != "WORLD":
            parts["Net exports"] = annual_sum(exp)
        parts["Stock change"] = annual_sum(prod + sec - cons - exp)
        parts["End inventory"] = get("inventory_kt", region)[:, last]
        parts["Stock days"] = get("stock_days", region)[:, last]
        for item, values in parts.items():
            median = np.nanmedian(values, axis=0)
            # stock days keep their decimals: the report shows them as its headline does
            columns[(label, item)] = median if item == "Stock days" else np.round(median).astype(np.int64)
    table = pd.DataFrame(columns, index=pd.Index(year_list, name="year"))
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["region", "item"])
    table.attrs["partial_years"] = {y: n for y, n in months_per_year(result).items() if n < 12}
    return table


def _panel_bands(fig, result, variable, regions, row, *, secondary_y=None, inner=False):
    meta = info(variable)
    for region in regions:
        bands = monthly_bands(result, variable, region, meta.scale)
        add_bands(fig, bands, REGION_LABELS[region], REGION_COLOURS[region], fmt=meta.fmt, row=row, col=1,
                  secondary_y=secondary_y, inner=inner)


def _legend_once(fig: go.Figure) -> None:
    """Show each legend name once (panels repeat the regions); clicking it toggles every panel."""
    seen = set()
    for trace in fig.data:
        if trace.showlegend is False:
            continue
        trace.legendgroup = trace.name
        if trace.name in seen:
            trace.showlegend = False
        seen.add(trace.name)


def _panel_layout(fig: go.Figure, title: str, height: int = 640) -> None:
    style(fig, title, height=height)
    fig.update_layout(margin={"t": 118}, legend={"y": 1.1})
    fig.update_annotations(font={"size": 13, "color": "#333"}, xanchor="left", x=0.0, xref="paper")


def two_panel(result, top: tuple[str, tuple[str, ...]], bottom: tuple[str, tuple[str, ...]], title: str,
              *, secondary: tuple[str, str] | None = None, zero_line: bool = False) -> go.Figure:
    """Two stacked monthly panels sharing the time axis, each with median lines and p05–p95 bands by
    region; ``secondary`` = (variable, region) drawn as a dotted median on the lower panel's right axis."""
    (v1, r1), (v2, r2) = top, bottom
    i1, i2 = info(v1), info(v2)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.11,
                        subplot_titles=(f"{i1.label}, {i1.unit}", f"{i2.label}, {i2.unit}"),
                        specs=[[{}], [{"secondary_y": secondary is not None}]])
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


def production_figure(result) -> go.Figure:
    return two_panel(result, ("production_kt", ("CN", "ROW")), ("operating_rate", ("CN", "ROW")),
                     "Primary output and operating rate (of built capacity)")


def inventory_figure(result) -> go.Figure:
    return two_panel(result, ("inventory_kt", ("CN", "ROW")), ("stock_days", ("CN", "ROW")),
                     "Visible inventory and stock days of consumption, with the LME price",
                     secondary=("price_lme_usd_t", "WORLD"))


def margin_figure(result) -> go.Figure:
    return two_panel(result, ("margin_usd_t", ("CN", "ROW")), ("share_loss_making", ("CN", "ROW")),
                     "Margin over cash cost and share of operating capacity losing money", zero_line=True)


def cost_p90_figure(result) -> go.Figure:
    """China: the 90th-percentile cash cost (fan) against the SHFE median — the engine's cost anchor."""
    fig = fan_chart(result, "cash_cost_p90_cny_t", "CN", "China: 90th-percentile cash cost vs SHFE price",
                    "CNY/t (tax-inclusive)", colour="#6c3483", name="p90 cash cost, median")
    bands = monthly_bands(result, "price_shfe_cny_t", "CN")[["p50"]]
    add_bands(fig, bands, "SHFE price, median", REGION_COLOURS["CN"], dash="dot")
    return fig


def emissions_figure(result, annual=None) -> go.Figure:
    """Annual scope 1+2 CO2e (Mt/yr) and intensity (t CO2e per t primary) by region."""
    annual = annual if annual is not None else annual_dataset(result)
    years = years_of(annual)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        subplot_titles=("CO2e emissions, scope 1+2, Mt/yr", "CO2e intensity, t CO2e per t primary"))
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


def compare_figure(results, variable: str, region: str, title: str | None = None) -> go.Figure:
    """Every scenario's monthly median with its p05–p95 band, on the same axes."""
    meta = info(variable)
    fig = go.Figure()
    for i, result in enumerate(results):
        bands = monthly_bands(result, variable, region, meta.scale)
        add_bands(fig, bands, scenario_label(results, i), SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)],
                  fmt=meta.fmt, inner=False, outer_alpha=0.13)
    if variable.startswith("margin") or variable == "net_exports_kt":
        fig.add_hline(y=0, line={"color": "#999", "width": 1})
    style(fig, title or f"{meta.label} — {REGION_LABELS.get(region, region)}", height=400)
    fig.update_yaxes(title_text=meta.unit)
    return fig


def difference_figure(results, variable: str, region: str, title: str | None = None) -> go.Figure:
    """Fan of the paired monthly difference of each scenario minus the first (median, p25–p75,
    p05–p95 over paths)."""
    meta = info(variable)
    base = results[0]
    fig = go.Figure()
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
