"""export_tax: China's export tax on primary metal or semis; the arbitrage uses the export-weighted rate
(trade.cn_primary_share_of_exports of primary, the rest semis)."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, differing, inputs_of, monthly, run

TAX = {"type": "export_tax", "product": "semis", "rate": 0.1, "start": "2025-04", "end": "2025-12"}


def test_tax_enters_the_export_weighted_rate_in_its_window(dataset):
    w = dataset.param("trade.cn_primary_share_of_exports")
    base = inputs_of(dataset)
    assert np.all(base.export_tax == pytest.approx(w * 0.15))             # 15% on primary (trade.csv)
    inputs = inputs_of(dataset, [TAX, {**TAX, "product": "primary", "rate": 0.3, "start": "2025-07", "end": None}])
    assert np.all(inputs.export_tax[0, 3:6] == pytest.approx(w * 0.15 + (1 - w) * 0.1))
    assert np.all(inputs.export_tax[0, 6:12] == pytest.approx(w * 0.3 + (1 - w) * 0.1))
    assert np.all(inputs.export_tax[0, 12:] == pytest.approx(w * 0.3))      # the primary rate has no end
    assert np.all(inputs.export_tax[0, :3] == base.export_tax[0, :3])


def test_tax_at_the_rate_in_force_changes_nothing(dataset):
    same_rate = inputs_of(dataset, [{**TAX, "product": "primary", "rate": 0.15}])
    assert differing(same_rate, inputs_of(dataset)) == set()


def test_absent_tax_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, TAX)


def test_tax_outside_china_is_refused(dataset):
    events = [{"type": "demand_shock", "region": "CN", "pct": 0.01, "start": "2025-01"}, {**TAX, "country": "IN"}]
    with pytest.raises(InputError, match=r"^events\.1\.country: only China's export policy is modelled"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_export_tax_cuts_china_net_exports_and_widens_the_shfe_discount(dataset):
    """The tax cuts exports at once; the metal kept at home builds China's stocks and lowers SHFE, while
    the rest of the world, short of that metal, pays more — and the lower SHFE wins exports back over
    the following months (two-way trade, not a fixed export equation)."""
    base, taxed = run(dataset), run(dataset, [{**TAX, "end": None}])
    diff = monthly(taxed, "net_exports_kt", "CN") - monthly(base, "net_exports_kt", "CN")
    assert np.all(diff[:3] == 0) and np.all(diff[3:6] < 0) and diff[3:9].sum() < 0
    shfe = monthly(taxed, "price_shfe_cny_t", "CN") / monthly(base, "price_shfe_cny_t", "CN")
    lme = monthly(taxed, "price_lme_usd_t", "WORLD") / monthly(base, "price_lme_usd_t", "WORLD")
    # on average from the sixth month (month to month both oscillate around their new levels)
    assert np.all(shfe[:4] == 1.0) and shfe[6:].mean() < 1.0 and lme[6:].mean() > 1.0
    assert shfe[-12:].mean() < 1.0 and lme[-12:].mean() > 1.0
