"""Industry cost curves: capacity sorted by unit cost, with quartiles, the 90th percentile and the
share of capacity losing money at a price — the conventions of SMM's monthly China cost model and of
Wood Mackenzie's C1 curves (domain-facts.md b2, anchors a2)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alusim.costs.buildup import available_in_year, cost_table, costs_in_currency
from alusim.dataset import Dataset
from alusim.errors import InputError

CURVE_COLUMNS = ("asset_id", "name", "owner", "country", "province", "power_source", "capacity_kt",
                 "cumulative_capacity_kt")


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Capacity-weighted quantile: the cost below which a share ``q`` of capacity lies."""
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    total = w.sum()
    if total <= 0:
        return float("nan")
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, q * total - 1e-9, side="left")])


@dataclass(frozen=True)
class CurveStatistics:
    """Summary of a cost curve (costs in the curve currency per t, capacity in kt/yr)."""

    capacity_kt: float
    mean: float
    p25: float
    p50: float
    p75: float
    p90: float
    minimum: float
    maximum: float
    price: float | None = None
    loss_making_kt: float | None = None
    share_loss_making: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return dict(self.__dict__)


def select_region(dataset: Dataset, region: str) -> np.ndarray:
    """Mask of assets for a region code: ``WORLD``, ``ROW``, an IAI region code or an ISO2 country."""
    region = region.upper()
    table = dataset.smelters
    if region == "WORLD":
        return np.ones(len(table), dtype=bool)
    if region == "ROW":
        return (table["country"] != "CN").to_numpy()
    by_region = (table["region"] == region).to_numpy()
    by_country = (table["country"] == region).to_numpy()
    if not by_region.any() and not by_country.any():
        known = sorted(set(table["region"]) | {"WORLD", "ROW"})
        raise InputError(f"unknown region {region!r}", where="--region",
                         fix=f"use one of {', '.join(known)} or an ISO2 country code with smelters")
    return by_region | by_country


def curve_components(basis: str) -> tuple[str, ...]:
    """The cost components that add up to a curve's total: cash cost, plus sustaining capital on the
    full basis (its own column, as Wood Mackenzie's full-cost curves show it)."""
    cash = ("alumina", "power", "anode", "other", "carbon")
    return cash + ("sustaining",) if basis == "full" else cash


def cost_curve(dataset: Dataset, *, region: str = "CN", year: int = 2025, basis: str = "cash",
               currency: str = "CNY", capacity: str = "operating") -> pd.DataFrame:
    """One row per asset with capacity in ``year``, in cost order, with cumulative capacity.

    ``basis`` is ``cash`` (C1-like cash cost) or ``full`` (cash + sustaining capital and
    depreciation); ``currency`` is ``CNY`` (tax-inclusive) or ``USD``.
    """
    if basis not in ("cash", "full"):
        raise InputError(f"unknown cost basis {basis!r}", where="--basis", fix="use cash or full")
    if currency not in ("CNY", "USD"):
        raise InputError(f"unknown currency {currency!r}", where="--currency", fix="use CNY or USD")
    mask = select_region(dataset, region)
    table = cost_table(dataset, year)
    table = costs_in_currency(table, currency, cny_per_usd=dataset.param_or("fx.cny_per_usd", 7.2),
                              vat_cn=dataset.param_or("cost.vat_cn", 0.13))
    table["capacity_kt"] = available_in_year(dataset, year, capacity)
    table = table[mask & (table["capacity_kt"].to_numpy() > 0)]
    cost_column = f"{basis}_cost"
    unit = f"{basis}_cost_{currency.lower()}_t"
    table = table.sort_values(cost_column, kind="stable").reset_index(drop=True)
    table["cumulative_capacity_kt"] = table["capacity_kt"].cumsum()
    out = table[list(CURVE_COLUMNS)].copy()
    # the components are rounded first and the total is their sum, so a CSV's columns add up exactly
    parts = curve_components(basis)
    rounded = {f"{part}_{currency.lower()}_t": table[f"{part}_cost"].round(1) for part in parts}
    out[unit] = sum(rounded.values()).round(1)
    for column, values in rounded.items():
        out[column] = values
    out["source"] = table["source"]
    out.attrs.update(region=region, year=year, basis=basis, currency=currency, cost_column=unit,
                     capacity_basis=capacity)
    return out


def curve_statistics(curve: pd.DataFrame, price: float | None = None) -> CurveStatistics:
    """Quartiles, 90th percentile, mean and (given a price) capacity and share losing money."""
    cost = curve[curve.attrs["cost_column"]].to_numpy(float)
    cap = curve["capacity_kt"].to_numpy(float)
    if cap.sum() <= 0:
        raise InputError("the curve holds no capacity", fix="choose another region or year")
    loss_kt = share = None
    if price is not None:
        loss_kt = float(cap[cost > price].sum())
        share = loss_kt / float(cap.sum())
    return CurveStatistics(
        capacity_kt=float(cap.sum()), mean=float(np.average(cost, weights=cap)),
        p25=weighted_quantile(cost, cap, 0.25), p50=weighted_quantile(cost, cap, 0.5),
        p75=weighted_quantile(cost, cap, 0.75), p90=weighted_quantile(cost, cap, 0.9),
        minimum=float(cost.min()), maximum=float(cost.max()), price=price,
        loss_making_kt=loss_kt, share_loss_making=share)
