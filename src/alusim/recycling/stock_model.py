"""Recycled aluminium supply from a dynamic stock model (flodym), by region.

For each region (China, rest of world) and end-use sector ``s``::

    inflow[t, s]    = total-metal demand[t] × share[s, t] × (1 − new_scrap_rate)     (products into use)
    outflow[t, s]   = Σ_c inflow[c, s] · pdf_s(t − c)          (flodym InflowDrivenDSM, normal lifetimes)
    old_scrap[t]    = Σ_s outflow[t, s] · collection[s] · recovery_yield · collection_factor
    new_scrap[t]    = total-metal demand[t] × new_scrap_rate                  (fabrication scrap, remelted)
    recycled[t]     = old_scrap[t] + new_scrap[t] + scrap_imports[t] · recovery_yield

Lifetimes, collection and yields are published figures (``recycling.csv``); demand before the
record comes from ``consumption_history.csv``. ``collection_factor`` is the one number fitted to the
recorded recycled output (a scale on every sector's collection, reported with its standard error;
parameters ``recycling.collection_factor.cn`` and ``.row``):
seed 003's "recycling networks" are a change in it, not a growth-rate assumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alusim.errors import InputError

PARAMETERS = ("lifetime_mean_years", "lifetime_sd_years", "collection_rate", "recovery_yield", "new_scrap_rate")


@dataclass(frozen=True)
class ScrapFlows:
    """Annual flows (kt/yr) of one region, indexed by year."""

    old_scrap: pd.Series
    new_scrap: pd.Series
    imported: pd.Series
    stock: pd.Series            # metal in use at year end

    @property
    def recycled(self) -> pd.Series:
        return self.old_scrap + self.new_scrap + self.imported


def parameter(table: pd.DataFrame, name: str, region: str, sector: str = "all") -> float:
    """A recycling parameter for a region and sector, falling back to sector ``all`` and to WORLD."""
    keys = zip(table["parameter"], table["region"], table["sector"], strict=True)
    values = dict(zip(keys, table["value"].astype(float),
                      strict=True))
    for r in (region, "WORLD"):
        for s in (sector, "all"):
            if (name, r, s) in values:
                return values[(name, r, s)]
    raise InputError(f"no {name} for {region}/{sector}", where="recycling.csv",
                     fix=f"add a row parameter={name}, region={region} or WORLD, sector={sector} or all")


def inflow_history_kt(consumption: pd.DataFrame, region: str, first_year: int, years: list[int]) -> pd.Series:
    """Total-metal demand of ``region`` in ``first_year``…``years[0] − 1`` from the published points
    of ``consumption_history.csv``: log-linear between points, and before the first point at the
    growth rate of the first two points (stated in docs/data-notes.md)."""
    rows = consumption[consumption["region"] == region].sort_values("year")
    if len(rows) < 2:
        raise InputError(f"{region}: at least two published consumption figures are needed before the record",
                         where="consumption_history.csv", fix="add published figures for earlier years")
    x = rows["year"].to_numpy(float)
    y = np.log(rows["value_kt"].to_numpy(float))
    early = [t for t in range(first_year, years[0])]
    rate = (y[1] - y[0]) / (x[1] - x[0])
    values = [np.exp(y[0] + rate * (t - x[0])) if t < x[0] else np.exp(np.interp(t, x, y)) for t in early]
    return pd.Series(values, index=early, dtype=float)


def scrap_flows(demand_kt: pd.Series, shares: pd.DataFrame, table: pd.DataFrame, region: str,
                imports_kt: pd.Series | None = None, collection_factor: float = 1.0) -> ScrapFlows:
    """Run the stock model on a full demand history (``demand_kt`` by year, first year to last,
    contiguous; ``shares`` years × sectors) and return the region's scrap flows."""
    from flodym import Dimension, DimensionSet, FlodymArray, InflowDrivenDSM, NormalLifetime, StockArray

    years = [int(y) for y in demand_kt.index]
    if years != list(range(years[0], years[-1] + 1)):
        raise InputError(f"{region}: demand history has gaps", where="stock model", fix="give every year")
    sectors = list(shares.columns)
    new_rate = parameter(table, "new_scrap_rate", region)
    dims = DimensionSet(dim_list=[Dimension(name="time", letter="t", items=years),
                                  Dimension(name="sector", letter="s", items=sectors)])
    inflow_values = demand_kt.to_numpy(float)[:, None] * shares.reindex(years).to_numpy(float) * (1.0 - new_rate)
    mean = np.array([parameter(table, "lifetime_mean_years", region, s) for s in sectors])
    sd = np.array([parameter(table, "lifetime_sd_years", region, s) for s in sectors])
    lifetime = NormalLifetime(dims=dims, mean=FlodymArray(dims=dims["s",], values=mean),
                              std=FlodymArray(dims=dims["s",], values=sd))
    model = InflowDrivenDSM(dims=dims, inflow=StockArray(dims=dims, values=inflow_values), lifetime_model=lifetime)
    model.compute()
    collection = np.array([parameter(table, "collection_rate", region, s) for s in sectors])
    factor = collection_factor
    recovery = parameter(table, "recovery_yield", region)
    old = model.outflow.values @ (collection * recovery) * factor
    imported = (imports_kt.reindex(years).fillna(0.0).to_numpy(float) * recovery if imports_kt is not None
                else np.zeros(len(years)))
    index = pd.Index(years, name="year")
    return ScrapFlows(old_scrap=pd.Series(old, index=index), new_scrap=pd.Series(demand_kt.to_numpy(float) * new_rate,
                                                                                 index=index),
                      imported=pd.Series(imported, index=index),
                      stock=pd.Series(model.stock.values.sum(axis=1), index=index))


def fit_collection_factor(flows: ScrapFlows, recorded_kt: pd.Series, years: list[int]) -> tuple[float, float]:
    """The scale on old-scrap collection that best reproduces ``recorded_kt`` in ``years`` (OLS
    through the origin of recorded − new − imported on old scrap at factor 1); (value, s.e.)."""
    import statsmodels.api as sm

    use = [y for y in years if y in recorded_kt.index and y in flows.old_scrap.index]
    if not use:
        raise InputError("no recorded year of recycled output in the fit window", where="history_annual.csv",
                         fix="add China's recycled output")
    target = recorded_kt.loc[use] - flows.new_scrap.loc[use] - flows.imported.loc[use]
    if len(use) < 2:          # one year pins the level, not its uncertainty
        return float(target.iloc[0] / flows.old_scrap.loc[use].iloc[0]), float("nan")
    result = sm.OLS(target.to_numpy(float), flows.old_scrap.loc[use].to_numpy(float)).fit()
    return float(result.params[0]), float(result.bse[0])
