"""The run report and the cost-curve page as a person sees them in Chromium."""

from __future__ import annotations

import pytest

from alusim.cli import main

pytestmark = pytest.mark.e2e


def open_page(browser, url, external):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: external.append(req.url) if not req.url.startswith(("http://127.0.0.1",
                                                                                      "data:", "blob:")) else None)
    page.goto(url)
    return page, errors


def test_run_report_renders_charts_offline(browser, served, tmp_path, monkeypatch):
    root, base = served
    monkeypatch.setenv("ALUSIM_STORE", str(tmp_path / "store"))
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: browser-check\nend: 2027-12\npaths: 30\n")
    assert main(["run", str(scenario), "--out", str(root / "run"), "--no-store"]) == 0
    external: list[str] = []
    page, errors = open_page(browser, f"{base}/run/report.html", external)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    charts = page.locator(".js-plotly-plot")
    assert charts.count() >= 8
    text = page.inner_text("body")
    for heading in ("LME", "SHFE", "balance", "cost curve", "Emissions", "sources"):
        assert heading.lower() in text.lower(), heading
    assert "browser-check" in text
    # every chart has drawn traces, not an empty frame
    drawn = page.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => (d.data || []).length)")
    assert min(drawn) >= 1
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert errors == [] and external == []
    page.close()


def test_cost_curve_page_hover_shows_plant(browser, served):
    root, base = served
    assert main(["costcurve", "--region", "CN", "--price", "20000", "--out", str(root / "curve.html")]) == 0
    external: list[str] = []
    page, errors = open_page(browser, f"{base}/curve.html", external)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    traces = page.evaluate("document.querySelector('.js-plotly-plot').data.map(t => t.name)")
    names = {(name or "").lower() for name in traces}
    assert {"captive coal", "hydro", "grid"} <= names
    # hover over a plant's bar, as a user would, through Plotly's own hover handler
    page.evaluate("() => { const gd = document.querySelector('.js-plotly-plot'); "
                  "Plotly.Fx.hover(gd, [{curveNumber: 0, pointNumber: 3}]); }")
    page.wait_for_selector(".hoverlayer .hovertext", timeout=10_000)
    hover = page.evaluate("document.querySelector('.hoverlayer').textContent")
    assert "CNY" in hover or "kt" in hover, hover
    assert errors == [] and external == []
    page.close()


def test_backtest_report_shows_simulated_against_actual(browser, served):
    root, base = served
    assert main(["backtest", "--from", "2015", "--to", "2018", "--split", "2016", "--paths", "20",
                 "--out", str(root / "bt")]) == 0
    external: list[str] = []
    page, errors = open_page(browser, f"{base}/bt/report.html", external)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert page.locator(".js-plotly-plot").count() >= 4
    names = page.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot'))"
                          ".map(d => (d.data || []).map(t => t.name || ''))")
    # every annual chart carries the simulated band and the recorded values
    assert all(any("actual" in n for n in chart) and any("simulated" in n for n in chart) for chart in names[:3])
    text = page.inner_text("body").lower()
    for phrase in ("mape in sample", "p05–p95 coverage", "targets", "event record", "close_noncompliant"):
        assert phrase in text, phrase
    assert errors == [] and external == []
    page.close()
