"""restart: idle or curtailed assets restart at the start month (after the lag), whatever the margin."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, index, inputs_of, monthly, run

RESTART = {"type": "restart", "target": {"asset_id": "es_alcoa_san_ciprian"}, "start": "2025-03"}
NEVER = {"supply.restart_hurdle_pct_of_cost.cn": 1e6, "supply.restart_hurdle_pct_of_cost.row": 1e6}


def test_restart_without_end_holds_a_year_and_with_end_a_window(dataset):
    one = inputs_of(dataset, [RESTART])
    a = index(one, "es_alcoa_san_ciprian")
    assert one.init_state[a] == 4                                       # idle
    assert np.flatnonzero(one.force_restart[0, :, a]).tolist() == list(range(2, 14))   # lag and ramp-up
    window = inputs_of(dataset, [{**RESTART, "end": "2025-08"}])
    assert np.flatnonzero(window.force_restart[0, :, a]).tolist() == [2, 3, 4, 5, 6, 7]
    assert window.force_restart[0].sum() == 6


def test_kt_picks_the_largest_spare_capacity_first(dataset):
    inputs = inputs_of(dataset, [{**RESTART, "target": {"country": "CN"}, "kt": 400}])
    chosen = inputs.force_restart[0, 2]
    spare = inputs.capacity_kt * (1 - inputs.init_share)
    assert chosen.sum() >= 1 and spare[chosen].sum() >= 400
    assert spare[chosen].min() >= spare[inputs.is_cn & np.isin(inputs.init_state, (3, 4)) & ~chosen].max()
    every = inputs_of(dataset, [{**RESTART, "target": {"country": "CN"}}])
    assert "restarts 22 assets with 1,620 kt/yr idle" in every.lever_log[0][0]


def test_absent_restart_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, RESTART)


@pytest.mark.parametrize("target, message", [
    ({"country": "XX"}, "selects no asset"),
    ({"asset_id": "cn_shandong_hongqiao_binzhou"}, "selects no asset in a suitable state"),   # running
])
def test_restart_of_nothing_is_an_error(dataset, target, message):
    events = [{"type": "export_tax", "rate": 0.1, "start": "2025-01"}, {**RESTART, "target": target}]
    with pytest.raises(InputError, match=rf"^events\.1\.target .*{message}"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_forced_restart_runs_after_the_lag_and_costs_money(dataset):
    base = run(dataset, assumptions=NEVER)
    forced = run(dataset, [RESTART], assumptions=NEVER)
    diff = monthly(forced, "capacity_operating_kt", "ROW") - monthly(base, "capacity_operating_kt", "ROW")
    first = int(np.flatnonzero(diff > 1e-6)[0])
    lag = dataset.param("supply.restart_lag_months.row")
    assert 2 + 0.5 * lag <= first <= 2 + 1.5 * lag                      # ordered in month 2, lag ±50%
    assert forced.data["restart_cost_musd"].sel(region="ROW").values.sum() > 0
    assert base.data["restart_cost_musd"].sel(region="ROW").values.sum() == 0
