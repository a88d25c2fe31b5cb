"""The event reference, generated from the scenario schema: every event type with its fields, units,
bounds, defaults and an example.

Fields, types, bounds and defaults are read from the pydantic models in :mod:`alusim.scenario.model`
(so the reference cannot drift from what the loader accepts); the one-line meaning of each type and
field is written here; examples are the first event of that type in a shipped scenario (with its
source), or a minimal valid event built from the required fields. ``docs/events.md`` is this module's
Markdown output (``alusim scenario events --markdown``); a test keeps the two identical.
"""

from __future__ import annotations

import io
import typing
from dataclasses import dataclass

from alusim.errors import InputError
from alusim.scenario.model import EVENT_TYPES, Event, Target

DOC_PATH = "docs/events.md"

#: what each event does (DESIGN.md §3 and the lever modules in alusim.levers)
SUMMARY: dict[str, str] = {
    "capacity_cap": "A national ceiling on built capacity (China's 45 Mt); new plants wait for room, a "
                    "replacement ratio below one tightens the limit at each swap.",
    "ban_new_capacity": "No plant in the target may start construction or commission after the start month.",
    "suspend_construction": "Projects under construction in the target stop (up to kt of capacity).",
    "close_noncompliant": "Plants that fail the compliance rules close (all of the target, or up to kt).",
    "production_cut": "Operating plants in the target cut output by kt/yr or by a share, from start to end.",
    "restart": "Idle or curtailed capacity in the target restarts (up to kt), after the restart lag.",
    "commission": "A plant starts: an existing planned asset by id, or a new asset described in full.",
    "relocate": "Capacity moves out of a target to another province or region (with a replacement ratio "
                "and a construction lag), on a new power source.",
    "power_curtailment": "The grid curtails power to the target by a share, in the months listed "
                         "(e.g. Yunnan's dry season).",
    "power_price": "The power tariff of the target changes by an amount or a percentage.",
    "carbon_price": "A carbon price on the region's emissions (scope 1 or 1+2).",
    "export_tax": "An export tax on a product from a country.",
    "export_rebate": "An export VAT rebate on a product from a country.",
    "import_tariff": "A tariff on imports into a country or region, from one exporter or from all ('*'); "
                     "between two regions outside China it needs the regional model.",
    "sanction": "A share (1 = a ban) of an exporter's sales to some importers, China included, closed; "
                "acts between the regions (market.regions_enabled: 1).",
    "carbon_border": "A carbon border charge (the EU's CBAM) on imports into a region: carbon price × each "
                     "origin's embedded CO2 above the benchmark × the year's free-allocation share, per "
                     "tonne; acts between the regions (market.regions_enabled: 1).",
    "import_cost": "The delivered cost of China's primary imports over LME (freight, premium, the discount "
                   "on metal sanctions push toward China) moves by USD/t; it moves China's import parity.",
    "demand_shock": "Demand of a region (optionally one end-use sector) moves by a percentage.",
    "input_price": "The price of alumina, coal, anodes or the CNY/USD rate moves by a percentage or "
                   "along a monthly path.",
    "supply_disruption": "A share of an origin's bauxite (or of some refineries' output) lost for some months: "
                         "the refineries on that ore lose it, dearest first, and the seaborne bauxite price "
                         "rises; acts through the alumina market (alumina.market: 1).",
    "export_ban": "A country bans exports of bauxite or alumina (share 0 lifts a ban in force); acts through "
                  "the alumina market (alumina.market: 1).",
    "driver_path": "An activity driver of demand (GDP, investment, vehicles, NEVs, PV, grid investment …) "
                   "leaves its recorded or forecast path by a percentage or along a monthly path; every "
                   "sector it drives moves with its own fitted elasticity.",
}

#: meaning and unit of each field, by name (shared by every event type that has it)
FIELDS: dict[str, tuple[str, str]] = {
    "type": ("event type", ""),
    "start": ("first month the event applies", "YYYY-MM"),
    "end": ("last month (open-ended when absent)", "YYYY-MM"),
    "source": ("where the event comes from (an article, a decree)", "text"),
    "probability": ("chance that the event happens on a Monte Carlo path", "fraction 0–1"),
    "target": ("the assets it selects: any of asset_id, owner, province, region, country, power_source, "
               "compliant (all given must match)", "mapping"),
    "from": ("the assets capacity moves out of (a target)", "mapping"),
    "country": ("country", "ISO2 code (CN, US, NO…)"),
    "region": ("market region", "CN, ROW, WORLD or an IAI region code"),
    "limit_kt": ("the capacity ceiling", "kt/yr"),
    "replacement_ratio": ("new capacity allowed per unit closed under the cap", "ratio"),
    "kt": ("capacity affected", "kt/yr"),
    "share": ("share of capacity or output affected", "fraction 0–1 or '25%'"),
    "asset": ("an existing asset id, or the fields of a new asset", "id or mapping"),
    "to_province": ("destination province (China)", "English name"),
    "to_region": ("destination region", "region code"),
    "to_country": ("destination country", "ISO2 code"),
    "ratio": ("capacity built at the destination per unit closed", "ratio"),
    "power_source": ("power source at the destination", "captive_coal, grid, hydro, gas or mixed"),
    "tariff": ("power tariff at the destination", "e.g. '0.30 CNY/kWh'"),
    "power_kwh_t": ("DC power use of the new plant", "kWh/t"),
    "lag_months": ("months between closure and start-up at the destination", "months"),
    "months": ("calendar months in which it applies each year", "list of 1–12"),
    "change": ("change of the tariff", "'+0.05 CNY/kWh', '+10 USD/MWh' or '+15%'"),
    "price": ("carbon price", "e.g. '100 CNY/t_CO2' or '80 USD/t_CO2'"),
    "scope": ("emissions priced", "'1' (direct) or '1+2' (with power)"),
    "product": ("traded product", "primary or semis (export_ban: bauxite or alumina)"),
    "rate": ("tax, rebate or tariff rate", "fraction 0–5 or '25%'"),
    "importer": ("importing country", "ISO2 code"),
    "change_usd_t": ("change of the import cost over LME (negative: a discount)", "USD/t, −2,000…2,000"),
    "exporter": ("exporting country, or '*' for all", "ISO2 code"),
    "sector": ("end-use sector (all sectors when absent)", "construction, transport, transport_ev, packaging, "
               "electrical, pv_energy, machinery, consumer or other"),
    "driver": ("activity driver", "a name of drivers.csv: gdp_growth_pct, industrial_production_growth_pct, "
               "fai_growth_pct, floor_space_started_mm2, floor_space_completed_mm2, vehicle_output_m, "
               "nev_output_m, pv_installations_gw, grid_investment_bn_cny"),
    "pct": ("change", "signed fraction (−0.1 or '-10%')"),
    "input": ("which input price", "alumina, coal, anode or fx"),
    "path": ("monthly values of the change (carbon_border: of the carbon price)",
             "mapping YYYY-MM → signed fraction (carbon_border: YYYY-MM → '90 EUR/t_CO2')"),
    "benchmark_t_co2_per_t": ("embedded CO2 free of the charge before the phase-out (default "
                              "carbon.cbam_benchmark_primary_t_co2_per_t)", "t CO2/t Al"),
    "free_allocation": ("share of the benchmark still covered by free allocation, by year (default the "
                        "CBAM factor of Directive (EU) 2023/959, 97.5 % in 2026 to 0 in 2034)",
                        "mapping year → fraction 0–1"),
    "embedded_t_co2_per_t": ("embedded CO2 of an origin's metal instead of its plants' average (a default "
                             "value)", "mapping region (or CN) → t CO2/t Al"),
    "origin": ("country whose bauxite is disrupted", "ISO2 code (GN, AU, BR, ID …)"),
    "duration_months": ("months the disruption lasts from start (instead of end)", "months"),
    "importers": ("importing countries or regions ('CN' China, '*' all)", "list of codes or '*'"),
}
COMMON = ("start", "end", "source", "probability")


@dataclass(frozen=True)
class FieldDoc:
    name: str
    required: bool
    default: str
    allowed: str
    meaning: str
    unit: str


def event_classes() -> dict[str, type]:
    """Event type → pydantic model, read from the discriminated union of the schema."""
    union = typing.get_args(Event)[0]
    out = {}
    for cls in typing.get_args(union):
        out[typing.get_args(cls.model_fields["type"].annotation)[0]] = cls
    return {t: out[t] for t in EVENT_TYPES}


_SYMBOLS = (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤"))


def _constraints(annotation) -> list[str]:
    """Bounds and allowed values found anywhere in a (possibly Annotated, Optional) annotation."""
    parts: list[str] = []
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return ["one of " + ", ".join(str(a) for a in typing.get_args(annotation))]
    if origin is typing.Annotated:
        for extra in annotation.__metadata__:
            parts += _metadata_bounds([extra, *getattr(extra, "metadata", [])])
        return _constraints(typing.get_args(annotation)[0]) + parts
    for arg in typing.get_args(annotation):
        parts += _constraints(arg)
    return parts


def _metadata_bounds(items) -> list[str]:
    out = []
    for meta in items:
        for attr, sym in _SYMBOLS:
            value = getattr(meta, attr, None)
            if isinstance(value, int | float) and not isinstance(value, bool):
                out.append(f"{sym} {value:g}")
    return out


def _bounds(field) -> str:
    parts = _metadata_bounds(getattr(field, "metadata", [])) + _constraints(field.annotation)
    return ", ".join(dict.fromkeys(parts))


def fields_of(event_type: str) -> list[FieldDoc]:
    """The documented fields of one event type, its own fields first, then start/end/source/probability."""
    cls = event_classes()[check_type(event_type)]
    docs = []
    for name, field in cls.model_fields.items():
        if name == "type":
            continue
        key = field.alias or name
        default = "" if field.is_required() else _default_text(field.default)
        meaning, unit = FIELDS.get(key, (key, ""))
        docs.append(FieldDoc(key, field.is_required(), default, _bounds(field), meaning, unit))
    own = [d for d in docs if d.name not in COMMON]
    return own + [d for d in docs if d.name in COMMON]


def _default_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Target):
        return str(value.as_dict())
    return str(value)


def check_type(event_type: str) -> str:
    if event_type not in EVENT_TYPES:
        raise InputError(f"unknown event type {event_type!r}", where="TYPE", fix="use one of " + ", ".join(EVENT_TYPES))
    return event_type


def shipped_example(event_type: str) -> tuple[str, dict] | None:
    """The first event of this type in the shipped scenarios: (catalogue name, event as written)."""
    from alusim.scenario.catalogue import catalogue_names, catalogue_path
    from alusim.scenario.io import load_scenario

    for name in catalogue_names():
        scenario = load_scenario(catalogue_path(name))
        for event in scenario.events:
            if event.type == event_type:
                return name, event.model_dump(mode="json", by_alias=True, exclude_none=True,
                                              exclude_defaults=True) | {"type": event_type, "start": event.start}
    return None


def example_yaml(event: dict) -> str:
    """One event as a YAML list item, keys in the order type, target fields, dates, source."""
    from ruamel.yaml import YAML

    ordered = {"type": event["type"], **{k: v for k, v in event.items() if k not in ("type", "source")}}
    if "source" in event:
        ordered["source"] = event["source"]
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.sort_base_mapping_type_on_output = False
    buffer = io.StringIO()
    yaml.dump(ordered, buffer)
    lines = buffer.getvalue().rstrip().splitlines()
    return "\n".join(["- " + lines[0], *("  " + line for line in lines[1:])]) + "\n"


def markdown(event_types: typing.Iterable[str] | None = None, *, heading: bool = True) -> str:
    """The reference as Markdown (all types, or the ones named)."""
    types = list(event_types) if event_types else list(EVENT_TYPES)
    lines = []
    if heading:
        lines += ["# Scenario events", "",
                  "Generated from the scenario schema by `alusim scenario events --markdown` — do not edit by hand.",
                  "Every event also takes `start` (YYYY-MM), and optionally `end`, `source` and `probability`.",
                  "Rates and shares are fractions (0.25 = 25 %); a string such as \"25%\" is accepted too.", ""]
    for event_type in types:
        lines += [f"## `{event_type}`", "", SUMMARY[event_type], "",
                  "| field | required | default | allowed | meaning | unit |", "|---|---|---|---|---|---|"]
        for f in fields_of(event_type):
            lines.append(f"| `{f.name}` | {'yes' if f.required else 'no'} | {f.default} | {f.allowed} | "
                         f"{f.meaning} | {f.unit} |")
        found = shipped_example(event_type)
        lines += ["", f"Example (from `{found[0]}`):" if found else "Example:", "", "```yaml",
                  example_yaml(found[1] if found else minimal_example(event_type)).rstrip(), "```", ""]
    return "\n".join(lines)


#: minimal values used when no shipped scenario has an event of a type
_MINIMAL = {"target": {"province": "Shandong"}, "from": {"province": "Shandong"}, "kt": 100.0,
            "limit_kt": 45000.0, "share": 0.1, "rate": 0.1, "pct": 0.05, "region": "CN", "importer": "US",
            "change": "+0.05 CNY/kWh", "price": "100 CNY/t_CO2", "input": "alumina", "asset": "cn_example",
            "to_province": "Yunnan", "driver": "pv_installations_gw", "change_usd_t": -100.0, "exporter": "RU",
            "origin": "GN", "country": "ID", "product": "bauxite"}


def minimal_example(event_type: str) -> dict:
    event = {"type": event_type, "start": "2026-01"}
    for f in fields_of(event_type):
        if f.required and f.name not in COMMON:
            event[f.name] = _MINIMAL[f.name]
    # the checks across fields: one magnitude or one destination is required
    extra = {"production_cut": "share", "input_price": "pct", "relocate": "to_province",
             "driver_path": "pct", "carbon_border": "price", "supply_disruption": "origin"}.get(event_type)
    if extra:
        event[extra] = _MINIMAL[extra]
    return event
