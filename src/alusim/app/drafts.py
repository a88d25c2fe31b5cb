"""Scenario drafts for the dashboard's editor: plain data kept outside widget state, checked exactly as
the command line checks a file, and saved as YAML.

A draft is the scenario as a dict (``name, description, start, end, paths, seed, assumptions,
events``). Every check goes through :func:`alusim.scenario.parse_scenario_text` (the schema, with the
CLI's one-line messages) and then :func:`alusim.engine.simulate.prepare` (every target must select
assets in the dataset), so the editor shows the same message as ``alusim scenario validate``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from ruamel.yaml import YAML

from alusim.errors import InputError

TARGET_KEYS = ("province", "owner", "asset_id", "country", "region", "power_source", "compliant")
_FIELD = re.compile(r"events\.(\d+)(?:\.([A-Za-z_]+))?")


def to_yaml(draft: dict) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(draft, buffer)
    return buffer.getvalue()


def scalar(text: str):
    """A form's text read as a YAML 1.2 scalar, as a scenario file would be (``NO`` stays Norway,
    ``0.25`` is a number, ``25%`` a string); empty → None."""
    text = str(text).strip()
    if not text:
        return None
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    try:
        value = yaml.load(text)
    except Exception:  # noqa: BLE001 - anything YAML cannot read is kept as the text typed
        return text
    return value if isinstance(value, int | float | str | bool) else text


def yaml_mapping(text: str):
    """A mapping typed as YAML in a text area (a new asset, a monthly path); None when empty, the
    text itself when it is not a mapping (the scenario check then names the field)."""
    if not str(text).strip():
        return None
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    try:
        value = yaml.load(text)
    except Exception:  # noqa: BLE001 - the scenario check reports the field
        return text
    return value if isinstance(value, dict | str) else text


def draft_from(reference: str | Path) -> dict:
    """A draft from a shipped scenario name or a file."""
    from alusim.scenario import load_scenario

    return load_scenario(reference).model_dump(mode="json", by_alias=True, exclude_none=True)


def check_draft(draft: dict, dataset=None):
    """The validated :class:`Scenario`; raises :class:`InputError` with the CLI's message."""
    from alusim.engine.simulate import prepare
    from alusim.scenario import parse_scenario_text

    scenario = parse_scenario_text(to_yaml(draft), where="draft")
    prepare(scenario, dataset)
    return scenario


@dataclass(frozen=True)
class Problem:
    """A validation message and where it belongs: the event index and field, when it names them."""

    message: str
    event: int | None = None
    field: str | None = None


def problem_of(exc: InputError) -> Problem:
    text = str(exc)
    match = _FIELD.search(text)
    if match is None:
        return Problem(text)
    return Problem(text, int(match.group(1)), match.group(2))


def with_event(draft: dict, event: dict, index: int | None) -> tuple[dict, int]:
    """A copy of the draft with ``event`` added (index None) or replacing event ``index``."""
    events = list(draft.get("events", []))
    if index is None:
        events.append(event)
        index = len(events) - 1
    else:
        events[index] = event
    return {**draft, "events": events}, index


def try_event(draft: dict, event: dict, index: int | None, dataset=None) -> tuple[dict | None, Problem | None]:
    """Check a new or edited event in its scenario: (new draft, None) or (None, the problem)."""
    candidate, i = with_event(draft, event, index)
    try:
        check_draft(candidate, dataset)
    except InputError as exc:
        problem = problem_of(exc)
        # a problem of another event is shown above the form, not beside this event's fields
        return None, problem if problem.event in (None, i) else Problem(problem.message)
    return candidate, None


def without_event(draft: dict, index: int) -> dict:
    events = list(draft.get("events", []))
    del events[index]
    return {**draft, "events": events}


def event_from_form(event_type: str, values: dict) -> dict:
    """An event dict from form values: text read as YAML scalars, empty fields left out, a target
    from its parts (lists of one item written as the item)."""
    event: dict = {"type": event_type}
    for key, value in values.items():
        if isinstance(value, dict):
            target = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in value.items()
                      if v not in (None, "", [])}
            if target:
                event[key] = target
        elif isinstance(value, list):
            if value:
                event[key] = value
        elif isinstance(value, str):
            parsed = scalar(value)
            if parsed is not None:
                event[key] = parsed
        elif value is not None:
            event[key] = value
    return event


def target_choices(dataset) -> dict[str, list]:
    """What a target can name, from the dataset: provinces, owners (and parents), assets, countries,
    regions, power sources."""
    table: pd.DataFrame = dataset.smelters

    def values(*columns: str) -> list[str]:
        found: set[str] = set()
        for column in columns:
            if column in table.columns:
                found |= {str(v) for v in table[column].dropna() if str(v)}
        return sorted(found)

    return {"province": values("province"), "owner": values("owner", "parent"), "asset_id": values("asset_id"),
            "country": values("country"), "region": values("region"), "power_source": values("power_source"),
            "compliant": [True, False]}


def save_draft(draft: dict, path: Path, dataset=None) -> Path:
    """Validate and write the draft as a scenario file (nothing written when it is invalid)."""
    from alusim.store import write_dir_atomically

    check_draft(draft, dataset)
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise InputError("a scenario file ends in .yaml", where=str(path), fix="give a name such as my_case.yaml")
    write_dir_atomically(path.parent, {path.name: to_yaml(draft)})
    return path
