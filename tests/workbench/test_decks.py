"""Outputs for decks: one value per figure in a report, Excel workbooks with units, cost curves whose
components add up, re-rendered runs, compare by years and quarters, the tornado."""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import openpyxl
import pandas as pd
import pytest

from alusim.cli import main
from alusim.costs import cost_curve
from alusim.engine.simulate import simulate
from alusim.report.definitions import HEADLINE, figure_table
from alusim.report.excel import unit_of, with_units
from alusim.report.tornado import tornado, tornado_height
from alusim.scenario import load_scenario


@pytest.fixture(scope="module")
def result(dataset):
    scenario = load_scenario("seeds/004").model_copy(update={"paths": 30, "end": "2027-12"})
    return simulate(scenario, dataset)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("ALUSIM_STORE", str(tmp_path / "store"))
    return tmp_path / "store"


def figures_in(html: str) -> dict[str, set[str]]:
    """Every ``data-figure`` id in a report with the texts it carries."""
    found: dict[str, set[str]] = defaultdict(set)
    for figure, text in re.findall(r'data-figure="([^"]+)">([^<]*)<', html):
        found[figure].add(text.strip())
    return found


def test_each_figure_carries_one_value_everywhere_in_the_report(result, dataset, tmp_path):
    path = result.report(tmp_path / "r.html", dataset)
    html = path.read_text()
    found = figures_in(html)
    # stock days appear in the headline and the balance table, the share losing money in the headline
    # and the cost-curve tables: the same id, the same text
    stock = [f for f in found if f.startswith("stock_days.CN.")]
    loss = [f for f in found if f.startswith("share_loss_making.CN.")]
    assert stock and loss
    assert html.count('data-figure="stock_days.CN.2025.p50"') == 2
    assert html.count('data-figure="share_loss_making.CN.2025.p50"') == 2
    for figure, texts in found.items():
        assert len(texts) == 1, f"{figure} reads {sorted(texts)}"
    # and the value is the one definition's: year-end stock days, median over paths
    table = figure_table(result)
    row = table[(table["figure"] == "China stock days, year-end") & (table["year"] == 2025)].iloc[0]
    assert found["stock_days.CN.2025.p50"] == {f"{row.p50:,.1f}"}
    year_end = result.data["stock_days"].sel(region="CN").transpose("path", "month").to_numpy()[:, 11]
    assert row.p50 == pytest.approx(np.median(year_end))


def test_every_headline_label_states_its_period():
    for d in HEADLINE:
        assert d.label.endswith(("annual average", "annual total", "year-end"))


def test_workbook_has_one_sheet_per_table_with_units(result, dataset, tmp_path):
    path = result.report(tmp_path / "deck.xlsx", dataset)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["headline", "balance", "summary_annual", "summary_monthly", "assets"]
    annual = [c.value for c in book["summary_annual"][1]]
    assert annual[:2] == ["variable", "unit"]
    rows = {r[0]: r[1] for r in book["summary_annual"].iter_rows(min_row=2, values_only=True)}
    assert rows["price_lme_usd_t"] == "USD/t" and rows["production_kt"] == "kt/year"
    assert rows["stock_days"] == "days" and rows["co2_t_per_t"] == "t CO2e/t"
    assets = [c.value for c in book["assets"][1]]
    assert "capacity_kt (kt/yr)" in assets and "production_p50_kt (kt/year)" in assets
    with pytest.raises(Exception, match="unsupported file type"):
        result.report(tmp_path / "deck.pdf", dataset)


def test_units_follow_the_naming_convention():
    assert unit_of("price_shfe_cny_t") == "CNY/t"
    assert unit_of("production_kt", "month") == "kt/month"
    assert unit_of("inventory_kt", "year") == "kt"
    assert unit_of("share_loss_making") == "fraction of operating capacity"
    frame = with_units(pd.DataFrame({"capacity_kt": [1.0], "name": ["a"]}))
    assert list(frame.columns) == ["capacity_kt (kt/yr)", "name"]
    assert list(with_units(frame).columns) == list(frame.columns)          # idempotent


@pytest.mark.parametrize("basis", ["cash", "full"])
def test_cost_curve_components_add_up_to_the_total(dataset, basis):
    curve = cost_curve(dataset, region="WORLD", year=2025, basis=basis, currency="USD")
    parts = [c for c in curve.columns if c.endswith("_usd_t") and not c.startswith(basis)]
    assert ("sustaining_usd_t" in parts) == (basis == "full")
    total = curve[f"{basis}_cost_usd_t"]
    assert np.allclose(curve[parts].sum(axis=1), total, atol=0.051)


def test_costcurve_writes_a_workbook(tmp_path):
    out = tmp_path / "cn.xlsx"
    assert main(["costcurve", "--region", "CN", "--basis", "full", "--price", "18000", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["cost_curve", "statistics"]
    headers = [c.value for c in book["cost_curve"][1]]
    assert "sustaining_cny_t (CNY/t)" in headers and "full_cost_cny_t (CNY/t)" in headers
    stats = [c.value for c in book["statistics"][1]]
    assert "p90_cny_t (CNY/t)" in stats and "share_loss_making (fraction of operating capacity)" in stats


def test_report_re_renders_a_stored_run(store, tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: short\nend: 2026-12\npaths: 12\n")
    assert main(["run", str(scenario), "--out", str(tmp_path / "run")]) == 0
    capsys.readouterr()
    assert main(["report", "latest", "--out", str(tmp_path / "again.xlsx")]) == 0
    stored = pd.read_csv(tmp_path / "run" / "summary_annual.csv")
    sheet = pd.read_excel(tmp_path / "again.xlsx", sheet_name="summary_annual")
    merged = stored.merge(sheet, left_on=["variable", "region", "month"], right_on=["variable", "region", "year"])
    assert len(merged) == len(stored) and np.allclose(merged["p50_x"], merged["p50_y"], equal_nan=True)
    assert main(["report", "nope"]) == 2
    assert main(["report", "latest", "--out", str(tmp_path / "x.docx")]) == 2
    assert "unsupported file type" in capsys.readouterr().err


def test_compare_prints_the_years_and_quarters_asked_for(tmp_path, capsys):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("name: a\nend: 2027-12\npaths: 12\n")
    b.write_text("name: b\nend: 2027-12\npaths: 12\nevents:\n  - type: production_cut\n    target: {province: "
                 "Shandong}\n    share: 0.2\n    start: 2025-03\n")
    out = tmp_path / "cmp"
    assert main(["compare", str(a), str(b), "--years", "2025,2027", "--quarters", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2025Q2" in printed and "2027Q4" in printed and "2026Q1" not in printed
    assert re.search(r"production_kt\s+│\s+CN\s+│\s+2027", printed)
    assert "by year" in printed and "by quarter" in printed
    book = openpyxl.load_workbook(out / "compare.xlsx")
    assert book.sheetnames[:2] == ["differences_quarterly", "differences"]
    assert main(["compare", str(a), str(b), "--years", "2031", "--out", str(tmp_path / "c2")]) == 2
    assert "--years: 2031 lies outside the run (2025…2027)" in capsys.readouterr().err
    assert not (tmp_path / "c2").exists()


def test_tornado_is_sized_to_its_bars_and_labels_every_parameter():
    table = pd.DataFrame({"parameter": ["a.long_parameter_name", "b"], "low": [0.1, 1.0], "high": [0.3, 4.0],
                          "outcome_low": [2400.0, 2450.0], "outcome_high": [2600.0, 2500.0],
                          "outcome_base": [2480.0, 2480.0], "swing": [200.0, 50.0]})
    table.attrs.update(output="price_lme_usd_t", region="WORLD", year=2030)
    fig = tornado(table, {"b": "percent"})
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks == ["b  1 → 4 percent", "a.long_parameter_name  0.1 → 0.3"]
    assert fig.layout.height == tornado_height(2) and tornado_height(8) > tornado_height(2)
    assert fig.layout.xaxis.title.text == "price_lme_usd_t (USD/t)"
