"""Issue 16, property tests where the space is large: names, control characters, nesting, numbers,
and the invariants of DESIGN.md §5 on schema-valid extremes (FX −95 %, inputs +500 %, the largest
prices the schema admits) — each run is either refused with one line or finite and invariant."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alusim.dataset.bounds import check_overrides, parameter_range
from alusim.engine.finite import NonFiniteResult, check_finite
from alusim.engine.memory import check_run_memory
from alusim.engine.simulate import simulate
from alusim.errors import InputError
from alusim.scenario import parse_scenario_text
from alusim.textsafe import printable, slug
from tests.conftest import scenario
from tests.test_invariants import check_invariants

SAFE_SLUG = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


@given(st.text(max_size=300))
def test_slugs_are_plain_names_that_stay_inside_out(name):
    text = slug(name)
    assert SAFE_SLUG.match(text) and ".." not in text and len(text) <= 80
    root = Path("/base/out")
    assert (root / text).resolve().parent == root


@given(st.text(max_size=300))
def test_printable_text_has_no_control_characters(text):
    clean = printable(text)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in clean)
    assert printable(clean) == clean


@settings(max_examples=30, deadline=None)
@given(st.integers(33, 3000), st.sampled_from(["[", "{a: "]))
def test_deep_nesting_is_refused_before_objects_are_built(depth, opener):
    closer = "]" if opener == "[" else "}"
    text = "name: t\ndescription: " + opener * depth + "1" + closer * depth + "\n"
    with pytest.raises(InputError, match="nesting deeper than"):
        parse_scenario_text(text, "s.yaml")


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 12), st.integers(2, 12))
def test_alias_expansion_is_bounded(width, levels):
    lines = ['a0: &a0 ["x"]'] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    text = "name: t\nassumptions: {}\n" + "\n".join(f"x{line}" for line in lines) + "\n"
    expanded = sum(width ** i for i in range(levels))      # leaves the loader would build
    aliases = width * (levels - 1)
    try:
        parse_scenario_text(text, "s.yaml")
    except InputError as exc:
        if "alias" in str(exc):
            # refused only when it is (nearly) a bomb: the budget counts every level's nodes, up to ~7× the
            # leaves of a deep nest (3 wide, 10 deep: 29,524 leaves, over 200,000 nodes)
            assert aliases > 64 or 8 * expanded > 200_000
            return
        assert "unknown key" in str(exc)                     # parsed, then schema-checked
    assert expanded <= 200_000 and aliases <= 64


NAMES = st.sampled_from(["supply.utilisation_max", "market.price_adjust_per_month", "fx.cny_per_usd",
                         "price.lme.start_usd_t", "demand.cn.price_elasticity", "demand.wce.secondary_share"])
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-10, 100_000),
                    st.sampled_from([1e300, -1e300, 0.0, -0.0, 1.0000001]))


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(NAMES, NUMBERS)
def test_overrides_are_accepted_exactly_when_finite_and_within_bounds(dataset, name, value):
    lower, upper, _ = parameter_range(dataset, name)
    ok = math.isfinite(value) and lower <= value <= upper
    if ok:
        assert check_overrides(dataset, {name: value}) == {name: value}
    else:
        with pytest.raises(InputError, match=re.escape(f"assumptions.{name}")):
            check_overrides(dataset, {name: value})


def test_every_parameter_has_a_range_holding_its_value(dataset):
    table = dataset.parameters
    assert table[["lower", "upper"]].notna().all().all()
    assert ((table["lower"] <= table["value"]) & (table["value"] <= table["upper"])).all()


def test_a_non_finite_result_names_variable_region_and_month():
    months = np.array(["2025-01-01", "2025-02-01"], dtype="datetime64[ns]")
    good = np.ones((2, 2, 3))
    bad = good.copy()
    bad[1, 1, 2] = np.inf
    shfe = np.full((2, 2, 3), np.nan)
    shfe[..., 0] = 1.0                                   # defined in CN only: NaN elsewhere is by design
    data = xr.Dataset({"price_shfe_cny_t": (("path", "month", "region"), shfe),
                       "price_lme_usd_t": (("path", "month", "region"), bad)},
                      coords={"month": months, "region": ["CN", "ROW", "WORLD"]})
    with pytest.raises(NonFiniteResult, match=r"price_lme_usd_t \(WORLD\) in 2025-02"):
        check_finite(data)
    check_finite(data.drop_vars("price_lme_usd_t"))


def test_memory_is_estimated_and_refused_with_the_figure():
    with pytest.raises(InputError, match=r"paths: 200,000 paths × 132 months × 173 assets need about [\d.]+ GB"):
        check_run_memory(200_000, 132, 173, available=8 * 10**9)
    check_run_memory(1_000, 132, 173, available=8 * 10**9)


MONTHS = st.sampled_from(["2025-02", "2025-05", "2025-09"])
EXTREME_EVENTS = st.one_of(
    st.builds(lambda s, i, x: {"type": "input_price", "input": i, "pct": x, "start": s}, MONTHS,
              st.sampled_from(["alumina", "coal", "anode", "fx"]), st.sampled_from([-0.95, 5.0]) | st.floats(-0.95, 5)),
    st.builds(lambda s, x: {"type": "power_price", "target": {"country": "CN"}, "change": f"{x} CNY/kWh", "start": s},
              MONTHS, st.sampled_from([-2.0, 2.0, 1.5])),
    st.builds(lambda s, x: {"type": "carbon_price", "region": "WORLD", "price": f"{x} USD/t_CO2", "start": s},
              MONTHS, st.sampled_from([0, 1500])),
    st.builds(lambda s, x: {"type": "demand_shock", "region": "WORLD", "pct": x, "start": s}, MONTHS,
              st.sampled_from([-1.0, 5.0])),
    st.builds(lambda s, x: {"type": "import_tariff", "importer": "US", "rate": x, "start": s}, MONTHS,
              st.sampled_from([0.0, 5.0])),
)
EXTREME_ASSUMPTIONS = st.fixed_dictionaries({}, optional={
    "supply.utilisation_max": st.sampled_from([0.5, 1.0]),
    "market.price_adjust_per_month": st.sampled_from([0.0, 1.0]),
    "price.lme.vol_pct_per_month": st.sampled_from([0.0, 50.0]),
    "fx.cny_per_usd": st.sampled_from([3.0, 20.0]),
    "demand.cn.price_elasticity": st.sampled_from([-3.0, 0.0]),
})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EXTREME_EVENTS, max_size=6), EXTREME_ASSUMPTIONS, st.integers(0, 2**63 - 1))
def test_schema_valid_extremes_are_refused_in_one_line_or_finite_and_invariant(events, assumptions, seed):
    sc = scenario(end="2026-06", paths=3, seed=seed, events=events, assumptions=assumptions)
    try:
        result = simulate(sc)
    except InputError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 1500
        return
    check_finite(result.data)
    check_invariants(result)


def test_calibration_searches_only_inside_the_parameter_ranges(dataset):
    from alusim.history.calibrate import BOUNDS

    for name, (low, high) in BOUNDS.items():
        lower, upper, _ = parameter_range(dataset, name)
        assert lower <= low < high <= upper, name


def test_parallel_workers_count_in_the_memory_estimate():
    check_run_memory(20_000, 132, 173, available=8 * 10**9)
    with pytest.raises(InputError, match="in each of 4 workers"):
        check_run_memory(20_000, 132, 173, available=8 * 10**9, runs_at_once=4)


def test_a_region_left_undefined_is_not_a_failure_but_one_bad_value_there_is(dataset):
    from alusim.engine.finite import first_non_finite
    from alusim.engine.simulate import simulate
    from alusim.scenario.model import Scenario

    data = simulate(Scenario(name="finite", start="2025-01", end="2025-06", paths=4, seed=1), dataset).data
    assert first_non_finite(data) is None            # SHFE outside China is all NaN by design
    shfe = data["price_shfe_cny_t"].values
    assert np.isnan(shfe[..., 1]).all()
    kept = shfe[1, 4, 0]
    shfe[1, 4, 0] = np.nan                           # a gap where the variable is defined
    assert first_non_finite(data)[:3] == ("price_shfe_cny_t", "CN", "2025-05")
    shfe[1, 4, 0] = kept
    shfe[2, 3, 0] = np.inf
    assert first_non_finite(data)[:3] == ("price_shfe_cny_t", "CN", "2025-04")
    shfe[2, 3, 0] = kept
    assert first_non_finite(data) is None
    shfe[2, 3, 1] = 5.0                              # a number where it is undefined: the NaNs there are gaps
    assert first_non_finite(data)[:3] == ("price_shfe_cny_t", "ROW", "2025-01")
