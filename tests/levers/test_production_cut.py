"""production_cut: the target runs at (1 - share) of capacity in the window; kt is spread pro rata."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, index, inputs_of, mask, monthly, run

CUT = {"type": "production_cut", "target": {"owner": "Weiqiao", "province": "Shandong"}, "kt": 250,
       "start": "2025-06", "end": "2025-12"}


def test_kt_cut_is_spread_over_operating_capacity_in_the_window(dataset):
    # Weiqiao's Shandong capacity is two rows: Binzhou (2,500 kt) and the 1,930 kt held for Honghe
    inputs = inputs_of(dataset, [CUT])
    others = np.ones(inputs.n_assets, dtype=bool)
    for asset in ("cn_shandong_hongqiao_binzhou", "cn_shandong_hongqiao_honghe_quota"):
        a = index(inputs, asset)
        assert inputs.avail_share[0, 5:12, a] == pytest.approx(1 - 250 / 4430)
        assert (inputs.avail_share[0, :5, a] == 1).all() and (inputs.avail_share[0, 12:, a] == 1).all()
        others[a] = False
    assert (inputs.avail_share[:, :, others] == inputs.run_ceiling[:, others]).all()


def test_share_cut_and_overlapping_cuts_multiply(dataset):
    henan = {"type": "production_cut", "target": {"province": "Henan"}, "share": 0.3, "start": "2025-01"}
    inputs = inputs_of(dataset, [henan, {**henan, "share": 0.5, "start": "2026-01"}])
    m = mask(inputs, province="Henan")
    assert m.sum() == 6
    assert np.allclose(inputs.avail_share[0, :12][:, m], 0.7)
    assert np.allclose(inputs.avail_share[0, 12:][:, m], 0.7 * 0.5)


def test_absent_cut_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, CUT)


@pytest.mark.parametrize("target, message", [
    ({"owner": "Weiqiao", "province": "Xinjiang"}, "selects no asset"),
    ({"asset_id": "cn_yunnan_hongqiao_honghe"}, "selects no asset in a suitable state"),   # a project
])
def test_cut_of_nothing_is_an_error(dataset, target, message):
    events = [{"type": "export_tax", "rate": 0.1, "start": "2025-01"}, {**CUT, "target": target}]
    with pytest.raises(InputError, match=rf"^events\.1\.target .*{message}"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_cut_lowers_chinese_output_by_its_tonnage_in_a_run(dataset):
    base, cut = run(dataset), run(dataset, [CUT])
    diff = monthly(cut, "production_kt", "CN") - monthly(base, "production_kt", "CN")
    assert np.all(diff[:5] == 0)
    assert diff[5] == pytest.approx(-250 * dataset.param("supply.utilisation_max") / 12)          # the first month of the cut, before prices move
    assert np.all(diff[5:12] < 0)
