"""Scenario files: YAML 1.2, strict keys, units and rates, one-line errors with file, line and field."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alusim.errors import InputError
from alusim.scenario import dump_scenario, load_scenario, parse_scenario_text

GOOD = """\
name: cap-enforced
description: China's 45 Mt cap holds; Xinjiang projects suspended
start: 2025-01
end: 2030-12
paths: 100
seed: 7
assumptions:
  market.price_adjust_per_month: 0.2
events:
  - type: capacity_cap
    country: CN
    limit_kt: 45000
    start: 2025-01
    source: "State Council, capacity ceiling"
  - type: production_cut
    target: {owner: Weiqiao}
    kt: 250
    start: 2025-06
    end: 2025-12
  - type: import_tariff
    importer: US
    rate: "25%"
    start: 2025-03
  - type: power_curtailment
    target: {country: NO}
    share: 0.1
    start: 2026-01
"""


def test_good_file_parses_with_yaml_1_2_semantics():
    sc = parse_scenario_text(GOOD)
    assert sc.events[2].rate == pytest.approx(0.25)
    assert sc.events[3].target.country == "NO"          # Norway, not False
    assert sc.months == 72
    again = parse_scenario_text(dump_scenario(sc))
    assert again == sc


@pytest.mark.parametrize("text, line, field", [
    ("name: x\nfoo: 1\n", 2, "foo"),
    ("name: x\nevents:\n  - type: nope\n    start: 2025-01\n", 3, "events.0"),
    ("name: x\nevents:\n  - type: production_cut\n    target: {owner: X}\n    kt: -5\n    start: 2025-01\n", 5,
     "events.0.kt"),
    ("name: x\nevents:\n  - type: production_cut\n    target: {owner: X}\n    share: 1.5\n    start: 2025-01\n", 5,
     "events.0.share"),
    ("name: x\nevents:\n  - type: power_price\n    target: {owner: X}\n    change: 0.05 furlongs\n"
     "    start: 2025-01\n", 5, "events.0.change"),
    ("name: x\nevents:\n  - type: capacity_cap\n    start: 2025-01\n", 3, "events.0.limit_kt"),
    ("name: x\nstart: 2025-13\n", 2, "start"),
])
def test_bad_files_name_file_line_and_field(text, line, field):
    with pytest.raises(InputError) as info:
        parse_scenario_text(text, where="s.yaml")
    message = str(info.value)
    assert message.startswith(f"s.yaml:{line}: {field}"), message
    assert "\n" not in message


def test_end_before_start_and_dates_outside_run_name_the_line():
    with pytest.raises(InputError, match=r"^s.yaml:3: end: .*before start"):
        parse_scenario_text("name: x\nstart: 2026-01\nend: 2025-01\n", where="s.yaml")
    with pytest.raises(InputError, match=r"^s.yaml:4: events.0: .*outside the run"):
        parse_scenario_text("name: x\nend: 2026-12\nevents:\n  - type: export_tax\n    rate: 0.1\n"
                            "    start: 2030-01\n", where="s.yaml")


def test_yaml_syntax_error_has_line():
    with pytest.raises(InputError, match=r"s.yaml:3: YAML syntax error"):
        parse_scenario_text("name: x\nevents:\n  - type: [\n", where="s.yaml")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_scenario(tmp_path / "none.yaml")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_fuzzed_text_raises_only_input_errors(text):
    try:
        parse_scenario_text(text, where="fuzz.yaml")
    except InputError as exc:
        assert "\n" not in str(exc)


KEYS = st.sampled_from(["name", "start", "end", "paths", "seed", "events", "assumptions", "description", "bogus"])
SCALARS = st.one_of(st.integers(-5, 300000), st.floats(allow_nan=False), st.text(max_size=12), st.booleans(),
                    st.just("2025-06"), st.just("25%"))
EVENT = st.fixed_dictionaries({"type": st.sampled_from(["capacity_cap", "production_cut", "restart", "import_tariff",
                                                        "demand_shock", "nope"]),
                               "start": st.sampled_from(["2025-01", "2024-01", "2040-01", "x"])},
                              optional={"kt": SCALARS, "share": SCALARS, "rate": SCALARS, "pct": SCALARS,
                                        "limit_kt": SCALARS, "target": st.dictionaries(st.sampled_from(
                                            ["owner", "province", "foo"]), st.text(max_size=8), max_size=2),
                                        "region": st.text(max_size=4), "importer": st.text(max_size=3)})


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, st.one_of(SCALARS, st.lists(EVENT, max_size=3)), max_size=6))
def test_fuzzed_structures_raise_only_input_errors(doc):
    from alusim.scenario.model import Scenario

    text = __import__("json").dumps(doc)          # JSON is valid YAML 1.2
    try:
        sc = parse_scenario_text(text, where="fuzz.yaml")
    except InputError as exc:
        assert "fuzz.yaml" in str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(sc, Scenario)
