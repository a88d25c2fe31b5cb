"""Uncertain inputs of a sweep: parameters, scenario assumptions, event magnitudes and probabilities.

Each input is a name with a range ``LOW:HIGH`` drawn uniformly by the design:

* ``market.price_adjust_per_month`` — a parameter of the dataset (``alusim data info --parameters``);
* ``demand.cn.intensity_shift_pct_per_year`` — a scenario assumption (a parameter, a demand-table value, or any name the
  scenario's ``assumptions`` block already sets);
* ``events.2.kt`` — a numeric field of the scenario's event number 2 (counted from 0, as in scenario
  error messages and ``alusim scenario events``);
* ``events.2.probability`` (or ``--events-probability 2=LOW:HIGH``) — the chance that event 2 happens
  on a path; paths keep their own uniform draw, so a higher probability switches the event on in a
  superset of paths (common random numbers).

Every run of a sweep uses the scenario's seed, so differences between runs are the inputs' effects,
not Monte Carlo noise.
"""

from __future__ import annotations

import copy
import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass

import numpy as np
from pydantic import ValidationError

from alusim.errors import InputError
from alusim.scenario.model import Scenario

_SPEC = re.compile(r"^\s*(?P<name>[A-Za-z0-9_.]+)\s*=\s*(?P<low>[^:=\s]+)\s*:\s*(?P<high>[^:=\s]+)\s*$")
_EVENT = re.compile(r"^events\.(?P<index>\d+)\.(?P<field>[a-z_]+)$")
_VARY_FIX = "write NAME=LOW:HIGH with LOW < HIGH, e.g. market.price_adjust_per_month=0.1:0.3 or events.0.limit_kt=44000:46000"
KINDS = ("parameter", "assumption", "event", "probability")


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input: its name, range and kind (one of :data:`KINDS`)."""

    name: str
    low: float
    high: float
    kind: str = "parameter"


def _number(text: str, spec: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{spec!r}: {text!r} is not a number", where=option, fix=_VARY_FIX) from None
    if not math.isfinite(value):
        raise InputError(f"{spec!r}: {text!r} is not a finite number", where=option, fix=_VARY_FIX)
    return value


def parse_vary(spec: str, option: str = "--vary") -> UncertainInput:
    """``NAME=LOW:HIGH`` → :class:`UncertainInput` (kind resolved later by :func:`resolve_inputs`)."""
    match = _SPEC.match(spec)
    if not match:
        raise InputError(f"cannot read {spec!r}", where=option, fix=_VARY_FIX)
    low, high = _number(match["low"], spec, option), _number(match["high"], spec, option)
    if not low < high:
        raise InputError(f"{spec!r}: LOW must be below HIGH", where=option, fix=_VARY_FIX)
    return UncertainInput(match["name"], low, high)


def parse_event_probability(spec: str) -> UncertainInput:
    """``N=LOW:HIGH`` (``--events-probability``) → the input ``events.N.probability``."""
    match = re.match(r"^\s*(?:events\.)?(\d+)\s*=(.*)$", spec)
    if not match:
        raise InputError(f"cannot read {spec!r}", where="--events-probability",
                         fix="write EVENT=LOW:HIGH with the event's number (from 0), e.g. 3=0.2:0.8")
    parsed = parse_vary(f"events.{match[1]}.probability={match[2]}", "--events-probability")
    return parsed


def resolve_inputs(specs: Sequence[UncertainInput], scenario: Scenario, dataset) -> list[UncertainInput]:
    """Check every input against the scenario and dataset and set its kind; one line per problem."""
    if not specs:
        raise InputError("no uncertain input given", where="--vary", fix="add at least one --vary NAME=LOW:HIGH")
    seen: set[str] = set()
    known = dataset.overridable()
    parameters = set(dataset.parameters["name"])
    out = []
    for spec in specs:
        if spec.name in seen:
            raise InputError(f"{spec.name} is varied twice", where="--vary", fix="give each input once")
        seen.add(spec.name)
        event = _EVENT.match(spec.name)
        if event:
            kind = _check_event_input(spec, event, scenario)
        elif spec.name in known:
            kind = "parameter" if spec.name in parameters and spec.name not in scenario.assumptions else "assumption"
        else:
            raise InputError(f"unknown input {spec.name!r}", where="--vary",
                             fix="use a parameter name from `alusim data info --parameters`, demand.<region>.<column>, "
                                 "or events.N.FIELD for a numeric field of the scenario's event N")
        out.append(UncertainInput(spec.name, spec.low, spec.high, kind))
    return out


def _check_event_input(spec: UncertainInput, match: re.Match, scenario: Scenario) -> str:
    index, name = int(match["index"]), match["field"]
    if index >= len(scenario.events):
        raise InputError(f"{spec.name}: the scenario has {len(scenario.events)} events (numbered from 0)",
                         where="--vary", fix="see `alusim scenario events` or the scenario's events list")
    event = scenario.events[index]
    numeric = [k for k, v in event.model_dump().items() if isinstance(v, int | float) and not isinstance(v, bool)]
    if name != "probability" and name not in numeric:
        raise InputError(f"{spec.name}: event {index} ({event.type}) has no numeric field {name!r}",
                         where="--vary", fix=f"vary one of {', '.join(numeric) or 'none'}")
    for value in (spec.low, spec.high):
        try:
            apply_inputs(scenario, [spec], [value])
        except InputError as exc:
            raise InputError(f"{spec.name}={value:g} is not a valid value ({exc})", where="--vary",
                             fix="narrow the range") from None
    return "probability" if name == "probability" else "event"


def apply_inputs(scenario: Scenario, inputs: Sequence[UncertainInput], values: Sequence[float],
                 document: Mapping | None = None) -> Scenario:
    """The scenario with each input set to its value (``document``: the scenario's JSON dump, to save
    dumping it once per run)."""
    doc = dict(document) if document is not None else scenario.model_dump(mode="json", by_alias=True)
    assumptions = dict(doc.get("assumptions") or {})
    events = None
    for item, value in zip(inputs, values, strict=True):
        event = _EVENT.match(item.name)
        if event:
            if events is None:
                events = copy.deepcopy(doc["events"])
            events[int(event["index"])][event["field"]] = float(value)
        else:
            assumptions[item.name] = float(value)
    doc["assumptions"] = assumptions
    if events is not None:
        doc["events"] = events
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{where}: {first['msg']}") from None


def fingerprint(obj, digest=None) -> str:
    """A hash of every array and number reachable from a dataclass (engine inputs, random drivers)."""
    digest = digest or hashlib.sha256()
    if is_dataclass(obj):
        for f in fields(obj):
            if f.name in ("lever_log", "notes"):
                continue
            digest.update(f.name.encode())
            fingerprint(getattr(obj, f.name), digest)
    elif isinstance(obj, np.ndarray):
        digest.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, dict):
        for key in sorted(obj, key=str):
            digest.update(str(key).encode())
            fingerprint(obj[key], digest)
    elif isinstance(obj, list | tuple):
        for value in obj:
            fingerprint(value, digest)
    elif hasattr(obj, "to_numpy") and hasattr(obj, "columns"):
        import pandas as pd

        digest.update(pd.util.hash_pandas_object(obj, index=True).to_numpy().tobytes())
    else:
        digest.update(repr(obj).encode())
    return digest.hexdigest()


def engine_fingerprint(scenario: Scenario, dataset, paths: int = 4) -> str:
    """Fingerprint of what the kernel would see: engine inputs and random drivers for a few paths."""
    from alusim.engine.simulate import prepare
    from alusim.engine.stochastic import draw_drivers

    small = scenario.model_copy(update={"paths": paths})
    ds, inputs = prepare(small, dataset)
    return fingerprint((inputs, draw_drivers(inputs, ds, paths, small.seed)))


def check_effects(scenario: Scenario, dataset, inputs: Sequence[UncertainInput]) -> None:
    """Refuse an input that changes nothing the kernel sees between its LOW and HIGH (an event's
    probability: the event itself changes nothing). Runs no simulation: only the inputs are built."""
    for item in inputs:
        if item.kind == "probability":
            index = int(_EVENT.match(item.name)["index"])
            with_event = apply_inputs(scenario, [item], [1.0])
            without = scenario.model_copy(update={"events": [e for i, e in enumerate(with_event.events) if i != index]})
            same = engine_fingerprint(with_event, dataset) == engine_fingerprint(without, dataset)
        else:
            same = (engine_fingerprint(apply_inputs(scenario, [item], [item.low]), dataset)
                    == engine_fingerprint(apply_inputs(scenario, [item], [item.high]), dataset))
        if same:
            raise InputError(f"{item.name} changes nothing in the model between {item.low:g} and {item.high:g}",
                             where="--vary", fix="drop it, widen its range, or vary an input the scenario uses")
