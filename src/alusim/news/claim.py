"""A claim: a trigger phrase with the names, quantities and dates around it, and the helpers every
rule uses (target from the clause, plausibility of a tonnage against the dataset)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from alusim.news.dates import DateRef, event_period
from alusim.news.gazetteer import Mention
from alusim.news.quantities import Quantity
from alusim.news.records import Observation, ProposedEvent
from alusim.news.resolve import DatasetView
from alusim.news.sentences import Sentence
from alusim.news.slots import target_of
from alusim.news.status import Modality
from alusim.news.triggers import Trigger

ALUMINA_ONLY = re.compile(r"\balumina\b", re.I)
SMELTING = re.compile(r"\b(?:electrolytic|smelt\w*|primary alumin\w*|potlines?)\b", re.I)
POWER_CONTEXT = re.compile(r"\b(?:power (?:shortage|rationing|supply|cuts?|restrictions?)|electricity (?:shortage|"
                           r"rationing|supply)|rationing|drought|dry season|low rainfall|hydropower shortage|"
                           r"load[- ]shedding|grid)\b", re.I)
REMOVE = re.compile(r"\b(?:cancel\w*|scrap\w*|remov\w*|abolish\w*|eliminat\w*|end(?:s|ed|ing)?|lift(?:s|ed)?|"
                    r"withdr[ae]w\w*|drop(?:s|ped)?|axe[ds]?)\b", re.I)
STATISTIC = re.compile(r"\b(?:year[- ]on[- ]year|y/y|yoy|month[- ]on[- ]month|growth rate|index)\b", re.I)
HYDRO = re.compile(r"\b(?:hydro\w*|green (?:power|electricity)|renewable)\b", re.I)
CLOSE_VERB = re.compile(r"\b(?:clos\w*|shut\w*|eliminat\w*|dismantl\w*|phas\w* out|retir\w*|remov\w*)\b", re.I)
HALT = re.compile(r"\b(?:halt\w*|stop\w*|suspend\w*|shut\w* down)\b", re.I)
CAPACITY_TYPES = ("production_cut", "restart", "commission", "suspend_construction", "close_noncompliant",
                  "relocate", "power_curtailment")


@dataclass
class Claim:
    """A trigger with what surrounds it: the sentence, the clause window (``window_start`` …
    ``window_end``, offsets in the sentence), the names, quantities and dates found there."""

    sentence: Sentence
    trigger: Trigger
    window_start: int
    window_end: int
    mentions: list[Mention]
    sentence_mentions: list[Mention]
    quantities: list[Quantity]
    dates: list[DateRef]
    modality: Modality
    view: DatasetView
    published: date

    @property
    def window(self) -> str:
        return self.sentence.text[self.window_start:self.window_end]

    def observe(self, kind: str, reason: str) -> Observation:
        figures = [q.text for q in self.quantities]
        return Observation(kind, self.sentence.text, (self.sentence.start, self.sentence.end), figures, reason)

    def event_start(self) -> str:
        near = [d for d in self.dates if self.window_start <= d.begin < self.window_end]
        return event_period(near or self.dates, self.published)[0]

    def event(self, event_type: str, target: dict, fields: dict, q: Quantity | None, *, magnitude: float | None = None,
              unit: str = "", basis: str = "amount", matched: dict | None = None, named: bool = True,
              notes: list[str] | None = None, previous: float | None = None,
              end_month: str | None = None) -> ProposedEvent:
        near = [d for d in self.dates if self.window_start <= d.begin < self.window_end]
        start, end, dated = event_period(near or self.dates, self.published)
        end = end_month if end_month is not None and end_month >= start else end
        value = magnitude if magnitude is not None else (q.value if q is not None else None)
        value = None if value is None else round(value, 6)
        confidence = 0.35 + (0.2 if named else 0.0) + (0.15 if dated else 0.0)
        confidence += 0.0 if value is None and q is None else (0.1 if q is not None and (q.approx or q.is_range) else 0.2)
        confidence += 0.05 if self.modality.status in ("enacted", "announced") else 0.0
        notes = list(notes or [])
        if q is not None and q.is_range:
            notes.append(f"the article gives a range {q.text!r}; the draft takes its midpoint")
        if not dated:
            notes.append("no date in the sentence: starts in the month of publication")
        return ProposedEvent(
            event_type=event_type, target=target, magnitude=value, unit=unit, basis=basis, start=start, end=end,
            dated=dated, status=self.modality.status, probability=self.modality.probability,
            confidence=round(min(confidence, 0.95), 2), quote=self.sentence.text,
            span=(self.sentence.start, self.sentence.end), trigger=self.trigger.text, fields=fields,
            matched=matched or {}, notes=notes, previous=previous if previous is not None else (q.previous if q else None))


def alumina_only(claim: Claim) -> bool:
    return bool(ALUMINA_ONLY.search(claim.window)) and not SMELTING.search(claim.window)


def capacity_target(claim: Claim):
    """Target from the clause; failing that, a country or national scope stated elsewhere in the
    sentence ("China's … resumed capacity was 635000 tons")."""
    target, matched, named = target_of(claim.mentions, claim.window)
    if not target:
        # the subject named elsewhere in the sentence ("Yunnan … reduce load by 10%, on top of the 15%
        # cut in September"), else a country or national scope
        named_here = [m for m in claim.sentence_mentions if m.kind in ("asset", "owner", "province")]
        countries = [m for m in claim.sentence_mentions if m.kind == "country"]
        target, matched, named = target_of(named_here or countries, claim.sentence.text)
    return selecting(claim, target), matched, named


def selecting(claim: Claim, target: dict) -> dict | None:
    """The target, or its named plants and companies alone when the places added to them select no
    plant of the dataset ("Warrick and Portland … Yunnan"); None when nothing is selected."""
    if not target or "country" in target and set(target) == {"country"}:
        return target or None
    if len(claim.view.selected(target)):
        return target
    narrower = {k: v for k, v in target.items() if k in ("asset_id", "owner")}
    for candidate in ({"asset_id": narrower["asset_id"]} if "asset_id" in narrower else None, narrower):
        if candidate and len(claim.view.selected(candidate)):
            return candidate
    return None


def plausible(claim: Claim, target: dict, q: Quantity | None, notes: list[str]) -> Quantity | None:
    """A tonnage larger than everything the target has built (or will build) is not the event's size
    ("… with an operating capacity of 43.83 million tons"): dropped, with a note."""
    if q is None or q.kind != "mass":
        return q
    total = float(claim.view.selected(target)["capacity_kt"].sum())
    if total > 0 and q.value > 1.2 * total:
        notes.append(f"{q.text!r} exceeds the target's {total:,.0f} kt in the dataset: not taken as the size")
        return None
    return q

