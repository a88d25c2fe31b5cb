"""Rules of the capacity events: cuts, restarts, commissioning, suspensions, closures, relocations,
power curtailments, bans and caps. Capacity figures are kt per year, shares fractions."""

from __future__ import annotations

import re

from alusim.news.claim import (
    CLOSE_VERB,
    HALT,
    POWER_CONTEXT,
    Claim,
    capacity_target,
    plausible,
)
from alusim.news.slots import nearest, region_code, target_of
from alusim.news.status import Modality


def production_cut(claim: Claim):
    if POWER_CONTEXT.search(claim.sentence.text):
        return power_curtailment(claim)
    target, matched, named = capacity_target(claim)
    anchor = claim.trigger.end
    q = nearest(claim.quantities, ("mass", "pct"), anchor)
    if target is None:
        return claim.observe("production cut", "no producer, province or country named")
    notes: list[str] = []
    q = plausible(claim, target, q, notes)
    if q is None and HALT.search(claim.window):
        # "ordered … to halt production for six days": all of the target's output, for that time
        end = _duration_end(claim)
        return claim.event("production_cut", target, {"target": target, "share": 1.0}, None, magnitude=1.0,
                           unit="fraction", basis="share", matched=matched, named=named, end_month=end,
                           notes=notes + ["a halt without a figure: all of the target's output"])
    if q is None:
        return claim.observe("production cut", "no tonnage or share given")
    if q.kind == "mass":
        return claim.event("production_cut", target, {"target": target, "kt": round(q.value, 1)}, q, unit="kt",
                           matched=matched, named=named, notes=notes)
    return claim.event("production_cut", target, {"target": target, "share": round(q.value, 4)}, q,
                       unit="fraction", basis="share", matched=matched, named=named, notes=notes)


def _duration_end(claim: Claim) -> str | None:
    """Last month of a halt "for N days/weeks/months" that starts in the claim's start month."""
    m = re.search(r"\bfor (?:(\d+)|(?:a|one|two|three|four|five|six)) (day|week|month)s?\b", claim.window, re.I)
    if not m:
        return None
    words = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
    count = int(m.group(1)) if m.group(1) else words[m.group(0).split()[1].lower()]
    start = claim.event_start()
    months = count - 1 if m.group(2).lower() == "month" else 0
    year, month = int(start[:4]), int(start[5:]) + months
    return f"{year + (month - 1) // 12:04d}-{(month - 1) % 12 + 1:02d}"


def restart(claim: Claim):
    target, matched, named = capacity_target(claim)
    if target is None:
        return claim.observe("restart", "no producer, province or country named")
    notes: list[str] = []
    q = plausible(claim, target, nearest(claim.quantities, ("mass",), claim.trigger.end), notes)
    fields = {"target": target} | ({"kt": round(q.value, 1)} if q else {})
    notes += [] if q else ["no tonnage given: every idle and curtailed plant of the target restarts"]
    return claim.event("restart", target, fields, q, unit="kt" if q else "", matched=matched, named=named, notes=notes)


def suspend_construction(claim: Claim):
    target, matched, named = capacity_target(claim)
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
    if not CLOSE_VERB.search(claim.window) and claim.modality.status == "enacted":
        claim.modality = Modality("planned", False, False)
        notes.append("the article names non-compliant capacity without reporting its closure: closing it is "
                     "the clean-up's aim, so the status is planned")
    return claim.event("close_noncompliant", target, fields, q, unit="kt" if q else "", matched=matched,
                       named=named, notes=notes)


def power_curtailment(claim: Claim):
    target, matched, named = capacity_target(claim)
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
             "power_source": source} | ({"province": place} if place else {}) | \
        ({"region": region_code(country)} if country != "CN" else {})
    return claim.event("commission", {"owner": owners, **({"province": [place]} if place else {"country": [country]})},
                       {"asset": asset}, q, unit="kt", matched=matched,
                       notes=[f"new plant: power source {source} assumed (most capacity in {place or country})"]
                       + ([] if claim.event_start() != f"{claim.published:%Y-%m}" else
                          ["set start to the month of first metal the article expects"]))


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

