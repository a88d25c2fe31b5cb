"""power_curtailment: the target runs at (1 - share) of capacity in the window, optionally only in listed
calendar months, and - with a probability - only on the Monte Carlo paths where the event happens."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, inputs_of, mask, monthly, run

DRY = {"type": "power_curtailment", "target": {"province": "Yunnan"}, "share": 0.15,
       "months": [11, 12, 1, 2, 3, 4], "start": "2025-01", "end": "2026-06"}


def test_curtailment_hits_only_the_listed_calendar_months_of_its_window(dataset):
    inputs = inputs_of(dataset, [DRY])
    yunnan = mask(inputs, province="Yunnan")
    assert yunnan.sum() == 7                                  # incl. the planned projects, which it also covers
    hit = [0, 1, 2, 3, 10, 11, 12, 13, 14, 15]                # Jan-Apr 2025, Nov 2025-Apr 2026
    for m in range(inputs.months):
        expected = 0.85 if m in hit else 1.0
        assert np.all(inputs.avail_share[0, m, yunnan] == expected), m
    assert np.all(inputs.avail_share[0][:, ~yunnan] == inputs.run_ceiling[:, ~yunnan])   # held-back plants keep their ceiling
    assert "in 10 months" in inputs.lever_log[0][0]


def test_curtailment_without_months_covers_the_whole_window(dataset):
    inputs = inputs_of(dataset, [{**DRY, "months": None, "end": "2025-03"}])
    yunnan = mask(inputs, province="Yunnan")
    assert np.all(inputs.avail_share[0, :3][:, yunnan] == 0.85)
    assert np.all(inputs.avail_share[0, 3:][:, yunnan] == 1.0)


def test_probability_adds_a_variant_in_which_the_curtailment_happens(dataset):
    inputs = inputs_of(dataset, [{**DRY, "probability": 0.35}])
    yunnan = mask(inputs, province="Yunnan")
    assert inputs.avail_share.shape[0] == 2 and inputs.variant_prob == [0.35] and inputs.variant_events == [0]
    assert np.all(inputs.avail_share[0] == inputs.run_ceiling)                 # variant 0: it does not happen
    assert np.all(inputs.avail_share[1, 0][yunnan] == 0.85)                    # variant 1: it does
    assert inputs.demand_base.shape[0] == 2 and np.array_equal(inputs.demand_base[0], inputs.demand_base[1])


def test_absent_curtailment_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, DRY)


def test_curtailment_errors_name_the_event(dataset):
    events = [{"type": "export_tax", "rate": 0.1, "start": "2025-01"}, {**DRY, "target": {"province": "Atlantis"}}]
    with pytest.raises(InputError, match=r"^events\.1\.target .*selects no asset"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)
    many = [{**DRY, "probability": 0.5}] * 7
    with pytest.raises(InputError, match=r"^events: 7 events carry a probability; at most 6"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=many), dataset)


def test_curtailment_cuts_output_on_the_paths_where_it_happens(dataset):
    base = run(dataset, paths=40)
    dry = run(dataset, [{**DRY, "probability": 0.35}], paths=40)
    diff = (dry.data["production_kt"].sel(region="CN").values
            - base.data["production_kt"].sel(region="CN").values)          # (paths, months)
    yunnan_kt = 6_230 * 0.15 * dataset.param("supply.utilisation_max") / 12   # operating Yunnan capacity x share
    hit = diff[:, 0] < -1.0
    assert 0.1 < hit.mean() < 0.6                                            # ~35% of the paths
    assert diff[hit, 0] == pytest.approx(-yunnan_kt, rel=0.02)
    assert np.all(diff[~hit, 0] == 0.0)
    assert np.all(np.median(diff[hit][:, 4:10], axis=0) > -yunnan_kt / 2)   # May-Oct: no curtailment
    assert monthly(dry, "production_kt", "CN")[0] <= monthly(base, "production_kt", "CN")[0]
