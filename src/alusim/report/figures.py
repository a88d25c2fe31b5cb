"""Plotly figure builders and tables for the reports: pure functions, data in, a figure out — a
:class:`~alusim.report.spec.FigureSpec` (plain dicts; ``.to_plotly()`` gives the ``go.Figure``).

Fan charts show the median over Monte Carlo paths (not the mean) with p05–p95 and p25–p75 bands
(domain-facts.md c6); balances are kt tables, China vs RoW (c4); cost curves show quartiles, the
90th percentile and the share of capacity under water (c3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alusim.report.spec import FigureSpec
from alusim.report.stats import monthly_bands, months_per_year, summary_bands

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


def style(fig, title: str | None = None, height: int = 430):
    """Common layout (a :class:`FigureSpec` or a ``go.Figure``): white template, system fonts (no web
    fonts), legend above the plot."""
    fig.update_layout(
        template="plotly_white", height=height, font={"family": FONT, "size": 12, "color": "#222"},
        title={"text": title, "x": 0.0, "xanchor": "left", "xref": "container", "y": 1.0, "yanchor": "top",
               "yref": "container", "pad": {"t": 14, "l": 12}, "font": {"size": 15}} if title else None,
        margin={"l": 70, "r": 30, "t": 80 if title else 45, "b": 50}, hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0.0, "xanchor": "left",
                "font": {"size": 11}})
    return fig


def trace(kind: str, **props) -> dict:
    """A trace as the dict plotly's validation leaves: properties set to None are left out."""
    return {**_without_none(props), "type": kind}


def _without_none(props: dict) -> dict:
    return {k: (_without_none(v) if isinstance(v, dict) else v) for k, v in props.items() if v is not None}


def _axis_values(index: pd.Index) -> list:
    """The index as a trace's x values; month timestamps as the ISO strings plotly's JSON encoder
    writes for them (``Timestamp.isoformat()``, NaT as null), so the figure JSON is the same while the
    report neither deep-copies thousands of Timestamps nor sends each through the encoder's fallbacks."""
    if isinstance(index, pd.DatetimeIndex):
        return [None if t is pd.NaT else t.isoformat() for t in index]
    return list(index)


def add_bands(fig, bands: pd.DataFrame, name: str, colour: str, *, fmt: str = ",.0f",
              row: int | None = None, col: int | None = None, secondary_y: bool | None = None,
              inner: bool = True, outer_alpha: float = 0.15, inner_alpha: float = 0.28,
              dash: str | None = None):
    """Median line with a shaded p05–p95 band and (when present and ``inner``) a p25–p75 band, on a
    :class:`FigureSpec` or a ``go.Figure`` (both take trace dicts)."""
    where = {} if row is None else {"row": row, "col": col or 1}
    if secondary_y is not None:
        where["secondary_y"] = secondary_y
    x = _axis_values(bands.index)
    group = f"{name}-{colour}"
    pairs = [("p05", "p95", outer_alpha)] + ([("p25", "p75", inner_alpha)] if inner else [])
    for lo, hi, alpha in pairs:
        if lo not in bands or hi not in bands:
            continue
        fig.add_trace(trace("scatter", x=x, y=bands[hi].to_numpy(), mode="lines", line={"width": 0},
                            hoverinfo="skip", showlegend=False, legendgroup=group), **where)
        fig.add_trace(trace("scatter", x=x, y=bands[lo].to_numpy(), mode="lines", line={"width": 0}, fill="tonexty",
                            fillcolor=rgba(colour, alpha), hoverinfo="skip", showlegend=False,
                            legendgroup=group), **where)
    extra = [c for c in ("p05", "p95", "p25", "p75") if c in bands]
    custom = bands[extra].to_numpy() if extra else None
    parts = [f"median %{{y:{fmt}}}"]
    if "p05" in extra:
        parts.append(f"p05–p95 %{{customdata[0]:{fmt}}}–%{{customdata[1]:{fmt}}}")
    fig.add_trace(trace("scatter", x=x, y=bands["p50"].to_numpy(), mode="lines", name=name, legendgroup=group,
                        line={"color": colour, "width": 2, "dash": dash}, customdata=custom,
                        hovertemplate=f"{name}: " + ", ".join(parts) + "<extra></extra>"), **where)
    return fig


def fan_chart(result_or_summary, variable: str, region: str, title: str, unit: str, *,
              scale: float | None = None, colour: str | None = None, fmt: str | None = None,
              name: str | None = None) -> FigureSpec:
    """Monthly median of ``variable`` in ``region`` with p05–p95 and p25–p75 bands.

    Takes a :class:`SimulationResult` (all five percentiles) or a monthly ``summary()`` table
    (p05–p95 only). ``scale`` multiplies the values (default: 100 for a ``%`` unit); the start
    value is marked. ``.to_plotly()`` of the result is the ``go.Figure``.
    """
    scale = scale if scale is not None else (100.0 if unit == "%" else 1.0)
    fmt = fmt or info(variable).fmt
    if isinstance(result_or_summary, pd.DataFrame):
        bands = summary_bands(result_or_summary, variable, region, scale)
    else:
        bands = monthly_bands(result_or_summary, variable, region, scale)
    colour = colour or REGION_COLOURS.get(region, "#2471a3")
    fig = FigureSpec()
    add_bands(fig, bands, name or f"Median ({REGION_LABELS.get(region, region)})", colour, fmt=fmt)
    # band legend entries as proxies (bands themselves stay out of the legend)
    for label, alpha in (("p05–p95", 0.15), ("p25–p75", 0.28)):
        if label == "p25–p75" and "p25" not in bands:
            continue
        fig.add_trace(trace("scatter", x=[None], y=[None], mode="markers", name=label, hoverinfo="skip",
                            marker={"size": 12, "symbol": "square", "color": rgba(colour, alpha)}))
    x0, y0 = bands.index[0], float(bands["p50"].iloc[0])
    if np.isfinite(y0):
        fig.add_trace(trace("scatter", x=[x0], y=[y0], mode="markers", name="Start", hoverinfo="skip",
                            marker={"size": 9, "color": colour, "line": {"color": "white", "width": 1.5}},
                            showlegend=False))
        fig.add_annotation(x=x0, y=y0, text=f"start {y0:{fmt}}", showarrow=True, arrowhead=0, ax=48, ay=-34,
                           font={"size": 11, "color": colour}, bgcolor="rgba(255,255,255,0.8)")
    style(fig, title)
    fig.update_yaxes(title_text=unit)
    return fig


def cost_curve_figure(curve: pd.DataFrame, stats=None, price: float | None = None, *, title: str | None = None,
                      price_label: str = "Price") -> FigureSpec:
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
    parts = curve.attrs.get("components", ("alumina", "power", "anode", "other", "carbon"))
    comps = [c for c in (f"{k}_{ccy}_t" for k in parts) if c in curve]
    group = curve.attrs.get("colour_by", "power_source")      # refinery curves: bauxite_source
    fig = FigureSpec()
    sources = [s for s in POWER_COLOURS if s in set(curve[group])]
    sources += sorted(set(curve[group]) - set(sources))
    for source in sources:
        part = curve[curve[group] == source]
        left = part["cumulative_capacity_kt"] - part["capacity_kt"]
        custom = np.column_stack([part[c].astype(str).to_numpy() for c in ("name", "owner", "province")]
                                 + [part[c].to_numpy(float) for c in ["capacity_kt", *comps]])
        lines = ["<b>%{customdata[0]}</b>", "%{customdata[1]} · %{customdata[2]}",
                 "capacity %{customdata[3]:,.0f} kt/yr", f"cost %{{y:,.0f}} {currency}/t"]
        lines += [f"{c.split('_')[0]} %{{customdata[{i + 4}]:,.0f}}" for i, c in enumerate(comps)]
        fig.add_trace(trace(
            "bar", x=(left + part["capacity_kt"] / 2).to_numpy(), y=part[column].to_numpy(float),
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
