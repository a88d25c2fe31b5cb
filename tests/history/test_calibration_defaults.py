"""The baseline's behavioural parameters are the shipped 2015–2019 calibration, and say so; its
ensemble is what runs draw from by default."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from alusim.history.calibrate import BOUNDS, WAPE_CAP, WEIGHTS, loss
from alusim.history.parameter_sets import read_parameter_set, resolve, shipped_path


def _shipped() -> dict:
    return YAML(typ="safe").load(shipped_path().read_text(encoding="utf-8"))


def test_defaults_are_the_shipped_calibration(dataset):
    document = _shipped()
    assert document["fit"]["window"] == {"from": "2015-01", "to": "2019-12"}
    dropped = document["fit"]["screening"]["dropped_at_prior"]
    for name, value in document["parameters"].items():
        assert dataset.param(name) == pytest.approx(value, rel=1e-5), name
        if name not in dropped:
            row = dataset.parameters[dataset.parameters["name"] == name].iloc[0]
            assert "alusim calibrate 2015–2019" in row["source"]


def test_calibrated_values_and_ensemble_lie_within_their_bounds():
    document = _shipped()
    for member in [document["parameters"], *document["ensemble"]]:
        for name, value in member.items():
            if name in BOUNDS:
                low, high = BOUNDS[name]
                assert low - 1e-9 <= value <= high + 1e-9, name


def test_runs_draw_from_the_shipped_ensemble_by_default(dataset):
    shipped = resolve(dataset, None)
    assert shipped.source == str(shipped_path()) and len(shipped.ensemble) >= 2
    assert shipped == read_parameter_set(shipped_path(), "shipped calibration")
    assert resolve(dataset, "none").empty


def test_loss_is_the_weighted_mean_of_the_in_sample_errors():
    metrics = {"china_production": {"mape_in_sample": 0.02}, "lme_monthly": {"mape_in_sample": 0.10},
               "shfe_monthly": {"mape_in_sample": float("nan")}}
    w = WEIGHTS
    expected = (w["china_production"] * 0.02 + w["lme_monthly"] * 0.10) / (w["china_production"] + w["lme_monthly"])
    assert loss(metrics) == pytest.approx(expected)
    assert loss({}) == float("inf")


def test_every_fitted_parameter_moved_the_loss_in_the_screening():
    screening = _shipped()["fit"]["screening"]
    for name in screening["kept"]:
        assert screening["effect_on_loss"][name] >= screening["tolerance"], name
    assert set(screening["kept"]) | set(screening["dropped_at_prior"]) >= set(BOUNDS)


def test_china_imports_enter_the_loss_by_their_weighted_absolute_error_capped():
    base = {"china_production": {"mape_in_sample": 0.02}}
    w = WEIGHTS
    # a fit that imports 12× the recorded tonnes costs the cap, not 12 (one flow cannot swamp the rest) …
    wild = {**base, "china_imports": {"wape_in_sample": 12.0, "mape_in_sample": 30.0}}
    capped = {**base, "china_imports": {"wape_in_sample": WAPE_CAP}}
    assert loss(wild) == pytest.approx(loss(capped))
    expected = ((w["china_production"] * 0.02 + w["china_imports"] * WAPE_CAP)
                / (w["china_production"] + w["china_imports"]))
    assert loss(wild) == pytest.approx(expected)
    # … but more than importing nothing (WAPE 1), so the shape of the import response is identified
    nothing = {**base, "china_imports": {"wape_in_sample": 1.0}}
    close = {**base, "china_imports": {"wape_in_sample": 0.1}}
    assert loss(close) < loss(nothing) < loss(wild)
