"""import_cost: the delivered cost of China's primary imports over LME (freight, premium, the discount
on metal sanctions divert to China) changes by a number of USD/t; it moves import parity, and so how
much metal China draws in."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, differing, inputs_of, monthly, run

DISCOUNT = {"type": "import_cost", "change_usd_t": -200.0, "start": "2025-04", "end": "2026-03"}


def test_change_enters_its_months_and_adds_up(dataset):
    base = inputs_of(dataset)
    assert not base.import_cost_add.any()
    inputs = inputs_of(dataset, [DISCOUNT])
    assert np.all(inputs.import_cost_add[0, 3:15] == -200.0)
    assert not inputs.import_cost_add[0, :3].any() and not inputs.import_cost_add[0, 15:].any()
    both = inputs_of(dataset, [DISCOUNT, {**DISCOUNT, "change_usd_t": 50.0, "start": "2025-06", "end": None}])
    assert np.all(both.import_cost_add[0, 5:15] == -150.0) and np.all(both.import_cost_add[0, 15:] == 50.0)


def test_zero_change_changes_nothing(dataset):
    assert differing(inputs_of(dataset, [{**DISCOUNT, "change_usd_t": 0.0}]), inputs_of(dataset)) == set()


def test_absent_import_cost_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, DISCOUNT)


@pytest.mark.parametrize("event, field", [({**DISCOUNT, "importer": "US"}, "importer"),
                                          ({**DISCOUNT, "change_usd_t": 5000.0}, "change_usd_t")])
def test_impossible_import_cost_is_refused(dataset, event, field):
    # China's import cost only (the other markets' premiums come with the world regions), within ±2,000 USD/t
    with pytest.raises(ValueError, match=field):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=[event]), dataset)


def test_cheaper_imports_lower_parity_draw_metal_in_and_cut_shfe(dataset):
    base, cheap = run(dataset), run(dataset, [DISCOUNT])
    parity = monthly(cheap, "import_parity_cny_t", "CN") - monthly(base, "import_parity_cny_t", "CN")
    assert np.all(parity[:3] == 0) and parity[3] < 0
    imports = monthly(cheap, "imports_primary_kt", "CN") - monthly(base, "imports_primary_kt", "CN")
    assert np.all(imports[:3] == 0) and imports[3] > 0
    # more metal in: China's price falls below the baseline's while the discount lasts
    shfe = monthly(cheap, "price_shfe_cny_t", "CN")[4:15] - monthly(base, "price_shfe_cny_t", "CN")[4:15]
    assert shfe.mean() < 0

