"""input_price: alumina, coal or anode prices change by a step (pct) or along a path of month -> change
(interpolated, held after the last point), in China, the rest of the world or both."""

import numpy as np
import pytest

from alusim.errors import InputError
from alusim.levers.input_price import INPUT_INDEX
from tests.conftest import scenario
from tests.levers.helpers import assert_isolated, inputs_of, monthly, run

STEP = {"type": "input_price", "input": "alumina", "region": "CN", "pct": 0.2, "start": "2025-04",
        "end": "2025-12"}
PATH = {"type": "input_price", "input": "coal", "path": {"2025-03": 0.0, "2025-07": 0.4}, "start": "2025-03"}


def test_step_multiplies_the_input_in_its_market_and_window(dataset):
    inputs = inputs_of(dataset, [STEP])
    k = INPUT_INDEX["alumina"]
    assert np.allclose(inputs.input_mult[0, 3:12, k, 0], 1.2)
    assert np.all(inputs.input_mult[0, :3] == 1) and np.all(inputs.input_mult[0, 12:] == 1)
    assert np.all(inputs.input_mult[0, :, k, 1] == 1)                    # ROW alumina untouched
    others = [i for i in range(3) if i != k]
    assert np.all(inputs.input_mult[0][:, others] == 1)


def test_path_is_interpolated_and_held(dataset):
    inputs = inputs_of(dataset, [PATH])
    k = INPUT_INDEX["coal"]
    expected = [1.0, 1.1, 1.2, 1.3, 1.4]                                  # March to July 2025
    for market in (0, 1):                                                 # region WORLD by default
        assert np.allclose(inputs.input_mult[0, 2:7, k, market], expected)
        assert np.allclose(inputs.input_mult[0, 7:, k, market], 1.4)
        assert np.all(inputs.input_mult[0, :2, k, market] == 1)


def test_absent_input_price_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, STEP)
    assert_isolated(dataset, PATH)


def test_step_and_path_together_are_refused():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="exactly one of pct or path"):
        scenario(end="2026-12", events=[{**STEP, "path": {"2025-04": 0.1}}])


def test_dearer_alumina_raises_chinese_costs_and_shfe(dataset):
    base, dear = run(dataset), run(dataset, [{**STEP, "end": None}])
    cost = monthly(dear, "cash_cost_p90_cny_t", "CN") - monthly(base, "cash_cost_p90_cny_t", "CN")
    assert np.all(cost[:3] == 0) and cost[3] > 0.2 * 1.93 * 2500           # +20% on ~2,500-5,000 CNY/t alumina
    shfe = monthly(dear, "price_shfe_cny_t", "CN") - monthly(base, "price_shfe_cny_t", "CN")
    assert shfe[-12:].mean() > 0          # on average over the last year (prices oscillate after a step)


@pytest.mark.parametrize("change", [{"region": "EU"}, {"input": "bauxite"}, {"pct": -1.5}])
def test_input_price_outside_the_schema_is_refused(change):
    # an input_price event has no target (nothing to select); its input, market and size are checked
    # when the scenario is read
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"events\.0\.input_price"):
        scenario(end="2026-12", events=[{**STEP, **change}])


def test_input_price_errors_in_a_file_name_the_event():
    from alusim.scenario import parse_scenario_text

    text = "name: x\nevents:\n  - type: input_price\n    input: alumina\n    region: EU\n    pct: 0.1\n" \
           "    start: 2025-01\n"
    with pytest.raises(InputError, match=r"^s\.yaml:5: events\.0\.region"):
        parse_scenario_text(text, where="s.yaml")
