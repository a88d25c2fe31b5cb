"""Fit China's old-scrap collection factor on recorded recycled output (the stock model's one
calibrated number), with the recorded demand history as inflows."""

from __future__ import annotations

import pandas as pd

from alusim.dataset import Dataset
from alusim.demand.record import bridged, recorded
from alusim.recycling.stock_model import ScrapFlows, fit_collection_factor, scrap_flows


def recorded_flows_cn(dataset: Dataset, last_year: int) -> ScrapFlows:
    """China's scrap flows at collection factor 1 with recorded demand as inflows up to ``last_year``."""
    from alusim.demand.paths import _demand_history, _stock_shares

    demand = _demand_history(dataset, "CN", last_year + 1)
    shares = _stock_shares(dataset, "CN", demand.index.to_numpy())
    from alusim.demand.paths import STOCK_MODEL_FIRST_YEAR

    imports = bridged(recorded(dataset, "imports_scrap_kt", "CN"), STOCK_MODEL_FIRST_YEAR, last_year)
    return scrap_flows(demand, shares, dataset.recycling, "CN", imports, 1.0)


def fit_cn(dataset: Dataset, first: int, last: int) -> tuple[float, float, list[int]]:
    """(collection factor, its s.e., years used) for China on ``first``…``last``."""
    flows = recorded_flows_cn(dataset, last)
    record = recorded(dataset, "secondary_production_kt", "CN")
    years = [y for y in range(first, last + 1) if y in record.index]
    value, se = fit_collection_factor(flows, record, years)
    return value, se, years


def recycled_vs_record(dataset: Dataset, secondary: pd.Series) -> pd.DataFrame:
    """Simulated against recorded China recycled output by year, with the relative error."""
    record = recorded(dataset, "secondary_production_kt", "CN")
    both = pd.DataFrame({"simulated_kt": secondary, "recorded_kt": record}).dropna()
    both["error"] = both["simulated_kt"] / both["recorded_kt"] - 1.0
    return both

