"""Recycled supply from the stock model: mass balance of metal in use, lifetimes, collection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alusim.demand.paths import market_paths
from alusim.recycling.stock_model import scrap_flows


def table(**lifetimes):
    rows = [("collection_rate", "WORLD", "all", 0.8, "fraction"), ("recovery_yield", "WORLD", "all", 0.95, "fraction"),
            ("new_scrap_rate", "WORLD", "all", 0.1, "fraction")]
    for sector, (mean, sd) in lifetimes.items():
        rows += [("lifetime_mean_years", "WORLD", sector, mean, "years"),
                 ("lifetime_sd_years", "WORLD", sector, sd, "years")]
    return pd.DataFrame(rows, columns=["parameter", "region", "sector", "value", "unit"])


def test_metal_in_use_balances_inflows_and_end_of_life_flows():
    years = range(1990, 2031)
    demand = pd.Series(np.linspace(100.0, 500.0, len(years)), index=years)
    shares = pd.DataFrame({"packaging": 0.3, "construction": 0.7}, index=years)
    flows = scrap_flows(demand, shares, table(packaging=(0.5, 0.25), construction=(30.0, 9.0)), "CN")
    inflow = demand * 0.9
    collected_share = 0.8 * 0.95
    end_of_life = flows.old_scrap / collected_share
    stock = flows.stock
    assert np.allclose(stock.diff().iloc[1:], (inflow - end_of_life).iloc[1:], rtol=1e-6, atol=1e-6)
    assert flows.new_scrap.equals(demand * 0.1)


def test_short_lived_products_return_as_scrap_within_the_year():
    years = range(2000, 2021)
    demand = pd.Series(100.0, index=years)
    cans = scrap_flows(demand, pd.DataFrame({"packaging": 1.0}, index=years), table(packaging=(0.5, 0.25)), "CN")
    buildings = scrap_flows(demand, pd.DataFrame({"construction": 1.0}, index=years),
                            table(construction=(30.0, 9.0)), "CN")
    assert cans.old_scrap.iloc[-1] == pytest.approx(90.0 * 0.8 * 0.95, rel=0.02)
    assert buildings.old_scrap.iloc[-1] < 0.2 * cans.old_scrap.iloc[-1]      # 20 years of a 30-year life


def test_collection_scales_old_scrap_only(dataset):
    base = market_paths(dataset, 2025, 2027).secondary.set_index(["market", "year"])
    more = market_paths(dataset.with_overrides({"recycling.collection_uplift.cn": 0.2}), 2025, 2027).secondary
    more = more.set_index(["market", "year"])
    assert np.allclose(more.loc["CN", "old_scrap"], base.loc["CN", "old_scrap"] * 1.2)
    assert np.allclose(more.loc["CN", "new_scrap"], base.loc["CN", "new_scrap"])
    assert more.loc["ROW"].equals(base.loc["ROW"])


def test_paths_come_back_from_the_disk_cache_unchanged_and_any_edit_is_a_new_key(dataset, tmp_path, monkeypatch):
    import alusim.demand.paths as paths

    monkeypatch.setenv("ALUSIM_CACHE", str(tmp_path))
    computed, reads = paths._disk_cached(dataset, 2025, 2027, None)
    assert len(list((tmp_path / "demand-paths").glob("*.parquet"))) == 2
    assert "recycling.collection_factor.cn" in reads
    cached, cached_reads = paths._disk_cached(dataset, 2025, 2027, None)
    assert cached_reads == reads                  # a cache hit still reports the parameters behind it
    pd.testing.assert_frame_equal(computed.annual, cached.annual)
    pd.testing.assert_frame_equal(computed.secondary, cached.secondary)
    key = paths._content_key(dataset, 2025, 2027, None)
    edited = dataset.recycling.copy()
    edited.loc[0, "value"] = edited.loc[0, "value"] * 1.01
    from dataclasses import replace

    assert paths._content_key(replace(dataset, recycling=edited), 2025, 2027, None) != key
    assert paths._content_key(dataset.with_overrides({"recycling.collection_uplift.cn": 0.1}), 2025, 2027, None) != key
    assert paths._content_key(dataset, 2025, 2027, {("pv_installations_gw", "CN"): {2026: 0.1}}) != key
    retyped = dataset.recycling.astype({"value": "float32"})
    assert paths._content_key(replace(dataset, recycling=retyped), 2025, 2027, None) != key
    # equal tables made apart (a copy, another process loading the dataset) share the key: a cache hit
    assert paths._content_key(replace(dataset, recycling=dataset.recycling.copy()), 2025, 2027, None) == key


def test_the_paths_key_is_the_same_in_another_process(dataset):
    """The key of the embedded dataset (as every run loads it) does not depend on the process."""
    import subprocess
    import sys

    import alusim.demand.paths as paths

    code = ("from alusim.dataset import load_dataset; import alusim.demand.paths as p; "
            "print(p._content_key(load_dataset(), 2025, 2027, None))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert other.stdout.strip() == paths._content_key(dataset, 2025, 2027, None), other.stderr


def test_the_scrap_fit_recovers_a_known_collection_factor_and_import_yield():
    """Recorded output built from known numbers (factor 0.45, imports counting 0.6 per tonne) is fitted
    back to them; with the yield outside [0, recovery] it falls back to the clean-scrap yield."""
    from alusim.recycling.stock_model import fit_collection

    years = list(range(2000, 2021))
    demand = pd.Series(np.linspace(100.0, 400.0, len(years)), index=years)
    flows = scrap_flows(demand, pd.DataFrame({"construction": 1.0}, index=years), table(construction=(8.0, 3.0)), "CN")
    imports = pd.Series(np.linspace(120.0, 20.0, len(years)), index=years)
    recorded = flows.new_scrap + 0.45 * flows.old_scrap + 0.6 * imports
    fit = fit_collection(flows, imports, recorded, years[5:], recovery_yield=0.95)
    assert fit.factor == pytest.approx(0.45, rel=1e-6) and fit.import_yield == pytest.approx(0.6, rel=1e-6)
    assert fit.years == tuple(years[5:])
    impossible = flows.new_scrap + 0.45 * flows.old_scrap + 1.5 * imports        # more than the metal imported
    fallback = fit_collection(flows, imports, impossible, years[5:], recovery_yield=0.95)
    assert fallback.import_yield == 0.95 and fallback.import_yield_se == 0.0


def test_imported_scrap_yield_moves_china_recycled_supply_only(dataset):
    base = market_paths(dataset, 2019, 2021).secondary.set_index(["market", "year"])
    less = market_paths(dataset.with_overrides({"recycling.imported_scrap_yield.cn": 0.3}), 2019, 2021).secondary
    less = less.set_index(["market", "year"])
    assert (less.loc["CN", "imported"] < base.loc["CN", "imported"]).all()
    assert np.allclose(less.loc["CN", "old_scrap"], base.loc["CN", "old_scrap"])
    assert less.loc["ROW"].equals(base.loc["ROW"])
