"""Scenario file adapter: YAML 1.2 via ruamel.yaml (``NO`` stays Norway), errors as one line with
file, line and field."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from alusim.errors import InputError
from alusim.scenario.model import EVENT_TYPES, Scenario
from alusim.scenario.yaml_budget import check_size, check_yaml_budget

POINTER = "see `alusim scenario events TYPE` or docs/events.md for the fields of each event"


def _plain(node):
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    return node


def _line_of(root, loc: tuple) -> int | None:
    """1-based line of the deepest node of ``loc`` that exists in the YAML tree."""
    node, line = root, None
    for key in loc:
        try:
            if isinstance(node, CommentedMap) and key in node:
                line = node.lc.key(key)[0] + 1
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                line = node.lc.item(key)[0] + 1
                node = node[key]
            else:
                break
        except (AttributeError, KeyError, IndexError, TypeError):
            break
    return line


def _field_path(loc: tuple) -> str:
    # pydantic puts the discriminator value into the location (events.0.capacity_cap.limit_kt)
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and p in EVENT_TYPES))


def parse_scenario_text(text: str, where: str = "<scenario>") -> Scenario:
    """Parse and validate scenario YAML text; raises :class:`InputError` with ``where:line``."""
    check_yaml_budget(text, where)
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    try:
        root = yaml.load(io.StringIO(text))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        # an error found at the end of the stream belongs to the last line that has text
        last = max((i + 1 for i, t in enumerate(text.splitlines()) if t.strip()), default=1)
        line = f":{min(mark.line + 1, last)}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"YAML syntax error: {problem}", where=f"{where}{line}",
                         fix="check indentation, colons and quotes on that line") from None
    if not isinstance(root, CommentedMap):
        raise InputError("a scenario must be a mapping with at least a name", where=where,
                         fix="start the file with 'name: my-scenario'")
    try:
        scenario = Scenario.model_validate(_plain(root))
    except ValidationError as exc:
        _raise_validation(exc, root, where)
    scenario._source = where
    scenario._lines = _field_lines(root)
    return scenario


def _field_lines(root: CommentedMap) -> dict[str, int]:
    """1-based line of each top-level key, each event and each assumption."""
    lines = {str(k): root.lc.key(k)[0] + 1 for k in root}
    events = root.get("events")
    if isinstance(events, CommentedSeq):
        lines.update({f"events.{i}": events.lc.item(i)[0] + 1 for i in range(len(events))})
    assumptions = root.get("assumptions")
    if isinstance(assumptions, CommentedMap):
        lines.update({f"assumptions.{k}": assumptions.lc.key(k)[0] + 1 for k in assumptions})
    return lines


def _raise_validation(exc: ValidationError, root: CommentedMap, where: str) -> None:
    err = exc.errors()[0]
    loc = tuple(err.get("loc", ()))
    line = _line_of(root, tuple(p for p in loc if not (isinstance(p, str) and p in EVENT_TYPES)))
    field = _field_path(loc) or "(file)"
    message = err.get("msg", "invalid").replace("Value error, ", "")
    if not loc:
        # a check across fields: point at the field it names (events.N, or end)
        named = re.match(r"^(events)\.(\d+): (.*)$", message)
        if named:
            field, message = f"events.{named.group(2)}", named.group(3)
            line = _line_of(root, ("events", int(named.group(2))))
        elif message.startswith("end "):
            field, line = "end", _line_of(root, ("end",))
    if err.get("type") == "extra_forbidden":
        message = "unknown key"
        fix = f"remove it or correct its spelling ({POINTER})"
    elif err.get("type") == "union_tag_invalid":
        message = f"unknown event type {err.get('input', {}).get('type') if isinstance(err.get('input'), dict) else ''!r}"
        fix = "use one of " + ", ".join(EVENT_TYPES) + f" ({POINTER})"
    elif "not yet accepted" in message:
        fix = "review it against its quote, then set source.accepted: true or delete the event"
    elif err.get("type") == "missing":
        message = "required field missing"
        fix = f"add it ({POINTER})"
    else:
        fix = f"correct the value ({POINTER})" if loc and loc[0] == "events" else "correct the value"
    more = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    place = f"{where}:{line}" if line else where
    raise InputError(f"{field}: {message}{more}", where=place, fix=fix) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario YAML file, or a shipped scenario by catalogue name (``baseline``, ``seeds/004``)."""
    from alusim.scenario.catalogue import resolve_scenario

    path = resolve_scenario(path)
    try:
        check_size(path.stat().st_size, str(path))
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read scenario ({exc.__class__.__name__})", where=str(path),
                         fix="save it as UTF-8 text") from None
    return parse_scenario_text(text, where=str(path))


def dump_scenario(scenario: Scenario) -> str:
    """The resolved scenario as YAML text (written beside every run as ``scenario.yaml``)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    buffer = io.StringIO()
    yaml.dump(scenario.model_dump(mode="json", by_alias=True, exclude_none=True), buffer)
    return buffer.getvalue()
