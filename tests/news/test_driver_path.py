"""driver_path claims: activity words to drivers, a change on last year resolved against the dataset's
path, growth rates and drivers no demand follows kept as observations, demand claims left to demand_shock."""

from __future__ import annotations

import dataclasses

import pytest

from alusim.news import draft_from_text


def drafted(text: str, published: str = "2025-11-10", dataset=None):
    draft = draft_from_text(text, published, dataset=dataset)
    return [(e.event_type, e.target, e.magnitude, e.start) for e in draft.events], draft.observations


@pytest.fixture(scope="module")
def dataset():
    from alusim.dataset import load_dataset

    return load_dataset(None)


@pytest.mark.parametrize("text,driver", [
    ("NEV output will jump 30% in 2026 from this year.", "nev_output_m"),
    ("China's new-energy vehicle production is set to rise 30% next year.", "nev_output_m"),
    ("China's car output will jump 30% next year.", "vehicle_output_m"),
    ("Grid investment to rise 30% next year, State Grid said.", "grid_investment_bn_cny"),
    ("Carmakers will boost NEV production by 30% from January 2026.", "nev_output_m"),
])
def test_activity_words_name_the_driver(text, driver):
    found, _ = drafted(text)
    # none of these drivers has a forecast for 2026 in drivers.csv: the path holds 2025, so +30% stays +30%
    assert found == [("driver_path", {"driver": driver, "region": "CN"}, pytest.approx(0.30), "2026-01")]


def test_a_change_on_last_year_is_measured_against_the_paths_forecast(dataset):
    text = "China's new solar installations are expected to fall 20% next year."
    [(_, target, with_forecast, _)], _ = drafted(text, dataset=dataset)
    assert target == {"driver": "pv_installations_gw", "region": "CN"}
    # the dataset forecasts a deeper fall for 2026 (217.5 GW after 315.07 GW): -20% is above that path
    assert with_forecast == pytest.approx(0.8 * 315.07 / 217.5 - 1, abs=1e-4)
    drivers = dataset.drivers
    actual_only = drivers[~((drivers["driver"] == "pv_installations_gw") & (drivers["basis"] == "forecast"))]
    [(_, _, held_flat, _)], _ = drafted(text, dataset=dataclasses.replace(dataset, drivers=actual_only))
    assert held_flat == pytest.approx(-0.20)


def test_a_change_against_expectations_is_taken_as_stated():
    found, _ = drafted("Solar installations in 2026 will be 10% higher than expected, the association said.")
    assert found == [("driver_path", {"driver": "pv_installations_gw", "region": "CN"}, pytest.approx(0.10),
                      "2026-01")]


@pytest.mark.parametrize("text,reason", [
    ("China's GDP is expected to grow 4.5% in 2026.", "growth rate of GDP"),
    ("Industrial output will rise 5.5% next year.", "growth rate of industrial output"),
    ("NEV output rose 35% year on year in October.", "year-on-year"),
    ("New property construction starts are set to shrink another 15% in 2026.", "floor_space_started_mm2"),
    ("US vehicle output will fall 10% next year.", "'US'"),
    ("NEV output will rise sharply next year.", "no percentage"),
])
def test_statistics_and_unmodelled_drivers_are_observations(text, reason):
    found, observations = drafted(text)
    assert found == []
    assert len(observations) == 1 and reason in observations[0].reason


def test_aluminium_demand_from_an_activity_stays_a_demand_claim():
    found, _ = drafted("Aluminium demand from China's solar installations will rise 20% next year.")
    assert [f[0] for f in found] == ["demand_shock"]
    found, _ = drafted("Aluminium demand will hold up even as China's solar installations fall 20% next year.")
    assert [f[0] for f in found] == ["driver_path"]


def test_a_cut_to_vehicle_output_is_not_a_smelter_cut():
    found, _ = drafted("Chinese carmakers will cut NEV output by 8% from March 2026.")
    assert found == [("driver_path", {"driver": "nev_output_m", "region": "CN"}, pytest.approx(-0.08), "2026-03")]


def test_the_draft_is_a_valid_scenario_once_accepted(tmp_path):
    from alusim.scenario import load_scenario

    draft = draft_from_text("China's NEV output will jump 30% in 2026 from this year.", "2025-11-10")
    path = tmp_path / "draft.yaml"
    path.write_text(draft.scenario_yaml(accept="all"), encoding="utf-8")
    [event] = [e for e in load_scenario(str(path)).events if e.type == "driver_path"]
    assert (event.driver, event.region, event.pct, event.start) == ("nev_output_m", "CN", pytest.approx(0.3), "2026-01")
