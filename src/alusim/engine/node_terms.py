"""Assemble the ``node_*`` arrays of a run from the region tables (the rules are in
:mod:`alusim.engine.nodes`): demand and recycled supply by node, the plants' nodes, China's trade
shares, the corridors at the start, freight, tariffs in force and the start premiums."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.engine import kernel as K
from alusim.engine.nodes import (
    asset_nodes,
    china_shares,
    demand_shares,
    fit_flows,
    freight_matrix,
    node_lookup,
    seed_pattern,
)
from alusim.scenario.model import Scenario

RUNNING = (2, 3)          # plant states that produce (operating, curtailed): kernel.OPERATING, CURTAILED


def node_demand_paths(dataset: Dataset, scenario: Scenario, annual: pd.DataFrame, shares: pd.DataFrame,
                      demand_row: np.ndarray) -> np.ndarray:
    """(M, R) kt/month total-metal demand by node: each region's annual demand through the same
    monthly profile as the rest of the world's, split by ``shares``, scaled to add up to ``demand_row``
    exactly (the profile is linear, so the scaling only removes rounding)."""
    from alusim.demand.paths import monthly
    from alusim.engine.inputs import month_labels, seasonality

    labels = month_labels(scenario.start, scenario.months)
    season = seasonality(dataset, "ROW")
    out = np.zeros((scenario.months, shares.shape[1]))
    for region in shares.index:
        total = annual[annual["region"] == region].groupby("year")["total_kt"].sum()
        if total.empty:
            continue
        out += monthly(total, labels, season)[:, None] * shares.loc[region].to_numpy()[None, :]
    scale = np.divide(demand_row, out.sum(axis=1), out=np.ones_like(demand_row), where=out.sum(axis=1) > 0)
    return out * scale[:, None]


def china_netback_loss(export_share: np.ndarray, cn_tariff: np.ndarray) -> np.ndarray:
    """(V, M) share of China's duty-free export netback lost to the regions' tariffs on Chinese metal
    ((V, M, R)), each region weighted by its share of China's exports: 1 − Σ share / (1 + t)."""
    return 1.0 - (export_share / (1.0 + cn_tariff)).sum(axis=-1) / export_share.sum()


def secondary_shares(dataset: Dataset, shares: pd.DataFrame) -> np.ndarray:
    """(R,) each node's share of the rest of the world's recycled supply: its demand in the base year
    times its region's recycled share (``demand.csv``)."""
    demand = dataset.demand.set_index("region")
    weight = np.zeros(shares.shape[1])
    for region in shares.index:
        total = float(demand.loc[region, "consumption_kt"]) / max(1.0 - float(demand.loc[region, "secondary_share"]),
                                                                   1e-9)
        weight += shares.loc[region].to_numpy() * total * float(demand.loc[region, "secondary_share"])
    return weight / max(weight.sum(), 1e-12)


def tariff_paths(dataset: Dataset, scenario: Scenario, nodes: list[str]) -> tuple[np.ndarray, np.ndarray,
                                                                                 np.ndarray]:
    """(M, R, R) import tariffs between nodes and (M, R) each node's general and China-specific tariff
    on Chinese metal (they add up), from the
    ``import_tariff`` rows of ``trade.csv`` in force each month: a row naming the exporter beats the
    exporter ``*`` row for the same importer; China's rate is its own row plus the ``*`` row (as
    China's export arbitrage adds them)."""
    from alusim.engine.inputs import month_labels

    labels = month_labels(scenario.start, scenario.months)
    node_of = node_lookup(dataset.regions, nodes)
    rows = dataset.trade[(dataset.trade["measure"] == "import_tariff") & (dataset.trade["product"] == "primary")]
    rows = rows.assign(when=pd.to_datetime(rows["start"]).dt.to_period("M")).sort_values("when", kind="stable")
    tariff = np.zeros((scenario.months, len(nodes), len(nodes)))
    general_cn = np.zeros((scenario.months, len(nodes)))
    specific_cn = np.zeros((scenario.months, len(nodes)))
    for m, label in enumerate(labels):
        live = rows[rows["when"] <= label].drop_duplicates(["exporter", "importer"], keep="last")
        general = {}
        for row in live[live["exporter"] == "*"].itertuples():
            d = node_of(str(row.importer))
            if d is not None:
                general[d] = float(row.rate)
        for d, rate in general.items():
            tariff[m, :, d] = rate
            general_cn[m, d] = rate
        for row in live[live["exporter"] != "*"].itertuples():
            d = node_of(str(row.importer))
            if d is None:
                continue
            if str(row.exporter) == "CN":
                specific_cn[m, d] = float(row.rate)
                continue
            o = node_of(str(row.exporter))
            if o is not None and o != d:
                tariff[m, o, d] = float(row.rate)
        for j in range(len(nodes)):
            tariff[m, j, j] = 0.0
    return tariff, general_cn, specific_cn


def start_premiums(dataset: Dataset, scenario: Scenario, nodes: list[str], base: np.ndarray, freight: np.ndarray,
                   tariff0: np.ndarray, lme: float) -> np.ndarray:
    """(R,) USD/t premium over LME in the first month: the recorded premium where a node has one
    (its ``premium_variable`` in the monthly or annual record, else its ``region_premiums.csv``
    reading at or before the start — an importer with only later readings takes the earliest), for
    an exporter without either the netback of its shipments (freight and duty off each destination's
    premium, weighted by the corridors' start flows), 0 where neither exists."""
    from alusim.engine.record_inputs import recorded_path

    premium = np.full(len(nodes), np.nan)
    monthly, annual = dataset.history_monthly, dataset.history_annual
    for j, row in enumerate(dataset.regions.itertuples()):
        variable = row.premium_variable if isinstance(row.premium_variable, str) and row.premium_variable else None
        if variable is not None:
            regions = list(monthly.loc[monthly["variable"] == variable, "region"].unique()) + list(
                annual.loc[annual["variable"] == variable, "region"].unique())
            found = recorded_path(dataset, variable, variable, str(regions[0]), scenario.start, 1) if regions else None
            if found is not None:
                premium[j] = float(found[0][0])
                continue
        readings = dataset.region_premiums[dataset.region_premiums["node"] == row.node]
        if len(readings):
            before = readings[readings["period"].astype(str) <= scenario.start]
            if len(before):
                premium[j] = float(before.iloc[-1]["usd_t"])
            elif base[j].sum() <= 0:
                # an importer with only later readings: the earliest is the best there is (an exporter
                # takes its netback instead: a later reading may belong to another regime, e.g. the
                # discount on Russian metal since the 2022 sanctions, not a 2015 price)
                premium[j] = float(readings.iloc[0]["usd_t"])
    for o in range(len(nodes)):
        if np.isfinite(premium[o]):
            continue
        to = [d for d in range(len(nodes)) if base[o, d] > 0 and np.isfinite(premium[d])]
        netbacks = np.array([(lme + premium[d]) / (1.0 + tariff0[o, d]) - freight[o, d] - lme for d in to])
        premium[o] = float(np.average(netbacks, weights=base[o, to])) if to else 0.0
    return premium


def node_terms(dataset: Dataset, scenario: Scenario, arrays: dict, demand: np.ndarray, secondary: np.ndarray,
               annual: pd.DataFrame, start_state: np.ndarray | None, nodes: list[str]) -> dict:
    months, n = scenario.months, len(nodes)
    shares = demand_shares(dataset, nodes)
    node_demand = node_demand_paths(dataset, scenario, annual, shares, demand[:, 1])
    node_secondary = secondary[:, 1][:, None] * secondary_shares(dataset, shares)[None, :]
    asset_node = asset_nodes(dataset, nodes)
    row_assets = arrays["market"] == 1
    util = dataset.param("supply.utilisation_max") / 12.0
    running = np.isin(arrays["init_state"], RUNNING)
    produce0 = np.bincount(asset_node[row_assets], weights=(arrays["capacity_kt"] * arrays["init_share"] * running
                                                              * util)[row_assets], minlength=n)
    surplus0 = produce0 + node_secondary[0] - node_demand[0]
    export_share = china_shares(dataset, nodes, "cn_export_share", node_demand[0])
    import_share = china_shares(dataset, nodes, "cn_import_share", np.maximum(surplus0, 0.0))
    start = start_state if start_state is not None else np.zeros(K.N_START)
    net = surplus0 + start[K.S_EXPORTS] * export_share - start[K.S_IMPORTS] * import_share
    seed = seed_pattern(dataset, nodes, int(scenario.start[:4]))
    base = fit_flows(seed, np.maximum(net, 0.0), np.maximum(-net, 0.0))
    freight = freight_matrix(dataset, nodes)
    tariff, general_cn, specific_cn = tariff_paths(dataset, scenario, nodes)
    on_china = general_cn + specific_cn
    premium0 = start_premiums(dataset, scenario, nodes, base, freight, tariff[0], float(start[K.S_PRICE_ROW]) or 1.0)
    capacity = np.bincount(asset_node[row_assets], weights=arrays["capacity_kt"][row_assets], minlength=n)
    return dict(
        node_names=nodes, asset_node=asset_node,
        node_demand=np.ascontiguousarray(node_demand[None]), node_secondary=np.ascontiguousarray(node_secondary),
        node_base_flow=base, node_freight=freight, node_tariff=np.ascontiguousarray(tariff[None]),
        node_border=np.zeros((1, months, n, n)), node_open=np.ones((1, months, n, n)), node_premium0=premium0,
        node_cn_export_share=export_share, node_cn_import_share=import_share,
        node_cn_import_open=np.ones((1, months, n)), node_cn_tariff=np.ascontiguousarray(on_china[None]),
        node_greenfield_share=capacity / max(capacity.sum(), 1e-12))
