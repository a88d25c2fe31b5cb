"""Uncertain inputs and outputs: parsing, checks against the scenario and dataset, and their effect."""

from __future__ import annotations

import pytest

from alusim.engine.simulate import simulate
from alusim.errors import InputError
from alusim.sweep.inputs import (
    apply_inputs,
    check_effects,
    parse_event_probability,
    parse_vary,
    resolve_inputs,
)
from alusim.sweep.outputs import measure, parse_output, resolve_outputs
from tests.sweep.conftest import short_scenario


@pytest.mark.parametrize("bad", ["nonsense", "market.x=1", "market.x=2:1", "market.x=1:1", "market.x=a:2",
                                 "market.x=1:inf", "=1:2"])
def test_malformed_vary_is_refused(bad):
    with pytest.raises(InputError, match="--vary"):
        parse_vary(bad)


def test_inputs_get_their_kind_and_bad_names_are_refused(dataset):
    sc = short_scenario(assumptions={"market.price_adjust_per_month": 0.4})
    specs = [parse_vary("market.price_stock_elasticity=-1:-0.5"), parse_vary("market.price_adjust_per_month=0.2:0.6"),
             parse_vary("demand.cn.intensity_shift_pct_per_year=0:4"), parse_vary("events.0.limit_kt=44000:46000"),
             parse_event_probability("1=0.2:0.8")]
    kinds = {i.name: i.kind for i in resolve_inputs(specs, sc, dataset)}
    assert kinds == {"market.price_stock_elasticity": "parameter", "market.price_adjust_per_month": "assumption",
                     "demand.cn.intensity_shift_pct_per_year": "parameter", "events.0.limit_kt": "event",
                     "events.1.probability": "probability"}
    for bad, message in (("market.no_such=1:2", "unknown input"), ("events.9.kt=1:2", "has 2 events"),
                         ("events.0.country=1:2", "no numeric field"), ("events.1.probability=0.5:1.5", "not a valid")):
        with pytest.raises(InputError, match=message):
            resolve_inputs([parse_vary(bad)], sc, dataset)
    with pytest.raises(InputError, match="twice"):
        resolve_inputs([specs[0], specs[0]], sc, dataset)


def test_applied_inputs_reach_the_scenario():
    sc = short_scenario()
    cap, prob, growth = parse_vary("events.0.limit_kt=1:2"), parse_vary("events.1.probability=0.1:0.9"), parse_vary(
        "demand.cn.intensity_shift_pct_per_year=0:4")
    out = apply_inputs(sc, [cap, prob, growth], [44000.0, 0.25, 3.0])
    assert out.events[0].limit_kt == 44000.0 and out.events[1].probability == 0.25
    assert out.assumptions["demand.cn.intensity_shift_pct_per_year"] == 3.0
    assert sc.events[0].limit_kt == 45000        # the base scenario is untouched


def test_an_input_that_changes_nothing_is_refused_before_any_run(dataset):
    sc = short_scenario()
    # demand.price_elasticity is a parameter row the engine never reads (it uses the demand table's column)
    unused = resolve_inputs([parse_vary("demand.price_elasticity=-0.4:-0.1")], sc, dataset)
    with pytest.raises(InputError, match="changes nothing"):
        check_effects(sc, dataset, unused)
    used = resolve_inputs([parse_vary("demand.cn.price_elasticity=-0.4:-0.1"), parse_event_probability("1=0.2:0.8")],
                          sc, dataset)
    check_effects(sc, dataset, used)


def test_outputs_parse_resolve_and_measure():
    sc = short_scenario()
    annual = simulate(sc).annual()
    specs = resolve_outputs([parse_output("production_kt@cn:2025"), parse_output("price_lme_usd_t~mean")], annual)
    assert [s.label for s in specs] == ["production_kt@CN:2025", "price_lme_usd_t@WORLD:2025~mean"]
    values = measure(annual, specs)
    assert values[0] == pytest.approx(float(annual["production_kt"].sel(region="CN", month=2025).median()))
    assert values[1] == pytest.approx(float(annual["price_lme_usd_t"].sel(region="WORLD", month=2025).mean()))
    for bad, message in (("nope_kt", "unknown output"), ("production_kt@MARS", "unknown region"),
                         ("production_kt:2040", "outside the run")):
        with pytest.raises(InputError, match=message):
            resolve_outputs([parse_output(bad)], annual)
    with pytest.raises(InputError, match="cannot read"):
        parse_output("production kt")
