"""The mechanisms that form a regional premium (issue 11, premiums): the marginal supplier's landed
cost sets an importer's parity, the terms of the month the premium trades in, the corridor seed and
the start premiums of exporters, and the in-sample premium fit. Small arrays, the compiled functions
called directly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alusim.engine import regions as reg
from alusim.engine.nodes import seed_pattern
from alusim.history import premium_fit as F

LME = 2000.0
FREIGHT = 50.0


def corridors(n_months=3):
    """Importer 0 fed by a big cheap supplier 1 (60 %), a middle one 2 (25 %) and a small one 3 (15 %)."""
    n = 4
    base = np.zeros((n, n))
    base[1, 0], base[2, 0], base[3, 0] = 60.0, 25.0, 15.0
    premium0 = np.array([200.0, 100.0, 120.0, 140.0])
    freight = np.full((n, n), FREIGHT)
    np.fill_diagonal(freight, 0.0)
    tariff = np.zeros((1, n_months, n, n))
    border = np.zeros((1, n_months, n, n))
    open_share = np.ones((1, n_months, n, n))
    return base, premium0, freight, tariff, border, open_share


def shift_of(base, premium0, freight, tariff, border, open_share, m=0):
    n = base.shape[0]
    landed0, netback0 = np.zeros((n, n)), np.zeros((n, n))
    reg.start_parities(landed0, netback0, LME, premium0, freight, tariff, border, 0)
    marginal0, cost, weight = np.zeros(n), np.zeros(n), np.zeros(n)
    reg.start_marginals(marginal0, landed0, base, open_share, 0, cost, weight)
    out = np.zeros(n)
    reg.parity_shift(out, base, open_share, 0, m, LME, premium0.copy(), premium0, freight, tariff, border, netback0,
                     marginal0, cost, weight)
    return out[0]


def test_the_marginal_cost_is_the_supplier_where_the_cumulative_share_is_reached():
    cost = np.array([10.0, 30.0, 20.0, 0.0])
    weight = np.array([0.5, 0.2, 0.3, 0.0])                     # the last supplier is closed
    assert reg.marginal_cost(cost, weight, 0.5) == 10.0         # cheapest alone covers half
    assert reg.marginal_cost(cost, weight, 0.7) == 20.0
    assert reg.marginal_cost(cost, weight, 0.9) == 30.0
    assert reg.marginal_cost(cost, np.zeros(4), 0.7) == 0.0


def test_a_duty_on_every_supplier_lifts_the_parity_by_the_duty_on_the_marginal_landed_value():
    base, premium0, freight, tariff, border, open_share = corridors()
    tariff[0, 1:, :, 0] = 0.1
    np.fill_diagonal(tariff[0, 1], 0.0)
    shift = shift_of(base, premium0, freight, tariff, border, open_share)
    marginal = premium0[2] + FREIGHT                            # supplier 2 reaches 70 % (60 + 25)
    assert shift == pytest.approx(0.1 * (LME + marginal))


def test_an_exemption_for_the_cheapest_supplier_keeps_the_duty_in_the_parity():
    base, premium0, freight, tariff, border, open_share = corridors()
    tariff[0, 1:, 2:, 0] = 0.1                                  # supplier 1 (60 %) exempt
    shift = shift_of(base, premium0, freight, tariff, border, open_share)
    assert shift == pytest.approx(0.1 * (LME + premium0[2] + FREIGHT))
    # the flow-weighted average the parity used to be would have kept only 40 % of it
    assert shift > 0.9 * 0.1 * (LME + premium0[2] + FREIGHT)


def test_a_prohibitive_duty_on_a_small_supplier_prices_it_out_instead_of_lifting_the_parity():
    base, premium0, freight, tariff, border, open_share = corridors()
    tariff[0, 1:, 3, 0] = 2.0                                   # 200 % on the 15 % supplier
    assert shift_of(base, premium0, freight, tariff, border, open_share) == pytest.approx(0.0)


def test_closing_the_cheapest_supplier_moves_the_margin_to_a_dearer_one():
    base, premium0, freight, tariff, border, open_share = corridors()
    open_share[0, 1:, 1, 0] = 0.0                               # a ban on supplier 1
    shift = shift_of(base, premium0, freight, tariff, border, open_share)
    assert shift == pytest.approx(premium0[3] - premium0[2])    # 3 now reaches 70 % of 40


def test_the_premium_prices_the_terms_of_the_month_it_trades_in():
    base, premium0, freight, tariff, border, open_share = corridors()
    tariff[0, 2:, :, 0] = 0.1                                   # in force from month 2
    np.fill_diagonal(tariff[0, 2], 0.0)
    assert shift_of(base, premium0, freight, tariff, border, open_share, m=0) == pytest.approx(0.0)
    assert shift_of(base, premium0, freight, tariff, border, open_share, m=1) > 200.0    # next month's duty
    assert shift_of(base, premium0, freight, tariff, border, open_share, m=2) > 200.0    # the last month holds


def test_a_corridor_first_recorded_a_few_years_after_the_start_seeds_it(dataset):
    nodes = list(dataset.regions["node"])
    seed = seed_pattern(dataset, nodes, 2015)
    us, ca, ru = nodes.index("US"), nodes.index("CA"), nodes.index("RU")
    assert seed[ca, us] == pytest.approx(2130.0)                # 2018, the nearest record after 2015
    assert seed[ca, us] > seed[ru, us] > 0
    assert seed[ru, nodes.index("EU")] == 0.0                   # first recorded 2024: beyond the look-ahead
    assert seed_pattern(dataset, nodes, 2019)[ca, us] == pytest.approx(2100.0)   # the latest at or before


def test_an_exporter_takes_its_netback_not_a_reading_of_a_later_regime(dataset):
    from alusim.engine.simulate import prepare
    from alusim.history.replay import replay

    early, history = replay(dataset, "2015-01", "2015-12", paths=2, regions=True)
    _, inputs = prepare(early, history, None)
    ru = inputs.node_names.index("RU")
    assert inputs.node_premium0[ru] > 0.0                       # not the −125 of the 2022 sanctions
    late, history = replay(dataset, "2023-01", "2023-12", paths=2, regions=True)
    _, inputs = prepare(late, history, None)
    assert inputs.node_premium0[inputs.node_names.index("RU")] == pytest.approx(-125.0)


def test_the_premium_fit_picks_the_candidate_of_least_in_sample_error(dataset):
    months = pd.period_range("2015-01", "2019-12", freq="M")
    nodes = list(dataset.regions["node"])

    def fake(parameters):
        import xarray as xr

        level = 300.0 + 400.0 * parameters["market.premium_stock_sensitivity"]
        values = np.full((3, len(months), len(nodes)), level)
        return xr.Dataset({"premium_usd_t": (("path", "month", "region"), values)},
                          coords={"month": months.to_timestamp(), "region": nodes})

    grid = {"market.premium_stock_sensitivity": (0.0, 0.25, 1.0), "market.premium_adjust_per_month": (0.5,)}
    fit = F.fit_premiums(dataset, grid=grid, simulate_fn=fake)
    # the record in sample: Midwest 200–420, MJP ~100–250, Rotterdam ~115–160: a level near 300 fits best
    assert fit.best == {"market.premium_stock_sensitivity": 0.0, "market.premium_adjust_per_month": 0.5}
    assert len(fit.table) == 3 and fit.table["loss"].is_monotonic_increasing
    errors = F.premium_errors(fake({"market.premium_stock_sensitivity": 0.0}), dataset, 2019)
    assert errors["midwest"] == pytest.approx(np.mean([abs(300 - a) / a for a in (199.5, 420.2, 399.1)]))
    assert set(F.mjp_record(dataset).loc[2015:2019].index) == {2015, 2016, 2017, 2018, 2019}


def test_the_shipped_premium_parameters_name_the_fit(dataset):
    rows = dataset.parameters.set_index("name")
    for name in F.GRID:
        assert "alusim premium fit 2015–2019" in rows.loc[name, "source"]
        assert rows.loc[name, "value"] in F.GRID[name]
