"""export_rebate: China's export VAT rebate (13% on semis until 1 Dec 2024); it raises the domestic
basis of exported metal in the arbitrage."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, differing, inputs_of, monthly, run

REBATE = {"type": "export_rebate", "product": "semis", "rate": "13%", "start": "2025-04"}


def test_rebate_enters_the_export_weighted_rate_from_its_start(dataset):
    w = dataset.param("trade.cn_primary_share_of_exports")
    base = inputs_of(dataset)
    assert not base.export_rebate.any()                                    # cancelled from Dec 2024 (trade.csv)
    inputs = inputs_of(dataset, [REBATE])
    assert np.all(inputs.export_rebate[0, 3:] == pytest.approx((1 - w) * 0.13))
    assert not inputs.export_rebate[0, :3].any()
    both = inputs_of(dataset, [REBATE, {**REBATE, "product": "primary", "rate": 0.05, "end": "2025-06"}])
    assert np.all(both.export_rebate[0, 3:6] == pytest.approx(w * 0.05 + (1 - w) * 0.13))


def test_rebate_at_the_rate_in_force_changes_nothing(dataset):
    assert differing(inputs_of(dataset, [{**REBATE, "rate": 0.0}]), inputs_of(dataset)) == set()


def test_absent_rebate_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, REBATE)


def test_rebate_outside_china_is_refused(dataset):
    events = [{"type": "demand_shock", "region": "CN", "pct": 0.01, "start": "2025-01"}, {**REBATE, "country": "RU"}]
    with pytest.raises(InputError, match=r"^events\.1\.country: only China's export policy is modelled"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_rebate_raises_china_net_exports_and_lifts_shfe_against_lme(dataset):
    """The rebate lifts exports at once (11 points of netback on semis); China's stocks fall and SHFE
    rises against the baseline while LME, with more Chinese metal abroad, falls."""
    base, rebate = run(dataset), run(dataset, [REBATE])
    diff = monthly(rebate, "net_exports_kt", "CN") - monthly(base, "net_exports_kt", "CN")
    assert np.all(diff[:3] == 0) and np.all(diff[3:6] > 0) and diff[3:9].sum() > 0
    assert diff[3] > 0.03 * monthly(base, "net_exports_kt", "CN")[3]
    shfe = monthly(rebate, "price_shfe_cny_t", "CN") / monthly(base, "price_shfe_cny_t", "CN")
    lme = monthly(rebate, "price_lme_usd_t", "WORLD") / monthly(base, "price_lme_usd_t", "WORLD")
    # once exports have moved, SHFE stands above the baseline and LME below it on average (the supply
    # response makes both oscillate around their new levels month to month)
    assert np.all(shfe[:4] == 1.0) and shfe[5:].mean() > 1.0 and lme[5:].mean() < 1.0
    assert shfe[-12:].mean() > 1.0 and lme[-12:].mean() < 1.0
