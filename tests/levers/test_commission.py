"""commission: a planned project, or a new plant described in the event, starts at the event's month."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import arrays, assert_isolated, build, index, inputs_of, monthly, run, same

EXISTING = {"type": "commission", "asset": "cn_yunnan_hongqiao_honghe", "start": "2025-06"}
NEW_ASSET = {"asset_id": "xx_test_smelter", "name": "Test smelter", "owner": "Test Owner", "country": "CN",
             "province": "Xinjiang", "capacity_kt": 600, "power_source": "captive_coal", "power_kwh_t": 13000}
NEW = {"type": "commission", "asset": NEW_ASSET, "start": "2025-09"}


def test_existing_project_is_put_under_construction_for_the_month(dataset):
    base, inputs = inputs_of(dataset), inputs_of(dataset, [EXISTING])
    a = index(inputs, "cn_yunnan_hongqiao_honghe")
    assert base.init_state[a] == 0 and base.commission_m[a] > 12            # planned for 2027
    assert inputs.init_state[a] == 1 and inputs.commission_m[a] == 5


def test_new_asset_is_added_with_its_own_costs_and_nothing_else_moves(dataset):
    _, base = build(dataset)
    _, inputs = build(dataset, [NEW])
    a = index(inputs, "xx_test_smelter")
    assert inputs.n_assets == base.n_assets + 1 and a == base.n_assets
    assert inputs.capacity_kt[a] == 600 and inputs.is_cn[a] and inputs.counts_in_cap[a]
    assert inputs.init_state[a] == 1 and inputs.commission_m[a] == 8
    assert inputs.power_ac_kwh_t[a] == pytest.approx(13000 * dataset.param("cost.ac_dc_ratio"))
    assert inputs.tariff0[a] > 0 and inputs.other_cost[a] > 0
    row = inputs.assets.iloc[a]
    assert row["province"] == "Xinjiang" and row["region"] == "CN" and row["source"] == "scenario event"
    # every existing asset and every series is exactly as before
    new_arrays = arrays(inputs)
    for name, old in arrays(base).items():
        new = new_arrays[name]
        if new.shape != old.shape:
            axis = [i for i, (x, y) in enumerate(zip(new.shape, old.shape, strict=True)) if x != y]
            assert axis == [new.ndim - 1], name
            new = new[..., :-1]
        assert same(new, old), name


def test_absent_commission_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, EXISTING)


@pytest.mark.parametrize("event, field, message", [
    ({**EXISTING, "asset": "cn_shandong_hongqiao_binzhou"}, "asset", "already built"),
    ({**EXISTING, "asset": "cn_no_such_plant"}, "asset", "unknown asset"),
    ({**NEW, "asset": {**NEW_ASSET, "asset_id": "cn_shandong_xinfa_chiping"}}, "asset.asset_id", "already exists"),
    ({**NEW, "asset": {**NEW_ASSET, "province": None}}, "asset.province", "required for a Chinese plant"),
    ({**EXISTING, "probability": 0.5}, "probability", "cannot be probabilistic"),
])
def test_commission_errors_name_the_event(dataset, event, field, message):
    events = [{"type": "export_tax", "rate": 0.1, "start": "2025-01"}, event]
    with pytest.raises(InputError, match=rf"^events\.1\.{field}: .*{message}"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


#: a planned project that adds capacity (Honghe, the largest, is a relocation: see below)
ADDING = {**EXISTING, "asset": "cn_guangxi_chalco_fangchenggang"}


def test_commissioned_plants_run_without_a_cap_and_wait_under_it(dataset):
    base = run(dataset)
    both = run(dataset, [ADDING, NEW])
    diff = monthly(both, "capacity_built_kt", "CN") - monthly(base, "capacity_built_kt", "CN")
    assert np.all(diff[:5] == 0) and np.allclose(diff[5:8], 800) and np.allclose(diff[8:], 1400)
    output = monthly(both, "production_kt", "CN") - monthly(base, "production_kt", "CN")
    assert np.all(output[:5] == 0) and output[5] > 0
    # net of the curtailments that the lower price causes: older plants give way, output still rises
    assert output[-1] > 0.15 * 1400 * dataset.param("supply.utilisation_max") / 12
    cap = {"type": "capacity_cap", "limit_kt": 45_000, "start": "2025-01"}
    capped = run(dataset, [cap, ADDING, NEW])
    assert monthly(capped, "capacity_built_kt", "CN").max() <= 45_000      # no replacement quota: both wait


def test_a_commissioned_relocation_moves_capacity_and_adds_none(dataset):
    """Honghe takes over 1,930 kt of Hongqiao's Shandong quota (``replaces`` in smelters_cn.csv): when
    it starts, the Shandong lines close in the same month, so China's built capacity does not move and
    the project needs no room under the cap."""
    _, inputs = build(dataset, [EXISTING])
    a, src = index(inputs, "cn_yunnan_hongqiao_honghe"), index(inputs, "cn_shandong_hongqiao_honghe_quota")
    assert inputs.quota_transfer[a] and inputs.quota_transfer[src]
    assert np.flatnonzero(inputs.force_close[0, :, src]).tolist() == [5]         # the project's month
    base, moved = run(dataset), run(dataset, [EXISTING])
    built = monthly(moved, "capacity_built_kt", "CN") - monthly(base, "capacity_built_kt", "CN")
    assert np.allclose(built, 0)
    cap = {"type": "capacity_cap", "limit_kt": 44_000, "start": "2025-01"}        # below today's built
    capped = run(dataset, [cap, EXISTING])
    assert np.allclose(monthly(capped, "capacity_built_kt", "CN"), monthly(base, "capacity_built_kt", "CN"))
