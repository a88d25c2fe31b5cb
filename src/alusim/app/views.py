"""The reading pages: results of a run, comparisons, cost curves, the map. Everything is read from
the run store generically (variables and regions come from the stored tables)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from alusim.app import charts, drafts, jobs, results
from alusim.app.session import (
    chart,
    cursor,
    dataset,
    draft,
    options,
    progress_fragment,
    server_alive,
    store,
    table_block,
)
from alusim.errors import InputError


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
