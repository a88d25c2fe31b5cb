"""Trigger phrases of each event type, as spaCy ``Matcher`` patterns on a blank English pipeline.

Patterns use token text only (``LOWER``, ``IN``, wildcards ``{0,n}``), so no trained model is needed.
They are written in a small notation: words separated by spaces, alternatives by ``|``, a trailing
``*`` adds the inflections of a verb or noun (``cut*`` matches every word that begins with ``cut``), ``~n`` allows up to
``n`` other words, and a trailing ``?`` makes a word optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: verbs of a change in an activity driver's level
_VERBS = ("fall*|fell|drop*|declin*|shrink*|shrank|rise*|rising|rose|grow*|grew|increas*|slump*|contract*|expand*|"
          "decreas*|jump*|climb*|surg*|plung*|slid*|slow*|tumbl*|soar*|gain*|rebound*|recover*|higher|lower|slip*|dip*")

#: event type → trigger patterns (the phrase that says *what* happens; slots are filled nearby)
PATTERNS: dict[str, list[str]] = {
    "production_cut": [
        "cut*|reduce*|curb*|trim*|lower*|slash*|curtail*|decrease*|scale* ~3 production|output|operations|"
        "volumes|run-rate",
        "cut*|reduce*|curb*|trim*|slash*|curtail* ~4 capacity",
        "production|output reduction*|cut*|curtailment*|cutback*|decrease*",
        "cut*|reduce*|curtail*|idle*|halt*|shut* ~3 potline*|pots|pot|lines|line|cells",
        "idle*|idling ~4 capacity|tonnes|tons|kt",
        "halt*|suspend* ~2 production|output|smelting|operations",
        "percent|%|tonnes|tonne|tons|ton|kt|mt ~1 cut|cuts|reduction|curtailment",
    ],
    "restart": [
        "restart*|reopen*|relaunch*|reactivat*",
        "re - start*|open*",
        "resum*|resumption ~8 production|operations|output|smelting|capacity|potlines|lines",
        "bring*|brought|bringing ~2 back ~4 online|capacity|production|lines|potlines",
        "return* ~2 to ~2 production|operation|service",
        "ramp* up ~3 idle*|idled|curtailed|halted",
        "restart* capacity",
        "put* back ~2 into ~2 production|operation|service",
    ],
    "commission": [
        "commission*",
        "put* into ~2 production|operation|service",
        "start*|begin|began|begun|beginning ~2 commercial? production|operations|operating|smelting",
        "come|comes|came|coming on ~2 stream|line|online",
        "first|hot metal",
        "energis*|energiz* ~3 potline*|line|lines|cells",
        "startup|start ~1 up ~3 smelter|plant|project|potline|line",
        "new ~3 smelter*|potline*|plant|project ~6 start*|begin|began|open*|online|production",
        "releas*|add*|build*|launch* ~1 new ~2 production? capacity",
        "build*|construct* ~8 smelter*|potline*",
    ],
    "suspend_construction": [
        "construction|projects|project ~12 stop*|halt*|suspend*|froze|frozen|freeze*|pause*|cease*",
        "stop*|halt*|suspend*|freeze*|froze|pause*|cease* ~5 construction|building|projects",
    ],
    "close_noncompliant": [
        "close*|closing|closure*|shut*|eliminate*|elimination|dismantle*|retire*|remove*|phas* ~5 "
        "illegal|noncompliant|unapproved|outdated|obsolete|backward|excess|irregular|violating",
        "close*|closing|closure*|shut*|eliminate*|elimination|dismantle*|retire*|remove* ~5 non - compliant",
        "illegal|noncompliant|unapproved|irregular|outdated|obsolete|backward ~2 capacity|smelters|projects",
        "non - compliant ~2 capacity|smelters|projects",
        "permanent* ~3 close*|closure*|shut*|shutdown",
        "close*|closing|closure*|shut* ~2 down? ~6 permanently",
        "close*|closing|closure*|shut* ~2 down? ~6 for good",
        "closure of",
        "close*|shut* ~1 down? ~3 smelter*|plant*",
    ],
    "relocate": [
        "relocat*|transfer*|shift*|mov*|migrat* ~5 capacity|production|smelting|quota*|plant*|smelter*|lines",
    ],
    "ban_new_capacity": [
        "no new ~3 capacity|projects|smelters|smelting",
        "ban*|prohibit*|forbid*|forbade ~4 new ~3 capacity|projects|smelters|smelting",
        "halt*|stop*|suspend*|freeze* ~2 approv*",
        "not approv* ~3 new",
        "moratorium ~4 new",
    ],
    "capacity_cap": [
        "capacity cap|ceiling|limit|caps|redline",
        "cap|caps|capped|ceiling|limit|redline ~6 capacity",
        "red|upper line|limit ~6 capacity",
        "capacity ~6 cap|caps|capped|ceiling|limit|redline",
        "capacity ~6 red|upper line|limit",
    ],
    "power_curtailment": [
        "power|electricity|energy ~2 rationing|rationed|cuts|curtailment*|shortage*|restriction*|crunch",
        "curtail*|restrict*|ration* ~3 power|electricity|load|energy",
        "load - shedding",
        "reduc*|cut*|lower*|limit* ~2 load|loads",
        "load shedding",
        "cut*|reduce* ~3 power|electricity ~2 use|usage|supply|load|consumption",
        "dry season",
        "drought*",
        "low rainfall",
        "water shortage*",
    ],
    "power_price": [
        "power|electricity|hydropower|hydro|energy|green ~2 price*|tariff*|cost*|rates",
        "price*|cost* of ~2 green? power|electricity|hydropower",
    ],
    "carbon_price": [
        "carbon ~2 price*|tax*|market|allowance*|permit*",
        "emission* trading|allowance*",
        "ets",
        "price* ~3 carbon|co2|emissions",
    ],
    "carbon_border": [
        # the EU's carbon border adjustment: certificates on the embedded emissions of imports
        "cbam",
        "carbon border ~2 adjustment|tax|levy|charge|mechanism",
        "border ~1 carbon ~1 tax|levy|charge|adjustment",
    ],
    "export_tax": [
        "export ~1 tax|taxes|duty|duties|tariff*|levy|levies",
    ],
    "export_rebate": [
        "export ~3 rebate*",
        "vat|tax rebate*",
    ],
    "import_tariff": [
        "tariff*|duty|duties|levy|levies|antidumping|countervailing|surtax*|surcharge*",
        "anti - dumping",
        "section 232|301",
    ],
    "sanction": [
        # bans and sanctions on a country's metal (Russian aluminium: US/UK 2024, the EU phase-out 2025)
        "ban|bans|banned|banning|prohibit*|embargo* ~6 import*|russian|rusal|aluminium|aluminum|metal",
        "phase* ~1 out ~6 import*|russian",
    ],
    "import_cost": [
        # the delivered cost of metal China imports: sanctions discounts on Russian metal, import premiums
        "discount* ~6 russian|rusal|sanction*|sanctioned",
        "russian|rusal|sanctioned ~4 aluminium|aluminum|metal ~8 discount*",
        "import ~1 premium*|costs",
    ],
    "demand_shock": [
        "demand|consumption ~10 fall*|fell|drop*|declin*|shrink*|shrank|rise*|rose|grow*|grew|increas*|slump*|"
        "contract*|expand*|decreas*|jump*|climb*|surg*|plung*|weaken*|strengthen*",
        "boost*|lift*|cut|cuts|reduce*|curb*|dent|dents|dented|hit|hits|hurt* ~3 demand|consumption",
    ],
    "input_price": [
        "alumina|coal|anode*|coke|bauxite ~4 price*|cost*",
        "price*|cost* of ~2 alumina|coal|anode*|coke|bauxite",
        "yuan|renminbi|rmb ~3 weaken*|depreciat*|strengthen*|appreciat*|fell|rose|fall|falls|rise|rises|devalu*",
        "alumina|coal|anode*|coke ~2 rose|rise*|fell|fall*|jump*|surg*|climb*|drop*|declin*|slump*|soar*",
    ],
    "driver_path": [
        # an activity driver of demand and the verb of its change ("new solar installations are expected
        # to fall", "NEV output will jump"); GDP and industrial output are read to be told apart (statistics)
        f"solar|pv|photovoltaic ~3 installation*|installs|additions ~6 {_VERBS}",
        f"nev|nevs ~1 output|production ~6 {_VERBS}",
        f"new -? energy vehicle* ~1 output|production ~6 {_VERBS}",
        f"vehicle|vehicles|car|cars|auto|automobile|automotive ~1 output|production ~6 {_VERBS}",
        f"property|housing|residential|estate|home|homes ~2 starts|completions ~6 {_VERBS}",
        f"grid ~1 investment|spending|capex ~6 {_VERBS}",
        f"fixed -? asset investment ~6 {_VERBS}",
        f"gdp ~6 {_VERBS}",
        f"industrial output|production ~6 {_VERBS}",
        "cut*|slash*|reduc*|boost*|rais*|lift* ~3 solar|pv|nev|nevs|vehicle|car|grid ~2 "
        "installation*|output|production|investment",
        "drop|fall|decline|slump|rise|increase|jump|surge ~2 in|of ~3 solar|pv|nev|nevs|vehicle|car|grid ~2 "
        "installation*|output|production|investment",
    ],
}


#: which type wins when trigger phrases of two types overlap
PRIORITY: dict[str, int] = {
    "export_rebate": 9, "export_tax": 8, "carbon_price": 8, "carbon_border": 9, "capacity_cap": 7, "ban_new_capacity": 8,
    "suspend_construction": 7, "close_noncompliant": 7, "relocate": 6, "power_curtailment": 6, "restart": 5,
    "production_cut": 5, "power_price": 5, "input_price": 5, "import_tariff": 4, "demand_shock": 4,
    "commission": 3, "driver_path": 7, "import_cost": 6, "sanction": 7,
}

#: a trigger of the first type inside one of the second yields to it when only a qualifier lies between
#: their starts ("aluminium demand from China's solar installations will rise" is demand); a clause word
#: keeps both ("demand will hold up even as solar installations fall")
YIELDS: dict[str, str] = {"driver_path": "demand_shock"}
_CLAUSE = re.compile(r"[,;]|\b(?:as|while|when|because|since|after|even|and|but|amid|with|though|although|"
                     r"whereas)\b", re.I)


@dataclass(frozen=True)
class Trigger:
    """A trigger phrase found in a sentence: the event type and the character span of the phrase."""

    event_type: str
    start: int
    end: int
    text: str


def _token(spec: str) -> dict:
    """One token of a pattern: exact words, and stems (``cut*``) matched as prefixes."""
    optional = spec.endswith("?") and len(spec) > 1
    spec = spec[:-1] if optional else spec
    alternatives = spec.split("|")
    words = [a for a in alternatives if not a.endswith("*")]
    stems = [re.escape(a[:-1]) for a in alternatives if a.endswith("*")]
    if stems:
        regex = "^(?:" + "|".join(stems) + ")" + ("|^(?:" + "|".join(map(re.escape, words)) + ")$" if words else "")
        token: dict = {"LOWER": {"REGEX": regex}}
    else:
        token = {"LOWER": {"IN": words}}
    if optional:
        token["OP"] = "?"
    return token


def pattern(notation: str) -> list[dict]:
    """Matcher pattern of one trigger notation (see the module docstring)."""
    out: list[dict] = []
    for part in notation.split():
        if part.startswith("~"):
            out.append({"OP": f"{{0,{int(part[1:])}}}"})
        else:
            out.append(_token(part))
    return out


@lru_cache(maxsize=1)
def matcher():
    """The spaCy Matcher of every trigger pattern, over the blank pipeline's vocabulary."""
    from spacy.matcher import Matcher

    from alusim.news.sentences import blank_pipeline

    m = Matcher(blank_pipeline().vocab)
    for event_type, notations in PATTERNS.items():
        m.add(event_type, [pattern(n) for n in notations], greedy="LONGEST")
    return m


def _yields(t: Trigger, found: list[Trigger], sentence: str) -> bool:
    """Does ``t`` lie inside a phrase of the type it yields to, with only a qualifier before it?"""
    other = YIELDS.get(t.event_type)
    return other is not None and any(
        o.event_type == other and o.start < t.start < o.end and not _CLAUSE.search(sentence, o.start, t.start)
        for o in found)


def find_triggers(sentence: str) -> list[Trigger]:
    """Trigger phrases in ``sentence``; of overlapping phrases of one type the longest is kept."""
    from alusim.news.sentences import blank_pipeline

    doc = blank_pipeline().make_doc(sentence)
    m = matcher()
    found: list[Trigger] = []
    for match_id, start, end in m(doc):
        span = doc[start:end]
        found.append(Trigger(doc.vocab.strings[match_id], span.start_char, span.end_char, span.text))
    found = [t for t in found if not _yields(t, found, sentence)]
    # of overlapping phrases the more specific type wins ("export tax rebate" is a rebate, "began to
    # reduce production" a cut), then the longer phrase
    found.sort(key=lambda t: (-PRIORITY[t.event_type], -(t.end - t.start), t.start))
    kept: list[Trigger] = []
    for t in found:
        if any(t.start < k.end and t.end > k.start for k in kept):
            continue
        kept.append(t)
    return sorted(kept, key=lambda t: t.start)
