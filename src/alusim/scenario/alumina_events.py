"""Event types of the alumina chain (issue 12): a bauxite or refinery ``supply_disruption`` and an
``export_ban`` on bauxite or alumina. They act through the alumina market (``alumina.market`` 1;
:mod:`alusim.levers.alumina_supply`, :mod:`alusim.alumina.bauxite`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from alusim.scenario.events import Target, _Event
from alusim.scenario.fields import Share


class SupplyDisruption(_Event):
    """``share`` of the bauxite an ``origin`` country ships (Guinea, Australia …) — or of the output of
    the refineries a ``target`` selects — lost for ``duration_months`` from ``start`` (or to ``end``).
    The refineries on that origin's ore lose it, the dearest first; the seaborne bauxite price rises."""

    type: Literal["supply_disruption"]
    origin: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] | None = None
    target: Target | None = None
    share: Share
    duration_months: Annotated[int, Field(ge=1, le=600)] | None = None

    @model_validator(mode="after")
    def _one_place(self) -> SupplyDisruption:
        if (self.origin is None) == (self.target is None):
            raise ValueError("give exactly one of origin or target")
        if self.duration_months is not None and self.end is not None:
            raise ValueError("give end or duration_months, not both")
        return self


class ExportBan(_Event):
    """``country`` bans exports of ``product`` (bauxite or alumina) from ``start`` to ``end``; ``share``
    below 1 bans part of them, and 0 lifts a ban already in force (bauxite_events.csv: Indonesia's since
    June 2023), bringing its pre-ban exports back to the seaborne market."""

    type: Literal["export_ban"]
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
    product: Literal["bauxite", "alumina"]
    share: Share = 1.0
