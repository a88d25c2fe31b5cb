"""Property tests of DESIGN.md §5 on random scenarios: mass balance, no negatives, output within
operating capacity, and determinism for a seed."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alusim.engine.simulate import simulate
from tests.conftest import scenario

MONTHS = st.sampled_from(["2025-02", "2025-06", "2025-11", "2026-03", "2026-09"])
TARGETS = st.sampled_from([{"province": "Yunnan"}, {"province": "Shandong"}, {"country": "CN"}, {"owner": "Rusal"},
                           {"power_source": "hydro"}, {"region": "WCE"}, {"owner": "Chalco"}])
EVENTS = st.one_of(
    st.builds(lambda s, t, x: {"type": "production_cut", "target": t, "share": x, "start": s}, MONTHS, TARGETS,
              st.floats(0, 1)),
    st.builds(lambda s, t, x, p: {"type": "power_curtailment", "target": t, "share": x, "start": s,
                                  "months": [11, 12, 1, 2, 3, 4], "probability": p}, MONTHS, TARGETS,
              st.floats(0, 1), st.floats(0.1, 1)),
    st.builds(lambda s, x: {"type": "demand_shock", "region": "WORLD", "pct": x, "start": s}, MONTHS,
              st.floats(-1, 1)),
    st.builds(lambda s, x: {"type": "capacity_cap", "limit_kt": x, "start": s}, MONTHS, st.floats(30_000, 50_000)),
    st.builds(lambda s, x: {"type": "input_price", "input": "alumina", "pct": x, "start": s}, MONTHS,
              st.floats(-0.5, 2)),
    st.builds(lambda s, x: {"type": "export_tax", "product": "semis", "rate": x, "start": s}, MONTHS,
              st.floats(0, 0.5)),
    st.builds(lambda s, x: {"type": "import_tariff", "importer": "US", "rate": x, "start": s}, MONTHS,
              st.floats(0, 2)),
    st.builds(lambda s, t: {"type": "close_noncompliant", "target": t, "start": s}, MONTHS, TARGETS),
    st.builds(lambda s, t: {"type": "restart", "target": {"country": "CN"}, "start": s}, MONTHS, TARGETS),
)
ASSUMPTIONS = st.fixed_dictionaries({}, optional={
    "market.price_adjust_per_month": st.floats(0, 1),
    "market.price_stock_elasticity": st.floats(-2, 0),
    "supply.curtail_step_per_month": st.floats(0.05, 1),
    "demand.noise_pct_per_month": st.floats(0, 10),
    "price.lme.vol_pct_per_month": st.floats(0, 15),
    "inventory.start_kt.cn": st.floats(0, 5000),
})


def check_invariants(result):
    data = result.data
    assert result.balance_error_kt() <= 1e-6
    for name in ("production_kt", "inventory_kt", "consumption_kt", "capacity_built_kt", "capacity_operating_kt",
                 "secondary_production_kt", "demand_kt"):
        values = data[name].values
        assert np.nanmin(values) >= -1e-9, name
    prod = data["production_kt"].values
    assert (prod <= data["capacity_operating_kt"].values / 12.0 + 1e-9).all()
    assert (data["capacity_operating_kt"].values <= data["capacity_built_kt"].values + 1e-6).all()
    for name in ("price_lme_usd_t", "price_shfe_cny_t"):
        values = data[name].values
        assert np.all(np.isfinite(values[~np.isnan(values)])) and np.nanmin(values) > 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EVENTS, max_size=4), ASSUMPTIONS, st.integers(0, 2**31 - 1), st.integers(1, 6))
def test_invariants_hold_on_random_scenarios(events, assumptions, seed, paths):
    sc = scenario(end="2027-06", paths=paths, seed=seed, events=events, assumptions=assumptions)
    result = simulate(sc)
    check_invariants(result)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EVENTS, max_size=3), st.integers(0, 2**31 - 1))
def test_same_seed_same_results(events, seed):
    sc = scenario(end="2026-12", paths=5, seed=seed, events=events)
    a, b = simulate(sc), simulate(sc, chunks=3)
    for name in a.variables:
        assert np.array_equal(a.data[name].values, b.data[name].values, equal_nan=True), name
    assert np.array_equal(a.asset_production_kt, b.asset_production_kt)


def test_different_seeds_differ():
    a = simulate(scenario(end="2026-12", paths=5, seed=1))
    b = simulate(scenario(end="2026-12", paths=5, seed=2))
    assert not np.array_equal(a.data["price_lme_usd_t"].values, b.data["price_lme_usd_t"].values, equal_nan=True)
