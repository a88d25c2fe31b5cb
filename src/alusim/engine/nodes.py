"""The regions outside China as the kernel sees them: small pure builders of the ``node_*`` arrays of
:class:`~alusim.engine.inputs.EngineInputs` from the region tables (docs/model.md, "Regions and
trade"). Without ``regions.csv``, or with ``market.regions_enabled`` 0 (the default until the
regional model is calibrated and mirrored by the Mesa reference, issue 11), the rest of the world is
one region and the kernel is the two-market model.

Where the record is silent a stated rule fills in, never a typed-in number:

* a demand.csv region's demand splits over its nodes by ``region_shares.csv`` (``demand_share``);
  recycled supply by each node's demand times its region's recycled share;
* China's exports go to the nodes by ``cn_export_share`` and its primary imports come from them by
  ``cn_import_share``; what the rows leave unassigned goes in proportion to each node's demand
  (exports) or to its surplus at the start (imports);
* the corridors start from the recorded trade pattern (``trade_flows.csv``, the latest year at or
  before the start, else the earliest within four years after it, primary before unwrought) scaled
  so that each node's shipments match its surplus and its receipts its deficit at the start
  (iterative proportional fitting, :func:`fit_flows`), a small gravity term letting a surplus reach a
  deficit the record does not link;
* a node's start premium is its recorded premium at the start month (``regions.csv``
  ``premium_variable``; ``region_premiums.csv`` for the others) or, for an exporter, the best netback
  to the nodes it ships to; freight is ``trade.freight_sea_usd_t`` (``trade.freight_land_usd_t``
  between neighbours).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.errors import InputError
from alusim.scenario.model import Scenario

#: the region that stands for the whole rest of the world when no regions are defined
WHOLE = "ROW"
#: node pairs that trade overland or across a short sea (freight ``trade.freight_land_usd_t``)
LAND_PAIRS = frozenset({("CA", "US"), ("RU", "EU"), ("RU", "ASIA"), ("GCC", "IN"), ("AF", "EU")})
#: weight of the gravity term in the corridor seed, relative to the recorded pattern
GRAVITY_WEIGHT = 0.05
#: iterations of the proportional fit
FIT_ITERATIONS = 500
#: years after the start a corridor's first record may be taken from when none is at or before it
SEED_LOOKAHEAD_YEARS = 4


def single_region(months: int, n_assets: int, demand_row: np.ndarray, secondary_row: np.ndarray) -> dict:
    """The rest of the world as one region: premium 0, no corridors — the two-market model."""
    return dict(
        node_names=[WHOLE], asset_node=np.zeros(n_assets, dtype=np.int64),
        node_demand=np.ascontiguousarray(demand_row.reshape(1, months, 1)),
        node_secondary=np.ascontiguousarray(secondary_row.reshape(months, 1)),
        node_base_flow=np.zeros((1, 1)), node_freight=np.zeros((1, 1)), node_tariff=np.zeros((1, months, 1, 1)),
        node_border=np.zeros((1, months, 1, 1)), node_open=np.ones((1, months, 1, 1)), node_premium0=np.zeros(1),
        node_cn_export_share=np.ones(1), node_cn_import_share=np.ones(1),
        node_cn_import_open=np.ones((1, months, 1)), node_cn_tariff=np.zeros((1, months, 1)),
        node_greenfield_share=np.ones(1))


def country_nodes(regions: pd.DataFrame) -> dict[str, str]:
    """Country code → node."""
    return {c: row.node for row in regions.itertuples() for c in str(row.countries).split(";")}


def node_lookup(regions: pd.DataFrame, nodes: list[str]):
    """A function from a node or country code (``EU``, ``US``, ``DE`` …) to its node's index among
    ``nodes``, None for a code in no node (aggregates such as WORLD)."""
    by_country = country_nodes(regions)
    index = {n: i for i, n in enumerate(nodes)}

    def node_of(code: str) -> int | None:
        code = str(code).upper()
        name = code if code in index else by_country.get(code)
        return index.get(name) if name is not None else None

    return node_of


def asset_nodes(dataset: Dataset, nodes: list[str]) -> np.ndarray:
    """(A,) node index of each plant outside China (0 for China's plants)."""
    by_country = country_nodes(dataset.regions)
    index = {n: i for i, n in enumerate(nodes)}
    out = np.zeros(len(dataset.smelters), dtype=np.int64)
    for a, (country, region) in enumerate(zip(dataset.smelters["country"], dataset.smelters["region"], strict=True)):
        if region == "CN":
            continue
        node = by_country.get(str(country))
        if node is None:
            raise InputError(f"smelter country {country} is in no node of regions.csv", where="regions.csv",
                             fix=f"add {country} to the countries of one node")
        out[a] = index[node]
    return out


def demand_shares(dataset: Dataset, nodes: list[str]) -> pd.DataFrame:
    """(demand.csv regions × nodes) share of each region's demand each node takes; rows sum to one."""
    regions = [r for r in dataset.demand["region"] if r != "CN"]
    rows = dataset.region_shares[dataset.region_shares["quantity"] == "demand_share"]
    table = pd.DataFrame(0.0, index=regions, columns=nodes)
    for row in rows.itertuples():
        if row.of in table.index:
            table.loc[row.of, row.node] += float(row.value)
    sums = table.sum(axis=1)
    bad = sums[(sums - 1.0).abs() > 0.01]
    if len(bad):
        raise InputError(f"the demand shares of region {bad.index[0]} add up to {bad.iloc[0]:.3f}",
                         where="region_shares.csv", fix="give the region's nodes demand shares that add up to 1")
    return table.div(sums, axis=0)


def china_shares(dataset: Dataset, nodes: list[str], quantity: str, fallback: np.ndarray) -> np.ndarray:
    """(R,) shares of China's exports (or imports) by node: the recorded rows, the rest spread in
    proportion to ``fallback`` over the nodes without a row."""
    rows = dataset.region_shares[dataset.region_shares["quantity"] == quantity]
    out = np.zeros(len(nodes))
    given = np.zeros(len(nodes), dtype=bool)
    for row in rows.itertuples():
        j = nodes.index(row.node)
        out[j] += float(row.value)
        given[j] = True
    rest = max(1.0 - out.sum(), 0.0)
    weight = np.where(given, 0.0, np.maximum(fallback, 0.0))
    if weight.sum() > 0:
        out += rest * weight / weight.sum()
    return out / max(out.sum(), 1e-12)


def seed_pattern(dataset: Dataset, nodes: list[str], year: int) -> np.ndarray:
    """(R, R) kt/yr of recorded primary trade between nodes: per corridor the latest year at or before
    ``year``, else the earliest within :data:`SEED_LOOKAHEAD_YEARS` after it (a relationship the record
    first shows a few years after the start was there at the start: without it a 2015 start, which the
    record covers by no corridor, would split every exporter's surplus over the importers in the same
    proportions — Canada a fifth of the US's imports instead of over half); primary metal before all
    unwrought; rows naming a node code (EU) or a country."""
    node_of = node_lookup(dataset.regions, nodes)
    flows = dataset.trade_flows
    out = np.zeros((len(nodes), len(nodes)))
    usable = flows[flows["product"].isin(("primary", "unwrought")) & (flows["year"] <= year + SEED_LOOKAHEAD_YEARS)]
    if usable.empty:
        return out
    ranked = usable.assign(rank=(usable["product"] != "primary").astype(int), after=(usable["year"] > year).astype(int),
                           distance=(usable["year"] - year).abs())
    best = ranked.sort_values(["exporter", "importer", "after", "distance", "rank"])
    best = best.drop_duplicates(["exporter", "importer"])
    for row in best.itertuples():
        o, d = node_of(str(row.exporter)), node_of(str(row.importer))
        if o is not None and d is not None and o != d:
            out[o, d] += float(row.kt)
    return out


def fit_flows(seed: np.ndarray, supply: np.ndarray, need: np.ndarray) -> np.ndarray:
    """(R, R) flows whose rows add up to ``supply`` and columns to ``need`` (kt/month), as close to the
    pattern of ``seed`` as iterative proportional fitting gets; exporters ship only to importers."""
    total = min(supply.sum(), need.sum())
    if total <= 0:
        return np.zeros_like(seed)
    rows = supply * total / supply.sum()
    cols = need * total / need.sum()
    exporters, importers = rows > 0, cols > 0
    gravity = np.outer(rows, cols) / total
    w = np.where(np.outer(exporters, importers), seed / max(seed.max(), 1e-12) * total + GRAVITY_WEIGHT * gravity, 0.0)
    np.fill_diagonal(w, 0.0)
    for _ in range(FIT_ITERATIONS):
        w *= np.divide(rows, w.sum(axis=1), out=np.zeros_like(rows), where=w.sum(axis=1) > 0)[:, None]
        w *= np.divide(cols, w.sum(axis=0), out=np.zeros_like(cols), where=w.sum(axis=0) > 0)[None, :]
    return w


def freight_matrix(dataset: Dataset, nodes: list[str]) -> np.ndarray:
    """(R, R) USD/t freight between nodes (``trade.freight_sea_usd_t``, overland or short-sea pairs
    ``trade.freight_land_usd_t``)."""
    sea, land = dataset.param("trade.freight_sea_usd_t"), dataset.param("trade.freight_land_usd_t")
    out = np.full((len(nodes), len(nodes)), sea)
    for i, a in enumerate(nodes):
        for j, b in enumerate(nodes):
            if i == j:
                out[i, j] = 0.0
            elif (a, b) in LAND_PAIRS or (b, a) in LAND_PAIRS:
                out[i, j] = land
    return out


def node_arrays(dataset: Dataset, scenario: Scenario, arrays: dict, demand: np.ndarray, secondary: np.ndarray,
                annual: pd.DataFrame | None = None, start_state: np.ndarray | None = None) -> dict:
    """The ``node_*`` fields for a run: (M, 2) ``demand`` and ``secondary`` are the two markets' paths,
    ``annual`` the demand model's annual demand by region (regions given)."""
    months, n_assets = scenario.months, len(arrays["capacity_kt"])
    if dataset.regions.empty or annual is None or dataset.param("market.regions_enabled") < 0.5:
        return single_region(months, n_assets, demand[:, 1], secondary[:, 1])
    from alusim.engine.node_terms import node_terms

    nodes = list(dataset.regions["node"])
    return node_terms(dataset, scenario, arrays, demand, secondary, annual, start_state, nodes)
