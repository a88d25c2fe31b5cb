"""capacity_cap: China's national ceiling on built capacity, with a replacement ratio for closures."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, inputs_of, monthly, run

CAP = {"type": "capacity_cap", "country": "CN", "limit_kt": 44_000, "replacement_ratio": 0.5,
       "start": "2025-04", "end": "2025-12"}
GO = {"supply.planned_realisation_prob": 1.0}


def test_cap_sets_the_limit_in_its_window_and_the_replacement_ratio(dataset):
    base, capped = inputs_of(dataset), inputs_of(dataset, [CAP])
    assert np.isinf(base.cap_limit_cn).all()
    assert (capped.cap_limit_cn[:, 3:12] == 44_000).all()
    assert np.isinf(capped.cap_limit_cn[:, :3]).all() and np.isinf(capped.cap_limit_cn[:, 12:]).all()
    assert base.par["replacement_ratio"] == 1.0 and capped.par["replacement_ratio"] == 0.5
    built = dataset.stats.totals()["china_built_kt"]
    assert f"{built:,.0f} kt" in capped.lever_log[0][0]     # built capacity at the start, for the reader


def test_two_caps_keep_the_tighter_limit(dataset):
    tighter = {**CAP, "limit_kt": 40_000, "start": "2025-06", "end": None}
    inputs = inputs_of(dataset, [CAP, tighter])
    assert (inputs.cap_limit_cn[:, 3:5] == 44_000).all()
    assert (inputs.cap_limit_cn[:, 5:] == 40_000).all()


def test_absent_cap_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, CAP)


def test_cap_outside_china_is_refused(dataset):
    with pytest.raises(InputError, match=r"^events\.0\.country"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=[{**CAP, "country": "US"}]), dataset)


def test_cap_holds_back_chinese_projects_in_a_run(dataset):
    free = run(dataset, end="2028-12", assumptions=GO)
    capped = run(dataset, [{**CAP, "limit_kt": 45_000, "start": "2025-01", "end": None}], end="2028-12",
                 assumptions=GO)
    start = monthly(free, "capacity_built_kt", "CN")[0]
    assert monthly(free, "capacity_built_kt", "CN")[-1] > start + 1000     # the pipeline starts without a cap
    assert monthly(capped, "capacity_built_kt", "CN").max() <= 45_000 + 1e-6
    assert monthly(capped, "production_kt", "CN")[-1] < monthly(free, "production_kt", "CN")[-1]
