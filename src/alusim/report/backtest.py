"""The backtest report: simulated fans against the record, the scores and the targets, one
self-contained HTML file (plotly.js inlined, opens offline)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from alusim.report import figures as F
from alusim.report.backtest_regions import regional_table
from alusim.report.html import Table, _base_context, _environment, _events, _fig_html, _write

SECTIONS = (("scores", "Scores"), ("fans", "Simulated against actual"), ("events", "Event record"),
            ("method", "Method and sources"))
SCORE_COLUMNS = (("mape_in_sample", "MAPE in sample"), ("mape_out_of_sample", "MAPE out of sample"),
                 ("naive_mape_out_of_sample", "naive MAPE out of sample"), ("coverage_p05_p95", "p05–p95 coverage"),
                 ("coverage_in_sample", "coverage in"), ("coverage_out_of_sample", "coverage out"))
COLOURS = {"china_production": F.REGION_COLOURS["CN"], "world_production": F.REGION_COLOURS["WORLD"],
           "lme_annual": F.REGION_COLOURS["ROW"], "shfe_annual": F.REGION_COLOURS["CN"],
           "china_net_exports": "#8e44ad"}


def _pct(value) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{100 * value:.1f}%"


def score_table(metrics: dict) -> Table:
    t = Table(columns=[("Series", ""), ("Years", "num")] + [(label, "num") for _, label in SCORE_COLUMNS]
              + [("Naive baseline", "")])
    for key, m in metrics.items():
        if not isinstance(m, dict) or "mape_in_sample" not in m or key == "lme_monthly":
            continue
        scored = m["years_scored"] if "years_scored" in m else f"{m.get('months_scored', 0)} months"
        naive = m["naive"].replace("_", " ") if "naive" in m else (
            f"monthly; WAPE in {_pct(m.get('wape_in_sample'))}, out {_pct(m.get('wape_out_of_sample'))}"
            if "wape_in_sample" in m else "–")
        t.add([(f"{m['label']} ({m['unit']})", ""), (scored, "num")]
              + [(_pct(m.get(k)), "num") for k, _ in SCORE_COLUMNS] + [(naive, "")])
    monthly = metrics.get("lme_monthly")
    if monthly:
        t.add([("LME monthly average (USD/t)", ""), (monthly["months_scored"], "num"),
               (_pct(monthly["mape_in_sample"]), "num"), (_pct(monthly["mape_out_of_sample"]), "num"), ("–", "num"),
               (_pct(monthly["coverage_p05_p95"]), "num"), ("–", "num"), ("–", "num"),
               (f"direction of monthly moves right {_pct(monthly['direction_hit_rate'])} "
                f"(in {_pct(monthly['direction_hit_rate_in_sample'])}, "
                f"out {_pct(monthly['direction_hit_rate_out_of_sample'])})", "")])
    return t


def target_table(metrics: dict) -> Table:
    t = Table(columns=[("Target", ""), ("Measured", "num"), ("Met", "")])
    for name, check in metrics.get("targets", {}).items():
        met = "–" if check["met"] is None else ("yes" if check["met"] else "no")
        t.add([(name, ""), (_pct(check["value"]) if check["value"] is not None else "–", "num"), (met, "")])
    return t


def annual_figure(key: str, bands: pd.DataFrame, actual: pd.Series, label: str, unit: str, split: int) -> go.Figure:
    fig = go.Figure()
    F.add_bands(fig, bands, "simulated (median, p05–p95)", COLOURS.get(key, "#2471a3"), inner=False)
    years = [y for y in bands.index if y in actual.index]
    fig.add_trace(go.Scatter(x=years, y=[actual.loc[y] for y in years], mode="markers+lines", name="actual",
                             marker={"color": "#111", "size": 7}, line={"color": "#111", "width": 1, "dash": "dot"},
                             hovertemplate="actual %{y:,.0f}<extra></extra>"))
    fig.add_vline(x=split + 0.5, line={"color": "#888", "dash": "dot"})
    fig.update_yaxes(title_text=unit)
    fig.update_xaxes(dtick=1)
    return F.style(fig, label, height=380)


def monthly_figure(bands: pd.DataFrame, actual: pd.Series | None, split: int, *,
                   title: str = "LME aluminium, monthly", unit: str = "USD/t", what: str = "LME",
                   source: str = "World Bank", colour: str = COLOURS["lme_annual"]) -> go.Figure:
    fig = go.Figure()
    frame = bands.copy()
    frame.index = frame.index.to_timestamp()
    F.add_bands(fig, frame, f"simulated {what} (median, p05–p95)", colour, inner=False)
    if actual is not None:
        # recorded months as points, joined only month to month: a month no source published stays a gap
        act = actual.reindex(bands.index)
        fig.add_trace(go.Scatter(x=act.index.to_timestamp(), y=act.values, mode="lines+markers", connectgaps=False,
                                 name=f"actual ({source})", marker={"size": 4},
                                 line={"color": "#111", "width": 1.6}, hovertemplate="actual %{y:,.0f}<extra></extra>"))
    fig.add_vline(x=pd.Timestamp(f"{split + 1}-01-01").timestamp() * 1000, line={"color": "#888", "dash": "dot"})
    fig.update_yaxes(title_text=unit)
    return F.style(fig, title, height=420)


#: monthly series drawn against the monthly record (history_monthly.csv): variable, region, title, unit
RECORDED_MONTHLY = (("production_kt", "CN", "China primary output, monthly", "kt"),
                    ("price_shfe_cny_t", "CN", "SHFE aluminium, monthly", "CNY/t"),
                    ("inventory_kt", "CN", "China social inventory, month end", "kt"))


def recorded_monthly(cube, variable: str, region: str, index: pd.PeriodIndex) -> pd.Series | None:
    """The monthly record of a variable as a series on the backtest's months (None when absent)."""
    if cube is None or cube.size == 0 or variable not in cube["variable"].values or region not in cube["region"].values:
        return None
    series = cube.sel(variable=variable, region=region).to_series().dropna()
    series.index = pd.PeriodIndex(series.index, freq="M")
    series = series.reindex(index)
    return series if series.notna().any() else None


def seed_table(metrics: dict) -> Table:
    """The seeds' statements checked in the replay (:mod:`alusim.history.seed_checks`)."""
    t = Table(columns=[("Seed", ""), ("Months", ""), ("Statement", ""), ("Simulated", "num"), ("Bar", ""), ("Met", "")])
    for check in metrics.get("seed_checks", []):
        t.add([(check["seed"], ""), (check["months"], ""), (check["statement"], ""),
               (f"{check['value']:,.1f} {check['unit']}", "num"), (check["bar"], ""),
               ("yes" if check["met"] else "no", "")])
    return t


def write_backtest_report(backtest, path: str | Path, *, split: int, record_name: str) -> Path:
    """Write the backtest report to ``path`` (atomically)."""
    from alusim.history.actuals import SERIES

    metrics = backtest.metrics
    annual_figs = []
    for i, (key, (_, _, _, _, label, unit)) in enumerate(SERIES.items()):
        actual = backtest.actuals.annual[key]
        if key not in metrics:
            continue
        annual_figs.append(_fig_html(annual_figure(key, backtest.bands[key], actual, label, unit, split), f"annual-{i}"))
    monthly_figs = [_fig_html(monthly_figure(backtest.lme_monthly_bands, backtest.actuals.lme_monthly, split),
                              "lme-monthly")]
    from alusim.history.backtest import monthly_bands

    for j, (variable, region, title, unit) in enumerate(RECORDED_MONTHLY):
        bands = monthly_bands(backtest.result, variable, region)
        actual = recorded_monthly(backtest.actuals.history, variable, region, bands.index)
        monthly_figs.append(_fig_html(monthly_figure(bands, actual, split, title=title, unit=unit, what=title.split(",")[0],
                                                     source="history_monthly.csv", colour="#2471a3"),
                                      f"recorded-monthly-{j}"))
    scenario = backtest.result.scenario
    window = metrics["window"]
    meta = [("Window", f"{scenario.start} … {scenario.end}"), ("In sample", "–" if not window["in_sample"] else
            f"{window['in_sample'][0]}–{window['in_sample'][1]}"),
            ("Out of sample", "–" if not window["out_of_sample"] else
             f"{window['out_of_sample'][0]}–{window['out_of_sample'][1]}"),
            ("Paths", f"{scenario.paths:,}"), ("Seed", scenario.seed),
            ("LME monthly", backtest.actuals.lme_monthly_source.split(" (")[0])]
    met = [c["met"] for c in metrics.get("targets", {}).values() if c["met"] is not None]
    context = _base_context(
        f"alusim backtest {scenario.start}–{scenario.end}", f"Backtest {scenario.start[:4]}–{scenario.end[:4]}",
        f"{record_name}: the dated event record replayed from the asset state of {scenario.start}, "
        f"simulated against what happened. {sum(met)} of {len(met)} scored targets met.", meta, SECTIONS)
    context.update(
        scores=score_table(metrics), target_table=target_table(metrics), regional_table=regional_table(metrics), seed_table=seed_table(metrics),
        annual_figs=annual_figs,
        monthly_figs=monthly_figs, events=_events(scenario), notes=backtest.notes,
        scoring_note=("Errors are mean absolute percentage errors of the median path against the record; coverage "
                      "is the share of recorded values inside the simulated p05–p95 band. Naive baselines are "
                      "forecasts made at the end of the in-sample years: no change for prices and trade, a "
                      "straight line through the in-sample years for output."),
        method=[
            "One free simulation from the first month: nothing is reset at the end of the in-sample years.",
            "Conditional on the recorded exogenous inputs: alumina, anode and coal prices and CNY/USD follow their "
            "recorded annual averages (history_annual.csv); demand follows the recorded activity drivers "
            "(drivers.csv) with elasticities fitted on the in-sample years only; recycled supply comes from the "
            "stock model of metal in use, its collection factor fitted on the in-sample years, with China's "
            "recorded scrap imports; plant decisions, output, stocks, trade and metal prices are the engine's.",
            "Asset state of the first month rebuilt from today's plant tables, smelters_retired.csv and "
            "capacity_history.csv; later capacity changes enter in their months, policy closures through "
            "the event record.",
            "Annual actuals from history_monthly.csv and history_annual.csv (one public source per row; China's "
            "output on IAI's basis throughout); monthly actuals from history_monthly.csv where published, gaps "
            "left open; LME monthly from " + backtest.actuals.lme_monthly_source + ".",
            f"Behavioural parameters: {metrics.get('parameters_source', 'the dataset defaults')}.",
            "Simulated annual values: flows summed over the year, prices averaged, per path; then percentiles "
            "over paths.",
            "Regional figures (issue 11): output by IAI region sums the reporting plants of each region on the main "
            "replay (countries IAI counts as unreported left out); the premiums and corridors come from a second "
            "replay of the same record with the regions as markets (market.regions_enabled 1) and the trade "
            "measures between regions, which the main replay leaves out."])
    html = _environment().get_template("backtest.html").render(**context)
    return _write(path, html)


__all__ = ["write_backtest_report"]
