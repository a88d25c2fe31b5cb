"""The baseline's behavioural parameters are the shipped 2015–2019 calibration, and say so."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from alusim.history.calibrate import BOUNDS, HISTORY_ONLY, loss


def _shipped() -> dict:
    path = Path(str(resources.files("alusim") / "data" / "calibration" / "history_2015_2019.yaml"))
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_defaults_are_the_shipped_calibration(dataset):
    document = _shipped()
    assert document["fit"]["window"] == {"from": "2015-01", "to": "2019-12"}
    for name, value in document["parameters"].items():
        if name in HISTORY_ONLY:
            continue
        assert dataset.param(name) == pytest.approx(value, rel=1e-5), name
        row = dataset.parameters[dataset.parameters["name"] == name].iloc[0]
        assert "alusim calibrate 2015–2019" in row["source"]


def test_calibrated_values_lie_within_their_bounds():
    for name, value in _shipped()["parameters"].items():
        if name in BOUNDS:
            low, high = BOUNDS[name]
            assert low - 1e-9 <= value <= high + 1e-9, name


def test_loss_is_the_mean_of_the_in_sample_errors():
    metrics = {"china_production": {"mape_in_sample": 0.02}, "lme_annual": {"mape_in_sample": 0.10},
               "shfe_annual": {"mape_in_sample": float("nan")}}
    assert loss(metrics) == pytest.approx(0.06)
    assert loss({}) == float("inf")
