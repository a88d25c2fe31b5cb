"""Extreme-condition tests, as system-dynamics practice asks (issue 3)."""

import numpy as np

from alusim.costs import cost_curve, curve_statistics
from alusim.engine.simulate import prepare
from tests.conftest import QUIET
from tests.test_engine_mechanisms import monthly, run

ALL_REGIONS = ["CN", "ASIA", "GCC", "NA", "SA", "WCE", "REE", "OC", "AF"]


def test_demand_to_zero_prices_fall_to_the_cost_floor_and_output_is_curtailed(dataset):
    r = run(end="2029-12", events=[{"type": "demand_shock", "region": "WORLD", "pct": -1.0, "start": "2025-02"}])
    shfe = monthly(r, "price_shfe_cny_t", "CN")
    floor = curve_statistics(cost_curve(dataset, region="CN", year=2025)).minimum
    assert shfe.iloc[-1] < floor                           # below even the cheapest plant's cash cost
    prod = monthly(r, "production_kt", "WORLD")
    assert prod.iloc[-1] < 0.2 * prod.iloc[0]
    assert (r.data["consumption_kt"].values >= -1e-9).all()


def test_capacity_removed_inventory_drains_to_zero_not_below_and_prices_spike():
    cut = {"type": "production_cut", "target": {"region": ALL_REGIONS}, "share": 1.0, "start": "2025-02"}
    # demand that does not give way to the price spike (the calibrated stock-days response drives the
    # price so high that price-elastic demand falls below recycled supply and stocks stop draining)
    inelastic = {f"demand.{r}.price_elasticity": 0.0 for r in ("cn", "asia", "gcc", "na", "sa", "wce", "ree", "oc", "af")}
    r = run(end="2026-12", events=[cut], assumptions=inelastic)
    inventory = r.data["inventory_kt"].sel(region=["CN", "ROW"]).values
    assert inventory.min() >= 0.0
    assert np.isclose(inventory[:, -1, :], 0.0, atol=1e-6).all()
    assert r.data["unmet_demand_kt"].sel(region="WORLD").values[:, -1].min() > 0
    lme = monthly(r, "price_lme_usd_t", "WORLD")
    assert lme.iloc[-1] > 1.8 * lme.iloc[0]            # bounded by the stock-ratio floor of the price rule
    assert r.balance_error_kt() < 1e-6


def test_cost_shock_curtails_loss_making_plants_first_in_cost_order(dataset):
    shock = {"type": "power_price", "target": {"country": "CN"}, "change": "+0.30 CNY/kWh", "start": "2025-02"}
    scenario_events = [shock]
    r = run(end="2025-12", events=scenario_events,
            assumptions={"supply.curtail_step_per_month": 1.0, "market.price_adjust_per_month": 0.0,
                         "supply.curtail_threshold_pct_of_cost": 90.0, "supply.margin_horizon_months": 2.0})
    from tests.conftest import scenario

    _, inputs = prepare(scenario(end="2025-12", events=scenario_events, assumptions=QUIET), dataset)
    cn = inputs.is_cn & np.isin(inputs.init_state, (2, 3))
    # first-year output share of each operating Chinese asset against its shocked cash cost
    table = r.asset_table()
    prod = table[table["year"] == 2025].set_index("asset_id")["production_mean_kt"]
    ids = inputs.assets["asset_id"].to_numpy()
    share = prod.reindex(ids).to_numpy() / np.maximum(inputs.capacity_kt * inputs.init_share, 1e-9)
    from alusim.engine.simulate import cost_terms

    power, fixed = cost_terms(inputs)
    cost = power[0, 1] + fixed[0, 1]            # the part of cash cost that differs between assets
    cut = cn & (share < 0.9)
    kept = cn & (share > 0.95)
    assert cut.any() and kept.any()
    assert cost[cut].min() >= cost[kept].max() - 1e-6   # every curtailed plant costs more than every kept one
