"""The asset table of a past month: layers for capacity changes, retired plants, scheduled closures."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from alusim.history.assets import assets_at, built_capacity_kt


def _one_plant(dataset, history_rows, start_year=2005, closed="", closed_by="market"):
    row = dataset.smelters[dataset.smelters["asset_id"] == "cn_shandong_nanshan_longkou"].iloc[[0]].copy()
    row["start_year"] = start_year
    retired = dataset.retired.iloc[0:0]
    if closed:
        retired = row.assign(closed=closed, closed_by=closed_by, status="closed", operating_kt=0.0)
        row = row.iloc[0:0]
    history = pd.DataFrame(history_rows, columns=["asset_id", "date", "capacity_kt", "operating_kt"])
    history = history.assign(source="test", confidence="low", note="")
    return replace(dataset, smelters=row, retired=retired, capacity_history=history)


def test_an_expansion_is_a_layer_under_construction_until_its_month(dataset):
    ds = _one_plant(dataset, [("cn_shandong_nanshan_longkou", "2015-01", 600, 500),
                              ("cn_shandong_nanshan_longkou", "2018-04", 816, 816)])
    table = assets_at(ds, "2015-01")
    assert table["capacity_kt"].tolist() == [600, 216]
    assert table["status"].tolist() == ["curtailed", "construction"]
    assert table["operating_kt"].iloc[0] == pytest.approx(500)
    assert table["commission"].tolist() == ["", "2018-04"]
    assert (table["plant_id"] == "cn_shandong_nanshan_longkou").all()
    assert built_capacity_kt(table, "2018-03") == 600 and built_capacity_kt(table, "2018-04") == 816


def test_a_reduction_closes_the_newest_layers_first_and_splits_one(dataset):
    ds = _one_plant(dataset, [("cn_shandong_nanshan_longkou", "2015-01", 1000, 1000),
                              ("cn_shandong_nanshan_longkou", "2016-07", 1300, 1300),
                              ("cn_shandong_nanshan_longkou", "2019-01", 800, 800)])
    table = assets_at(ds, "2015-01")
    assert built_capacity_kt(table, "2017-01") == 1300
    assert built_capacity_kt(table, "2019-01") == 800
    closing = table[table["closes"] == "2019-01"]
    assert closing["capacity_kt"].sum() == pytest.approx(500)        # the 300 kt layer and 200 kt of the base
    assert (table[table["closes"] == ""]["capacity_kt"].sum()) == pytest.approx(800)


def test_a_plant_started_later_is_under_construction_from_its_start_year(dataset):
    ds = _one_plant(dataset, [], start_year=2019)
    table = assets_at(ds, "2015-01")
    assert table["status"].tolist() == ["construction"] and table["commission"].tolist() == ["2019-07"]
    assert assets_at(ds, "2020-01")["status"].tolist() == ["operating"]


def test_retired_plants_close_in_their_month_unless_policy_closes_them(dataset):
    market = assets_at(_one_plant(dataset, [], closed="2017-05", closed_by="market"), "2015-01")
    assert market["closes"].tolist() == ["2017-05"]
    policy = assets_at(_one_plant(dataset, [], closed="2017-05", closed_by="policy"), "2015-01")
    assert policy["closes"].tolist() == [""] and policy["closed_by"].tolist() == ["policy"]
    assert assets_at(_one_plant(dataset, [], closed="2014-05"), "2015-01").empty is True


def test_embedded_history_rebuilds_published_totals(dataset):
    table = assets_at(dataset, "2015-01")
    # China: ~41-42 Mt built around 2015 (Reuters, Antaike), 44.43 Mt at end-2023 (Antaike)
    assert 39_000 < built_capacity_kt(table, "2015-01", "CN") < 43_500
    # after the 2017 clean-up (closed by the event record, so left out here)
    policy = table["closed_by"] == "policy"
    assert abs(built_capacity_kt(table[~policy.to_numpy()], "2024-01", "CN") - 44_430) / 44_430 < 0.03
    # by 2025 the rebuild ends on today's table
    today = dataset.smelters[dataset.smelters["status"].isin(["operating", "curtailed", "idle", "restarting"])]
    rebuilt = built_capacity_kt(table[~policy.to_numpy()], "2025-01")
    assert rebuilt == pytest.approx(today["capacity_kt"].sum(), rel=0.01)


def test_targets_by_asset_id_reach_every_layer(dataset):
    from alusim.dataset.dataset import target_mask

    table = assets_at(dataset, "2015-01")
    plant = table["plant_id"].value_counts().idxmax()
    mask = target_mask(table, asset_id=plant)
    assert mask.sum() == (table["plant_id"] == plant).sum() > 1


@pytest.fixture(scope="module")
def replay_inputs(dataset):
    """The engine inputs of a short 2015–2019 replay (two paths)."""
    from alusim.engine.simulate import prepare
    from alusim.history.replay import replay

    scenario, history = replay(dataset, "2015-01", "2019-12", paths=2)
    return prepare(scenario, history)[1]


def _month_index(period: str) -> int:
    """Month ``YYYY-MM`` as an index of a replay starting 2015-01."""
    from alusim.scenario.fields import month_index

    return month_index(str(period), "2015-01")


def test_closures_are_scheduled_in_their_month(replay_inputs):
    inputs = replay_inputs
    table = inputs.assets
    for a in np.flatnonzero(table["closes"].astype(str) != ""):
        month = _month_index(table["closes"].iloc[a])
        if month < inputs.months:
            assert inputs.force_close[0, month, a]
            assert not inputs.force_close[0, :month, a].any()


def test_a_replay_start_idles_the_dearest_power_whole_to_meet_the_recorded_run_rate(dataset):
    """China's rebuilt 2015 state runs more than the record's run rate: the excess is idled as whole
    plants with the dearest power (they then restart on margin, after their lag), not spread as a
    uniform curtailment that ramps back within two months."""
    from alusim.costs.buildup import power_tariff_per_kwh
    from alusim.history.replay import china_run_rate_kt, running_as_recorded

    assets = assets_at(dataset, "2015-01")
    notes: list[str] = []
    out = running_as_recorded(dataset, assets, "2015-01", notes)
    target, _ = china_run_rate_kt(dataset, "2015-01")
    china = (out["country"] == "CN") & out["status"].isin(("operating", "curtailed", "idle"))
    before = (assets["country"] == "CN") & assets["status"].isin(("operating", "curtailed"))
    assert float(assets.loc[before, "operating_kt"].sum()) > target           # the case this handles
    assert float(out.loc[china, "operating_kt"].sum()) == pytest.approx(target)
    was, now = assets["operating_kt"].to_numpy(float), out["operating_kt"].to_numpy(float)
    trimmed = before.to_numpy() & (now > 1e-9) & (now < was - 1e-9)
    assert trimmed.sum() <= 1                                                 # one plant at the margin
    idle = china & (out["status"] == "idle") & before.to_numpy()
    running = china & (out["status"] == "operating")
    assert idle.any() and running.any()
    cost = out["power_kwh_t"].to_numpy(float) * power_tariff_per_kwh(replace(dataset, smelters=out), 2015)
    assert cost[idle.to_numpy()].min() >= cost[running.to_numpy()].max() - 1e-9
    assert "start idle" in notes[-1]


def test_a_ban_in_the_record_does_not_block_a_layer_the_capacity_record_shows_built(replay_inputs):
    """A layer with a commissioning month was built: the capacity record says so. The event record's
    bans stop projects it does not show (State Council, Oct 2016); they must not stop a recorded
    commissioning at its month. Hongqiao's unapproved lines, dated at the ban's own month, were never
    built by the replay though they ran until the August 2017 clean-up."""
    inputs = replay_inputs
    table = inputs.assets
    checked = 0
    for a in np.flatnonzero(table["commission"].astype(str) != ""):
        month = _month_index(table["commission"].iloc[a])
        if month < inputs.months:
            assert not inputs.build_block[:, month, a].any(), table["asset_id"].iloc[a]
            checked += 1
    assert checked > 10
    unapproved = np.flatnonzero(table["plant_id"].astype(str) == "cn_shandong_hongqiao_noncompliant")
    assert len(unapproved) == 1
