"""relocate: source capacity closes and a new plant of kt x ratio starts elsewhere after the lag."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import arrays, build, index, monthly, run, same

RELOCATE = {"type": "relocate", "from": {"asset_id": "cn_shandong_xinfa_chiping"}, "to_province": "Yunnan",
            "kt": 1300, "start": "2025-02", "lag_months": 6}


def test_relocation_closes_the_source_and_builds_the_new_plant_after_the_lag(dataset):
    _, base = build(dataset)
    _, inputs = build(dataset, [RELOCATE])
    src, new = index(inputs, "cn_shandong_xinfa_chiping"), index(inputs, "reloc_0_yunnan")
    assert new == base.n_assets
    assert np.flatnonzero(inputs.force_close[0, :, src]).tolist() == [7]           # month 1 + 6
    assert inputs.commission_m[new] == 7 and inputs.init_state[new] == 1
    assert inputs.capacity_kt[new] == 1300 and inputs.is_cn[new]
    row = inputs.assets.iloc[new]
    assert (row["province"], row["power_source"], row["owner"]) == ("Yunnan", "hydro", "Relocation")
    assert inputs.power_co2_t_mwh[new] < 0.05 < inputs.power_co2_t_mwh[src]
    # nothing else moves (existing assets and series are as before)
    current = arrays(inputs)
    for name, old in arrays(base).items():
        now = current[name]
        now = now[..., :-1] if now.shape != old.shape else now
        if name not in ("force_close", "quota_transfer"):
            assert same(now, old), name
    assert inputs.force_close[0].sum() == 1
    # the source hands its quota to the new plant (China's replacement rules)
    # (the dataset's own relocations, ``replaces`` in smelters_cn.csv, are flagged in the base already)
    added = inputs.quota_transfer[:-1] & ~base.quota_transfer
    assert added.sum() == 1 and added[src] and inputs.quota_transfer[new]


def test_ratio_scales_the_new_plant_and_a_late_move_stays_outside_the_run(dataset):
    _, scaled = build(dataset, [{**RELOCATE, "ratio": 0.8}])
    assert scaled.capacity_kt[index(scaled, "reloc_0_yunnan")] == pytest.approx(1040)
    _, late = build(dataset, [{**RELOCATE, "lag_months": 60}])
    assert not late.force_close.any()
    assert late.commission_m[index(late, "reloc_0_yunnan")] == 61 > late.months


def test_absent_relocation_leaves_inputs_bit_identical(dataset):
    # the relocation adds a plant, so compare the existing assets: without the event nothing of it exists
    _, without = build(dataset, [{"type": "demand_shock", "region": "CN", "pct": 0.02, "start": "2025-01"}])
    _, empty = build(dataset)
    for name in ("force_close", "commission_m", "tariff0"):
        assert same(getattr(without, name), getattr(empty, name)), name
    assert "reloc_" not in " ".join(without.assets["asset_id"])


@pytest.mark.parametrize("event, message", [
    ({**RELOCATE, "from": {"province": "Atlantis"}}, r"events\.1\.target .*selects no asset"),
    ({**RELOCATE, "from": {"asset_id": "cn_yunnan_hongqiao_honghe"}}, r"events\.1\.target .*suitable state"),
    ({**RELOCATE, "probability": 0.5}, r"events\.1\.probability: relocation cannot be probabilistic"),
])
def test_relocation_errors_name_the_event(dataset, event, message):
    events = [{"type": "export_tax", "rate": 0.1, "start": "2025-01"}, event]
    with pytest.raises(InputError, match=rf"^{message}"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_relocation_to_hydro_lowers_chinese_co2_intensity_in_a_run(dataset):
    base, moved = run(dataset, end="2027-12"), run(dataset, [RELOCATE], end="2027-12")
    built = monthly(moved, "capacity_built_kt", "CN") - monthly(base, "capacity_built_kt", "CN")
    assert np.allclose(built, 0.0)                                             # closed and built in month 7
    co2 = monthly(moved, "co2_t_per_t", "CN") - monthly(base, "co2_t_per_t", "CN")
    assert np.all(co2[:7] == 0) and co2[-1] < -0.2


def test_relocation_tariff_sets_the_new_plant_tariff(dataset):
    _, inputs = build(dataset, [{**RELOCATE, "tariff": "0.28 CNY/kWh"}])
    assert inputs.tariff0[index(inputs, "reloc_0_yunnan")] == pytest.approx(0.28)


def test_relocation_under_the_cap_does_not_free_quota(dataset):
    go = {"supply.planned_realisation_prob": 1.0}
    cap = {"type": "capacity_cap", "limit_kt": 45_000, "start": "2025-01"}
    moved = run(dataset, [cap, RELOCATE], end="2027-12", assumptions=go)
    assert monthly(moved, "capacity_built_kt", "CN").max() <= 45_000 + 1e-6


def test_relocation_under_the_cap_leaves_no_gap_in_the_move_month(dataset):
    go = {"supply.planned_realisation_prob": 1.0}
    cap = {"type": "capacity_cap", "limit_kt": 45_000, "start": "2025-01"}
    late = {**RELOCATE, "start": "2025-06", "lag_months": 18}     # seed 003: Qiya Heqing ph. 2 (350 kt) is due
    moved = run(dataset, [cap, late], end="2027-12", assumptions=go)
    assert monthly(moved, "capacity_built_kt", "CN").max() <= 45_000 + 1e-6   # 45,114 kt from December 2026


def test_partial_relocation_moves_whole_plants_and_keeps_the_capacity(dataset):
    partial = {**RELOCATE, "from": {"asset_id": "cn_shandong_hongqiao_binzhou"}, "kt": 2000}
    _, inputs = build(dataset, [partial])
    closed = inputs.capacity_kt[inputs.force_close[0].any(axis=0)].sum()
    assert closed == pytest.approx(inputs.capacity_kt[index(inputs, "reloc_0_yunnan")])
