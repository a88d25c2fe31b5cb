"""Reports: self-contained HTML, balance tables, paired differences and cost-curve figures.

Uses the session ``dataset`` fixture of ``tests/conftest.py``."""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from alusim.costs.curve import cost_curve, curve_statistics
from alusim.engine.simulate import simulate
from alusim.errors import InputError
from alusim.report import (
    balance_table,
    cost_curve_figure,
    fan_chart,
    paired_differences,
    write_compare_report,
    write_run_report,
)
from alusim.report.html import COMPARE_SECTIONS, RUN_SECTIONS
from alusim.scenario.model import Scenario

PATHS = 30
SHOCK = [{"type": "demand_shock", "region": "WORLD", "pct": -0.2, "start": "2026-01", "source": "test shock"}]
# an external resource: a script, stylesheet, image or frame loaded over the network
EXTERNAL = re.compile(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*[\"']?"
                      r"(?:https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def base(dataset):
    scenario = Scenario(name="report-base", description="Baseline <for> the report test", start="2025-01",
                        end="2029-12", paths=PATHS, seed=11)
    return simulate(scenario, dataset)


@pytest.fixture(scope="module")
def shock(dataset):
    scenario = Scenario.model_validate({"name": "report-shock", "start": "2025-01", "end": "2029-12",
                                        "paths": PATHS, "seed": 11, "events": SHOCK})
    return simulate(scenario, dataset)


@pytest.fixture(scope="module")
def run_html(base, dataset, tmp_path_factory):
    path = write_run_report(base, tmp_path_factory.mktemp("run") / "out" / "report.html", dataset=dataset)
    return path, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compare_html(base, shock, dataset, tmp_path_factory):
    path = write_compare_report([base, shock], tmp_path_factory.mktemp("cmp") / "compare.html", dataset=dataset)
    return path, path.read_text(encoding="utf-8")


def _plotly_copies(html: str) -> int:
    banner = re.search(r"plotly\.js v\d+\.\d+\.\d+", get_plotlyjs()).group(0)
    return html.count(banner)


def _check_self_contained(html: str) -> None:
    assert _plotly_copies(html) == 1
    assert html.count(get_plotlyjs()) == 1
    # the bundle sits in a <script> in the head
    head = html[: html.index("</head>")]
    assert "<script" in head and get_plotlyjs()[:200] in head
    rest = html.replace(get_plotlyjs(), "")
    assert not EXTERNAL.search(rest), EXTERNAL.search(rest).group(0)
    assert not re.search(r"@import|url\(\s*[\"']?(?:https?:)?//", rest)
    assert "cdn.plot.ly" not in rest


def test_run_report_is_self_contained(run_html):
    path, html = run_html
    assert path.exists() and path.name == "report.html"
    assert not list(path.parent.glob(".*.tmp"))
    _check_self_contained(html)


def test_run_report_content(run_html, base):
    _, html = run_html
    assert "report-base" in html
    assert "Baseline &lt;for&gt; the report test" in html  # autoescaped
    for _, heading in RUN_SECTIONS:
        assert f">{heading}</h2>" in html, heading
    for year in ("2025", "2029"):
        assert f"{year} median" in html
    assert "China cash-cost curve, 2025" in html and "China cash-cost curve, 2029" in html
    assert html.count('class="plotly-graph-div"') >= 9
    for note in base.notes:
        assert note.split(":")[0] in html


def test_run_report_lists_events(shock, dataset, tmp_path):
    html = write_run_report(shock, tmp_path / "shock.html", dataset=dataset).read_text(encoding="utf-8")
    assert "demand_shock" in html and "2026-01" in html and "test shock" in html


def test_compare_report(compare_html):
    path, html = compare_html
    assert path.exists()
    _check_self_contained(html)
    assert "report-base" in html and "report-shock" in html
    for _, heading in COMPARE_SECTIONS:
        assert f">{heading}</h2>" in html, heading
    assert "report-shock − report-base" in html
    assert "Not available" not in html


def test_compare_report_unpaired_runs_say_so(base, dataset, tmp_path):
    short = simulate(Scenario(name="short", start="2025-01", end="2026-12", paths=PATHS, seed=11), dataset)
    html = write_compare_report([base, short], tmp_path / "c.html", dataset=dataset).read_text(encoding="utf-8")
    assert "Not available" in html


def test_balance_table(base):
    table = balance_table(base)
    assert list(table.index) == [2025, 2026, 2027, 2028, 2029]
    values = table.to_numpy(float)
    assert np.isfinite(values).all()
    assert {"China", "RoW", "World"} == set(table.columns.get_level_values(0))
    assert ("China", "Net exports") in table.columns and ("RoW", "End inventory") in table.columns
    # China's primary output is tens of Mt a year, in kt
    assert (table[("China", "Primary production")] > 30_000).all()
    # tonnages in whole kt; stock days keep their decimals, as the headline shows them
    tonnages = [c for c in table.columns if c[1] != "Stock days"]
    assert table[tonnages].dtypes.map(lambda d: np.issubdtype(d, np.integer)).all()
    assert table.xs("Stock days", axis=1, level="item").dtypes.map(lambda d: np.issubdtype(d, np.floating)).all()


def test_paired_differences_of_a_run_with_itself_are_zero(base):
    diffs = paired_differences(base, base, ["price_lme_usd_t", "production_kt", ("share_loss_making", "CN")])
    assert list(diffs.columns) == ["variable", "region", "year", "diff_p05", "diff_p50", "diff_p95", "a_p50",
                                   "b_p50"]
    assert set(diffs["variable"]) == {"price_lme_usd_t", "production_kt", "share_loss_making"}
    assert (diffs[["diff_p05", "diff_p50", "diff_p95"]].to_numpy() == 0).all()
    assert np.allclose(diffs["a_p50"], diffs["b_p50"])
    # a name expands to the regions with data: LME has no China series
    assert set(diffs.loc[diffs["variable"] == "price_lme_usd_t", "region"]) == {"ROW", "WORLD"}


def test_paired_differences_of_a_demand_shock(base, shock):
    diffs = paired_differences(base, shock, [("price_lme_usd_t", "WORLD"), ("demand_kt", "WORLD")])
    lme = diffs[diffs["variable"] == "price_lme_usd_t"].set_index("year")
    demand = diffs[diffs["variable"] == "demand_kt"].set_index("year")
    assert lme.loc[2025, "diff_p50"] == 0 and demand.loc[2025, "diff_p50"] == 0  # identical before the shock
    # B − A, not A − B: a 20% cut in demand lowers demand in every later year and the price in the first year
    assert (demand.loc[2026:, "diff_p95"] < 0).all()
    assert lme.loc[2026, "diff_p50"] < 0 and lme.loc[2026, "b_p50"] < lme.loc[2026, "a_p50"]
    for frame in (lme, demand):
        assert (frame["diff_p05"] <= frame["diff_p50"]).all() and (frame["diff_p50"] <= frame["diff_p95"]).all()


def test_paired_differences_need_equal_paths_and_months(base, dataset):
    other = simulate(Scenario(name="fewer", start="2025-01", end="2029-12", paths=PATHS - 5, seed=11), dataset)
    with pytest.raises(InputError) as info:
        paired_differences(base, other, ["price_lme_usd_t"])
    assert "\n" not in str(info.value) and "paths" in str(info.value)


def test_cost_curve_figure(dataset):
    curve = cost_curve(dataset, region="CN", year=2025)
    stats = curve_statistics(curve, 19_000.0)
    fig = cost_curve_figure(curve, stats, price=19_000.0).to_plotly()
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    assert len(bars) == curve["power_source"].nunique() == len(fig.data)
    assert sum(len(b.x) for b in bars) == len(curve)
    assert np.isclose(sum(np.sum(b.width) for b in bars), curve["capacity_kt"].sum())
    assert "CNY/t" in fig.layout.yaxis.title.text and "kt/yr" in fig.layout.xaxis.title.text
    texts = " ".join(a.text for a in fig.layout.annotations)
    for label in ("p25", "p50", "p75", "p90", "19,000"):
        assert label in texts
    usd = cost_curve_figure(cost_curve(dataset, region="WORLD", year=2025, currency="USD")).to_plotly()
    assert "USD/t" in usd.layout.yaxis.title.text


def test_fan_chart(base):
    fig = fan_chart(base, "price_lme_usd_t", "WORLD", "LME", "USD/t").to_plotly()
    filled = [t for t in fig.data if getattr(t, "fill", None) == "tonexty"]
    assert len(filled) == 2  # p05–p95 and p25–p75
    median = next(t for t in fig.data if t.name and t.name.startswith("Median"))
    expected = np.median(base.data["price_lme_usd_t"].sel(region="WORLD").to_numpy(), axis=0)
    assert np.allclose(np.asarray(median.y, float), expected)
    assert any("start" in a.text for a in fig.layout.annotations)
    summary_fig = fan_chart(base.summary("M"), "share_loss_making", "CN", "Loss-making", "%").to_plotly()
    assert len([t for t in summary_fig.data if getattr(t, "fill", None) == "tonexty"]) == 1
    assert max(np.nanmax(np.asarray(t.y, float)) for t in summary_fig.data if t.y is not None and len(t.y) > 1) > 1
