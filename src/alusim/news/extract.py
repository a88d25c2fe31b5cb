"""The pipeline: sentences → triggers → slots → rules → proposed events and observations.

Deterministic and offline: spaCy's blank pipeline, the dataset's gazetteer (pyahocorasick), the
quantity and date grammars, and one rule per event type. The same text and date give the same draft.
"""

from __future__ import annotations

import re
from datetime import date

from alusim.errors import InputError
from alusim.news.dates import find_dates, published_in_text
from alusim.news.gazetteer import Gazetteer, build_gazetteer, default_gazetteer
from alusim.news.quantities import find_quantities
from alusim.news.records import NewsDraft, Observation, ProposedEvent
from alusim.news.resolve import DatasetView, dataset_view, default_view
from alusim.news.rules import Claim, apply_rule
from alusim.news.sentences import Sentence, split_sentences
from alusim.news.slots import clause_before
from alusim.news.status import modality, negated
from alusim.news.triggers import Trigger, find_triggers

_SEPARATOR = re.compile(r";|,\s|\bwhile\b|\bwhereas\b|\bbut\b|\band\b")
_DENIED_AFTER = re.compile(r"\b(?:were|was|is|are|as)\s+(?:untrue|not true|false|groundless|baseless|inaccurate|"
                           r"fake|unfounded)\b", re.I)
_CONTRAST = re.compile(r";|,?\s+(?:while|whereas|but)\b")
_OBSERVED = {
    "price": r"\bshfe\b|\blme\b|price|yuan per ton|yuan/ton",
    "profit": r"profit|loss|margin|revenue|earnings",
    "index": r"\bindex\b",
    "inventory": r"inventor|stocks?\b",
    "trade": r"export|import",
    "capacity or output": r"capacity|output|production",
    "consumption": r"consumption|demand|per capita",
}


def _merge(triggers: list[Trigger], text: str) -> list[Trigger]:
    """Adjacent phrases of one type are one trigger ("anti-dumping duties")."""
    out: list[Trigger] = []
    for t in triggers:
        if out and out[-1].event_type == t.event_type and t.start - out[-1].end <= 2:
            out[-1] = Trigger(t.event_type, out[-1].start, t.end, text[out[-1].start:t.end])
        else:
            out.append(t)
    return out


def _windows(triggers: list[Trigger], text: str) -> list[tuple[int, int]]:
    """The clause of each trigger: cut between two triggers at the last separator between them, and
    before the first and after the last trigger at a contrast ("…, while its Huaren operation …")."""
    bounds = [0]
    for left, right in zip(triggers, triggers[1:], strict=False):
        between = list(_SEPARATOR.finditer(text, left.end, right.start))
        bounds.append(between[-1].start() if between else (left.end + right.start) // 2)
    bounds.append(len(text))
    before = [m.end() for m in _CONTRAST.finditer(text, 0, triggers[0].start)]
    after = _CONTRAST.search(text, triggers[-1].end)
    bounds[0] = before[-1] if before else 0
    bounds[-1] = after.start() if after else len(text)
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def _actions(triggers: list[Trigger], text: str) -> list[Trigger]:
    """Drop phrases that name rather than act: an institution ("the European Commission") and an idle
    plant being described ("restart the idled potline")."""
    out = []
    for t in triggers:
        if t.event_type == "commission" and t.text.lower() == "commission" and not \
                re.search(r"\b(?:to|will|would|may|might|could|shall|and)\s+$", text[:t.start], re.I):
            continue                                          # the noun: "the reform commission said"
        if t.event_type == "production_cut" and re.match(r"(?:idle|idled|curtailed|halted)\b", t.text, re.I) and \
                re.search(r"\b(?:the|its|their|an|a|of)\s+$", text[:t.start], re.I):
            continue
        out.append(t)
    return out


def _observation(sentence: Sentence, quantities) -> Observation | None:
    figures = [q.text for q in quantities if q.kind in ("mass", "pct", "pp", "price_t", "money", "power_price",
                                                        "carbon")]
    if not figures and re.search(r"\bindex\b", sentence.text, re.I) and re.search(r"\d", sentence.text):
        figures = re.findall(r"-?\d+(?:\.\d+)?", sentence.text)[:3]
    if not figures:
        return None
    low = sentence.text.lower()
    kind = next((k for k, words in _OBSERVED.items() if re.search(words, low)), "figure")
    return Observation(kind, sentence.text, (sentence.start, sentence.end), figures, "")


def extract_sentence(sentence: Sentence, published: date, gazetteer: Gazetteer, view: DatasetView):
    """Proposed events and observations of one sentence."""
    text = sentence.text
    quantities = find_quantities(text)
    triggers = _merge(_actions(find_triggers(text), text), text)
    if not triggers:
        found = _observation(sentence, quantities)
        return [], [found] if found else []
    mentions = gazetteer.find(text)
    dates = find_dates(text, published)
    events: list[ProposedEvent] = []
    observations: list[Observation] = []
    denied = {t.event_type for t in triggers if negated(clause_before(text, t.start), t.text)
              or _DENIED_AFTER.search(text, t.end)}
    for trigger, (lo, hi) in zip(triggers, _windows(triggers, text), strict=True):
        mood = modality(text, clause_before(text, trigger.start), trigger.text)
        claim = Claim(sentence, trigger, lo, hi, [m for m in mentions if lo <= m.start < hi], mentions,
                      [q for q in quantities if lo <= q.start < hi], dates, mood, view, published)
        if mood.negated or trigger.event_type in denied:
            # a claim denied anywhere in the sentence is denied for the whole sentence ("in talks to bring
            # Hawesville back online, but … has not committed to a restart date")
            observations.append(claim.observe("denied", f"{trigger.event_type.replace('_', ' ')} negated or denied"))
            continue
        result = apply_rule(claim)
        if isinstance(result, ProposedEvent):
            events.append(result)
        elif isinstance(result, Observation):
            observations.append(result)
    if not events and not observations:
        found = _observation(sentence, quantities)
        observations += [found] if found else []
    if len(observations) > 1:
        # one observation per sentence, its reasons together
        reasons = "; ".join(dict.fromkeys(o.reason for o in observations if o.reason))
        observations = [Observation(observations[0].kind, sentence.text, (sentence.start, sentence.end),
                                    observations[0].figures, reasons)]
    if events:
        observations = []
    return events, observations


def _key(event: ProposedEvent) -> tuple:
    return (event.event_type, repr(sorted(event.target.items())), event.magnitude, event.start)


def draft_from_text(text: str, published: date | str | None = None, *, article: str = "<text>",
                    dataset=None) -> NewsDraft:
    """Draft the events and observations of an article's text.

    ``published`` is the publication date (a date or ``YYYY-MM-DD``); without it the date the article
    states ("Post time: May-23-2025") is used, and without that :class:`InputError` is raised: relative
    dates ("in November", "this year") need it. ``dataset`` defaults to the embedded dataset.
    """
    if not text or not text.strip():
        raise InputError("article has no text", where=article, fix="give the text of an article")
    if isinstance(published, str):
        from alusim.news.dates import parse_published

        try:
            published = parse_published(published)
        except ValueError as exc:
            raise InputError(str(exc), where="--published", fix="write the date as YYYY-MM-DD") from None
    published = published or published_in_text(text)
    if published is None:
        raise InputError("no publication date", where=article,
                         fix="give --published YYYY-MM-DD (relative dates such as 'in November' need it)")
    gazetteer = default_gazetteer() if dataset is None else build_gazetteer(dataset)
    view = default_view() if dataset is None else dataset_view(dataset)
    events: list[ProposedEvent] = []
    observations: list[Observation] = []
    seen: set[tuple] = set()
    for sentence in split_sentences(text):
        found, observed = extract_sentence(sentence, published, gazetteer, view)
        for event in found:
            if _key(event) not in seen:
                seen.add(_key(event))
                events.append(event)
        observations += observed
    return NewsDraft(article=article, published=published, text=text, events=events, observations=observations)
