"""The report's figures as plain dicts are figures plotly itself would produce: its validation leaves
them unchanged, and the subplot grid is make_subplots' own."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots

from alusim.costs.curve import cost_curve, curve_statistics
from alusim.engine.simulate import simulate
from alusim.report import figures as F
from alusim.report import panels as P
from alusim.report.spec import FigureSpec, subplots_column, template
from alusim.report.stats import annual_dataset
from alusim.scenario.model import Scenario


@pytest.fixture(scope="module")
def results(dataset):
    base = simulate(Scenario(name="spec-a", start="2025-01", end="2027-12", paths=20, seed=5), dataset)
    other = simulate(Scenario.model_validate({"name": "spec-b", "start": "2025-01", "end": "2027-12", "paths": 20,
                                              "seed": 5, "events": [{"type": "demand_shock", "region": "WORLD",
                                                                     "pct": -0.1, "start": "2026-01"}]}), dataset)
    return base, other


def _json(figure_dict: dict, drop_empty: bool = False) -> object:
    out = json.loads(pio.to_json(figure_dict, validate=False))
    if drop_empty:   # ``title: {}`` (what update_layout(title=None) leaves) is absent after go.Figure(dict)
        out["layout"] = {k: v for k, v in out["layout"].items() if v != {}}
    return out


def _same_as_plotly(spec: FigureSpec) -> None:
    """plotly's validation (go.Figure) of the spec gives back the spec."""
    validated = go.Figure({"data": spec.data, "layout": spec.layout}).to_dict()
    assert _json(spec.to_dict(), drop_empty=True) == _json(validated, drop_empty=True)


def test_run_report_figures_are_plotly_figures(results, dataset):
    base, _ = results
    curve = cost_curve(dataset, region="CN", year=2025, basis="cash", currency="CNY")
    figures = [
        F.fan_chart(base, "price_lme_usd_t", "WORLD", "LME aluminium price", "USD/t").update_layout(height=400),
        F.fan_chart(base.summary("M"), "share_loss_making", "CN", "Loss-making", "%"),
        P.production_figure(base), P.inventory_figure(base), P.cost_p90_figure(base), P.margin_figure(base),
        P.emissions_figure(base, annual_dataset(base)),
        F.cost_curve_figure(curve, curve_statistics(curve, 19_000.0), 19_000.0, title="", price_label="SHFE"),
        F.cost_curve_figure(curve),
    ]
    for spec in figures:
        _same_as_plotly(spec)


def test_compare_figures_are_plotly_figures(results):
    for spec in (P.compare_figure(list(results), "margin_cny_t", "CN"),
                 P.difference_figure(list(results), "price_lme_usd_t", "WORLD")):
        _same_as_plotly(spec)


@pytest.mark.parametrize(("spacing", "secondary"), [(0.11, False), (0.11, True), (0.1, False)])
def test_subplot_grid_is_make_subplots(spacing, secondary):
    titles = ("top panel", "bottom panel")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=spacing, subplot_titles=titles,
                        specs=[[{}], [{"secondary_y": secondary}]])
    spec = subplots_column(2, spacing, titles=titles, secondary_y=(False, secondary))
    for row, secondary_y in ((1, None), (2, False)) + (((2, True),) if secondary else ()):
        trace = {"type": "scatter", "x": [1, 2], "y": [3, 4]}
        fig.add_trace(go.Scatter(x=[1, 2], y=[3, 4]), row=row, col=1, secondary_y=secondary_y)
        spec.add_trace(trace, row=row, col=1, secondary_y=secondary_y)
    fig.add_hline(y=0, line={"color": "#999", "width": 1}, row=1, col=1)
    spec.add_hline(y=0, line={"color": "#999", "width": 1}, row=1, col=1)
    for target in (fig, spec):
        target.update_annotations(font={"size": 13}, xanchor="left", x=0.0)
        target.update_yaxes(title_text="unit", row=2, col=1, secondary_y=False if secondary else None)
        target.update_layout(template="plotly_white", title=None, margin={"t": 118}, legend_y=1.1)
    assert _json(spec.to_dict()) == _json(fig.to_dict())


def test_template_is_plotlys():
    assert template("plotly_white") == go.Figure(layout={"template": "plotly_white"}).to_dict()["layout"]["template"]


def test_spec_html_is_plotly_html(results):
    spec = F.fan_chart(results[0], "price_lme_usd_t", "WORLD", "LME", "USD/t")
    kwargs = {"full_html": False, "include_plotlyjs": False, "div_id": "fig"}
    assert spec.to_html(**kwargs).count("Plotly.newPlot") == 1
    assert json.loads(spec.to_plotly().to_json()) == _json(spec.to_dict())


def test_to_dict_leaves_the_spec_as_it_was(results):
    import numpy as np

    spec = F.fan_chart(results[0], "price_lme_usd_t", "WORLD", "LME aluminium price", "USD/t")
    before = json.dumps({"data": spec.data, "layout": spec.layout}, default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v))
    arrays = [(v, v.flags.writeable) for t in spec.data for v in t.values() if isinstance(v, np.ndarray)]
    first, second = spec.to_dict(), spec.to_dict()
    assert first == second and isinstance(first["data"][0]["y"], dict)      # typed arrays in the output
    after = json.dumps({"data": spec.data, "layout": spec.layout},
                       default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v))
    assert after == before
    still = [v for t in spec.data for v in t.values() if isinstance(v, np.ndarray)]
    assert arrays and [id(v) for v, _ in arrays] == [id(v) for v in still]
    assert all(v.flags.writeable == writeable for v, writeable in arrays)
