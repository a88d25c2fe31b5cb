"""Recycled aluminium supply from a dynamic stock model (flodym), by region.

For each region (China, rest of world) and end-use sector ``s``::

    inflow[t, s]    = total-metal demand[t] × share[s, t] × (1 − new_scrap_rate)     (products into use)
    outflow[t, s]   = Σ_c inflow[c, s] · pdf_s(t − c)          (flodym InflowDrivenDSM, normal lifetimes)
    old_scrap[t]    = Σ_s outflow[t, s] · collection[s] · recovery_yield · collection_factor
    new_scrap[t]    = total-metal demand[t] × new_scrap_rate                  (fabrication scrap, remelted)
    recycled[t]     = old_scrap[t] + new_scrap[t] + scrap_imports[t] · import_yield

Lifetimes, collection and yields are published figures (``recycling.csv``); demand before the
record comes from ``consumption_history.csv``. Two numbers are fitted to the recorded recycled output,
each reported with its standard error: ``collection_factor`` (a scale on every sector's collection;
parameters ``recycling.collection_factor.cn`` and ``.row``) — seed 003's "recycling networks" are a
change in it, not a growth-rate assumption — and China's ``import_yield``
(``recycling.imported_scrap_yield.cn``): recycled output per tonne of imported scrap, gross weight.
It is not the metal recovery of clean scrap (0.98): imported lots were mixed (zorba, shredded,
cable) and, as the 2018–2020 import restrictions showed, a tonne not imported is partly replaced by
domestic scrap collected instead — recorded recycled output kept growing while imports halved
(2019: 1.36 Mt, 2020: 0.81 Mt; recycled output 7.25 → 7.4 Mt).
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
                imports_kt: pd.Series | None = None, collection_factor: float = 1.0,
                import_yield: float | None = None) -> ScrapFlows:
    """Run the stock model on a full demand history (``demand_kt`` by year, first year to last,
    contiguous; ``shares`` years × sectors) and return the region's scrap flows; imported scrap
    counts ``import_yield`` per tonne (default: the metal recovery yield of ``recycling.csv``)."""
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
    per_tonne = recovery if import_yield is None else import_yield
    imported = (imports_kt.reindex(years).fillna(0.0).to_numpy(float) * per_tonne if imports_kt is not None
                else np.zeros(len(years)))
    index = pd.Index(years, name="year")
    return ScrapFlows(old_scrap=pd.Series(old, index=index), new_scrap=pd.Series(demand_kt.to_numpy(float) * new_rate,
                                                                                 index=index),
                      imported=pd.Series(imported, index=index),
                      stock=pd.Series(model.stock.values.sum(axis=1), index=index))


@dataclass(frozen=True)
class CollectionFit:
    """The stock model's fitted numbers for one region, with standard errors and the years used."""

    factor: float
    factor_se: float
    import_yield: float          # recycled output per tonne of imported scrap (gross weight)
    import_yield_se: float
    years: tuple[int, ...]


def fit_collection(flows: ScrapFlows, imports_kt: pd.Series | None, recorded_kt: pd.Series, years: list[int],
                   recovery_yield: float) -> CollectionFit:
    """Collection factor and import yield that best reproduce ``recorded_kt`` in ``years``: OLS through
    the origin of (recorded − new scrap) on old scrap at factor 1 and on imported scrap (gross). With
    fewer than four recorded years, no imports, or a yield outside [0, ``recovery_yield``] (not
    identified), the yield is fixed at ``recovery_yield`` and only the factor is fitted."""
    import statsmodels.api as sm

    use = [y for y in years if y in recorded_kt.index and y in flows.old_scrap.index]
    if not use:
        raise InputError("no recorded year of recycled output in the fit window", where="history_annual.csv",
                         fix="add China's recycled output")
    target = (recorded_kt.loc[use] - flows.new_scrap.loc[use]).to_numpy(float)
    old = flows.old_scrap.loc[use].to_numpy(float)
    gross = (imports_kt.reindex(use).fillna(0.0).to_numpy(float) if imports_kt is not None else np.zeros(len(use)))
    if len(use) >= 4 and gross.any():
        result = sm.OLS(target, np.column_stack([old, gross])).fit()
        factor, yield_ = (float(v) for v in result.params)
        if factor > 0.0 and 0.0 <= yield_ <= recovery_yield:
            return CollectionFit(factor, float(result.bse[0]), yield_, float(result.bse[1]), tuple(use))
    fixed = target - gross * recovery_yield
    if len(use) < 2:          # one year pins the level, not its uncertainty
        return CollectionFit(float(fixed[0] / old[0]), float("nan"), recovery_yield, 0.0, tuple(use))
    result = sm.OLS(fixed, old).fit()
    return CollectionFit(float(result.params[0]), float(result.bse[0]), recovery_yield, 0.0, tuple(use))
