"""The scenario's event types (DESIGN.md §3): one pydantic model per policy lever or shock, the
discriminated union ``Event`` and ``EVENT_TYPES``; re-exported by :mod:`alusim.scenario.model`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from alusim.scenario.fields import (  # noqa: F401 - re-exported: the scenario's public field types
    MAX_CHANGE,
    MAX_EVENTS,
    MAX_KT,
    MAX_SEED,
    MIN_CHANGE,
    Kt,
    Month,
    PlainText,
    PriceChange,
    Rate,
    Share,
    SignedPct,
    month_index,
)


class _Strict(BaseModel):
    # defer_build: each model's validator is built at its first use, not at import (~20 classes, ~35 ms
    # of every command's start; a run validates the Scenario, which builds the event models it holds)
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False,
                              defer_build=True)


class Target(_Strict):
    """Selects assets; every given field must match (owner also matches the parent company)."""

    asset_id: str | list[str] | None = None
    owner: str | list[str] | None = None
    province: str | list[str] | None = None
    region: str | list[str] | None = None
    country: str | list[str] | None = None
    power_source: str | list[str] | None = None
    compliant: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Target:
        if not any(v is not None for v in self.model_dump().values()):
            raise ValueError("a target needs at least one of asset_id, owner, province, region, country, "
                             "power_source, compliant")
        return self

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


STATUSES = ("enacted", "announced", "planned", "rumoured", "opinion")


class ArticleSource(_Strict):
    """Where an event proposed by ``alusim news`` comes from: the article, the sentence quoted and its
    character span in the article's text, the status the wording gives it and the extractor's
    confidence. ``accepted: false`` marks an event the analyst has not yet reviewed: a scenario with
    such an event does not validate (docs/news.md)."""

    article: str
    published: str | None = None
    quote: str
    span: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2)]
    status: Literal["enacted", "announced", "planned", "rumoured", "opinion"] = "enacted"
    confidence: Annotated[float, Field(ge=0.0, le=1.0)]
    accepted: bool = True
    as_written: Month | None = None
    matched: dict[str, str] = Field(default_factory=dict)
    note: str | None = None

    def __str__(self) -> str:
        return f'{self.article}: "{self.quote}" [{self.span[0]}:{self.span[1]}], {self.status}'


class _Event(_Strict):
    start: Month
    end: Month | None = None
    source: str | ArticleSource | None = None
    probability: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0

    @model_validator(mode="after")
    def _ordered(self):
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @property
    def source_text(self) -> str | None:
        """The source as one line of text (a quoted article for events drafted by ``alusim news``)."""
        return None if self.source is None else str(self.source)


class CapacityCap(_Event):
    type: Literal["capacity_cap"]
    country: str = "CN"
    limit_kt: Kt
    replacement_ratio: Annotated[float, Field(gt=0, le=2.0)] = 1.0


class BanNewCapacity(_Event):
    type: Literal["ban_new_capacity"]
    target: Target


class SuspendConstruction(_Event):
    type: Literal["suspend_construction"]
    target: Target
    kt: Kt | None = None


class CloseNoncompliant(_Event):
    type: Literal["close_noncompliant"]
    target: Target = Target(compliant=False)
    kt: Kt | None = None


class ProductionCut(_Event):
    type: Literal["production_cut"]
    target: Target
    kt: Kt | None = None
    share: Share | None = None

    @model_validator(mode="after")
    def _one_magnitude(self) -> ProductionCut:
        if (self.kt is None) == (self.share is None):
            raise ValueError("give exactly one of kt or share")
        return self


class Restart(_Event):
    type: Literal["restart"]
    target: Target
    kt: Kt | None = None


class NewAsset(_Strict):
    asset_id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    name: str
    owner: str
    country: str
    province: str | None = None
    region: str | None = None
    capacity_kt: Annotated[float, Field(gt=0, le=5000)]
    power_source: Literal["captive_coal", "grid", "hydro", "gas", "mixed"]
    power_kwh_t: Annotated[float, Field(ge=10000, le=19000)] = 13000.0
    cell_technology: Literal["PFPB", "CWPB", "SWPB", "VSS", "HSS"] = "PFPB"
    compliant: bool = True


class Commission(_Event):
    type: Literal["commission"]
    asset: str | NewAsset


class Relocate(_Event):
    type: Literal["relocate"]
    from_: Target = Field(alias="from")
    to_province: str | None = None
    to_region: str | None = None
    to_country: str = "CN"
    kt: Kt
    ratio: Annotated[float, Field(gt=0, le=2.0)] = 1.0
    power_source: Literal["captive_coal", "grid", "hydro", "gas", "mixed"] = "hydro"
    tariff: str | None = None
    power_kwh_t: Annotated[float, Field(ge=10000, le=19000)] = 12800.0
    lag_months: Annotated[int, Field(ge=0, le=120)] = 18

    @model_validator(mode="after")
    def _destination(self) -> Relocate:
        if self.to_province is None and self.to_region is None:
            raise ValueError("give to_province or to_region")
        return self


class PowerCurtailment(_Event):
    type: Literal["power_curtailment"]
    target: Target
    share: Share
    months: list[Annotated[int, Field(ge=1, le=12)]] | None = None


class PowerPrice(_Event):
    type: Literal["power_price"]
    target: Target
    change: str

    @field_validator("change")
    @classmethod
    def _change(cls, value: str) -> str:
        from alusim.scenario.quantities import parse_change

        parse_change(value, ("CNY/kWh", "USD/MWh"))
        return value


class CarbonPrice(_Event):
    type: Literal["carbon_price"]
    region: str
    price: str
    scope: Literal["1", "1+2"] = "1"

    @field_validator("scope", mode="before")
    @classmethod
    def _scope(cls, value: object) -> str:
        return str(value)

    @field_validator("price")
    @classmethod
    def _price(cls, value: str) -> str:
        from alusim.scenario.quantities import parse_price

        parse_price(value, "t_CO2")
        return value


class ExportTax(_Event):
    type: Literal["export_tax"]
    country: str = "CN"
    product: Literal["primary", "semis"] = "primary"
    rate: Rate


class ExportRebate(_Event):
    type: Literal["export_rebate"]
    country: str = "CN"
    product: Literal["primary", "semis"] = "semis"
    rate: Rate


class ImportTariff(_Event):
    type: Literal["import_tariff"]
    importer: str
    exporter: str = "*"
    rate: Rate


class Sanction(_Event):
    """``share`` of ``exporter``'s sales to ``importers`` (region or country codes, ``CN`` for China,
    ``*`` for all) closed from ``start`` to ``end``: a ban is share 1 (e.g. the US and UK on Russian
    metal produced after 13 April 2024). Acts between the regions (``market.regions_enabled: 1``)."""

    type: Literal["sanction"]
    exporter: str
    importers: list[str] | Literal["*"] = "*"
    product: Literal["primary"] = "primary"
    share: Share = 1.0


class CarbonBorder(_Event):
    """A carbon border charge on imports into ``importer`` (the EU's CBAM): per tonne of metal from
    each origin, the carbon ``price`` (or a ``path`` of prices by month, each holding until the next)
    times the origin's embedded CO2 above ``benchmark_t_co2_per_t`` × the year's share of free
    allocation (``free_allocation``, default the official phase-out 2026–2034). Embedded CO2 is each
    origin's plants' average (scope ``1``, direct emissions, as CBAM counts them for aluminium; ``1+2``
    adds the power's), or ``embedded_t_co2_per_t`` for an origin (a default value). Acts between the
    regions (``market.regions_enabled: 1``)."""

    type: Literal["carbon_border"]
    importer: str = "EU"
    price: str | None = None
    path: dict[Month, str] | None = Field(default=None, max_length=MAX_EVENTS)
    benchmark_t_co2_per_t: Annotated[float, Field(ge=0.0, le=20.0)] | None = None
    scope: Literal["1", "1+2"] = "1"
    free_allocation: dict[Annotated[int, Field(ge=2000, le=2100)], Share] | None = None
    embedded_t_co2_per_t: dict[str, Annotated[float, Field(ge=0.0, le=40.0)]] | None = None

    @field_validator("scope", mode="before")
    @classmethod
    def _scope(cls, value: object) -> str:
        return str(value)

    @model_validator(mode="after")
    def _prices(self) -> CarbonBorder:
        from alusim.scenario.quantities import parse_price

        if (self.price is None) == (self.path is None):
            raise ValueError("give exactly one of price or path")
        for text in [self.price] if self.price is not None else list(self.path.values()):
            parse_price(text, "t_CO2")
        return self


class ImportCost(_Event):
    """The delivered cost of China's primary imports over LME — freight, premium, and the discount on
    metal that sanctions push toward China (Russian aluminium sold at $100–150/t under LME in 2022)
    — changes by ``change_usd_t`` from ``start`` to ``end`` (negative: cheaper imports)."""

    type: Literal["import_cost"]
    importer: Literal["CN"] = "CN"
    change_usd_t: Annotated[float, Field(ge=-2000.0, le=2000.0)]


class DemandShock(_Event):
    type: Literal["demand_shock"]
    region: str
    sector: Literal["construction", "transport", "transport_ev", "packaging", "electrical", "pv_energy",
                    "machinery", "consumer", "other"] | None = None
    pct: SignedPct


class _PctOrPath(_Event):
    """A change given as one ``pct`` from ``start``, or a ``path`` of changes by month (−95 %…+500 %:
    a price, exchange rate or activity level of zero has no meaning)."""

    pct: PriceChange | None = None
    path: dict[Month, PriceChange] | None = Field(default=None, max_length=MAX_EVENTS)

    @model_validator(mode="after")
    def _one(self):
        if (self.pct is None) == (self.path is None):
            raise ValueError("give exactly one of pct or path")
        return self


class DriverPath(_PctOrPath):
    """An activity driver of demand off its recorded or forecast path: ``pct`` from ``start`` (to
    ``end``, then back), or a ``path`` of changes by month (each holding until the next)."""

    type: Literal["driver_path"]
    driver: str
    region: str


class InputPrice(_PctOrPath):
    type: Literal["input_price"]
    input: Literal["alumina", "coal", "anode", "fx"]
    region: Literal["CN", "ROW", "WORLD"] = "WORLD"


from alusim.scenario.alumina_events import ExportBan, SupplyDisruption  # noqa: E402 - they subclass _Event

Event = Annotated[
    CapacityCap | BanNewCapacity | SuspendConstruction | CloseNoncompliant | ProductionCut | Restart
    | Commission | Relocate | PowerCurtailment | PowerPrice | CarbonPrice | ExportTax | ExportRebate
    | ImportTariff | Sanction | CarbonBorder | ImportCost | DemandShock | InputPrice | DriverPath
    | SupplyDisruption | ExportBan,
    Field(discriminator="type"),
]

EVENT_TYPES = ("capacity_cap", "ban_new_capacity", "suspend_construction", "close_noncompliant",
               "production_cut", "restart", "commission", "relocate", "power_curtailment", "power_price",
               "carbon_price", "export_tax", "export_rebate", "import_tariff", "sanction", "carbon_border", "import_cost",
               "demand_shock",
               "input_price", "driver_path", "supply_disruption", "export_ban")
