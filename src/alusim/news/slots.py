"""Slots of a claim near its trigger: who (a target from the gazetteer), how much, which direction,
which product, sector or input. Small pure functions over a sentence and what was found in it."""

from __future__ import annotations

import re

from alusim.news.gazetteer import Mention
from alusim.news.quantities import Quantity
from alusim.raw.countries import COUNTRIES

_NATIONAL = re.compile(r"\b(?:national|nationwide|the country's|country-wide|domestic|china's|chinese|"
                       r"across china|in china)\b", re.I)
_DOWN = re.compile(r"\b(?:fall|fell|falls|falling|drop|dropped|drops|declin\w*|shrink\w*|shrank|slump\w*|"
                   r"contract\w*|decreas\w*|cut|cuts|cutting|lower\w*|reduc\w*|slow\w*|eas(?:e|ed|es|ing)|down|"
                   r"plung\w*|tumbl\w*|los[et]\w*|weak\w*|dent\w*|hurt\w*|hit|slid\w*|slip\w*|dip(?:s|ped)?|negative)\b", re.I)
_UP = re.compile(r"\b(?:ris(?:e|es|ing)|rose|grow\w*|grew|increas\w*|boost\w*|jump\w*|climb\w*|surg\w*|up|"
                 r"rais\w*|hik\w*|lift\w*|soar\w*|gain\w*|strength\w*|expan\w*|higher|positive|add\w*)\b", re.I)
_METAL_AFTER = re.compile(r"\s+(?:primary\s+|unwrought\s+)?(?:alumin\w*|metal|extrusions?|foil|sheets?|ingots?|"
                          r"products?|exports?|imports?|semis|wire|cable|plates?)\b", re.I)
_EXPORTER_BEFORE = re.compile(r"(?:\bon|\bfrom|\bagainst|\btargeting|\bof|\bimports? from)\s+(?:the\s+)?$", re.I)

SECTORS = {
    "construction": r"construction|property|real estate|building|housing",
    "transport": r"automotive|auto|vehicles?|cars?|transport\w*|ev|evs|new energy vehicle\w*",
    "packaging": r"packaging|cans?|beverage|foil",
    "electrical": r"power grid|grid|electrical|cables?|wires?|transmission",
    "machinery": r"machinery|equipment",
    "consumer": r"consumer durables|appliances|consumer goods|home furnishing",
}
INPUTS = {"alumina": r"alumina", "coal": r"coal|coke", "anode": r"anodes?|petroleum coke|pet coke",
          "fx": r"yuan|renminbi|rmb"}
#: activity words of the drivers of demand (alusim.demand.drivers), most specific first
DRIVER_WORDS = {
    "nev_output_m": r"nevs?|new[- ]?energy vehicles?",
    "vehicle_output_m": r"vehicles?|cars?|autos?|automobiles?|automotive",
    "floor_space_completed_mm2": r"completions?",
    "floor_space_started_mm2": r"starts",
    "pv_installations_gw": r"solar|pv|photovoltaics?",
    "grid_investment_bn_cny": r"grid",
    "fai_growth_pct": r"fixed[- ]?asset",
    "gdp_growth_pct": r"gdp",
    "industrial_production_growth_pct": r"industrial (?:output|production)",
}

_PRIMARY = re.compile(r"\b(?:primary|unwrought|ingots?|electrolytic)\b", re.I)
_SEMIS = re.compile(r"\b(?:semis|semi-finished|semi-manufactured|products|profiles?|extrusions?|foil|sheets?|"
                    r"plates?|rolled|fabricated|processed|downstream)\b", re.I)


def target_of(mentions: list[Mention], window: str) -> tuple[dict[str, list[str]], dict[str, str], bool]:
    """Target fields from the names in the window (assets, owners, provinces; countries if none),
    the words matched for each value, and whether the target was named (False: national default)."""
    target: dict[str, list[str]] = {}
    matched: dict[str, str] = {}
    for kind, field in (("asset", "asset_id"), ("owner", "owner"), ("province", "province")):
        for m in mentions:
            if m.kind == kind and m.value not in target.get(field, []):
                target.setdefault(field, []).append(m.value)
                matched[f"{field}={m.value}"] = m.text
    if not target or set(target) == {"owner"}:
        # a country alone, or qualifying a company's plants ("Rio Tinto … in New Zealand")
        for m in mentions:
            if m.kind == "country" and m.value not in target.get("country", []):
                target.setdefault("country", []).append(m.value)
                matched[f"country={m.value}"] = m.text
    if not target and _NATIONAL.search(window):
        return {"country": ["CN"]}, {"country=CN": _NATIONAL.search(window).group(0)}, True
    return target, matched, bool(target)


def direction(text: str) -> int:
    """+1 or -1 from the verbs of a change ("fell", "will rise"); 0 when the text says neither."""
    down = [m.start() for m in _DOWN.finditer(text)]
    up = [m.start() for m in _UP.finditer(text)]
    if down and not up:
        return -1
    if up and not down:
        return 1
    if up and down:
        return -1 if min(down) < min(up) else 1
    return 0


def nearest(quantities: list[Quantity], kinds: tuple[str, ...], anchor: int) -> Quantity | None:
    """The quantity of one of ``kinds`` nearest to ``anchor`` (after it preferred at equal distance)."""
    pool = [q for q in quantities if q.kind in kinds]
    if not pool:
        return None
    return min(pool, key=lambda q: (min(abs(q.start - anchor), abs(q.end - anchor)), q.start < anchor))


def exporter_and_importer(mentions: list[Mention], sentence: str) -> tuple[str | None, str | None]:
    """(exporter, importer) of a tariff: the country the duty is "on"/"against"/"from" (or named by its
    adjective, "Chinese extrusions") and the first other country or region (the one imposing it)."""
    exporter = importer = None
    for m in mentions:
        if m.kind not in ("country", "region"):
            continue
        before = sentence[max(0, m.start - 25):m.start]
        after = sentence[m.end:m.end + 40]
        # the country named by its adjective before the metal ("Chinese extrusions", "Canadian aluminium")
        adjective = m.kind == "country" and m.text.lower().endswith(("ese", "ian", "an", "ish")) and \
            bool(_METAL_AFTER.match(after))
        if exporter is None and (_EXPORTER_BEFORE.search(before) or adjective or m.text.lower() == "chinese"):
            exporter = m.value
        elif importer is None and m.value != exporter:
            importer = m.value
    return exporter, importer


def region_code(value: str) -> str:
    """A country or region mention → the region code alusim's demand and carbon events use."""
    if value in ("CN", "ROW", "WORLD", "EU", "GCC", "NA", "SA", "AF", "OC", "WCE", "REE", "ASIA"):
        return value
    if value in COUNTRIES:
        return COUNTRIES[value][2]
    return value


def sector_of(text: str) -> str | None:
    for sector, words in SECTORS.items():
        if re.search(rf"\b(?:{words})\b", text, re.I):
            return sector
    return None


def driver_of(text: str) -> str | None:
    """The activity driver a phrase names ("NEV output" → ``nev_output_m``)."""
    return next((name for name, words in DRIVER_WORDS.items() if re.search(rf"\b(?:{words})\b", text, re.I)), None)


def input_of(text: str) -> str | None:
    found = [(m.start(), name) for name, words in INPUTS.items() for m in re.finditer(rf"\b(?:{words})\b", text, re.I)]
    return min(found)[1] if found else None


def product_of(text: str, default: str) -> str:
    if _SEMIS.search(text) and not _PRIMARY.search(text):
        return "semis"
    if _PRIMARY.search(text) and not _SEMIS.search(text):
        return "primary"
    return default


def clause_before(sentence: str, position: int) -> str:
    """The words from the start of the clause to ``position`` (a clause ends at ; : , but … and …)."""
    head = sentence[:position]
    cuts = [m.end() for m in re.finditer(r"[;:]|,\s|\bbut\b|\bwhile\b|\bwhereas\b", head)]
    return head[max(cuts) if cuts else 0:]
