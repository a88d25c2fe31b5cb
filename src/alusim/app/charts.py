"""Plotly figures for the dashboard: pure functions, tables in, figures out. Labels and units come
from the variable names (the ``_usd_t``/``_kt`` convention), so new variables need no code here."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from alusim.report.excel import unit_of
from alusim.report.figures import POWER_COLOURS, SCENARIO_COLOURS, rgba, style

#: components of a cost curve, bottom to top, with their colours
COMPONENT_COLOURS = {"alumina": "#b9770e", "power": "#1f6fb5", "anode": "#4d4d4d", "other": "#7d8fa8",
                     "carbon": "#229954", "sustaining": "#a569bd"}
PLOT_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def label(variable: str, period: str | None = None) -> str:
    unit = unit_of(variable, period)
    return f"{variable} ({unit})" if unit else variable


def fan(rows: pd.DataFrame, variable: str, region: str, *, history: pd.DataFrame | None = None,
        title: str | None = None) -> go.Figure:
    """Median and p05–p95 band over months, with recorded annual values (markers) beside them."""
    fig = go.Figure()
    x = pd.to_datetime(rows["month"].astype(str))
    colour = SCENARIO_COLOURS[0]
    fig.add_trace(go.Scatter(x=x, y=rows["p95"], line={"width": 0}, hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(x=x, y=rows["p05"], fill="tonexty", fillcolor=rgba(colour, 0.2), line={"width": 0},
                             name="p05–p95"))
    fig.add_trace(go.Scatter(x=x, y=rows["p50"], line={"color": colour, "width": 2}, name="median"))
    if history is not None and len(history):
        fig.add_trace(go.Scatter(x=pd.to_datetime(history["year"].astype(int).astype(str) + "-07-01"),
                                 y=history["value"], mode="lines+markers", name="recorded (annual)",
                                 line={"color": "#111", "dash": "dot"}, marker={"size": 7},
                                 text=history.get("source"), hovertemplate="%{x|%Y}: %{y:,.1f}<br>%{text}"))
    style(fig, title or f"{variable} — {region}", height=420)
    fig.update_yaxes(title_text=label(variable, "month"))
    return fig


def overlay(runs: dict[str, pd.DataFrame], variable: str, region: str) -> go.Figure:
    """Several runs' medians and p05–p95 bands on one axis (run label → its summary rows)."""
    fig = go.Figure()
    for i, (name, rows) in enumerate(runs.items()):
        colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
        x = pd.to_datetime(rows["month"].astype(str))
        fig.add_trace(go.Scatter(x=x, y=rows["p95"], line={"width": 0}, hoverinfo="skip", showlegend=False,
                                 legendgroup=name))
        fig.add_trace(go.Scatter(x=x, y=rows["p05"], fill="tonexty", fillcolor=rgba(colour, 0.15),
                                 line={"width": 0}, showlegend=False, hoverinfo="skip", legendgroup=name))
        fig.add_trace(go.Scatter(x=x, y=rows["p50"], line={"color": colour, "width": 2}, name=name, legendgroup=name))
    style(fig, f"{variable} — {region}: medians and p05–p95", height=420)
    fig.update_yaxes(title_text=label(variable, "month"))
    return fig


def difference_bars(diffs: pd.DataFrame, variable: str, region: str) -> go.Figure:
    """Paired differences B − A by year: median bar with the p05–p95 range as error bars."""
    rows = diffs[(diffs["variable"] == variable) & (diffs["region"] == region)].sort_values("year")
    fig = go.Figure(go.Bar(x=rows["year"].astype(str), y=rows["diff_p50"], marker_color=SCENARIO_COLOURS[1],
                           error_y={"type": "data", "symmetric": False,
                                    "array": rows["diff_p95"] - rows["diff_p50"],
                                    "arrayminus": rows["diff_p50"] - rows["diff_p05"]},
                           name="median paired difference"))
    style(fig, f"{variable} — {region}: paired difference, median and p05–p95", height=380)
    fig.update_yaxes(title_text=label(variable, "year"))
    return fig


def lines(frame: pd.DataFrame, x: str, y: str, group: str, title: str, y_title: str) -> go.Figure:
    fig = go.Figure()
    for i, (name, rows) in enumerate(frame.groupby(group, sort=True)):
        fig.add_trace(go.Scatter(x=rows[x], y=rows[y], name=str(name), mode="lines+markers",
                                 line={"color": SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]} if i < 8 else None))
    style(fig, title, height=420)
    fig.update_yaxes(title_text=y_title)
    return fig


def balance_bars(balance: pd.DataFrame, time: str, title: str) -> go.Figure:
    """Surplus (+) or deficit (−) per period, kt: a balance table's ``surplus_kt`` column."""
    colours = np.where(balance["surplus_kt"] >= 0, "#229954", "#c0392b")
    fig = go.Figure(go.Bar(x=balance[time].astype(str), y=balance["surplus_kt"], marker_color=colours,
                           name="surplus / deficit"))
    style(fig, title, height=360)
    fig.update_yaxes(title_text="surplus (+) / deficit (−), kt")
    return fig


def cost_curve_stack(curve: pd.DataFrame, price: float | None, price_label: str) -> go.Figure:
    """A cost curve stacked by component: bar width is capacity, plants named on hover."""
    unit = curve.attrs["cost_column"].rsplit("_", 2)
    currency = unit[-2].upper()
    suffix = f"_{currency.lower()}_t"
    width = curve["capacity_kt"].to_numpy(float)
    x = curve["cumulative_capacity_kt"].to_numpy(float) - width / 2
    fig = go.Figure()
    hover = curve["name"] + " (" + curve["owner"].astype(str) + ", " + curve["province"].fillna(
        curve["country"]).astype(str) + ")"
    for component, colour in COMPONENT_COLOURS.items():
        column = component + suffix
        if column not in curve.columns:
            continue
        fig.add_trace(go.Bar(x=x, y=curve[column], width=width, name=component, marker_color=colour,
                             marker_line_width=0, customdata=np.stack([hover, width, curve[curve.attrs["cost_column"]]],
                                                                       axis=-1),
                             hovertemplate="%{customdata[0]}<br>" + component + ": %{y:,.0f}<br>total: "
                                           "%{customdata[2]:,.0f}<br>capacity %{customdata[1]:,.0f} kt/yr"
                                           "<extra></extra>"))
    if price is not None and np.isfinite(price):
        fig.add_hline(y=price, line={"color": "#c0392b", "dash": "dash"}, annotation_text=price_label)
    style(fig, None, height=480)
    tax = " (tax-inclusive)" if currency == "CNY" else ""
    fig.update_layout(barmode="stack", bargap=0, hovermode="closest")
    fig.update_xaxes(title_text="cumulative capacity, kt/yr")
    fig.update_yaxes(title_text=f"{curve.attrs['basis']} cost, {currency}/t{tax}")
    return fig


def locations() -> pd.DataFrame:
    """Province and country capitals (``level, key, place, lat, lon, source``) used to place plants
    when the dataset has no coordinates."""
    return pd.read_csv(Path(str(resources.files("alusim.app") / "locations.csv")))


def place_assets(assets: pd.DataFrame) -> pd.DataFrame:
    """Assets with ``lat``/``lon``: their own when the dataset has them, else the capital of their
    Chinese province or country, spread on a small deterministic spiral so plants do not overlap."""
    out = assets.copy()
    if {"lat", "lon"} <= set(out.columns):
        return out.dropna(subset=["lat", "lon"])
    table = locations()
    province = table[table["level"] == "province"].set_index("key")
    country = table[table["level"] == "country"].set_index("key")
    lat = out["province"].map(province["lat"]).fillna(out["country"].map(country["lat"]))
    lon = out["province"].map(province["lon"]).fillna(out["country"].map(country["lon"]))
    out["place"] = out["province"].map(province["place"]).fillna(out["country"].map(country["place"]))
    rank = out.groupby([lat.round(2), lon.round(2)]).cumcount().to_numpy(float)
    angle = rank * 2.4
    out["lat"] = lat + 0.35 * np.sqrt(rank) * np.sin(angle)
    out["lon"] = lon + 0.35 * np.sqrt(rank) * np.cos(angle)
    return out.dropna(subset=["lat", "lon"])


def smelter_map(placed: pd.DataFrame, colour_by: str) -> go.Figure:
    """Smelters sized by capacity, coloured by power source or by a cost column, on longitude/latitude
    axes (equirectangular). Drawn without a base layer so that it works offline: plotly's geo maps
    fetch their coastlines from a CDN. Country codes are written at their capitals for orientation."""
    size = 6 + 30 * np.sqrt(placed["capacity_kt"].to_numpy(float) / max(placed["capacity_kt"].max(), 1.0))
    text = (placed["name"] + "<br>" + placed["owner"].astype(str) + "<br>"
            + placed["capacity_kt"].map("{:,.0f} kt/yr".format))
    fig = go.Figure()
    places = locations()
    countries = places[(places["level"] == "country") & places["key"].isin(set(placed["country"]))]
    fig.add_trace(go.Scatter(x=countries["lon"], y=countries["lat"] - 2.5, text=countries["key"], mode="text",
                             textfont={"color": "#888", "size": 10}, hoverinfo="skip", showlegend=False))
    if colour_by == "power_source":
        for source, rows in placed.groupby("power_source", sort=True):
            fig.add_trace(go.Scatter(x=rows["lon"], y=rows["lat"], text=text[rows.index], name=str(source),
                                     mode="markers", hoverinfo="text",
                                     marker={"size": size[placed.index.get_indexer(rows.index)],
                                             "color": POWER_COLOURS.get(str(source), "#999"),
                                             "line": {"width": 0.5, "color": "#fff"}, "opacity": 0.8}))
    else:
        fig.add_trace(go.Scatter(x=placed["lon"], y=placed["lat"], text=text, hoverinfo="text", mode="markers",
                                 marker={"size": size, "color": placed[colour_by], "colorscale": "RdYlGn_r",
                                         "colorbar": {"title": colour_by}, "line": {"width": 0.5, "color": "#fff"},
                                         "opacity": 0.85}, name=colour_by))
    style(fig, None, height=560)
    fig.update_xaxes(title_text="longitude, °", range=[-180, 180], dtick=30, zeroline=False)
    fig.update_yaxes(title_text="latitude, °", range=[-60, 80], dtick=20, scaleanchor="x", scaleratio=1,
                     zeroline=False)
    fig.update_layout(legend={"orientation": "h"}, hovermode="closest")
    return fig
