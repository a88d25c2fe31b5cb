"""power_price: a percent change scales the tariff; an absolute change (CNY/kWh or USD/MWh) is added,
converted to each asset's currency (CNY for China, USD elsewhere)."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, inputs_of, mask, run

PCT = {"type": "power_price", "target": {"province": "Yunnan"}, "change": "+10%", "start": "2025-04",
       "end": "2025-09"}


def test_percent_change_scales_the_tariff_of_the_target_in_its_window(dataset):
    inputs = inputs_of(dataset, [PCT])
    yunnan = mask(inputs, province="Yunnan")
    assert np.all(inputs.power_mult[0, 3:9][:, yunnan] == pytest.approx(1.1))
    assert np.all(inputs.power_mult[0, :3] == 1.0) and np.all(inputs.power_mult[0, 9:] == 1.0)
    assert np.all(inputs.power_mult[0][:, ~yunnan] == 1.0)
    assert not inputs.power_add.any()


def test_absolute_changes_are_converted_to_each_asset_currency(dataset):
    fx = dataset.param("fx.cny_per_usd")
    world = {"type": "power_price", "target": {"region": ["CN", "NA"]}, "start": "2025-01"}
    cny = inputs_of(dataset, [{**world, "change": "+0.05 CNY/kWh"}])
    usd = inputs_of(dataset, [{**world, "change": "+5 USD/MWh"}])
    cn, na = mask(cny, region="CN"), mask(cny, region="NA")
    assert np.all(cny.power_add[0][:, cn] == pytest.approx(0.05))
    assert np.all(cny.power_add[0][:, na] == pytest.approx(0.05 / fx))          # USD/kWh for US/CA plants
    assert np.all(usd.power_add[0][:, cn] == pytest.approx(0.005 * fx))
    assert np.all(usd.power_add[0][:, na] == pytest.approx(0.005))
    assert not cny.power_add[0][:, ~(cn | na)].any()
    assert np.all(cny.power_mult == 1.0)


def test_absent_power_price_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, PCT)
    assert_isolated(dataset, {**PCT, "change": "-0.02 CNY/kWh"})


def test_power_price_whose_target_selects_nothing_is_an_error(dataset):
    events = [{"type": "export_tax", "rate": 0.1, "start": "2025-01"}, {**PCT, "target": {"owner": "Nobody"}}]
    with pytest.raises(InputError, match=r"^events\.1\.target .*selects no asset"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_dearer_power_cuts_the_chinese_margin_by_its_cost(dataset):
    base = run(dataset)
    dear = run(dataset, [{"type": "power_price", "target": {"country": "CN"}, "change": "+0.05 CNY/kWh",
                          "start": "2025-03"}])
    inputs = inputs_of(dataset)
    margin = dear.data["margin_cny_t"].sel(region="CN").values[0] - base.data["margin_cny_t"].sel(region="CN").values[0]
    assert np.all(margin[:2] == 0)
    # in the first month of the change (prices not yet moved) the margin falls by 0.05 CNY/kWh x the
    # capacity-weighted AC power use of the running Chinese plants (weighted here by January's running
    # capacity; curtailed lines ramping up in February-March shift the weights slightly)
    running = inputs.is_cn & np.isin(inputs.init_state, (2, 3))
    weight = inputs.capacity_kt * inputs.init_share * running
    expected = 0.05 * (weight * inputs.power_ac_kwh_t).sum() / weight.sum()
    assert margin[2] == pytest.approx(-expected, rel=0.01)
