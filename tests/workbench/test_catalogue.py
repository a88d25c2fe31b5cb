"""The scenario catalogue: shipped scenarios by name from any folder, and the event reference."""

from __future__ import annotations

from pathlib import Path

import pytest

import alusim
from alusim.cli import main
from alusim.errors import InputError
from alusim.scenario import load_scenario
from alusim.scenario.catalogue import catalogue_names, find_in_catalogue, resolve_scenario
from alusim.scenario.model import EVENT_TYPES
from alusim.scenario.reference import fields_of, markdown, minimal_example

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_names_resolve_from_any_folder(elsewhere):
    assert catalogue_names()[0] == "baseline"
    assert "history/record" not in catalogue_names()
    assert resolve_scenario("baseline").name == "baseline.yaml"
    assert resolve_scenario("seeds/004").name == "004_supply_side_cleanup.yaml"
    assert resolve_scenario("scenarios/seeds/001_restart_wave.yaml").name == "001_restart_wave.yaml"
    assert alusim.Scenario.load("policies/cbam").name == load_scenario("policies/cbam.yaml").name


def test_a_local_file_wins_over_a_catalogue_name(elsewhere):
    (elsewhere / "baseline").write_text("name: mine\nend: 2025-12\n")
    assert load_scenario("baseline").name == "mine"


def test_unknown_and_ambiguous_names_are_one_line_errors(elsewhere):
    with pytest.raises(InputError, match="not a shipped scenario.*alusim scenario list"):
        load_scenario("nope")
    with pytest.raises(InputError, match="matches 5 shipped scenarios"):
        find_in_catalogue("seeds/00")


def test_scenario_new_copies_with_comments_and_a_new_name(elsewhere, capsys):
    assert main(["scenario", "new", "--from", "seeds/004", "case.yaml"]) == 0
    text = (elsewhere / "case.yaml").read_text()
    assert text.startswith("# Seed 004") and "\nname: case\n" in text
    assert load_scenario("case.yaml").events == load_scenario("seeds/004").events
    assert main(["scenario", "new", "case.yaml"]) == 2                 # exists: nothing overwritten
    assert "file exists" in capsys.readouterr().err
    assert (elsewhere / "case.yaml").read_text() == text


def test_scenario_save_round_trips(elsewhere):
    scenario = alusim.Scenario.load("seeds/003").model_copy(update={"paths": 50})
    path = scenario.save(elsewhere / "out" / "s.yaml")
    assert load_scenario(path) == scenario


def test_dir_lists_the_public_api():
    names = dir(alusim)
    for name in ("Scenario", "simulate", "load_dataset", "RunStore", "cost_curve", "__version__"):
        assert name in names


def test_event_reference_covers_every_type_field_and_a_valid_example():
    for event_type in EVENT_TYPES:
        fields = {f.name for f in fields_of(event_type)}
        assert {"start", "end", "source", "probability"} <= fields
        alusim.Scenario.model_validate({"name": "x", "events": [minimal_example(event_type)]})
    kt = next(f for f in fields_of("production_cut") if f.name == "kt")
    assert (kt.unit, kt.allowed, kt.required) == ("kt/yr", "> 0, ≤ 200000", False)
    share = next(f for f in fields_of("production_cut") if f.name == "share")
    assert share.allowed == "≥ 0, ≤ 1"


def test_docs_events_md_is_the_generated_reference():
    assert (ROOT / "docs" / "events.md").read_text() == markdown() + "\n"


def test_scenario_errors_point_to_the_event_reference(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: b\nevents:\n  - type: production_cut\n    target: {province: Yunnan}\n    kt: 10\n"
                   "    start: 2025-02\n    colour: red\n")
    assert main(["scenario", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "unknown key" in err and "alusim scenario events" in err and "DESIGN.md" not in err


def test_scenario_events_cli(capsys):
    assert main(["scenario", "events", "relocate"]) == 0
    out = capsys.readouterr().out
    assert "lag_months" in out and "example (from seeds/003_hydro_relocation)" in out
    assert main(["scenario", "events", "teleport"]) == 2
    assert "unknown event type 'teleport'" in capsys.readouterr().err


def test_data_build_without_raw_lists_every_dataset_folder(capsys):
    from alusim.raw.guide import raw_sources

    assert main(["data", "build"]) == 0
    out = capsys.readouterr().out
    folders = {s.folder for s in raw_sources()}
    assert {"worldbank_pinksheet", "mpp_aluminium", "datahub_population", "datahub_gdp"} <= folders
    for folder in folders:
        assert f"{folder}/" in out
    assert "--raw DIR" in out
