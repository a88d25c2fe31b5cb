"""The draft as a scenario file: the baseline's events, then one event per claim with its quote.

How acceptance works: every proposed event's ``source`` carries ``accepted: false``, and a scenario
with an event not yet accepted does not validate (``alusim run`` and ``alusim scenario validate`` say
which one). The analyst reads each event beside its quote, sets ``accepted: true`` (editing it if
needed) or deletes it; once no event is left unaccepted the file is an ordinary scenario. ``accept``
pre-accepts all events or those of given statuses (``"enacted,announced"``).

Dates: alusim simulates forward from the dataset's present (the baseline's first month, 2025-01).
An article about earlier years is replayed on today's industry, as the seed scenarios do: every event
moves by the same whole number of years so that the earliest falls in the baseline's first year, and
``source.as_written`` keeps the month the article gives.
"""

from __future__ import annotations

import io
import re
from importlib import resources

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from alusim.errors import InputError
from alusim.levers.base import MAX_PROBABILISTIC_EVENTS
from alusim.news.records import NewsDraft, ProposedEvent
from alusim.scenario import load_scenario
from alusim.scenario.model import STATUSES

NOT_PROBABILISTIC = ("commission", "relocate")


def baseline():
    """The packaged baseline scenario (its period and events start every draft)."""
    return load_scenario(str(resources.files("alusim") / "scenarios" / "baseline.yaml"))


def accepted_statuses(accept: str) -> set[str]:
    """``none`` → no status, ``all`` → every status, else a comma-separated list of statuses."""
    text = accept.strip().lower()
    if text in ("none", ""):
        return set()
    if text == "all":
        return set(STATUSES)
    chosen = {s.strip() for s in text.split(",") if s.strip()}
    unknown = chosen - set(STATUSES)
    if unknown:
        raise InputError(f"unknown status {sorted(unknown)[0]!r}", where="--accept",
                         fix=f"use none, all or a comma-separated list of {', '.join(STATUSES)}")
    return chosen


def year_shift(events: list[ProposedEvent], first_month: str) -> int:
    """Whole years to add so that the earliest event falls in the year of ``first_month`` (0 if none
    lies before it)."""
    earliest = min((e.start for e in events), default=first_month)
    return max(int(first_month[:4]) - int(earliest[:4]), 0) if earliest < first_month else 0


def _shift(month: str | None, years: int) -> str | None:
    return None if month is None else f"{int(month[:4]) + years:04d}{month[4:]}"


def _compact(value):
    """``{"province": ["Xinjiang"]}`` → ``{"province": "Xinjiang"}`` (one-element lists read better)."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def event_mapping(draft: NewsDraft, event: ProposedEvent, years: int, accepted: bool, first_month: str) -> dict:
    """The scenario event of a proposed event, with its ``source`` block."""
    start, end = _shift(event.start, years), _shift(event.end, years)
    start = max(start, first_month)
    probability = 1.0 if event.event_type in NOT_PROBABILISTIC else event.probability
    notes = list(event.notes)
    if probability != event.probability:
        notes.append(f"{event.event_type} cannot be probabilistic yet: probability 1 (status {event.status})")
    source = {"article": draft.article, "published": draft.published.isoformat(), "quote": event.quote,
              "span": list(event.span), "status": event.status, "confidence": event.confidence,
              "accepted": accepted}
    if years:
        source["as_written"] = event.start
    if event.matched:
        source["matched"] = dict(event.matched)
    if notes:
        source["note"] = "; ".join(notes)
    mapping = {"type": event.event_type, **_compact(event.fields), "start": start}
    if end is not None and end >= start:
        mapping["end"] = end
    if probability < 1.0:
        mapping["probability"] = probability
    mapping["source"] = source
    return mapping


def _flow_short(mapping: dict) -> CommentedMap:
    """Short lists and selectors on one line (``span: [220, 393]``, ``target: {province: Xinjiang}``)."""
    out = CommentedMap()
    for key, value in mapping.items():
        if isinstance(value, dict) and key != "source" and key != "asset":
            value = CommentedMap(value)
            value.fa.set_flow_style()
        elif isinstance(value, dict):
            value = _flow_short(value)
        elif isinstance(value, list):
            value = CommentedSeq(value)
            value.fa.set_flow_style()
        out[key] = value
    return out


def pipeline_companion(event: dict, view) -> dict | None:
    """A suspension needs projects to stop. When the dataset's pipeline in the target holds less than
    the article's tonnage (Xinjiang in 2017: every plant of the dataset is built), the draft adds the
    missing projects as one unapproved plant under construction, due six months after the order, as
    seed 004 does, so that the suspension has something to stop."""
    if event["type"] != "suspend_construction" or "kt" not in event:
        return None
    target = {k: (v if isinstance(v, list) else [v]) for k, v in event["target"].items()}
    rows = view.selected(target)
    pipeline = float(rows.loc[rows["status"].isin(("planned", "construction")), "capacity_kt"].sum())
    missing = event["kt"] - pipeline
    province = (target.get("province") or [None])[0]
    if missing <= 0 or province is None:
        return None
    start = event["start"]
    due = f"{int(start[:4]) + (int(start[5:]) + 5) // 12:04d}-{(int(start[5:]) + 5) % 12 + 1:02d}"
    asset_id = re.sub(r"[^a-z0-9]+", "_", f"cn_{province}_unapproved_project_news".lower())
    return {"type": "commission", "asset": {
        "asset_id": asset_id, "name": f"Unapproved {province} smelter projects (under construction, from the article)",
        "owner": f"{province} projects (unattributed)", "country": "CN", "province": province,
        "capacity_kt": round(min(missing, 5000.0), 1), "power_source": view.dominant_power_source(province, "CN"),
        "compliant": False}, "start": due,
        "source": f"{event['source']['article']}: the dataset's pipeline in {province} holds {pipeline:,.0f} kt of the "
                  f"{event['kt']:,.0f} kt ordered to stop; the rest is added as a project so that the suspension "
                  "(the next event) has something to stop (seed 004 does the same)"}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().rsplit(".", 1)[0]).strip("-")[:60] or "article"


def draft_to_yaml(draft: NewsDraft, *, accept: str = "none", name: str | None = None,
                  only_accepted: bool = False) -> str:
    """Scenario YAML of a draft: header comments (how to accept, date shift, observations), the
    baseline's events, then the proposed events (``only_accepted``: those accepted, and nothing else)."""
    base = baseline()
    statuses = accepted_statuses(accept)
    years = year_shift(draft.events, base.start)
    from alusim.news.resolve import default_view

    proposed = []
    for e in draft.events:
        mapping = event_mapping(draft, e, years, e.status in statuses, base.start)
        if only_accepted and not mapping["source"]["accepted"]:
            continue
        companion = pipeline_companion(mapping, default_view())
        proposed += ([companion] if companion else []) + [mapping]
    last = max([base.end] + [p.get("end") or p["start"] for p in proposed])
    n_proposed = len(draft.events)
    end = base.end if last <= base.end else f"{last[:4]}-12"
    base_events = [{"type": e.type} | e.model_dump(mode="json", by_alias=True, exclude_none=True,
                                                   exclude_defaults=True) | {"start": e.start} for e in base.events]
    events = CommentedSeq([_flow_short(e) for e in base_events + proposed])
    if base_events:
        events.yaml_set_comment_before_after_key(0, before="--- baseline events", indent=2)
    if proposed:
        events.yaml_set_comment_before_after_key(len(base_events), before=f"--- events proposed from {draft.article}"
                                                 " (review each against its quote)", indent=2)
    root = CommentedMap()
    root["name"] = name or f"news-{slug(draft.article)}"
    root["description"] = (f"Draft from {draft.article} (published {draft.published.isoformat()}): "
                           f"{n_proposed} proposed events on the baseline.")
    root["start"], root["end"], root["paths"], root["seed"] = base.start, end, base.paths, base.seed
    root["events"] = events
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(root, buffer)
    return header(draft, years, base, proposed) + buffer.getvalue()


def header(draft: NewsDraft, years: int, base, proposed: list[dict]) -> str:
    lines = [f"Draft scenario from {draft.article} (published {draft.published.isoformat()}), written by "
             "`alusim news`.",
             "Every proposed event carries source.accepted: false. Read it beside its quote, then set",
             "accepted: true (edit it first if needed) or delete it. Until then the file does not validate."]
    if years:
        lines += [f"The article's events lie before the model's first month ({base.start}): every date is moved "
                  f"by +{years} years,", "replaying them on today's industry as the seed scenarios do; "
                  "source.as_written keeps the article's month."]
    probabilistic = sum(1 for e in base.events if e.probability < 1.0) + sum(1 for p in proposed if "probability" in p)
    if any(p["type"] == "commission" and isinstance(p["source"], str) for p in proposed):
        lines.append("A suspension whose target has too few projects in the dataset comes with a commission event "
                     "adding them; delete both together.")
    if probabilistic > MAX_PROBABILISTIC_EVENTS:
        lines.append(f"{probabilistic} events carry a probability and the engine allows {MAX_PROBABILISTIC_EVENTS}: "
                     "set some to 1 or delete them before running.")
    if draft.observations:
        lines.append("Observations (facts to check the model against, not levers):")
        for o in draft.observations:
            quote = " ".join(o.quote.split())
            quote = quote if len(quote) <= 110 else quote[:107] + "..."
            lines.append(f"- [{o.kind}] {', '.join(o.figures) or '-'}: \"{quote}\""
                         + (f" ({o.reason})" if o.reason else ""))
    if not proposed:
        lines.append("No event found that alusim can represent: this draft is the baseline.")
    return "".join(f"# {' '.join(line.split())}\n" for line in lines)
