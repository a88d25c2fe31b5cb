"""Mechanisms of the engine, each shown on the real dataset with random drivers switched off."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare, simulate
from tests.conftest import QUIET, scenario


def run(events=(), end="2027-12", paths=2, **extra):
    assumptions = {**QUIET, **extra.pop("assumptions", {})}
    return simulate(scenario(end=end, paths=paths, events=list(events), assumptions=assumptions, **extra))


def annual(result, variable, region):
    return result.annual()[variable].sel(region=region).median("path").to_pandas()


def monthly(result, variable, region):
    return result.data[variable].sel(region=region).median("path").to_pandas()


def test_quiet_paths_are_identical():
    r = run(paths=3)
    prices = r.data["price_lme_usd_t"].sel(region="WORLD").values
    assert np.allclose(prices[0], prices[1]) and np.allclose(prices[0], prices[2])


GO = {"supply.planned_realisation_prob": 1.0}


def test_construction_projects_commission_without_a_cap_and_wait_under_it(dataset):
    free = run(end="2029-12", assumptions=GO)
    capped = run(end="2029-12", assumptions=GO,
                 events=[{"type": "capacity_cap", "limit_kt": 45_000, "start": "2025-01"}])
    built_free = monthly(free, "capacity_built_kt", "CN").iloc[-1]
    built_capped = monthly(capped, "capacity_built_kt", "CN").iloc[-1]
    assert built_capped <= 45_000 + 1e-6
    assert built_free > built_capped


def test_closures_create_replacement_quota_under_the_cap():
    cap = {"type": "capacity_cap", "limit_kt": 45_000, "start": "2025-01", "replacement_ratio": 1.0}
    close = {"type": "close_noncompliant", "target": {"province": "Shandong"}, "kt": 1500, "start": "2025-02"}
    capped = run(end="2029-12", events=[cap], assumptions=GO)
    swapped = run(end="2029-12", events=[cap, close], assumptions=GO)
    start = monthly(swapped, "capacity_built_kt", "CN").iloc[0]
    dip = monthly(swapped, "capacity_built_kt", "CN").iloc[2]
    end = monthly(swapped, "capacity_built_kt", "CN").iloc[-1]
    assert dip < start - 1000                               # the closure removes built capacity …
    assert end > dip                                        # … and its quota lets projects start
    assert end <= 45_000 + 1e-6                             # the cap still holds
    assert monthly(capped, "capacity_built_kt", "CN").iloc[-1] <= 45_000 + 1e-6


def test_restart_takes_the_restart_lag(dataset):
    _, inputs = prepare(scenario(end="2026-12", assumptions=QUIET), dataset)
    idle = np.flatnonzero(inputs.init_state == 4)
    assert len(idle), "the dataset has idle capacity"
    asset = inputs.assets["asset_id"].iloc[idle[0]]
    region = "CN" if inputs.is_cn[idle[0]] else "ROW"
    lag = int(dataset.param(f"supply.restart_lag_months.{region.lower()}"))
    never = {"supply.restart_hurdle_pct_of_cost.cn": 1e6, "supply.restart_hurdle_pct_of_cost.row": 1e6}
    base = run(end="2026-12", assumptions=never)
    forced = run(end="2026-12", assumptions=never,
                 events=[{"type": "restart", "target": {"asset_id": asset}, "start": "2025-03"}])
    diff = (monthly(forced, "capacity_operating_kt", region) - monthly(base, "capacity_operating_kt", region)).to_numpy()
    first = int(np.flatnonzero(diff > 1e-6)[0])
    assert first == 2 + lag                                 # ordered in month 2, running after the lag
    assert forced.data["restart_cost_musd"].sel(region=region).values.sum() > 0


def test_sustained_losses_curtail_and_recovery_restarts():
    # with prices held still, doubling captive-coal power prices makes those smelters lose money for a
    # year; when the shock ends, margins return and the idle lines restart after the lag
    shock = {"type": "power_price", "target": {"country": "CN", "power_source": "captive_coal"}, "change": "+100%",
             "start": "2025-03", "end": "2026-02"}
    # the mechanism at a 90%-of-cost threshold (the calibrated default, ~77%, needs a bigger shock)
    still = {"market.price_adjust_per_month": 0.0, "supply.curtail_threshold_pct_of_cost": 90.0,
             "supply.margin_horizon_months": 3.0}
    r = run(end="2028-12", events=[shock], assumptions=still)
    op = monthly(r, "capacity_operating_kt", "CN")
    assert op.iloc[10:15].min() < op.iloc[0] - 2000               # capacity curtailed during the shock
    assert op.iloc[-1] > op.iloc[10:15].min() + 1000              # and back after it, with a lag


def test_more_expensive_alumina_lifts_the_cost_anchor_and_price():
    base = run(end="2026-12")
    dear = run(end="2026-12", events=[{"type": "input_price", "input": "alumina", "pct": 0.5, "start": "2025-01"}])
    assert annual(dear, "cash_cost_p90_cny_t", "CN").iloc[-1] > annual(base, "cash_cost_p90_cny_t", "CN").iloc[-1]
    assert annual(dear, "price_shfe_cny_t", "CN").iloc[-1] > annual(base, "price_shfe_cny_t", "CN").iloc[-1]


def test_export_rebate_raises_china_net_exports():
    base = run(end="2026-12")
    rebate = run(end="2026-12", events=[{"type": "export_rebate", "product": "semis", "rate": 0.13,
                                         "start": "2025-01"}])
    # the rebate lifts exports at once; over the following months the higher SHFE it brings wins part back
    first = slice(0, 3)
    assert (monthly(rebate, "net_exports_kt", "CN").iloc[first].sum()
            > monthly(base, "net_exports_kt", "CN").iloc[first].sum() * 1.05)


def test_secondary_supply_and_emissions_are_reported():
    r = run(end="2025-12")
    assert annual(r, "secondary_production_kt", "CN").iloc[0] > 5000
    intensity = annual(r, "co2_t_per_t", "CN").iloc[0]
    assert 8 < intensity < 18          # coal-heavy China smelting, scope 1+2 (domain-facts b9: ~15-17 incl. alumina)
    assert annual(r, "co2_alumina_mt", "WORLD").iloc[0] > 0


@pytest.mark.parametrize("event", [
    {"type": "production_cut", "target": {"province": "Shandong"}, "share": 0.0, "start": "2025-03"},
    {"type": "power_price", "target": {"province": "Yunnan"}, "change": "+0%", "start": "2025-03"},
    {"type": "demand_shock", "region": "CN", "pct": 0.0, "start": "2025-03"},
])
def test_a_lever_with_no_effect_changes_nothing(event):
    base = run(end="2026-06", paths=3, assumptions={"price.lme.vol_pct_per_month": 5.5})
    same = run(end="2026-06", paths=3, events=[event], assumptions={"price.lme.vol_pct_per_month": 5.5})
    for name in base.variables:
        assert np.array_equal(base.data[name].values, same.data[name].values, equal_nan=True), name


def test_the_cost_support_percentile_moves_prices_in_a_surplus():
    """The percentile of operating cash cost the price rests on is a real lever (the first version's
    anchor percentile changed nothing). It moves prices where they rest on the cost curve — a surplus
    (here world demand 15 % lower from March 2025). In a balanced market the marginal plant and the
    stocks set the price instead, and the observed start absorbs the percentile into the implied
    unreported stock, so a quiet baseline barely moves with it (that is the price rule, not a dead
    parameter)."""
    surplus = [dict(type="demand_shock", region="WORLD", pct="-15%", start="2025-03", source="test: a surplus")]
    low = run(events=surplus, end="2025-12", assumptions={"market.cost_support_percentile": 0.6})
    high = run(events=surplus, end="2025-12", assumptions={"market.cost_support_percentile": 0.95})
    assert annual(high, "cash_cost_support_cny_t", "CN").iloc[-1] > annual(low, "cash_cost_support_cny_t", "CN").iloc[-1]
    assert annual(high, "price_shfe_cny_t", "CN").iloc[-1] > 1.05 * annual(low, "price_shfe_cny_t", "CN").iloc[-1]
    assert annual(high, "price_lme_usd_t", "WORLD").iloc[-1] > 1.03 * annual(low, "price_lme_usd_t", "WORLD").iloc[-1]


def test_the_first_month_starts_at_the_price_rules_equilibrium():
    """Observed prices, visible stocks as recorded, the unreported stock as the prices reveal: the
    quiet baseline's prices barely move in the first month (no jump), and without the equilibrium
    start they would."""
    quiet = run(end="2025-06")
    jump = run(end="2025-06", assumptions={"market.start_at_equilibrium": 0.0})
    for r in (quiet, jump):
        assert monthly(r, "inventory_kt", "CN").iloc[0] >= 0
    first = abs(monthly(quiet, "price_shfe_cny_t", "CN").iloc[1] / monthly(quiet, "price_shfe_cny_t", "CN").iloc[0] - 1)
    other = abs(monthly(jump, "price_shfe_cny_t", "CN").iloc[1] / monthly(jump, "price_shfe_cny_t", "CN").iloc[0] - 1)
    assert first < 0.02 and first < other
    assert quiet.balance_error_kt() < 1e-6


def test_the_cap_rent_is_zero_with_room_to_build_and_full_at_the_cap():
    from alusim.engine.market import cap_rent_target_log, cap_rent_weight, shortness

    assert cap_rent_weight(40_000.0, np.inf, 0.1) == 0.0                 # no cap: cost sets the price
    assert cap_rent_weight(40_000.0, 45_000.0, 0.1) == 0.0               # 11 % of the cap still unbuilt
    assert cap_rent_weight(42_750.0, 45_000.0, 0.1) == pytest.approx(0.5)
    assert cap_rent_weight(45_000.0, 45_000.0, 0.1) == 1.0
    assert cap_rent_weight(45_000.0, 45_000.0, 0.0) == 0.0               # share 0: the mechanism is off
    assert shortness(900.0, 1000.0, 2.0) == 1.0 and shortness(1500.0, 1000.0, 2.0) == pytest.approx(0.5)
    assert shortness(2500.0, 1000.0, 2.0) == 0.0                          # a glut undercuts the import
    low = np.log(17_000.0)
    assert cap_rent_target_log(low, 20_000.0, 1.0, 0.0) == pytest.approx(np.log(20_000.0))
    assert cap_rent_target_log(low, 20_000.0, 0.5, 0.0) == pytest.approx(0.5 * (low + np.log(20_000.0)))
    high = np.log(21_000.0)
    assert cap_rent_target_log(high, 20_000.0, 1.0, 0.0) == high         # never pulls a scarce price down


def test_a_binding_cap_lifts_shfe_toward_import_parity_and_only_then():
    """At the cap no new plant can compete the rent away and the next tonne is imported, so SHFE
    rises toward import parity (and imports with it); without a cap the headroom parameter changes
    nothing."""
    cap = [{"type": "capacity_cap", "limit_kt": 45_000, "start": "2025-01"}]
    off = run(events=cap, end="2026-12", assumptions={"market.cap_rent_headroom_share": 0.0})
    on = run(events=cap, end="2026-12", assumptions={"market.cap_rent_headroom_share": 0.1})
    assert annual(on, "price_shfe_cny_t", "CN").iloc[-1] > 1.01 * annual(off, "price_shfe_cny_t", "CN").iloc[-1]
    assert annual(on, "imports_primary_kt", "CN").iloc[-1] > annual(off, "imports_primary_kt", "CN").iloc[-1]
    ratio = (monthly(on, "price_shfe_cny_t", "CN") / monthly(on, "import_parity_cny_t", "CN")).iloc[-6:]
    assert (ratio < 1.0 + 0.05).all()                                      # it stops near parity
    free_a = run(end="2026-06", assumptions={"market.cap_rent_headroom_share": 0.0})
    free_b = run(end="2026-06", assumptions={"market.cap_rent_headroom_share": 0.3})
    assert np.array_equal(free_a.data["price_shfe_cny_t"].values, free_b.data["price_shfe_cny_t"].values, equal_nan=True)
