"""The rest-of-world plant record as the 2015-2024 replay reads it: every plant built before the
window starts from its pre-window state, and the cuts that were not margin decisions (the Alunorte
embargo, Aluar's lockdown cut, Alumar's idle years, Europe's energy-crisis cuts) hold the plant at the
recorded share until the next record lifts it."""

import numpy as np
import pandas as pd
import pytest

from alusim.engine.availability import run_ceiling
from alusim.history.assets import assets_at

START = "2015-01"
MONTHS = 120
RAMP = 1.0 / 6.0


def _month(period: str) -> int:
    return (pd.Period(period, freq="M") - pd.Period(START, freq="M")).n


@pytest.fixture(scope="module")
def ceilings(dataset):
    assets = assets_at(dataset, START)
    ceiling = run_ceiling(assets, dataset.capacity_history, START, MONTHS, RAMP)
    return {aid: ceiling[:, i] for i, aid in enumerate(assets["asset_id"])}


def test_every_plant_built_before_the_window_has_a_record_at_its_start(dataset):
    # without one the replay takes the first later record (a cut) as the 2015 state
    row = dataset.smelters[dataset.smelters["country"] != "CN"]
    built = row[(row["start_year"].astype(int) < 2015) & ~row["status"].isin(("planned", "construction"))]
    first = dataset.capacity_history.groupby("asset_id")["date"].min()
    late = [a for a in built["asset_id"] if a in first.index and first[a] > START]
    assert late == []


def test_plants_start_the_replay_at_their_pre_window_state(dataset):
    assets = assets_at(dataset, START).set_index("asset_id")
    for plant in ("br_albras_barcarena", "de_trimet_essen", "de_trimet_hamburg", "ar_aluar_puerto_madryn"):
        assert assets.loc[plant, "operating_kt"] >= 0.95 * assets.loc[plant, "capacity_kt"], plant


def test_an_embargo_and_a_lockdown_cut_hold_the_plant_until_the_next_record(ceilings):
    albras, aluar = ceilings["br_albras_barcarena"], ceilings["ar_aluar_puerto_madryn"]
    assert albras[_month("2017-12")] == 1.0 and albras[_month("2018-06")] == pytest.approx(0.5)
    assert albras[_month("2020-01")] == 1.0
    assert aluar[_month("2020-06")] == pytest.approx(0.5) and aluar[_month("2021-03")] == pytest.approx(0.7)
    assert aluar[_month("2023-01")] == 1.0


def test_an_idle_plant_held_for_power_comes_back_only_with_its_recorded_restart(ceilings):
    alumar = ceilings["br_alumar_sao_luis"]
    assert np.all(alumar[_month("2015-04"):_month("2022-04")] == 0.0)
    ramp = alumar[_month("2022-04"):_month("2024-01")]
    assert ramp[0] == 0.0 and ramp[-1] > 0.6 and np.all(np.diff(ramp) > 0)


def test_energy_crisis_cuts_hold_until_the_restart_record(ceilings):
    # Trimet Essen: cut ~50% for power in Nov 2021, pots restarted through 2024
    essen = ceilings["de_trimet_essen"]
    assert essen[_month("2021-06")] == 1.0
    assert essen[_month("2022-06")] == pytest.approx(80 / 165)
    assert essen[_month("2024-09")] == 1.0


def test_a_plant_listed_closed_shuts_for_good_at_its_last_record(dataset):
    # Intalco: curtailed in full Jul 2020 and closed since; the replay may not restart it on margin
    before = assets_at(dataset, START).set_index("asset_id")
    assert before.loc["us_alcoa_intalco", "closes"] == "2020-07"
    assert "us_alcoa_intalco" not in set(assets_at(dataset, "2021-01")["asset_id"])


def test_us_outages_and_power_disputes_hold_the_plant_to_the_record(ceilings):
    # New Madrid: circuit failure Jan 2016 (equipment), the last line off in Mar 2016 for want of a
    # power rate (power), Magnitude 7's restart from May 2018 (ramp_up) to two lines in Nov 2018
    madrid = ceilings["us_magnitude7_new_madrid"]
    assert madrid[_month("2015-12")] == 1.0
    assert madrid[_month("2016-02")] == pytest.approx(88 / 263)
    assert np.all(madrid[_month("2016-03"):_month("2018-05")] == 0.0)
    restart = madrid[_month("2018-05"):_month("2018-11")]
    assert restart[0] == pytest.approx(88 / 263) and np.all(np.diff(restart) > 0)
    # Mt Holly: one of two potlines stopped in the Santee Cooper dispute (Dec 2015), half held to 2022
    holly = ceilings["us_century_mt_holly"]
    assert np.all(holly[_month("2015-12"):_month("2022-01")] == pytest.approx(115 / 229))


def test_the_rheinwerk_runs_on_the_power_it_contracted(ceilings):
    # Hydro, Jul 2015: two-thirds of capacity on 2.2 TWh/yr contracted to 2017 (and again to 2025)
    neuss = ceilings["de_speira_rheinwerk_neuss"]
    assert np.all(neuss[:_month("2022-10")] == pytest.approx(155 / 230))
    assert neuss[_month("2023-01")] == pytest.approx(0.5)
