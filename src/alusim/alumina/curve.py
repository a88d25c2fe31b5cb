"""The refinery cost curve: capacity sorted by cash cost per t alumina, stacked by component
(bauxite, caustic, energy, other), the components rounded first so that they add up to the total."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.alumina.costs import COMPONENTS, capacity_in_year, cost_table, fx_cny_per_usd, to_currency
from alusim.dataset import Dataset
from alusim.errors import InputError

CURVE_COLUMNS = ("asset_id", "name", "owner", "country", "province", "bauxite_source", "bauxite_origin",
                 "digestion", "capacity_kt", "cumulative_capacity_kt")


def select_region(refineries: pd.DataFrame, region: str) -> np.ndarray:
    """Mask of refineries: ``CN``, ``ROW``, ``WORLD``, an IAI region code, an ISO2 country or a
    Chinese province."""
    region = region.upper()
    if region == "WORLD":
        return np.ones(len(refineries), dtype=bool)
    if region == "ROW":
        return (refineries["country"] != "CN").to_numpy()
    mask = ((refineries["region"] == region) | (refineries["country"] == region)
            | (refineries["province"].fillna("").str.upper() == region)).to_numpy()
    if not mask.any():
        known = sorted(set(refineries["region"]) | {"WORLD", "ROW"})
        raise InputError(f"unknown region {region!r} for refineries", where="--region",
                         fix=f"use one of {', '.join(known)}, an ISO2 country or a Chinese province")
    return mask


def refinery_curve(dataset: Dataset, *, region: str = "CN", year: int = 2024, currency: str | None = None,
                   capacity: str = "operating") -> pd.DataFrame:
    """One row per refinery with capacity in ``year``, in cash-cost order, with cumulative capacity and
    the components of its cash cost (``<component>_<cny|usd>_t``) that add up to ``cash_cost_<..>_t``.
    ``currency`` defaults to CNY for China and USD elsewhere."""
    currency = (currency or ("CNY" if region.upper() == "CN" else "USD")).upper()
    table = cost_table(dataset, year)
    table = to_currency(table, currency, cny_per_usd=fx_cny_per_usd(dataset, year))
    table["capacity_kt"] = capacity_in_year(table, year, capacity)
    table = table[select_region(table, region) & (table["capacity_kt"].to_numpy() > 0)]
    table = table.sort_values("cash_cost", kind="stable").reset_index(drop=True)
    table["cumulative_capacity_kt"] = table["capacity_kt"].cumsum()
    out = table[list(CURVE_COLUMNS)].copy()
    unit = currency.lower()
    rounded = {f"{part}_{unit}_t": table[f"{part}_cost"].round(1) for part in COMPONENTS}
    out[f"cash_cost_{unit}_t"] = sum(rounded.values()).round(1)
    for column, values in rounded.items():
        out[column] = values
    out["source"] = table["source"]
    out.attrs.update(region=region.upper(), year=year, basis="cash", currency=currency,
                     cost_column=f"cash_cost_{unit}_t", capacity_basis=capacity, product="alumina",
                     components=COMPONENTS, colour_by="bauxite_source")
    return out
