"""Plants held back by power, equipment or policy run no more than the record allows, whatever their
margin; a restart event lifts the ceiling; plants in ramp-up rise at the record's pace."""

import numpy as np
import pandas as pd
import pytest

from alusim.engine.availability import lift, lifted_share, run_ceiling
from alusim.errors import InputError
from tests.levers.helpers import index, inputs_of, run

TALCO = "tj_talco_tursunzoda"
RAMP = 1.0 / 6.0


def _table(cause, operating=100.0, capacity=500.0, status="curtailed", source_date="2024"):
    return pd.DataFrame([dict(asset_id="xx_plant", capacity_kt=capacity, operating_kt=operating, status=status,
                              curtailment_cause=cause, source_date=source_date)])


def _history(*rows):
    return pd.DataFrame([dict(asset_id="xx_plant", date=d, capacity_kt=c, operating_kt=o, curtailment_cause=k)
                         for d, c, o, k in rows])


def test_economic_curtailment_is_no_ceiling_and_a_held_one_is_the_table_share():
    assert (run_ceiling(_table("economic"), _history(), "2025-01", 12, RAMP) == 1.0).all()
    held = run_ceiling(_table("equipment"), _history(), "2025-01", 12, RAMP)
    assert np.allclose(held[:, 0], 0.2)


def test_a_replay_follows_the_recorded_share_month_by_month():
    history = _history(("2015-01", 500, 150, "equipment"), ("2020-07", 500, 60, "equipment"),
                       ("2024-01", 500, 100, None))
    ceiling = run_ceiling(_table("equipment", source_date="2023-07"), history, "2015-01", 120, RAMP)[:, 0]
    assert np.allclose(ceiling[:66], 0.3) and np.allclose(ceiling[66:108], 0.12) and np.allclose(ceiling[108:], 0.2)


def test_a_ramp_up_rises_to_the_next_record_then_a_ramp_step_a_month():
    history = _history(("2015-01", 1000, 400, "ramp_up"), ("2016-01", 1000, 700, "ramp_up"))
    ceiling = run_ceiling(_table("economic", operating=1000, capacity=1000, status="operating",
                                 source_date="2015"), history, "2015-01", 24, RAMP)[:, 0]
    assert ceiling[0] == pytest.approx(0.4) and ceiling[6] == pytest.approx(0.55)       # the record's pace
    assert ceiling[12] == pytest.approx(0.7) and ceiling[13] == pytest.approx(0.7 + RAMP)
    assert ceiling[20] == 1.0 and np.all(np.diff(ceiling) >= -1e-12)


def test_the_table_is_the_newest_record_when_dated_after_the_history():
    # an old economic row, then today's table row: held by policy from its date on
    history = _history(("2015-01", 500, 500, None))
    ceiling = run_ceiling(_table("policy", operating=470, source_date="2024-11"), history, "2024-01", 24, RAMP)
    assert np.allclose(ceiling[:10, 0], 1.0) and np.allclose(ceiling[10:, 0], 0.94)


def test_lift_ramps_the_plant_to_full_after_the_lag():
    ceiling = np.full((24, 1), 0.25)
    allowed = lift(ceiling, 0, 2, 6, 0.25)
    assert np.allclose(allowed[:8], 0.25) and allowed[8] == pytest.approx(0.5) and np.allclose(allowed[11:], 1.0)


def test_lift_restarts_a_plant_idled_to_zero():
    # a plant idled whole for power (Hawesville, 2022) has a ceiling of zero: a restart must still
    # bring it back (a factor on zero would leave it idle for ever)
    ceiling = np.zeros((24, 1))
    allowed = lift(ceiling, 0, 2, 6, 0.25)
    assert np.allclose(allowed[:8], 0.0) and allowed[8] == pytest.approx(0.25) and np.allclose(allowed[11:], 1.0)
    share = lifted_share(np.zeros(24), ceiling[:, 0], allowed)
    assert np.allclose(share, allowed)
    # where the ceiling was above zero, other factors on the plant (a power cut of half) scale with it
    half = np.full(24, 0.5)
    ceiling = np.full(24, 0.25)
    assert np.allclose(lifted_share(half * ceiling, ceiling, np.full(24, 1.0)), half)


def test_held_back_plants_in_the_baseline_do_not_restart_on_margin(dataset):
    result = run(dataset, end="2027-12")
    assets = result.asset_table()
    talco = assets[(assets["asset_id"] == TALCO) & (assets["year"] == 2027)]
    table = dataset.smelters.set_index("asset_id").loc[TALCO]
    # TALCO's hydro power makes it one of the cheapest plants on the curve, yet it runs what it can
    assert float(talco["production_p50_kt"].iloc[0]) <= float(table["operating_kt"]) + 1e-6


def test_a_restart_event_lifts_the_ceiling(dataset):
    event = {"type": "restart", "target": {"asset_id": TALCO}, "start": "2025-03"}
    inputs = inputs_of(dataset, [event])
    a = index(inputs, TALCO)
    assert inputs.avail_share[0, 0, a] == pytest.approx(inputs.run_ceiling[0, a]) and inputs.run_ceiling[0, a] < 0.5
    assert inputs.avail_share[0, -1, a] == pytest.approx(1.0)
    lifted = run(dataset, [event], end="2027-12").asset_table()
    base = run(dataset, end="2027-12").asset_table()
    pick = lambda t: float(t[(t["asset_id"] == TALCO) & (t["year"] == 2027)]["production_p50_kt"].iloc[0])  # noqa: E731
    assert pick(lifted) > 2.0 * pick(base)


def test_an_unknown_cause_in_the_smelter_table_is_refused(tmp_path):
    import shutil

    from alusim.dataset import load_dataset
    from alusim.dataset.paths import default_data_dir

    folder = tmp_path / "data"
    shutil.copytree(default_data_dir(), folder)
    text = (folder / "smelters_row.csv").read_text()
    (folder / "smelters_row.csv").write_text(text.replace(",policy,", ",weather,", 1))
    with pytest.raises(InputError, match="curtailment_cause"):
        load_dataset(folder, use_cache=False)


def test_segments_from_columns_are_the_pandas_rows_segments():
    """run_ceiling's segments read from column lists equal _segments of each pandas row."""
    from alusim.dataset import load_dataset
    from alusim.engine.availability import _base_id, _Columns, _segments

    dataset = load_dataset()
    assets = dataset.smelters.reset_index(drop=True)
    for history in (dataset.capacity_history, None):
        table = _Columns(assets, history)
        for a in range(len(assets)):
            ours = table.segments(a, _base_id(str(assets["asset_id"].iloc[a])))
            assert ours == _segments(assets.iloc[a], history), assets["asset_id"].iloc[a]
    duplicated = pd.concat([dataset.capacity_history.iloc[:1]] * 2, ignore_index=True)
    assert _Columns(assets, duplicated).segments(0, str(duplicated["asset_id"].iloc[0])) is None
