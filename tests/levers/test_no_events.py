"""With no events no lever runs: the engine inputs are exactly what ``build_inputs`` makes; and the
helpers' fast path gives exactly what ``prepare`` gives."""

import pytest

from alusim.engine.inputs import build_inputs
from alusim.engine.simulate import prepare
from tests.conftest import QUIET, scenario
from tests.levers.helpers import BACKGROUND, differing, inputs_of


def test_no_events_inputs_equal_build_inputs(dataset):
    sc = scenario(end="2026-12", assumptions=QUIET)
    ds, prepared = prepare(sc, dataset)
    assert differing(prepared, build_inputs(ds, sc)) == set()
    assert prepared.lever_log == {}


@pytest.mark.parametrize("events", [[], BACKGROUND[:5], BACKGROUND[5:10], BACKGROUND[10:]],
                         ids=["none", "background-1", "background-2", "background-3"])
def test_fast_path_equals_prepare(dataset, events):
    _, slow = prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)
    assert differing(slow, inputs_of(dataset, events)) == set()
