"""ban_new_capacity: projects (planned or under construction) in the target do not start while it lasts."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, differing, inputs_of, monthly, run

BAN = {"type": "ban_new_capacity", "target": {"country": "CN"}, "start": "2025-03", "end": "2026-06"}
GO = {"supply.planned_realisation_prob": 1.0}


def test_ban_blocks_the_chinese_pipeline_in_its_window(dataset):
    inputs = inputs_of(dataset, [BAN])
    pipeline = (inputs.init_state <= 1) & inputs.is_cn
    assert pipeline.sum() == 6
    assert inputs.build_block[:, 2:18][:, :, pipeline].all()
    assert not inputs.build_block[:, :2].any() and not inputs.build_block[:, 18:].any()
    assert not inputs.build_block[:, :, ~pipeline].any()               # running plants and other countries
    assert "blocks 6 assets, 4,560 kt/yr" in inputs.lever_log[0][0]


def test_ban_on_a_target_without_projects_changes_nothing(dataset):
    inputs = inputs_of(dataset, [{**BAN, "target": {"province": "Shandong"}}])
    assert "nothing to stop" in inputs.lever_log[0][0]
    assert differing(inputs, inputs_of(dataset)) == set()


def test_absent_ban_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, BAN)


def test_ban_whose_target_selects_nothing_is_an_error(dataset):
    events = [{"type": "demand_shock", "region": "CN", "pct": 0.01, "start": "2025-01"},
              {**BAN, "target": {"province": "Atlantis"}}]
    with pytest.raises(InputError, match=r"^events\.1\.target .*selects no asset"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_ban_keeps_chinese_capacity_flat_in_a_run(dataset):
    free = run(dataset, end="2028-12", assumptions=GO)
    banned = run(dataset, [{**BAN, "start": "2025-01", "end": None}], end="2028-12", assumptions=GO)
    built = monthly(banned, "capacity_built_kt", "CN")
    assert np.ptp(built) == 0.0
    assert monthly(free, "capacity_built_kt", "CN")[-1] > built[-1] + 1000
    # projects outside China are not touched
    assert np.array_equal(monthly(free, "capacity_built_kt", "ROW"), monthly(banned, "capacity_built_kt", "ROW"))
