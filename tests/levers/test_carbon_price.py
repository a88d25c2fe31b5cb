"""carbon_price: a price on scope-1 emissions (anode CO2 + PFCs), or on scope 1+2 (plus the CO2 of the
power used), for the smelters of a region, in each asset's currency."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, inputs_of, mask, run

ETS = {"type": "carbon_price", "region": "CN", "price": "90 CNY/t_CO2", "scope": "1", "start": "2025-04"}


def test_scope_1_prices_direct_emissions_only_in_the_region_and_window(dataset):
    inputs = inputs_of(dataset, [ETS])
    cn = inputs.is_cn
    assert np.all(inputs.carbon1[0, 3:][:, cn] == pytest.approx(90.0))
    assert not inputs.carbon1[0, :3].any() and not inputs.carbon1[0][:, ~cn].any()
    assert not inputs.carbon2.any()


def test_scope_1_2_also_prices_power_and_currencies_convert(dataset):
    fx, usd_per_eur = dataset.param("fx.cny_per_usd"), dataset.param("fx.usd_per_eur")
    eu = inputs_of(dataset, [{**ETS, "region": "EU", "price": "80 EUR/t_CO2", "scope": "1+2"}])
    in_eu = eu.assets["country"].isin(["DE", "FR", "ES", "NL", "SE", "SK", "RO", "GR", "SI"]).to_numpy()
    assert in_eu.sum() >= 9
    assert np.all(eu.carbon1[0, 3:][:, in_eu] == pytest.approx(80 * usd_per_eur))    # USD for EU smelters
    assert np.array_equal(eu.carbon1, eu.carbon2)
    assert not eu.carbon1[0][:, mask(eu, country="NO")].any()                        # Norway is not in the EU
    world = inputs_of(dataset, [{**ETS, "region": "WORLD", "price": "10 USD/t_CO2"}])
    assert np.all(world.carbon1[0, 3:][:, world.is_cn] == pytest.approx(10 * fx))   # CNY for Chinese smelters
    assert np.all(world.carbon1[0, 3:][:, ~world.is_cn] == pytest.approx(10.0))


def test_absent_carbon_price_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, ETS)


def test_carbon_price_in_an_unknown_region_is_an_error(dataset):
    events = [{"type": "export_tax", "rate": 0.1, "start": "2025-01"}, {**ETS, "region": "Atlantis"}]
    with pytest.raises(InputError, match=r"^events\.1\.region: 'Atlantis' matches no smelter"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_carbon_price_costs_the_emissions_it_covers(dataset):
    base = run(dataset)
    one = run(dataset, [ETS])
    both = run(dataset, [{**ETS, "scope": "1+2"}])

    def margin(r):
        return r.data["margin_cny_t"].sel(region="CN").values[0]

    d1, d12 = margin(one) - margin(base), margin(both) - margin(base)
    assert np.all(d1[:3] == 0) and np.all(d12[:3] == 0)
    # direct emissions are ~1.5-2.5 t CO2e/t: 90 CNY/t costs ~135-225 CNY/t in the first month
    assert -250 < d1[3] < -100
    # with scope 2 the coal-powered Chinese fleet pays for ~10 t CO2/t more
    assert d12[3] < 3 * d1[3]
