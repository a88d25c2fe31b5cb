"""One rule per event type: from a trigger and the slots near it to a proposed event, or to an
observation saying what is missing. Capacity figures are kt per year; rates and shares fractions."""

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
from alusim.news.slots import (
    direction,
    exporter_and_importer,
    input_of,
    nearest,
    product_of,
    region_code,
    sector_of,
    target_of,
)
from alusim.news.status import Modality
from alusim.news.triggers import Trigger

_ALUMINA_ONLY = re.compile(r"\balumina\b", re.I)
_SMELTING = re.compile(r"\b(?:electrolytic|smelt\w*|primary alumin\w*|potlines?)\b", re.I)
_POWER_CONTEXT = re.compile(r"\b(?:power (?:shortage|rationing|supply|cuts?|restrictions?)|electricity (?:shortage|"
                            r"rationing|supply)|rationing|drought|dry season|low rainfall|hydropower shortage|"
                            r"load[- ]shedding|grid)\b", re.I)
_REMOVE = re.compile(r"\b(?:cancel\w*|scrap\w*|remov\w*|abolish\w*|eliminat\w*|end(?:s|ed|ing)?|lift(?:s|ed)?|"
                     r"withdr[ae]w\w*|drop(?:s|ped)?|axe[ds]?)\b", re.I)
_STATISTIC = re.compile(r"\b(?:year[- ]on[- ]year|y/y|yoy|month[- ]on[- ]month|growth rate|index)\b", re.I)
_HYDRO = re.compile(r"\b(?:hydro\w*|green (?:power|electricity)|renewable)\b", re.I)
_CLOSE_VERB = re.compile(r"\b(?:clos\w*|shut\w*|eliminat\w*|dismantl\w*|phas\w* out|retir\w*|remov\w*)\b", re.I)
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

    def event(self, event_type: str, target: dict, fields: dict, q: Quantity | None, *, magnitude: float | None = None,
              unit: str = "", basis: str = "amount", matched: dict | None = None, named: bool = True,
              notes: list[str] | None = None, previous: float | None = None) -> ProposedEvent:
        near = [d for d in self.dates if self.window_start <= d.begin < self.window_end]
        start, end, dated = event_period(near or self.dates, self.published)
        value = magnitude if magnitude is not None else (q.value if q is not None else None)
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


def _alumina_only(claim: Claim) -> bool:
    return bool(_ALUMINA_ONLY.search(claim.window)) and not _SMELTING.search(claim.window)


def _capacity_target(claim: Claim):
    """Target from the clause; failing that, a country or national scope stated elsewhere in the
    sentence ("China's … resumed capacity was 635000 tons")."""
    target, matched, named = target_of(claim.mentions, claim.window)
    if not target:
        # the subject named elsewhere in the sentence ("Yunnan … reduce load by 10%, on top of the 15%
        # cut in September"), else a country or national scope
        named_here = [m for m in claim.sentence_mentions if m.kind in ("asset", "owner", "province")]
        countries = [m for m in claim.sentence_mentions if m.kind == "country"]
        target, matched, named = target_of(named_here or countries, claim.sentence.text)
    return _selecting(claim, target), matched, named


def _selecting(claim: Claim, target: dict) -> dict | None:
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


def _plausible(claim: Claim, target: dict, q: Quantity | None, notes: list[str]) -> Quantity | None:
    """A tonnage larger than everything the target has built (or will build) is not the event's size
    ("… with an operating capacity of 43.83 million tons"): dropped, with a note."""
    if q is None or q.kind != "mass":
        return q
    total = float(claim.view.selected(target)["capacity_kt"].sum())
    if total > 0 and q.value > 1.2 * total:
        notes.append(f"{q.text!r} exceeds the target's {total:,.0f} kt in the dataset: not taken as the size")
        return None
    return q


def production_cut(claim: Claim):
    if _POWER_CONTEXT.search(claim.sentence.text):
        return power_curtailment(claim)
    target, matched, named = _capacity_target(claim)
    anchor = claim.trigger.end
    q = nearest(claim.quantities, ("mass", "pct"), anchor)
    if target is None:
        return claim.observe("production cut", "no producer, province or country named")
    notes: list[str] = []
    q = _plausible(claim, target, q, notes)
    if q is None:
        return claim.observe("production cut", "no tonnage or share given")
    if q.kind == "mass":
        return claim.event("production_cut", target, {"target": target, "kt": round(q.value, 1)}, q, unit="kt",
                           matched=matched, named=named, notes=notes)
    return claim.event("production_cut", target, {"target": target, "share": round(q.value, 4)}, q,
                       unit="fraction", basis="share", matched=matched, named=named, notes=notes)


def restart(claim: Claim):
    target, matched, named = _capacity_target(claim)
    if target is None:
        return claim.observe("restart", "no producer, province or country named")
    notes: list[str] = []
    q = _plausible(claim, target, nearest(claim.quantities, ("mass",), claim.trigger.end), notes)
    fields = {"target": target} | ({"kt": round(q.value, 1)} if q else {})
    notes += [] if q else ["no tonnage given: every idle and curtailed plant of the target restarts"]
    return claim.event("restart", target, fields, q, unit="kt" if q else "", matched=matched, named=named, notes=notes)


def suspend_construction(claim: Claim):
    target, matched, named = _capacity_target(claim)
    if target is None:
        return claim.observe("construction halt", "no province or company named")
    q = nearest(claim.quantities, ("mass",), claim.trigger.end)
    fields = {"target": target} | ({"kt": round(q.value, 1)} if q else {})
    notes = ["alusim suspends projects of the target that are not yet built; a province without projects in "
             "the dataset needs them added (commission events), as seed 004 does"]
    return claim.event("suspend_construction", target, fields, q, unit="kt" if q else "", matched=matched,
                       named=named, notes=notes)


def close_noncompliant(claim: Claim):
    target, matched, named = target_of(claim.mentions, claim.window)
    q = nearest(claim.quantities, ("mass",), claim.trigger.end)
    if not target or (set(target) == {"country"} and q is None):
        return claim.observe("closure", "no producer, plant or province named (or no tonnage for a country)")
    fields = {"target": target} | ({"kt": round(q.value, 1)} if q else {})
    notes = ["closes whole plants of the target, largest first, up to kt; the dataset's compliant flag is not "
             "used when a target is named"]
    if not _CLOSE_VERB.search(claim.window) and claim.modality.status == "enacted":
        claim.modality = Modality("planned", False, False)
        notes.append("the article names non-compliant capacity without reporting its closure: closing it is "
                     "the clean-up's aim, so the status is planned")
    return claim.event("close_noncompliant", target, fields, q, unit="kt" if q else "", matched=matched,
                       named=named, notes=notes)


def power_curtailment(claim: Claim):
    target, matched, named = _capacity_target(claim)
    if target is None or not named:
        return claim.observe("power curtailment", "no province or producer named")
    q = nearest(claim.quantities, ("pct", "mass"), claim.trigger.end)
    if q is None:
        return claim.observe("power curtailment", "no share or tonnage given")
    if q.kind == "pct":
        share, notes = q.value, []
    else:
        built = claim.view.built_kt(target)
        if built <= 0:
            return claim.observe("power curtailment", "the target has no built capacity in the dataset")
        share = min(q.value / built, 1.0)
        notes = [f"{q.value:,.0f} kt of {built:,.0f} kt built (dataset) = {share:.1%} curtailed"]
    return claim.event("power_curtailment", target, {"target": target, "share": round(share, 4)}, q,
                       magnitude=share, unit="fraction", basis="share", matched=matched, named=named, notes=notes)


def relocate(claim: Claim):
    text = claim.sentence.text
    dest = [m for m in claim.mentions if m.kind == "province"
            and re.search(r"\b(?:to|into|toward|towards)\s+(?:the\s+)?(?:\w+\s+)?$", text[max(0, m.start - 20):m.start], re.I)]
    if not dest:
        return claim.observe("relocation", "no destination province named")
    sources = [m for m in claim.mentions if m not in dest and m.kind in ("province", "owner", "asset")]
    q = nearest(claim.quantities, ("mass",), claim.trigger.end)
    if not sources:
        return claim.observe("relocation", "no source province, company or plant named")
    if q is None:
        return claim.observe("relocation", f"relocation to {dest[0].value} named without a tonnage")
    source, matched, _ = target_of(sources, claim.window)
    target = {"from": source, "to_province": dest[0].value}
    matched[f"to_province={dest[0].value}"] = dest[0].text
    tariff = nearest(claim.quantities, ("power_price",), claim.trigger.end)
    table = claim.view.smelters
    country = table.loc[table["province"] == dest[0].value, "country"]
    fields = {"from": source, "to_province": dest[0].value, "kt": round(q.value, 1)} | \
        ({"to_country": str(country.iloc[0])} if len(country) and country.iloc[0] != "CN" else {}) | {
              "power_source": claim.view.dominant_power_source(dest[0].value, "CN")}
    if tariff is not None:
        fields["tariff"] = f"{tariff.value:g} {tariff.unit}"
    return claim.event("relocate", target, fields, q, unit="kt", matched=matched,
                       notes=["relocation moves whole plants of the source, after the default 18-month lag"])


def commission(claim: Claim):
    if re.search(r"european commission|trade commission", claim.sentence.text, re.I):
        return None
    status = claim.view.smelters.set_index("asset_id")["status"]
    assets = [m for m in claim.mentions if m.kind == "asset" and status.get(m.value) in ("planned", "construction")]
    if assets:
        asset = assets[0].value
        q = nearest(claim.quantities, ("mass",), claim.trigger.end)
        return claim.event("commission", {"asset_id": [asset]}, {"asset": asset}, q, unit="kt" if q else "",
                           matched={f"asset_id={asset}": assets[0].text})
    target, matched, named = target_of([m for m in claim.mentions if m.kind != "asset"], claim.window)
    q = nearest(claim.quantities, ("mass",), claim.trigger.end)
    owners = target.get("owner", [])
    place = (target.get("province") or [None])[0]
    country = (target.get("country") or ["CN"])[0] if not place else "CN" if place in _cn_provinces(claim) else None
    if not owners or q is None or (place is None and "country" not in target):
        return claim.observe("new capacity", "a new plant needs a company, a place and a capacity")
    country = country or str(claim.view.smelters.loc[claim.view.smelters["province"] == place, "country"].iloc[0])
    source = claim.view.dominant_power_source(place, country)
    asset_id = re.sub(r"[^a-z0-9]+", "_", f"{country}_{place or ''}_{owners[0]}_news_{claim.sentence.start}".lower())
    asset = {"asset_id": asset_id.strip("_"), "name": f"{owners[0]} new smelter ({place or country})",
             "owner": owners[0], "country": country, "capacity_kt": round(min(q.value, 5000.0), 1),
             "power_source": source} | ({"province": place} if place else {})
    return claim.event("commission", {"owner": owners, **({"province": [place]} if place else {"country": [country]})},
                       {"asset": asset}, q, unit="kt", matched=matched,
                       notes=[f"new plant: power source {source} assumed (most capacity in {place or country})"])


def _cn_provinces(claim: Claim) -> set[str]:
    table = claim.view.smelters
    return set(table.loc[table["country"] == "CN", "province"].dropna())


def ban_new_capacity(claim: Claim):
    provinces = [m.value for m in claim.mentions if m.kind == "province"]
    countries = [m.value for m in claim.mentions if m.kind == "country"]
    if provinces:
        target = {"province": provinces}
    elif countries and countries[0] != "CN":
        target = {"country": [countries[0]]}
    else:
        target = {"country": ["CN"]}
    notes = [] if provinces or countries else ["no country named: China assumed"]
    return claim.event("ban_new_capacity", target, {"target": target}, None, named=bool(provinces or countries),
                       notes=notes)


def capacity_cap(claim: Claim):
    q = nearest([q for q in claim.quantities if q.kind == "mass" and q.value >= 10_000], ("mass",),
                claim.trigger.end)
    if q is None:
        return claim.observe("capacity cap", "no national capacity limit (10 Mt or more) given")
    countries = [m.value for m in claim.mentions if m.kind == "country"]
    country = countries[0] if countries else "CN"
    return claim.event("capacity_cap", {"country": country}, {"country": country, "limit_kt": round(q.value, 1)},
                       q, unit="kt", basis="level", named=bool(countries))


def power_price(claim: Claim):
    anchor = claim.trigger.end
    q = nearest(claim.quantities, ("power_price", "pct"), anchor)
    if q is None:
        return claim.observe("power price", "no price per kWh or percentage given")
    target, matched, named = target_of(claim.mentions, claim.window)
    if not target:
        return claim.observe("power price", "no province, producer or country named")
    hydro = bool(_HYDRO.search(claim.window))
    if hydro:
        target = target | {"power_source": "hydro"}
    before = claim.sentence.text[:q.start]
    is_change = q.relation == "by" or q.kind == "pct" or bool(re.search(r"\b(?:up|down)\s*$", before, re.I))
    notes = []
    if is_change:
        sign = direction(claim.window) or 1
        value = sign * q.value
        change = f"{value * 100:+g}%" if q.kind == "pct" else f"{value:+g} {q.unit}"
        basis = "change"
    else:
        value = q.value
        province = (target.get("province") or [None])[0]
        current = claim.view.tariff_cny_kwh(province, "hydro" if hydro else "*") if q.unit == "CNY/kWh" else None
        if current is None:
            return claim.observe("power price", f"a price level {q.text!r} with no dataset tariff to compare")
        change = f"{q.value - current:+.3f} CNY/kWh"
        basis = "level"
        notes.append(f"the article gives a level {q.text!r}; the dataset tariff is {current:.2f} CNY/kWh, so the "
                     f"change is {q.value - current:+.3f}" + (" (the article's figure is a floor)" if q.approx else ""))
    fields = {"target": {k: (v if k != "power_source" else v) for k, v in target.items()}, "change": change}
    return claim.event("power_price", target, fields, q, magnitude=value, unit=q.unit or "fraction", basis=basis,
                       matched=matched, named=named, notes=notes)


def carbon_price(claim: Claim):
    q = nearest(claim.quantities, ("carbon", "price_t"), claim.trigger.end)
    if q is None:
        return claim.observe("carbon price", "no price per tonne of CO2 given")
    regions = [m.value for m in claim.mentions if m.kind in ("region", "country")]
    region = region_code(regions[0]) if regions else "CN"
    region = "EU" if regions and regions[0] == "EU" else ("CN" if region == "CN" else regions[0] if regions else "CN")
    currency = q.unit.split("/")[0]
    return claim.event("carbon_price", {"region": region}, {"region": region, "price": f"{q.value:g} {currency}/t_CO2"},
                       q, unit=f"{currency}/t_CO2", basis="level", named=bool(regions))


def _trade_rate(claim: Claim, kind: str):
    q = nearest(claim.quantities, ("pct",), claim.trigger.end)
    removed = bool(_REMOVE.search(claim.window))
    if removed:
        return 0.0, q, (q.value if q else None)
    if q is None:
        return None, None, None
    return q.value, q, q.previous


def export_measure(claim: Claim, event_type: str):
    rate, q, previous = _trade_rate(claim, event_type)
    if rate is None:
        return claim.observe(event_type.replace("_", " "), "no rate given")
    countries = [m.value for m in claim.mentions if m.kind == "country"]
    country = countries[0] if countries else "CN"
    if country != "CN":
        return claim.observe(event_type.replace("_", " "), f"only China's export policy is modelled ({country})")
    product = product_of(claim.sentence.text, "primary" if event_type == "export_tax" else "semis")
    target = {"country": country, "product": product}
    return claim.event(event_type, target, {"country": country, "product": product, "rate": round(rate, 4)}, q,
                       magnitude=rate, unit="fraction", basis="rate", named=bool(countries), previous=previous,
                       notes=["removal: rate 0 from the date given"] if rate == 0.0 else [])


def import_tariff(claim: Claim):
    if re.search(r"\bexport\w*\s+(?:\w+\s+)?$", claim.sentence.text[:claim.trigger.start], re.I):
        return None
    rate, q, previous = _trade_rate(claim, "import_tariff")
    if rate is None:
        return claim.observe("tariff", "no rate given")
    exporter, importer = exporter_and_importer(claim.mentions, claim.sentence.text)
    if importer is None and re.search(r"section 232|section 301", claim.sentence.text, re.I):
        importer = "US"
    if importer is None:
        return claim.observe("tariff", "no importing country named")
    if importer == "CN":
        return claim.observe("tariff", "China's own import tariffs are not modelled")
    if exporter not in (None, "CN"):
        return claim.observe("tariff", f"a tariff on {exporter}'s metal changes no flow alusim models")
    notes = []
    yaml_importer = importer if importer == "US" else "other"
    if yaml_importer == "other":
        notes.append(f"alusim models China's exports to the US and to all other destinations: {importer}'s rate "
                     "is written on 'other'; scale it by the share of the flow it covers")
    if exporter == "CN":
        notes.append("the rate replaces the China-specific component (Section 301 25% in trade.csv for the US); "
                     "add it if the article's rate comes on top")
    target = {"importer": importer, "exporter": exporter or "*"}
    return claim.event("import_tariff", target,
                       {"importer": yaml_importer, "exporter": exporter or "*", "rate": round(rate, 4)}, q,
                       magnitude=rate, unit="fraction", basis="rate", previous=previous, notes=notes)


def demand_shock(claim: Claim):
    if _STATISTIC.search(claim.sentence.text):
        return claim.observe("demand statistic", "a growth rate or year-on-year figure, not a shock to demand")
    q = nearest(claim.quantities, ("pct",), claim.trigger.end)
    if q is None:
        return claim.observe("demand", "no percentage change given")
    sign = direction(claim.window)
    if sign == 0:
        return claim.observe("demand", "the direction of the change is not stated")
    regions = [m.value for m in claim.mentions if m.kind in ("region", "country")]
    region = region_code(regions[0]) if regions else "CN"
    region = "WCE" if region == "EU" else region
    sector = sector_of(claim.window)
    target = {"region": region} | ({"sector": sector} if sector else {})
    return claim.event("demand_shock", target, target | {"pct": round(sign * q.value, 4)}, q,
                       magnitude=sign * q.value, unit="fraction", basis="change", named=bool(regions),
                       notes=[] if regions else ["no region named: China assumed"])


def input_price(claim: Claim):
    if _STATISTIC.search(claim.sentence.text):
        return claim.observe("input price statistic", "a year-on-year figure: a fact to check, not a shock")
    which = input_of(claim.window)
    q = nearest(claim.quantities, ("pct",), claim.trigger.end)
    if which is None or q is None:
        return claim.observe("input price", "no input (alumina, coal, anode, yuan) with a percentage change")
    sign = direction(claim.window)
    if sign == 0:
        return claim.observe("input price", "the direction of the change is not stated")
    if which == "fx":
        sign = -sign                 # a stronger yuan is fewer CNY per USD
    chinese = re.search(r"\b(?:china|chinese|domestic)\b", claim.sentence.text, re.I) or \
        any(m.kind == "province" for m in claim.mentions)
    region = "CN" if chinese or which == "fx" else "WORLD"
    target = {"input": which, "region": region}
    return claim.event("input_price", target, target | {"pct": round(sign * q.value, 4)}, q,
                       magnitude=sign * q.value, unit="fraction", basis="change",
                       notes=["fx is CNY per USD: a weaker yuan is a positive change"] if which == "fx" else [])


RULES = {
    "production_cut": production_cut, "restart": restart, "commission": commission,
    "suspend_construction": suspend_construction, "close_noncompliant": close_noncompliant,
    "relocate": relocate, "power_curtailment": power_curtailment, "ban_new_capacity": ban_new_capacity,
    "capacity_cap": capacity_cap, "power_price": power_price, "carbon_price": carbon_price,
    "export_tax": lambda c: export_measure(c, "export_tax"),
    "export_rebate": lambda c: export_measure(c, "export_rebate"),
    "import_tariff": import_tariff, "demand_shock": demand_shock, "input_price": input_price,
}


def apply_rule(claim: Claim):
    """The proposed event (or observation, or None) of one claim."""
    if claim.trigger.event_type in CAPACITY_TYPES and _alumina_only(claim):
        return claim.observe("alumina", "alumina refining is not a lever of alusim")
    return RULES[claim.trigger.event_type](claim)
