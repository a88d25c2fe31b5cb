"""suspend_construction: chosen projects (largest first, up to kt) stay unfinished in the window."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, index, inputs_of, monthly, run

SUSPEND = {"type": "suspend_construction", "target": {"country": "CN"}, "kt": 2000, "start": "2025-04",
           "end": "2026-03"}
GO = {"supply.planned_realisation_prob": 1.0}


def test_suspension_picks_the_largest_projects_up_to_kt(dataset):
    inputs = inputs_of(dataset, [SUSPEND])
    chosen = inputs.build_block[0].any(axis=0)
    ids = set(inputs.assets["asset_id"][chosen])
    # largest first until 2,000 kt is reached: Honghe (1,930) then Fangchenggang (800)
    assert ids == {"cn_yunnan_hongqiao_honghe", "cn_guangxi_chalco_fangchenggang"}
    a = index(inputs, "cn_yunnan_hongqiao_honghe")
    assert inputs.build_block[:, 3:15, a].all()
    assert not inputs.build_block[:, :3, a].any() and not inputs.build_block[:, 15:, a].any()


def test_suspension_without_kt_takes_the_whole_pipeline_and_says_when_it_is_short(dataset):
    everything = inputs_of(dataset, [{**SUSPEND, "kt": None}])
    pipeline = (everything.init_state <= 1) & everything.is_cn
    assert np.array_equal(everything.build_block[0].any(axis=0), pipeline)
    short = inputs_of(dataset, [{**SUSPEND, "target": {"province": "Guangxi"}}])
    assert "asked 2,000 kt; the pipeline in the target holds 800" in short.lever_log[0][0]


def test_absent_suspension_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, SUSPEND)


@pytest.mark.parametrize("target, message", [
    ({"province": "Atlantis"}, "selects no asset"),
    ({"province": "Shandong"}, "selects no asset in a suitable state"),      # no project in Shandong
])
def test_suspension_of_nothing_is_an_error(dataset, target, message):
    events = [{"type": "export_tax", "rate": 0.1, "start": "2025-01"}, {**SUSPEND, "target": target}]
    with pytest.raises(InputError, match=rf"^events\.1\.target .*{message}"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_suspension_delays_chinese_projects_in_a_run(dataset):
    free = run(dataset, end="2028-12", assumptions=GO)
    stopped = run(dataset, [{**SUSPEND, "kt": None, "start": "2025-01", "end": None}], end="2028-12",
                  assumptions=GO)
    assert np.ptp(monthly(stopped, "capacity_built_kt", "CN")) == 0.0
    assert monthly(free, "capacity_built_kt", "CN")[-1] > monthly(stopped, "capacity_built_kt", "CN")[-1] + 1000
