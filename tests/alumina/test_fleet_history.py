"""A replay's refinery fleet month by month (refinery_history.csv) and the alumina market's demand from
the smelters that actually ran (alumina.market.demand_from_kernel)."""

import shutil

import numpy as np
import pandas as pd
import pytest

from alusim.alumina.engine import FLEET_MONTH, fleet_history, refinery_capacity
from alusim.dataset import load_dataset
from alusim.dataset.paths import default_data_dir
from alusim.errors import InputError


def _month(start: str, month: str) -> int:
    return (pd.Period(month, freq="M") - pd.Period(start, freq="M")).n


@pytest.fixture(scope="module")
def replay_fleet(dataset):
    refineries = dataset.refineries.reset_index(drop=True)
    base = refinery_capacity(refineries, "2015-01", 132)
    cap, revived, notes = fleet_history(refineries, dataset.refinery_history, "2015-01", 132, base)
    return refineries, base, cap, revived, notes


def _column(refineries, asset_id):
    return int(np.flatnonzero(refineries["asset_id"] == asset_id)[0])


def test_closed_and_idle_refineries_run_their_recorded_months(replay_fleet):
    refineries, base, cap, revived, _ = replay_fleet
    point = _column(refineries, "us_alcoa_pointcomfort_alumina")
    assert base[0, point] == 0.0                           # closed in January 2025: absent before
    assert cap[_month("2015-01", "2015-11"), point] == 2005.0
    assert cap[_month("2015-01", "2015-12"), point] == 805.0
    assert cap[_month("2015-01", "2016-06"):, point].max() == 0.0
    kwinana = _column(refineries, "au_alcoa_kwinana_alumina")
    assert cap[_month("2015-01", "2024-06"), kwinana] == 2190.0 and cap[_month("2015-01", "2024-07"), kwinana] == 0
    alpart = _column(refineries, "jm_alpart_nain_alumina")
    assert cap[_month("2015-01", "2017-06"), alpart] == 0.0
    assert cap[_month("2015-01", "2017-07"), alpart] == cap[_month("2015-01", "2019-10"), alpart] == 1650.0
    assert cap[_month("2015-01", "2019-11"), alpart] == 0.0
    friguia = _column(refineries, "gn_rusal_friguia_alumina")
    assert base[0, friguia] > 0 and cap[0, friguia] == 0.0 and cap[_month("2015-01", "2018-06"), friguia] == 650
    # refineries the history runs but January 2025 has idle open running; idle ones it does not list stay idle
    ids = set(refineries["asset_id"][revived])
    assert {"us_alcoa_pointcomfort_alumina", "au_alcoa_kwinana_alumina", "ua_rusal_nikolaev_alumina"} <= ids
    assert "ve_bauxilum_guayana_alumina" not in ids and "gn_rusal_friguia_alumina" not in ids


def test_china_is_held_to_its_national_capacity(replay_fleet, dataset):
    refineries, base, cap, _, _ = replay_fleet
    cn = (refineries["country"] == "CN").to_numpy()
    national = dataset.refinery_history.query("asset_id == 'CN'")
    for month, kt in zip(national["month"], national["capacity_kt"], strict=True):
        m = _month("2015-01", month)
        if month < FLEET_MONTH:
            assert cap[m, cn].sum() == pytest.approx(min(kt, base[m, cn].sum()), rel=1e-6)
    assert cap[0, cn].sum() < 0.8 * base[0, cn].sum()                  # ~71 Mt/yr in 2015, not 92
    assert np.all(cap[:, cn] <= base[:, cn] + 1e-9)                    # never scaled up
    jan = _month("2015-01", FLEET_MONTH)
    assert np.array_equal(cap[jan:], base[jan:])                       # January 2025's table from then on


def test_a_run_from_january_2025_is_untouched(dataset):
    refineries = dataset.refineries.reset_index(drop=True)
    base = refinery_capacity(refineries, FLEET_MONTH, 24)
    cap, revived, notes = fleet_history(refineries, dataset.refinery_history, FLEET_MONTH, 24, base)
    assert np.array_equal(cap, base) and not revived.any() and notes == []


@pytest.mark.parametrize("column, value, expect", [
    ("capacity_kt", "500", "capacity_kt 0"),          # first row is national: a national row with capacity is
    ("asset_id", "no_such_refinery", "asset_id"),      # fine, so the check is on the state/capacity pair below
])
def test_bad_history_row_is_refused(tmp_path, column, value, expect):
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    path = target / "refinery_history.csv"
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    row = int(np.flatnonzero(frame["state"] == "idle")[0]) if column == "capacity_kt" else 5
    frame.loc[row, column] = value
    frame.to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        load_dataset(target, use_cache=False)
    assert "refinery_history.csv" in str(info.value) and expect in str(info.value)


def test_demand_from_the_kernel_is_what_the_smelters_made(dataset):
    from alusim.alumina.engine import kernel_feedback
    from alusim.engine import kernel as K
    from alusim.engine.simulate import kernel_outputs, prepare, run_kernel
    from alusim.engine.stochastic import draw_drivers
    from alusim.history.replay import replay

    scenario, history = replay(dataset, "2015-01", "2016-12", paths=4, seed=3, fit_last=2015,
                               assumptions={"alumina.market": 1.0, "alumina.market.demand_from_kernel": 1.0})
    data, inputs = prepare(scenario, history)
    drivers = draw_drivers(inputs, data, 4, 3)
    outputs = kernel_outputs(inputs, 4)
    run_kernel(inputs, drivers, slice(0, 4), None, outputs)
    again = kernel_feedback(inputs, data, drivers, outputs[0])
    made = outputs[0][..., :2, K.O_PRODUCTION] * data.param("cost.alumina_t_per_t")
    assert np.allclose(again.alumina_market["demand_kt"], made)
    market = again.alumina_market
    assert np.all(market["consumption_kt"] <= market["demand_kt"] + 1e-9)
    assert not np.allclose(again.alumina_px, drivers.alumina_px)       # the second market forms its own price
    off = data.with_overrides({"alumina.market.demand_from_kernel": 0.0})
    assert kernel_feedback(inputs, off, drivers, outputs[0]) is None
