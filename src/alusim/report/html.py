"""Self-contained HTML reports: one file each, plotly.js inlined once in the head, no external
resources, so the report opens offline (DESIGN.md §4).

``write_run_report`` describes one run; ``write_compare_report`` puts several scenarios on the same
axes and reports paired differences against the first.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import jinja2
import numpy as np

from alusim.errors import InputError
from alusim.report import figures as F
from alusim.report import panels as P
from alusim.report.definitions import HEADLINE, definition, figure_values
from alusim.report.stats import (
    KEY_VARIABLES,
    annual_dataset,
    annual_values,
    months_per_year,
    paired_differences,
    quantiles,
    years_of,
)

RUN_SECTIONS = (("headline", "Headline"), ("prices", "Prices"), ("balance", "Balance"),
                ("production", "Production and operating rate"), ("inventory", "Inventory and stock days"),
                ("costs", "China cost curve"), ("margins", "Margins and loss-making capacity"),
                ("emissions", "Emissions"), ("events", "Events and notes"), ("method", "Method and sources"))
COMPARE_SECTIONS = (("scenarios", "Scenarios"), ("variables", "Key variables"),
                    ("differences", "Differences vs the first scenario"),
                    ("difference-fans", "Paired-difference fans"), ("events", "Events and notes"),
                    ("method", "Method and sources"))
PLOT_CONFIG = {"displaylogo": False, "responsive": True,
               "toImageButtonOptions": {"format": "png", "scale": 2}}
_URL = re.compile(r"https?://[^\s)\"'<>]+")


@dataclass
class Table:
    """A table for the templates: ``columns`` = [(label, css class)], rows of cells or groups."""

    columns: list[tuple[str, str]]
    rows: list[dict] = field(default_factory=list)
    groups: list[tuple[str, int]] | None = None
    title: str = ""

    def add(self, cells: list[tuple[object, str]]) -> None:
        self.rows.append({"cells": cells})

    def group(self, label: str) -> None:
        self.rows.append({"group": label})


# -- helpers ------------------------------------------------------------------------------------
def alusim_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("alusim")
    except PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    from alusim.report.template_cache import template_cache

    loader = jinja2.FileSystemLoader(str(Path(__file__).with_name("templates")))
    return jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(default=True),
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              bytecode_cache=template_cache())


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js as plotly ships it (``plotly.offline.get_plotlyjs``), read once per process."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _fig_html(fig, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOT_CONFIG)


def _fmt(value: float, fmt: str = ",.0f") -> str:
    if value is None or not np.isfinite(value):
        return "–"
    text = format(value, fmt)
    return text[1:] if re.fullmatch(r"-0(\.0+)?", text) else text.replace("-", "−")


def _signed(value: float, fmt: str) -> tuple[str, str]:
    text = _fmt(value, fmt)
    if value is not None and np.isfinite(value) and text.strip("0.,−") and value > 0:
        return "+" + text, "num pos"
    return text, "num neg" if text.startswith("−") else "num"


def _write(path: str | Path, html: str) -> Path:
    """Write whole or not at all: a temporary file beside the target, then an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _base_context(title: str, heading: str, description: str, meta: list, sections) -> dict:
    return {"title": title, "heading": heading, "description": description, "meta": meta,
            "sections": sections, "version": alusim_version(), "plotlyjs": plotly_js(),
            "run_date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}


def _scenario_dataset(result, dataset):
    """The dataset as the run saw it: the scenario's assumption overrides and added plants applied."""
    from alusim.dataset import load_dataset
    from alusim.levers import extend_assets

    dataset = dataset if dataset is not None else load_dataset()
    scenario = result.scenario
    if scenario.assumptions:
        dataset = dataset.with_overrides(scenario.assumptions)
    if not set(result.assets["asset_id"]) <= set(dataset.smelters["asset_id"]):
        dataset = extend_assets(dataset, scenario)
    return dataset


def _events(scenario) -> list[dict]:
    rows = []
    for event in scenario.events:
        extra = event.model_dump(exclude={"type", "start", "end", "source", "probability"}, exclude_none=True,
                                 by_alias=True)
        details = []
        for key, value in extra.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
            details.append(f"{key}: {value}")
        rows.append({"type": event.type, "start": event.start, "end": event.end or "open",
                     "probability": f"{event.probability:.0%}", "details": "; ".join(details),
                     "source": event.source_text or "–"})
    return rows


def _sources(dataset, top: int = 15) -> tuple[Table, int]:
    sources = dataset.stats.sources()
    table = Table([("Source", ""), ("Table", ""), ("Rows", "num")])
    for row in sources.head(top).itertuples():
        match = _URL.search(row.source)
        url = match.group(0) if match else None
        text = _URL.sub("", row.source).strip(" -–—,") if url else row.source
        domain = url.split("/")[2].removeprefix("www.") if url else None
        table.add([({"text": text or "(web page)", "url": url, "domain": domain}, ""),
                   (row.table, ""), (str(row.rows), "num")])
    return table, int(sources["source"].nunique())


def _period(scenario) -> str:
    return f"{scenario.start} to {scenario.end} ({scenario.months} months)"


# -- run report ---------------------------------------------------------------------------------
def _headline(result, annual) -> Table:
    years = years_of(annual)
    first, last = years[0], years[-1]
    partial = months_per_year(result)
    picks = [first] if first == last else [first, last]

    def year_label(y):
        return f"{y}" + (f" ({partial[y]} mo)" if partial.get(y, 12) < 12 else "")

    columns = [("Indicator", ""), ("Unit", "")]
    for y in picks:
        columns += [(f"{year_label(y)} median", "num sep"), ("p05–p95", "num")]
    if len(picks) == 2:
        columns.append(("Change in median", "num sep"))
    table = Table(columns)
    for d in HEADLINE:
        if d.variable not in annual:
            continue
        q = figure_values(annual, d)
        cells = [(d.label, ""), (d.unit, "")]
        for y in picks:
            i = years.index(y)
            cells += [(_fmt(q[1, i], d.fmt), "num sep", figure_id(d, y)),
                      (f"{_fmt(q[0, i], d.fmt)} – {_fmt(q[2, i], d.fmt)}", "num band")]
        if len(picks) == 2:
            text, cls = _signed(q[1, -1] - q[1, 0], d.fmt)
            cells.append((text, cls + " sep"))
        table.add(cells)
    return table


def figure_id(d, year: int) -> str:
    """The id a figure's median carries in the HTML (``data-figure``): one id, one value."""
    return f"{d.key}.{year}.p50"


SHORT_ITEMS = {"Primary production": "Primary", "Secondary": "Secondary", "Consumption": "Consumption",
               "Net exports": "Net exports", "Stock change": "Stock change", "End inventory": "Inventory",
               "Stock days": "Stock days"}


def _balance_tables(result) -> tuple[list[Table], str]:
    """China and RoW side by side, then the world; rows are years."""
    balance = F.balance_table(result)
    partial = balance.attrs.get("partial_years", {})
    tables = []
    for title, regions in (("China and RoW, kt", ("China", "RoW")), ("World, kt", ("World",))):
        columns, groups, parts = [("Year", "")], [("", 1)], []
        for region in regions:
            part = balance[region]
            columns += [(SHORT_ITEMS.get(c, c), "num sep" if j == 0 else "num") for j, c in enumerate(part.columns)]
            groups.append((region, len(part.columns)))
            parts.append(part)
        table = Table(columns, groups=groups if len(regions) > 1 else None, title=title)
        for year in balance.index:
            cells = [(f"{year} ({partial[year]} mo)" if year in partial else str(year), "")]
            for region, part in zip(regions, parts, strict=True):
                for j, (item, v) in enumerate(part.loc[year].items()):
                    cells.append(_balance_cell(region, item, float(v), year, "num sep" if j == 0 else "num"))
            table.add(cells)
        tables.append(table)
    note = "partial years marked with their months" if partial else "calendar years"
    return tables, note


def _balance_cell(region_label: str, item: str, value: float, year: int, cls: str) -> tuple:
    """A balance-table cell; stock days use the headline's definition (year-end, one decimal)."""
    if item != "Stock days":
        return (_fmt(value), cls)
    code = {v: k for k, v in F.REGION_LABELS.items()}[region_label]
    try:
        d = definition("stock_days", code)
    except KeyError:
        return (_fmt(value, ",.1f"), cls)
    return (_fmt(value, d.fmt), cls, figure_id(d, year))


def _cost_curves(result, dataset, annual) -> list[dict]:
    from alusim.costs.curve import cost_curve, curve_statistics

    years = years_of(annual)
    shfe = quantiles(annual_values(annual, "price_shfe_cny_t", "CN"), (0.5,))[0]
    out = []
    for i in sorted({0, len(years) - 1}):
        year = years[i]
        item = {"title": f"China cash-cost curve, {year}", "error": None}
        try:
            curve = cost_curve(dataset, region="CN", year=year, basis="cash", currency="CNY")
            price = float(shfe[i])
            stats = curve_statistics(curve, price)
        except InputError as exc:
            item["error"] = f"No cost curve for {year}: {exc}"
            out.append(item)
            continue
        item["fig"] = _fig_html(F.cost_curve_figure(curve, stats, price, title="", price_label=f"SHFE median {year}"),
                                f"cost-curve-{year}")
        loss = definition("share_loss_making", "CN")
        simulated = figure_values(annual, loss)[1, i]
        table = Table([("Operating capacity", "num"), ("Min", "num"), ("p25", "num"), ("Median", "num"),
                       ("p75", "num"), ("p90", "num"), ("Max", "num"), ("SHFE median", "num sep"),
                       ("Static curve: capacity above the SHFE median", "num"),
                       ("Static curve: share above the SHFE median, %", "num"),
                       (f"Simulated: {loss.label[0].lower()}{loss.label[1:]}, %", "num sep")])
        table.add([(f"{_fmt(stats.capacity_kt)} kt/yr", "num"), (_fmt(stats.minimum), "num"),
                   (_fmt(stats.p25), "num"), (_fmt(stats.p50), "num"), (_fmt(stats.p75), "num"),
                   (_fmt(stats.p90), "num"), (_fmt(stats.maximum), "num"), (_fmt(price), "num sep"),
                   (f"{_fmt(stats.loss_making_kt)} kt/yr", "num"), (_fmt(100 * stats.share_loss_making, ".1f"), "num"),
                   (_fmt(simulated, loss.fmt), "num sep", figure_id(loss, year))])
        item["stats"] = table
        out.append(item)
    return out


def write_run_report(result, path: str | Path, dataset=None) -> Path:
    """Write one self-contained HTML report of ``result`` to ``path`` and return the path.

    ``dataset`` is the base dataset the run used (default: the embedded one); the scenario's
    assumption overrides and added plants are applied to it for the cost curves, as ``simulate`` does.
    """
    scenario = result.scenario
    dataset = _scenario_dataset(result, dataset)
    annual = annual_dataset(result)
    figs = {
        "lme": F.fan_chart(result, "price_lme_usd_t", "WORLD", "LME aluminium price", "USD/t"),
        "shfe": F.fan_chart(result, "price_shfe_cny_t", "CN", "SHFE aluminium price", "CNY/t (tax-inclusive)"),
        "production": P.production_figure(result), "inventory": P.inventory_figure(result),
        "p90": P.cost_p90_figure(result), "margin": P.margin_figure(result),
        "emissions": P.emissions_figure(result, annual),
    }
    for name in ("lme", "shfe"):
        figs[name].update_layout(height=400)
    balance, balance_note = _balance_tables(result)
    sources, n_sources = _sources(dataset)
    totals = dataset.stats.totals()
    meta = [("Period", _period(scenario)), ("Paths", f"{scenario.paths:,}"), ("Seed", str(scenario.seed)),
            ("Events", str(len(scenario.events))), ("Run", datetime.now(UTC).strftime("%Y-%m-%d")),
            ("alusim", alusim_version())]
    assumptions = None
    if scenario.assumptions:
        assumptions = Table([("Parameter", ""), ("Value", "num")])
        for key, value in scenario.assumptions.items():
            assumptions.add([(key, ""), (f"{value:g}", "num")])
    context = _base_context(f"alusim — {scenario.name}", scenario.name, scenario.description, meta, RUN_SECTIONS)
    context.update(
        paths=f"{scenario.paths:,}", seed=scenario.seed, period=_period(scenario),
        headline=_headline(result, annual), figs={k: _fig_html(v, f"fig-{k}") for k, v in figs.items()},
        balance=balance, balance_note=balance_note, curves=_cost_curves(result, dataset, annual),
        events=_events(scenario), assumptions=assumptions, notes=list(result.notes),
        sources=sources, n_sources=n_sources,
        totals=(f"Dataset: {totals['assets']} smelters; built capacity {_fmt(totals['world_built_kt'])} kt/yr world, "
                f"{_fmt(totals['china_built_kt'])} kt/yr China (operating {_fmt(totals['china_operating_kt'])})."))
    return _write(path, _environment().get_template("run.html").render(**context))


# -- comparison report --------------------------------------------------------------------------
def _difference_tables(results) -> list[Table]:
    base = results[0]
    tables = []
    for i, other in enumerate(results[1:], start=1):
        diffs = paired_differences(base, other, KEY_VARIABLES)
        a_name, b_name = P.scenario_label(results, 0), P.scenario_label(results, i)
        table = Table([("Year", ""), (f"{a_name} median", "num"), (f"{b_name} median", "num"),
                       ("Δ median", "num sep"), ("Δ p05", "num"), ("Δ p95", "num")],
                      title=f"{b_name} − {a_name}")
        for (variable, region), rows in diffs.groupby(["variable", "region"], sort=False):
            meta = F.info(variable)
            unit = meta.annual_unit or meta.unit
            scale = meta.annual_scale if meta.annual_scale is not None else meta.scale
            fmt = ",.0f" if unit == "kt" else meta.fmt
            table.group(f"{meta.label} — {F.REGION_LABELS.get(region, region)}, {unit}")
            for row in rows.itertuples():
                d50 = _signed(row.diff_p50 * scale, fmt)
                table.add([(str(row.year), ""), (_fmt(row.a_p50 * scale, fmt), "num"),
                           (_fmt(row.b_p50 * scale, fmt), "num"), (d50[0], d50[1] + " sep"),
                           (_fmt(row.diff_p05 * scale, fmt), "num band"), (_fmt(row.diff_p95 * scale, fmt), "num band")])
        tables.append(table)
    return tables


def write_compare_report(results: list, path: str | Path, dataset=None) -> Path:
    """Write one self-contained HTML report comparing ``results`` (the first is the reference).

    Paired differences need equal paths and months; when they differ the report says so in place of
    the difference tables and fans (:func:`paired_differences` itself raises ``InputError``).
    """
    results = list(results)
    if not results:
        raise InputError("nothing to compare", where="write_compare_report", fix="pass at least one result")
    compare_figs = [P.compare_figure(results, v, r) for v, r in KEY_VARIABLES if v != "co2_t_per_t"]
    diff_tables, diff_figs, diff_error = [], [], None
    if len(results) > 1:
        try:
            diff_tables = _difference_tables(results)
            diff_figs = [P.difference_figure(results, v, r) for v, r in
                         (("price_lme_usd_t", "WORLD"), ("production_kt", "CN"))]
        except InputError as exc:
            diff_error = str(exc)
    else:
        diff_error = "only one scenario was given."
    scenarios = Table([("#", ""), ("Scenario", ""), ("Description", ""), ("Period", ""), ("Paths", "num"),
                       ("Seed", "num"), ("Events", "num")])
    for i, r in enumerate(results):
        s = r.scenario
        scenarios.add([(str(i + 1), ""), (s.name, ""), (s.description or "–", ""), (_period(s), ""),
                       (f"{s.paths:,}", "num"), (str(s.seed), "num"), (str(len(s.events)), "num")])
    names = [r.scenario.name for r in results]
    meta = [("Scenarios", str(len(results))), ("Reference", names[0]),
            ("Run", datetime.now(UTC).strftime("%Y-%m-%d")), ("alusim", alusim_version())]
    try:
        sources, n_sources = _sources(_scenario_dataset(results[0], dataset))
    except InputError:
        sources, n_sources = None, 0
    context = _base_context(f"alusim — compare {' vs '.join(names)}", "Scenario comparison: " + " vs ".join(names),
                            "", meta, COMPARE_SECTIONS)
    context.update(
        scenarios=scenarios, base_name=P.scenario_label(results, 0),
        compare_figs=[_fig_html(f, f"cmp-{i}") for i, f in enumerate(compare_figs)],
        diff_tables=diff_tables, diff_figs=[_fig_html(f, f"diff-{i}") for i, f in enumerate(diff_figs)],
        diff_error=diff_error, sources=sources, n_sources=n_sources,
        scenario_events=[{"label": P.scenario_label(results, i), "events": _events(r.scenario), "notes": r.notes}
                         for i, r in enumerate(results)])
    return _write(path, _environment().get_template("compare.html").render(**context))


__all__ = ["COMPARE_SECTIONS", "RUN_SECTIONS", "paired_differences", "write_compare_report", "write_run_report"]
