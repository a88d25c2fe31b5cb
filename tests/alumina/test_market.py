"""The alumina market (issue 12): mass balance, and the directions a shock must move it."""

from functools import lru_cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import alusim
from alusim.alumina.market import MarketInputs, MarketParams, run_market, weighted_percentile
from alusim.scenario.model import Scenario

PAR = MarketParams(percentile=0.9, price_to_cost=np.array([1.0, 1.0]), stock_elasticity=0.6, cost_floor_ratio=0.85,
                   ratio_floor=0.5, ratio_ceiling=2.0, adjust=0.2, vol=0.05, days_normal=np.array([20.0, 30.0]),
                   curtail_after=4, restart_after=6, restart_margin=0.15, step=0.02, headroom=0.1,
                   trade_max_kt=400.0, trade_width=0.08, trade_adjust=0.3, freight_usd_t=21.0, vat_cn=0.13)


def _inputs(seed: int, paths: int = 6, months: int = 24, refineries: int = 8, demand_scale: float = 1.0,
            cut: float = 0.0) -> MarketInputs:
    rng = np.random.default_rng(seed)
    market = np.arange(refineries) % 2
    cap = rng.uniform(500, 5000, refineries)
    capacity = np.broadcast_to(cap, (1, months, refineries)).copy()
    capacity[0, 6:12, market == 0] *= 1.0 - cut
    cost = np.where(market == 0, rng.uniform(2000, 3200, refineries), rng.uniform(220, 360, refineries))
    supply = np.array([cap[market == k].sum() for k in (0, 1)]) / 12.0
    demand = np.broadcast_to(supply * demand_scale * rng.uniform(0.8, 1.1, 2), (1, months, 2)).copy()
    return MarketInputs(market=market, capacity_kt=capacity, cost0=cost, seaborne0=0.3 * cost, energy0=0.2 * cost,
                        cif_mult=np.ones((1, months)), demand_kt=demand, run0=np.full(refineries, 0.9),
                        variant=np.zeros(paths, dtype=np.int64), coal_idx=np.exp(rng.normal(0, 0.05, (paths, months))),
                        fx=np.full((paths, months), 7.2), price0=np.tile([3000.0, 350.0], (paths, 1)),
                        pinned=np.full((paths, months, 2), np.nan), shocks=rng.standard_normal((paths, months, 2)))


def _balance_error(out: dict) -> float:
    opening = np.concatenate([out["inventory_start_kt"][:, None], out["inventory_kt"][:, :-1]], axis=1)
    change = out["inventory_kt"] - opening
    flows = out["production_kt"] + out["imports_kt"] - out["consumption_kt"] - out["exports_kt"]
    return float(np.abs(change - flows).max())


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.5, 1.6))
def test_mass_balance_per_market_and_month(seed, scale):
    out = run_market(_inputs(seed, demand_scale=scale), PAR)
    assert _balance_error(out) < 1e-6
    assert (out["inventory_kt"] >= -1e-9).all() and (out["consumption_kt"] <= out["demand_kt"] + 1e-9).all()
    # what one market imports the other exports
    assert np.allclose(out["imports_kt"][..., 0], out["exports_kt"][..., 1])


def test_weighted_percentile_picks_the_cost_under_which_the_share_lies():
    cost = np.array([[1.0, 2.0, 3.0, 4.0]])
    assert weighted_percentile(cost, np.array([[1.0, 1.0, 1.0, 7.0]]), 0.5)[0] == 4.0
    assert weighted_percentile(cost, np.array([[5.0, 1.0, 1.0, 1.0]]), 0.5)[0] == 1.0


def test_cutting_china_refineries_lowers_its_stocks_and_raises_its_price():
    base, cut = run_market(_inputs(1, demand_scale=0.8), PAR), run_market(_inputs(1, demand_scale=0.8, cut=0.3), PAR)
    assert base["inventory_kt"][:, 11, 0].min() > 0
    assert (cut["inventory_kt"][:, 11, 0] < base["inventory_kt"][:, 11, 0]).all()
    assert cut["price"][:, 8:14, 0].mean() > base["price"][:, 8:14, 0].mean()
    assert _balance_error(cut) < 1e-6


@lru_cache(maxsize=8)
def _run(events: tuple = (), extra: tuple = ()):
    scenario = Scenario.model_validate({
        "name": "t", "start": "2025-01", "end": "2026-12", "paths": 12, "seed": 3,
        "assumptions": {"alumina.market": 1, **dict(extra)}, "events": [_plain(e) for e in events]})
    return alusim.simulate(scenario).data


def _plain(event):
    out = dict(event)
    if "target" in out:
        out["target"] = {k: list(v) for k, v in out["target"]}
    return out


def _median(data, variable, region):
    return data[variable].sel(region=region).median("path").values


def _event(**fields):
    return tuple(sorted(fields.items()))


def test_a_three_month_guinea_disruption_raises_china_alumina_then_smelter_cost_then_shfe():
    base = _run()
    hit = _run((_event(type="supply_disruption", origin="GN", share=0.5, duration_months=3, start="2025-09"),))
    months = slice(8, 11)
    assert (_median(hit, "bauxite_shortfall_alumina_kt", "CN")[months] > _median(base, "bauxite_shortfall_alumina_kt", "CN")[months]).all()
    assert _median(hit, "price_alumina_cny_t", "CN")[months].mean() > 1.05 * _median(base, "price_alumina_cny_t", "CN")[months].mean()
    assert _median(hit, "cash_cost_p90_cny_t", "CN")[months].mean() > _median(base, "cash_cost_p90_cny_t", "CN")[months].mean()
    later = slice(9, 14)
    assert _median(hit, "price_shfe_cny_t", "CN")[later].mean() > _median(base, "price_shfe_cny_t", "CN")[later].mean()
    # before the disruption nothing differs (paired draws)
    assert np.allclose(_median(hit, "price_alumina_cny_t", "CN")[:8], _median(base, "price_alumina_cny_t", "CN")[:8])


def test_cutting_shanxi_and_henan_refineries_lowers_china_stocks_and_raises_its_price():
    # in the 2025 glut of the default parameters China's price sits on its cost floor (0.85 × p90, which
    # Shandong's imported-ore plants set), so a cut of cheaper inland plants only lowers the stocks;
    # with a stock term that still acts there the price rises as the stocks fall
    extra = (("alumina.market.stock_ratio_ceiling", 6.0), ("alumina.market.cost_floor_ratio", 0.5))
    base = _run((), extra)
    cut = _run((_event(type="supply_disruption", target=(("province", ("Shanxi", "Henan")),), share=0.3,
                       start="2025-09", end="2026-06"),), extra)
    months = slice(10, 18)
    assert (_median(cut, "inventory_alumina_kt", "CN")[months] < _median(base, "inventory_alumina_kt", "CN")[months]).all()
    assert _median(cut, "price_alumina_cny_t", "CN")[months].mean() > _median(base, "price_alumina_cny_t", "CN")[months].mean()


def test_lifting_a_bauxite_export_ban_lowers_seaborne_alumina_cost():
    base = _run()
    lift = _run((_event(type="export_ban", country="ID", product="bauxite", share=0.0, start="2025-09"),))
    months = slice(9, 24)
    assert _median(lift, "alumina_cost_support_usd_t", "ROW")[months].mean() < 0.97 * _median(
        base, "alumina_cost_support_usd_t", "ROW")[months].mean()
    assert _median(lift, "price_alumina_usd_t", "ROW")[months].mean() < _median(base, "price_alumina_usd_t", "ROW")[months].mean()


def test_market_off_leaves_runs_without_alumina_variables():
    scenario = Scenario.model_validate({"name": "t", "start": "2025-01", "end": "2025-06", "paths": 4, "seed": 3})
    data = alusim.simulate(scenario).data
    assert "price_alumina_cny_t" not in data
