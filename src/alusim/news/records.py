"""What ``alusim news`` drafts from an article: proposed events, observations and the draft itself.

These plain dataclasses are the Python API a dashboard calls (:func:`alusim.news.draft_from_text`):
every event and observation carries the sentence it comes from and its character span in
``NewsDraft.text``, so a page can highlight it; :meth:`NewsDraft.scenario_yaml` writes the draft.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class ProposedEvent:
    """One event the article states, as alusim can represent it.

    ``target`` is the normalised selector used for scoring (e.g. ``{"owner": ["Weiqiao"],
    "province": ["Shandong"]}``, ``{"importer": "US", "exporter": "CN"}``); ``magnitude`` is the
    figure as the article gives it, normalised (kt per year, a fraction, CNY/kWh, a price per t CO2),
    ``basis`` says what it is (``amount``, ``share``, ``rate``, ``change``, ``level``), ``previous`` the
    level before a step ("from 34% to 145%"). ``fields`` are the scenario event's own fields (without
    start, end, probability and source). ``accepted`` is the analyst's decision (False until made).
    """

    event_type: str
    target: dict
    magnitude: float | None
    unit: str
    basis: str
    start: str
    end: str | None
    dated: bool
    status: str
    probability: float
    confidence: float
    quote: str
    span: tuple[int, int]
    trigger: str
    fields: dict
    matched: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    previous: float | None = None
    accepted: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Observation:
    """A claim recognised but not a lever: a price move, an index level, a profit figure, a statistic,
    or an event the text does not give enough to represent (``reason`` says what is missing)."""

    kind: str
    quote: str
    span: tuple[int, int]
    figures: list[str]
    reason: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class NewsDraft:
    """The draft of one article: its text (spans point into it), publication date, proposed events
    and observations, in the order of the text."""

    article: str
    published: date
    text: str
    events: list[ProposedEvent]
    observations: list[Observation]

    def as_dict(self) -> dict:
        return {"article": self.article, "published": self.published.isoformat(),
                "events": [e.as_dict() for e in self.events],
                "observations": [o.as_dict() for o in self.observations]}

    def scenario_yaml(self, *, accept: str = "none", name: str | None = None, only_accepted: bool = False) -> str:
        """The draft as scenario YAML (see :func:`alusim.news.draft_yaml.draft_to_yaml`)."""
        from alusim.news.draft_yaml import draft_to_yaml

        return draft_to_yaml(self, accept=accept, name=name, only_accepted=only_accepted)
