"""Scenario files: the public contract of DESIGN.md §3, as pydantic models.

Unknown keys are errors; months are ``YYYY-MM``; rates and shares are fractions (``0.25``) or
percent strings (``"25%"``); quantities with units are strings such as ``"0.05 CNY/kWh"``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import (
    Field,
    PrivateAttr,
    model_validator,
)

from alusim.scenario.events import (  # noqa: F401 - re-exported: the event models are part of this module's interface
    EVENT_TYPES,
    STATUSES,
    ArticleSource,
    BanNewCapacity,
    CapacityCap,
    CarbonPrice,
    CloseNoncompliant,
    Commission,
    DemandShock,
    DriverPath,
    Event,
    ExportRebate,
    ExportTax,
    ImportCost,
    ImportTariff,
    InputPrice,
    NewAsset,
    PowerCurtailment,
    PowerPrice,
    ProductionCut,
    Relocate,
    Restart,
    Sanction,
    SuspendConstruction,
    Target,
    _Strict,
)
from alusim.scenario.fields import (  # noqa: F401 - MAX_CHANGE, MIN_CHANGE re-exported (scenario.quantities reads them)
    MAX_CHANGE,
    MAX_EVENTS,
    MAX_SEED,
    MIN_CHANGE,
    Month,
    PlainText,
    month_index,
)


class Scenario(_Strict):
    """A runnable scenario: period, Monte Carlo size, parameter overrides and dated events."""

    name: Annotated[PlainText, Field(min_length=1, max_length=120)]
    description: Annotated[PlainText, Field(max_length=10_000)] = ""
    start: Month = "2025-01"
    end: Month = "2035-12"
    paths: Annotated[int, Field(ge=1, le=200_000)] = 1000
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 7
    assumptions: dict[str, float] = Field(default_factory=dict, max_length=MAX_EVENTS)
    events: list[Event] = Field(default_factory=list, max_length=MAX_EVENTS)

    @model_validator(mode="after")
    def _period(self) -> Scenario:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.months > 12 * 60:
            raise ValueError("a run covers at most 60 years")
        for i, event in enumerate(self.events):
            if isinstance(event.source, ArticleSource) and not event.source.accepted:
                raise ValueError(f"events.{i}: proposed by `alusim news` and not yet accepted")
            if event.start > self.end or (event.end is not None and event.end < self.start):
                raise ValueError(f"events.{i}: dates {event.start}..{event.end or ''} lie outside the run "
                                 f"{self.start}..{self.end}")
        return self

    #: where the scenario was read from and the line of each field (set by the YAML adapter), so
    #: that errors found after parsing (a target that selects nothing) still name the file and line
    _source: str | None = PrivateAttr(default=None)
    _lines: dict[str, int] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        # the same scenario read from two files is the same scenario: compare fields, not origins
        return type(other) is type(self) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.model_dump_json())

    @property
    def months(self) -> int:
        return month_index(self.end, self.start) + 1

    def locate(self, error):
        """``error`` (an :class:`~alusim.errors.InputError` about ``events.N…`` or ``assumptions.NAME``)
        with the file and line of that field; unchanged when it already names a file or the scenario
        was not read from one."""
        from alusim.errors import InputError

        if self._source is None:
            return error
        where = error.where or ""
        if where and not where.startswith(("assumptions", "events")):
            return error
        field_match = re.match(r"^(events\.\d+|assumptions\.[A-Za-z0-9_.]+)", where or error.message or "")
        if field_match is None:
            return error
        field = field_match.group(1)
        line = self._lines.get(field) or self._lines.get(field.split(".")[0])
        message = error.message if error.message.startswith(field) else f"{field}: {error.message}"
        return InputError(message, where=f"{self._source}:{line}" if line else self._source, fix=error.fix)

    @classmethod
    def load(cls, path) -> Scenario:
        """Read and validate a scenario YAML file or a shipped scenario by name (``"baseline"``,
        ``"seeds/004"``; see :mod:`alusim.scenario.catalogue`)."""
        from alusim.scenario.io import load_scenario

        return load_scenario(path)

    def save(self, path) -> Path:
        """Write the scenario as YAML 1.2 to ``path`` (atomically) and return the path."""
        from alusim.scenario.io import dump_scenario
        from alusim.store import write_dir_atomically

        path = Path(path)
        write_dir_atomically(path.parent, {path.name: dump_scenario(self)})
        return path
