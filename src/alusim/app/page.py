"""The dashboard page, run by ``alusim app`` through ``streamlit run`` (arguments after ``--``:
``--store DIR`` and ``--data DIR``).

Architecture (docs/ecosystem.md, Streamlit pitfalls): simulations run in a warm worker process
(:func:`alusim.app.jobs.start_server`) and the page polls their progress in a fragment; the DuckDB
database is one shared in-memory handle with one cursor per session; the scenario draft is plain data
under non-widget session keys and in a draft file, never in widget state.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from alusim.app import charts, drafts, jobs, results
from alusim.errors import InputError
from alusim.report.excel import with_units, workbook_bytes

PAGES = ("Scenario", "Results", "Compare", "Cost curves", "Map")
NEW = "(empty scenario)"


# -- shared resources ---------------------------------------------------------------------------
def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--store", default=None)
    parser.add_argument("--data", default=None)
    return parser.parse_known_args(sys.argv[1:])[0]


@st.cache_resource
def dataset(data_dir: str | None):
    from alusim.dataset import load_dataset

    return load_dataset(Path(data_dir) if data_dir else None)


@st.cache_resource
def database() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@st.cache_resource
def server(store_root: str, data_dir: str | None):
    """The warm worker process (one per dashboard server), started as the page first opens."""
    return jobs.start_server(Path(store_root), Path(data_dir) if data_dir else None)


def server_alive() -> bool:
    return server(str(store().root), options().data).poll() is None


def store():
    from alusim.store import RunStore

    return RunStore(options().store)


def cursor() -> duckdb.DuckDBPyConnection:
    if "cursor" not in st.session_state:
        st.session_state["cursor"] = database().cursor()
    return st.session_state["cursor"]


# -- the draft (non-widget state, mirrored to a file) ---------------------------------------------
def draft() -> dict:
    if "draft" not in st.session_state:
        st.session_state["draft"] = drafts.draft_from("baseline")
        st.session_state["session"] = secrets.token_hex(4)
    return st.session_state["draft"]


def set_draft(new: dict) -> None:
    st.session_state["draft"] = new
    st.session_state["form_version"] = st.session_state.get("form_version", 0) + 1
    folder = store().root / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{st.session_state['session']}.yaml").write_text(drafts.to_yaml(new), encoding="utf-8")


def key(name: str) -> str:
    """Widget keys change when the draft is replaced, so forms show the new values."""
    return f"{name}-{st.session_state.get('form_version', 0)}"


# -- tables and downloads -------------------------------------------------------------------------
def table_block(frame: pd.DataFrame, name: str, period: str | None = None) -> None:
    """A table with CSV and Excel downloads (units in the headers)."""
    shown = with_units(frame, period)
    st.dataframe(shown, hide_index=True, use_container_width=True)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("CSV", shown.to_csv(index=False).encode(), file_name=f"{name}.csv", mime="text/csv",
                         key=f"csv-{name}")
    right.download_button("Excel", workbook_bytes({name[:31]: shown}), file_name=f"{name}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"xlsx-{name}")


def chart(fig, name: str) -> None:
    """A chart; its toolbar's camera button saves a PNG (drawn in the browser, offline)."""
    config = {**charts.PLOT_CONFIG, "toImageButtonOptions": {"format": "png", "scale": 2, "filename": name}}
    st.plotly_chart(fig, use_container_width=True, config=config, key=f"chart-{name}")


# -- scenario editor ------------------------------------------------------------------------------
def scenario_page() -> None:
    from alusim.scenario.catalogue import catalogue_names

    st.header("Scenario")
    current = draft()
    c1, c2 = st.columns([3, 1])
    choice = c1.selectbox("Start from a shipped scenario or a template", [*catalogue_names(), NEW], key="source")
    if c2.button("Load", key="load"):
        set_draft(drafts.draft_from(choice) if choice != NEW else
                  {"name": "my-scenario", "description": "", "start": "2025-01", "end": "2035-12", "paths": 1000,
                   "seed": 7, "assumptions": {}, "events": []})
        st.session_state.pop("problem", None)
        st.rerun()
    settings_form(current)
    events_block(current)
    event_form(current)
    run_block(current)
    save_block(current)


def settings_form(current: dict) -> None:
    with st.form(key("settings")):
        st.subheader(f"{current['name']} — settings")
        cols = st.columns(5)
        values = {field: cols[i].text_input(field, str(current.get(field, "")), key=key(f"set-{field}"))
                  for i, field in enumerate(("name", "start", "end", "paths", "seed"))}
        description = st.text_area("description", current.get("description", ""), key=key("set-description"))
        if st.form_submit_button("Apply settings"):
            candidate = {**current, **{k: drafts.scalar(v) for k, v in values.items()}, "description": description}
            try:
                drafts.check_draft(candidate, dataset(options().data))
            except InputError as exc:
                st.error(str(exc))
            else:
                set_draft(candidate)
                st.rerun()


def events_block(current: dict) -> None:
    st.subheader(f"Events ({len(current.get('events', []))})")
    for i, event in enumerate(current.get("events", [])):
        details = ", ".join(f"{k}={v}" for k, v in event.items() if k not in ("type", "source", "start", "end"))
        cols = st.columns([6, 1, 1])
        cols[0].markdown(f"**{i}. `{event['type']}`** {event.get('start', '')}…{event.get('end', '')} — {details}")
        if cols[1].button("Edit", key=key(f"edit-{i}")):
            st.session_state["editing"] = i
            st.session_state.pop("problem", None)
            st.rerun()
        if cols[2].button("Remove", key=key(f"remove-{i}")):
            set_draft(drafts.without_event(current, i))
            st.session_state.pop("editing", None)
            st.rerun()


def field_widget(f, value, choices: dict, prefix: str):
    """One form widget for a field of the event reference; returns its raw value."""
    label = f"{f.name} ({f.unit})" if f.unit else f.name
    wkey = key(f"{prefix}-{f.name}")
    if f.name in ("target", "from"):
        value = value or {}
        st.markdown(f"**{f.name}** — {f.meaning}")
        cols = st.columns(3)
        parts = {}
        for j, part in enumerate(drafts.TARGET_KEYS):
            current = value.get(part)
            if part == "compliant":
                options = ["", True, False]
                parts[part] = cols[j % 3].selectbox(part, options, index=options.index(current) if current in options
                                                    else 0, key=f"{wkey}-{part}") or None
                parts[part] = None if parts[part] == "" else parts[part]
                continue
            selected = current if isinstance(current, list) else ([current] if current else [])
            parts[part] = cols[j % 3].multiselect(part, choices.get(part, []),
                                                  default=[s for s in selected if s in choices.get(part, [])],
                                                  key=f"{wkey}-{part}")
        return parts
    if f.allowed.startswith("one of "):
        options = ["", *f.allowed.removeprefix("one of ").split(", ")]
        return st.selectbox(label, options, index=options.index(str(value)) if str(value) in options else 0,
                            key=wkey, help=f.meaning)
    if f.name == "months":
        return st.multiselect(label, list(range(1, 13)), default=value or [], key=wkey, help=f.meaning)
    if isinstance(value, dict) or f.name in ("path",):
        text = st.text_area(label, drafts.to_yaml(value) if value else "", key=wkey, help=f.meaning + " (YAML)")
        return drafts.yaml_mapping(text)
    return st.text_input(label, "" if value is None else str(value), key=wkey, help=f.meaning)


def event_form(current: dict) -> None:
    from alusim.scenario.model import EVENT_TYPES
    from alusim.scenario.reference import SUMMARY, fields_of

    editing = st.session_state.get("editing")
    existing = current["events"][editing] if editing is not None and editing < len(current["events"]) else None
    st.subheader(f"Edit event {editing}" if existing else "Add an event")
    types = list(EVENT_TYPES)
    event_type = st.selectbox("event type", types, index=types.index(existing["type"]) if existing else
                              types.index("production_cut"), key=key(f"type-{editing}"))
    st.caption(SUMMARY[event_type] + " — fields, units and examples: `alusim scenario events " + event_type + "`")
    problem = st.session_state.get("problem")
    choices = drafts.target_choices(dataset(options().data))
    prefix = f"ev-{editing}-{event_type}"
    with st.form(key(f"event-{editing}-{event_type}")):
        values = {}
        placed = False
        for f in fields_of(event_type):
            value = existing.get(f.name) if existing and existing["type"] == event_type else None
            if value is None and f.name == "start" and not existing:
                value = current.get("start")
            values[f.name] = field_widget(f, value, choices, prefix)
            if problem is not None and problem.field == f.name:
                st.error(problem.message)
                placed = True
        if problem is not None and not placed:
            st.error(problem.message)
        submitted = st.form_submit_button("Save event" if existing else "Add event")
    if existing and st.button("Cancel editing", key=key("cancel")):
        st.session_state.pop("editing", None)
        st.session_state.pop("problem", None)
        st.rerun()
    if submitted:
        event = drafts.event_from_form(event_type, values)
        new, problem = drafts.try_event(current, event, editing if existing else None, dataset(options().data))
        if problem is not None:
            st.session_state["problem"] = problem
        else:
            st.session_state.pop("problem", None)
            st.session_state.pop("editing", None)
            set_draft(new)
        st.rerun()


def run_block(current: dict) -> None:
    st.subheader("Run")
    cols = st.columns([1, 1, 3])
    paths = cols[0].number_input("paths", 1, 200_000, int(current.get("paths", 1000)), key=key("run-paths"))
    if cols[1].button("Run", type="primary", key="run"):
        candidate = {**current, "paths": int(paths)}
        try:
            drafts.check_draft(candidate, dataset(options().data))
        except InputError as exc:
            st.error(str(exc))
        else:
            st.session_state["job"] = jobs.start_job(drafts.to_yaml(candidate), store().root, options().data,
                                                     queue_only=server_alive())
            st.session_state.pop("done_message", None)
    if st.session_state.get("job"):
        progress_fragment()
    elif st.session_state.get("done_message"):
        st.success(st.session_state["done_message"])


@st.fragment(run_every=0.5)
def progress_fragment() -> None:
    job = st.session_state.get("job")
    if not job:
        return
    status = jobs.job_status(store().root, job)
    if status.state == "error":
        st.error(f"run failed: {status.message}")
        st.session_state["job"] = None
    elif status.state == "done":
        st.session_state["job"] = None
        st.session_state["run_id"] = status.run_id
        st.session_state["done_message"] = f"run {status.run_id} stored"
        st.rerun()
    else:
        st.progress(status.fraction, text=f"simulating: {status.done} of {status.total or '…'} paths")


def save_block(current: dict) -> None:
    st.subheader("Save")
    cols = st.columns([3, 1, 1])
    target = cols[0].text_input("file", f"{current['name']}.yaml", key=key("save-path"))
    if cols[1].button("Save YAML", key="save"):
        try:
            path = drafts.save_draft(current, Path(target).expanduser(), dataset(options().data))
        except InputError as exc:
            st.error(str(exc))
        else:
            st.success(f"saved {path}")
    cols[2].download_button("Download YAML", drafts.to_yaml(current).encode(), file_name=f"{current['name']}.yaml",
                            key="download-yaml")


# -- results --------------------------------------------------------------------------------------
def run_picker(label: str, key_name: str, default: str | None = None) -> dict | None:
    runs = store().list()
    if runs.empty:
        st.info("No runs stored yet: run a scenario on the Scenario page.")
        return None
    ids = runs["run_id"].tolist()
    names = dict(zip(runs["run_id"], runs["scenario"], strict=True))
    index = ids.index(default) if default in ids else 0
    # the key names the default, so a new run (set as the default when it finishes) is shown at once
    run_id = st.selectbox(label, ids, index=index, key=f"{key_name}-{default}",
                          format_func=lambda r: f"{names[r]} · {r}")
    return store().get(run_id)


def pick_series(table: pd.DataFrame, key_name: str, default: tuple[str, str], prefix: str = "") -> tuple[str, str]:
    available = results.variables_regions(table)
    names = [v for v in available if v.startswith(prefix)] or list(available)
    cols = st.columns(2)
    variable = cols[0].selectbox("variable", names, index=names.index(default[0]) if default[0] in names else 0,
                                 key=f"{key_name}-var")
    regions = available[variable]
    region = cols[1].selectbox("region", regions, index=regions.index(default[1]) if default[1] in regions else 0,
                               key=f"{key_name}-region")
    return variable, region


def results_page() -> None:
    st.header("Results")
    if st.session_state.get("done_message"):
        st.success(st.session_state["done_message"])
    manifest = run_picker("run", "results-run", st.session_state.get("run_id"))
    if manifest is None:
        if st.button("Run the scenario being edited", key="results-run-draft"):
            st.session_state["job"] = jobs.start_job(drafts.to_yaml(draft()), store().root, options().data,
                                                     queue_only=server_alive())
        if st.session_state.get("job"):
            progress_fragment()
        return
    folder = store().path(manifest["run_id"])
    monthly = results.summary(cursor(), folder, "M")
    annual = results.summary(cursor(), folder, "Y").rename(columns={"month": "year"})
    st.caption(f"{manifest['scenario']}: {manifest['paths']:,} paths, {manifest['start']}…{manifest['end']}, seed "
               f"{manifest['seed']} — medians over paths with p05–p95")
    st.subheader("Prices")
    variable, region = pick_series(monthly, "price", ("price_lme_usd_t", "WORLD"), "price_")
    chart(charts.fan(results.series(monthly, variable, region), variable, region,
                     history=results.history_for(dataset(options().data), variable, region)), f"fan-{variable}-{region}")
    st.subheader("Balance")
    cols = st.columns(2)
    regions = sorted(set(annual["region"]))
    region = cols[0].selectbox("balance region", regions, index=regions.index("CN") if "CN" in regions else 0,
                               key="balance-region")
    freq = cols[1].radio("period", ["annual", "quarterly"], horizontal=True, key="balance-freq")
    if freq == "annual":
        table, time = results.balance(annual, region, "year"), "year"
    else:
        table, time = results.balance(results.quarterly(monthly), region, "quarter"), "quarter"
    chart(charts.balance_bars(table, time, f"{region} market balance ({freq}, sum of medians)"), f"balance-{region}")
    table_block(table, f"balance_{region}_{freq}", "year" if freq == "annual" else "quarter")
    output_block(annual, folder)
    st.subheader("Margins and share losing money")
    variable, region = pick_series(monthly, "margin", ("share_loss_making", "CN"), "")
    chart(charts.fan(results.series(monthly, variable, region), variable, region), f"fan-{variable}-{region}-m")
    st.subheader("Emissions")
    variable, region = pick_series(monthly, "co2", ("co2_mt", "WORLD"), "co2_")
    chart(charts.fan(results.series(monthly, variable, region), variable, region), f"fan-{variable}-{region}-e")
    st.subheader("Every variable, annual")
    table_block(annual, f"summary_annual_{manifest['run_id']}", "year")


def output_block(annual: pd.DataFrame, folder: Path) -> None:
    st.subheader("Output and operating rate")
    for variable, title in (("production_kt", "primary output, annual total (kt)"),
                            ("operating_rate", "operating rate (fraction of built capacity)")):
        rows = annual[annual["variable"] == variable]
        if len(rows):
            chart(charts.lines(rows, "year", "p50", "region", f"{title} by region, median", title),
                  f"by-region-{variable}")
    assets = results.read_parquet(cursor(), folder / "assets.parquet")
    cols = st.columns(2)
    levels = [c for c in ("province", "owner", "power_source", "country") if c in assets.columns]
    level = cols[0].selectbox("group plants by", levels, key="output-level")
    countries = ["(all)", *sorted(assets["country"].dropna().unique())]
    country = cols[1].selectbox("country", countries, index=countries.index("CN") if "CN" in countries else 0,
                                key="output-country")
    grouped = results.output_by(assets, level, None if country == "(all)" else country)
    chart(charts.lines(grouped, "year", "production_p50_kt", level, f"output by {level} (sum of plant medians)",
                       "kt/yr"), f"output-by-{level}")
    table_block(grouped, f"output_by_{level}", "year")
    st.subheader("Projects, restarts and closures")
    table_block(results.project_tracker(assets), "project_tracker")


def compare_page() -> None:
    st.header("Compare runs")
    runs = store().list()
    if len(runs) < 2:
        st.info("Compare needs two stored runs with the same seed, paths and period.")
        return
    labels = dict(zip(runs["run_id"], runs["scenario"] + " · " + runs["run_id"], strict=True))
    chosen = st.multiselect("runs (the first is the base)", list(labels), default=list(labels)[:2][::-1],
                            format_func=labels.get, key="compare-runs")
    if len(chosen) < 2:
        st.info("Choose at least two runs.")
        return
    manifests = [store().get(r) for r in chosen]
    monthly = {labels[m["run_id"]]: results.summary(cursor(), store().path(m["run_id"]), "M") for m in manifests}
    first = next(iter(monthly.values()))
    variable, region = pick_series(first, "compare", ("price_lme_usd_t", "WORLD"))
    chart(charts.overlay({k: results.series(v, variable, region) for k, v in monthly.items()}, variable, region),
          f"compare-{variable}-{region}")
    base = manifests[0]
    frames = []
    for other in manifests[1:]:
        try:
            diffs = results.paired_differences(cursor(), store().path(base["run_id"]), store().path(other["run_id"]),
                                               base, other)
        except InputError as exc:
            st.error(str(exc))
            continue
        frames.append(diffs.assign(scenario=other["scenario"], run_id=other["run_id"]))
    if not frames:
        return
    diffs = pd.concat(frames, ignore_index=True)
    st.subheader(f"Paired differences against {base['scenario']} (per path, then percentiles)")
    if ((diffs["variable"] == variable) & (diffs["region"] == region)).any():
        chart(charts.difference_bars(diffs[diffs["run_id"] == frames[0]["run_id"].iloc[0]], variable, region),
              f"diff-{variable}-{region}")
    table_block(diffs, "paired_differences", "year")


def cost_curve_page() -> None:
    from alusim.costs import cost_curve, curve_statistics
    from alusim.report.deck import curve_tables

    st.header("Cost curves")
    data = dataset(options().data)
    regions = ["CN", "ROW", "WORLD", *sorted(set(data.smelters["region"]) - {"CN"})]
    cols = st.columns(4)
    region = cols[0].selectbox("region", regions, key="curve-region")
    basis = cols[1].selectbox("basis", ["cash", "full"], key="curve-basis")
    currency = cols[2].selectbox("currency", ["CNY", "USD"] if region == "CN" else ["USD", "CNY"], key="curve-currency")
    manifest = run_picker("price from run", "curve-run", st.session_state.get("run_id"))
    start = int(manifest["start"][:4]) if manifest else 2025
    end = int(manifest["end"][:4]) if manifest else 2035
    year = cols[3].slider("year", start, end, start, key="curve-year")
    try:
        curve = cost_curve(data, region=region, year=year, basis=basis, currency=currency)
    except InputError as exc:
        st.error(str(exc))
        return
    price, price_label = None, ""
    if manifest:
        annual = results.summary(cursor(), store().path(manifest["run_id"]), "Y")
        variable, market = ("price_shfe_cny_t", "CN") if currency == "CNY" else ("price_lme_usd_t", "WORLD")
        hit = annual[(annual["variable"] == variable) & (annual["region"] == market) & (annual["month"].astype(str)
                                                                                        == str(year))]
        if len(hit):
            price = float(hit["p50"].iloc[0])
            price_label = f"{variable} median {year}: {price:,.0f}"
    stats = curve_statistics(curve, price)
    st.caption(f"{region} {basis} cost curve {year}, {currency}/t, operating capacity; hover a bar for the plant")
    chart(charts.cost_curve_stack(curve, price, price_label), f"cost-curve-{region}-{year}")
    sheets = curve_tables(curve, stats)
    table_block(sheets["statistics"], f"cost_curve_statistics_{region}_{year}")
    table_block(sheets["cost_curve"].drop(columns=["source"]), f"cost_curve_{region}_{year}")


def map_page() -> None:
    from alusim.costs import cost_curve

    st.header("Map of smelters")
    data = dataset(options().data)
    colour = st.selectbox("colour by", ["power_source", "cash_cost_usd_t"], key="map-colour")
    plants = data.smelters.copy()
    curve = cost_curve(data, region="WORLD", year=2025, basis="cash", currency="USD", capacity="built")
    plants = plants.merge(curve[["asset_id", "cash_cost_usd_t"]], on="asset_id", how="left")
    placed = charts.place_assets(plants)
    if "place" in placed.columns:
        st.caption("The dataset has no plant coordinates yet: plants are drawn at their Chinese province's or "
                   "country's capital (sources in alusim/app/locations.csv), spread so that they do not overlap; "
                   "no coastlines, so the map needs no network.")
    chart(charts.smelter_map(placed, colour), f"map-{colour}")
    table_block(placed[[c for c in ("asset_id", "name", "owner", "country", "province", "place", "capacity_kt",
                                    "power_source", "cash_cost_usd_t") if c in placed.columns]], "smelters")


def main() -> None:
    st.set_page_config(page_title="alusim workbench", layout="wide")
    server(str(store().root), options().data)          # start the warm worker as the page opens
    draft()
    page = st.sidebar.radio("alusim workbench", PAGES, key="page")
    st.sidebar.caption(f"run store: {store().root}")
    {"Scenario": scenario_page, "Results": results_page, "Compare": compare_page, "Cost curves": cost_curve_page,
     "Map": map_page}[page]()


main()
