"""The sweep report: index bars with their 95% intervals and inputs plotted against outputs, in one
self-contained HTML file (plotly.js inlined, opens offline), like the run and backtest reports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from alusim.report import figures as F
from alusim.report.html import Table, _base_context, _environment, _fig_html, _fmt, _write

SECTIONS = (("inputs", "Inputs and outputs"), ("indices", "Sensitivity indices"), ("scatter", "Inputs against outputs"),
            ("method", "Method"))
#: indices drawn as bars, by design: (index, label, colour)
BARS = {"sobol": (("S1", "first order S1", "#2f7fd1"), ("ST", "total ST", "#e8912d")),
        "morris": (("mu_star", "μ* (mean |elementary effect|)", "#2f7fd1"), ("sigma", "σ", "#e8912d")),
        "lhs": (("S1", "first order S1 (RBD-FAST)", "#2f7fd1"),)}
#: points drawn per scatter panel at most (an even thinning of the runs, so the file stays small)
MAX_POINTS = 1500


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def index_figure(indices: pd.DataFrame, output: str, design: str, names: list[str]) -> go.Figure:
    """Horizontal bars per input with error bars for the 95% interval, inputs ordered by the first index."""
    sub = indices[(indices["output"] == output) & indices["input_b"].isna()]
    first = BARS[design][0][0]
    order = sub[sub["index"] == first].set_index("input")["value"].reindex(names).fillna(0).sort_values().index
    fig = go.Figure()
    for index, label, colour in BARS[design]:
        rows = sub[sub["index"] == index].set_index("input").reindex(order)
        conf = rows["conf"].to_numpy(float)
        fig.add_bar(y=list(order), x=rows["value"], orientation="h", name=label, marker_color=colour,
                    error_x={"type": "data", "array": np.nan_to_num(conf), "visible": bool(np.isfinite(conf).any()),
                             "thickness": 1.2, "width": 3},
                    hovertemplate="%{y}: %{x:.3f}<extra>" + label + "</extra>")
    fig.update_layout(barmode="group", hovermode="closest")
    fig.update_xaxes(title_text="index (95% interval)" if design != "morris" else f"effect on {output}")
    return F.style(fig, output, height=140 + 38 * len(names))


def scatter_figure(results: pd.DataFrame, output: str, names: list[str]) -> go.Figure:
    """One small panel per input: each run's input value against the output."""
    step = max(1, int(np.ceil(len(results) / MAX_POINTS)))
    shown = results.iloc[::step]
    cols = min(4, len(names))
    rows = int(np.ceil(len(names) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names, horizontal_spacing=0.06, vertical_spacing=0.12)
    for k, name in enumerate(names):
        fig.add_trace(go.Scattergl(x=shown[name], y=shown[output], mode="markers", showlegend=False,
                                   marker={"size": 4, "color": "#2f7fd1", "opacity": 0.5},
                                   hovertemplate=f"{name} %{{x:.4g}}<br>{output} %{{y:,.4g}}<extra></extra>"),
                      row=k // cols + 1, col=k % cols + 1)
    fig.update_annotations(font_size=10)
    F.style(fig, output, height=80 + 220 * rows)
    fig.update_layout(hovermode="closest")
    return fig


def indices_table(indices: pd.DataFrame) -> Table:
    t = Table(columns=[("Output", ""), ("Input", ""), ("Index", ""), ("Value", "num"), ("± 95%", "num")])
    first = indices[indices["input_b"].isna()]
    for row in first.itertuples():
        t.add([(row.output, ""), (row.input, ""), (row.index, ""), (_fmt(row.value, ".3f"), "num"),
               (_fmt(row.conf, ".3f"), "num")])
    second = indices[indices["input_b"].notna()]
    strong = second[second["value"] - second["conf"] > 0].sort_values("value", ascending=False).head(20)
    for row in strong.itertuples():
        t.add([(row.output, ""), (f"{row.input} × {row.input_b}", ""), ("S2", ""), (_fmt(row.value, ".3f"), "num"),
               (_fmt(row.conf, ".3f"), "num")])
    return t


def write_sweep_report(plan: dict, results: pd.DataFrame, indices: pd.DataFrame, notes: list[str],
                       path: str | Path) -> Path:
    """Write the report of a finished sweep to ``path`` (atomically)."""
    names = [i["name"] for i in plan["inputs"]]
    design = plan["design"]
    inputs = Table(columns=[("Input", ""), ("Kind", ""), ("Low", "num"), ("High", "num")])
    for item in plan["inputs"]:
        inputs.add([(item["name"], ""), (item["kind"], ""), (_fmt(item["low"], ",.6g"), "num"),
                    (_fmt(item["high"], ",.6g"), "num")])
    outputs = plan["outputs"]
    index_figs = [_fig_html(index_figure(indices, o, design, names), f"idx-{k}") for k, o in enumerate(outputs)
                  if (indices["output"] == o).any()]
    scatter_figs = [_fig_html(scatter_figure(results, o, names), f"sc-{k}") for k, o in enumerate(outputs)]
    stats = plan.get("stats") or {}
    meta = [("Scenario", plan["scenario"]), ("Design", design), ("N", plan["n"]), ("Runs", f"{plan['runs']:,}"),
            ("Paths per run", plan["paths"]), ("Period", f"{plan['start']} … {plan['end']}"), ("Seed", plan["seed"])]
    if stats.get("runs_per_s"):
        meta.append(("Runs per second", f"{stats['runs_per_s']:.1f}"))
    context = _base_context(
        f"alusim sweep {plan['scenario']}", f"Sweep of {plan['scenario']}: {_count(len(names), 'input')}, {plan['runs']:,} runs",
        f"Global sensitivity ({design}) of {_count(len(outputs), 'output')} to {_count(len(names), 'uncertain input')}.",
        meta, SECTIONS)
    context.update(
        inputs_table=inputs, notes=notes, index_figs=index_figs, indices_table=indices_table(indices),
        scatter_figs=scatter_figs,
        inputs_note=("Each input is drawn uniformly between its low and high value. Outputs: "
                     + ", ".join(outputs) + " — the median over each run's paths unless a ~statistic is given."),
        indices_note={"sobol": "S1: share of the output's variance due to the input alone; ST: including all its "
                               "interactions. Error bars: bootstrap 95% intervals. Second-order indices whose interval "
                               "excludes zero are listed under the table's S2 rows.",
                      "morris": "μ*: mean absolute elementary effect, in the output's unit (error bars: bootstrap "
                                "95% interval); σ: their spread — large σ against μ* means interactions or curvature.",
                      "lhs": "First-order indices by RBD-FAST with bootstrap 95% intervals."}[design],
        scatter_note=(f"Every run's input value against the output ({'all runs' if len(results) <= MAX_POINTS else f'every {int(np.ceil(len(results) / MAX_POINTS))}th run'})."),
        method=[f"Design and analysis by SALib ({design}); sampling seed {plan['seed']}.",
                f"Every run uses the scenario's seed ({plan['paths']} paths), so runs differ only by their inputs "
                "(common random numbers).",
                "Samples and outputs: results.parquet in the sweep folder (query with DuckDB); indices: indices.parquet."])
    html = _environment().get_template("sweep.html").render(**context)
    return _write(path, html)


def trajectory_figure(discovery) -> go.Figure:
    """Coverage against density along PRIM's peeling trajectory, coloured by restricted inputs."""
    t = discovery.trajectory
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=t["coverage"], y=t["density"], mode="markers+lines", name="peeling trajectory",
                             line={"color": "#bbb", "width": 1},
                             marker={"size": 8, "color": t["res_dim"], "colorscale": "Viridis", "showscale": True,
                                     "colorbar": {"title": {"text": "restricted<br>inputs"}}},
                             customdata=np.stack([t["step"], t["mass"], t["res_dim"]], axis=1),
                             hovertemplate="step %{customdata[0]}: coverage %{x:.2f}, density %{y:.2f}, "
                                           "mass %{customdata[1]:.3f}, %{customdata[2]} inputs<extra></extra>"))
    pick = t.iloc[discovery.chosen]
    fig.add_trace(go.Scatter(x=[pick["coverage"]], y=[pick["density"]], mode="markers", name="chosen box",
                             marker={"size": 16, "symbol": "circle-open", "color": "#c0392b", "line": {"width": 2}},
                             hoverinfo="skip"))
    fig.update_xaxes(title_text="coverage", range=[0, 1.02])
    fig.update_yaxes(title_text="density", range=[0, 1.02])
    F.style(fig, f"Peeling trajectory: {discovery.condition.text()}", height=460)
    fig.update_layout(hovermode="closest")
    return fig


def write_discovery_report(plan: dict, discovery, path: str | Path) -> Path:
    """Write the scenario-discovery report (box limits and peeling trajectory) to ``path``."""
    box = Table(columns=[("Input", ""), ("Box min", "num"), ("Box max", "num"), ("Sweep low", "num"),
                         ("Sweep high", "num"), ("Quasi-p", "num")])
    for row in discovery.limits.itertuples():
        box.add([(row.input, ""), (_fmt(row.min, ",.4g"), "num"), (_fmt(row.max, ",.4g"), "num"),
                 (_fmt(row.low, ",.4g"), "num"), (_fmt(row.high, ",.4g"), "num"), (f"{row.qp:.2g}", "num")])
    pick = discovery.trajectory.iloc[discovery.chosen]
    meta = [("Sweep", plan["scenario"]), ("Runs", f"{discovery.runs:,}"), ("Cases of interest", f"{discovery.cases:,}"),
            ("Coverage", f"{pick['coverage']:.0%}"), ("Density", f"{pick['density']:.0%}"),
            ("Mass", f"{pick['mass']:.1%}")]
    context = _base_context(f"alusim discover {discovery.condition.text()}",
                            f"Scenario discovery: {discovery.condition.text()}",
                            "The box of inputs in which the runs of interest concentrate (PRIM).", meta,
                            (("box", "Box"), ("trajectory", "Peeling trajectory"), ("method", "Method")))
    context.update(
        box_table=box, figs=[_fig_html(trajectory_figure(discovery), "peeling-figure")],
        box_note=(f"{discovery.cases:,} of {discovery.runs:,} runs meet the condition. Inside the box "
                  f"({_count(int(pick['res_dim']), 'input')} restricted, the others free) {pick['density']:.0%} of the runs meet it, "
                  f"and the box holds {pick['coverage']:.0%} of all runs that meet it. Quasi-p: the chance of a "
                  "restriction that strong arising at random (small is meaningful)."),
        trajectory_note=("Each point is a box along PRIM's peeling: moving right keeps more of the cases of interest "
                         "(coverage), moving up makes the box purer (density). The circled box is the one reported."),
        method=["PRIM (Friedman & Fisher 1999) by the standalone prim package (peel α 0.05, minimum mass 5%).",
                "Chosen box: the highest coverage among the boxes whose density reaches the --min-density "
                "threshold, else the densest.", "Inputs and outputs: results.parquet of the sweep."])
    html = _environment().get_template("discovery.html").render(**context)
    return _write(path, html)
