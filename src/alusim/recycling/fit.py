"""Fit China's old-scrap collection factor and imported-scrap yield on recorded recycled output (the
stock model's two calibrated numbers), with the recorded demand history as inflows."""

from __future__ import annotations

import pandas as pd

from alusim.dataset import Dataset
from alusim.demand.record import bridged, recorded
from alusim.recycling.stock_model import CollectionFit, ScrapFlows, fit_collection, parameter, scrap_flows


def recorded_imports_cn(dataset: Dataset, last_year: int) -> pd.Series:
    """China's recorded scrap imports (kt/yr gross), bridged over unrecorded years."""
    from alusim.demand.paths import STOCK_MODEL_FIRST_YEAR

    return bridged(recorded(dataset, "imports_scrap_kt", "CN"), STOCK_MODEL_FIRST_YEAR, last_year)


def recorded_flows_cn(dataset: Dataset, last_year: int) -> ScrapFlows:
    """China's scrap flows at collection factor 1 with recorded demand as inflows up to ``last_year``
    (imported scrap at the clean-scrap recovery yield)."""
    from alusim.demand.paths import _demand_history, _stock_shares

    demand = _demand_history(dataset, "CN", last_year + 1)
    shares = _stock_shares(dataset, "CN", demand.index.to_numpy())
    return scrap_flows(demand, shares, dataset.recycling, "CN", recorded_imports_cn(dataset, last_year), 1.0)


def fit_cn(dataset: Dataset, first: int, last: int) -> CollectionFit:
    """China's collection factor and imported-scrap yield on ``first``…``last`` (with s.e.)."""
    flows = recorded_flows_cn(dataset, last)
    record = recorded(dataset, "secondary_production_kt", "CN")
    years = [y for y in range(first, last + 1) if y in record.index]
    return fit_collection(flows, recorded_imports_cn(dataset, last), record, years,
                          parameter(dataset.recycling, "recovery_yield", "CN"))


def recycled_vs_record(dataset: Dataset, secondary: pd.Series) -> pd.DataFrame:
    """Simulated against recorded China recycled output by year, with the relative error."""
    record = recorded(dataset, "secondary_production_kt", "CN")
    both = pd.DataFrame({"simulated_kt": secondary, "recorded_kt": record}).dropna()
    both["error"] = both["simulated_kt"] / both["recorded_kt"] - 1.0
    return both

