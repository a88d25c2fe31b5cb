"""Names an article can use for what alusim models: provinces, companies, smelters, countries, regions.

Built from the dataset (``smelters_cn.csv``, ``smelters_row.csv``: every owner, parent company,
province and smelter) plus the country table of :mod:`alusim.raw.countries` and a short table of
spellings news uses for the same companies. Matching uses one Aho–Corasick automaton
(``pyahocorasick``) over the lower-cased text, whole words only, longest match first; acronyms that
are also English words in lower case (``US``, ``EU``) are matched case-sensitively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from alusim.raw.countries import COUNTRIES
from alusim.raw.genisim import PROVINCES

#: spellings of companies in English-language and machine-translated Chinese news → the owner or
#: parent name used in the dataset (Target.owner matches both). Company names from their annual
#: reports; "Weiqiao entrepreneurship"/"Oriental hope" are literal machine translations of
#: 魏桥创业 (Weiqiao Pioneering Group) and 东方希望 (East Hope) seen in seed 001.
OWNER_ALIASES: dict[str, str] = {
    "weiqiao group": "Weiqiao", "weiqiao pioneering": "Weiqiao", "weiqiao entrepreneurship": "Weiqiao",
    "shandong weiqiao": "Weiqiao", "hongqiao": "China Hongqiao", "china hongqiao group": "China Hongqiao",
    "aluminum corporation of china": "Chalco", "aluminium corporation of china": "Chalco", "chalco": "Chalco",
    "chinalco": "Chinalco", "oriental hope": "East Hope", "east hope group": "East Hope",
    "xinfa group": "Xinfa", "shandong xinfa": "Xinfa", "henan shenhuo": "Shenhuo", "shenhuo": "Shenhuo",
    "yunlu": "Yunnan Aluminium", "yunnan aluminum": "Yunnan Aluminium", "state power investment": "SPIC",
    "uc rusal": "Rusal", "norsk hydro": "Hydro", "century aluminum": "Century", "century aluminium": "Century",
    "emirates global aluminium": "EGA", "alcoa corp": "Alcoa", "nanshan": "Shandong Nanshan",
    "jiuquan iron and steel": "JISCO", "tianshan aluminum": "Tianshan Aluminium",
}

#: dataset owner names that are ordinary words or too short to find safely in running text
_OWNER_STOP = {"hydro", "century", "other (unattributed)", "alba", "cba", "talum", "aluminij", "salco",
               "iralco", "aldel", "balco", "alro", "valco"}

#: province names that name something else in news (a government, a city, a word)
_PROVINCE_STOP = {"washington", "victoria", "para", "olt", "littoral", "eastern province", "southland",
                  "new york", "districts of republican subordination", "southern governorate", "mesaieed",
                  "central greece", "fars", "indiana", "missouri", "kentucky", "dubai", "abu dhabi"}

#: adjectives and short forms of countries as news writes them (ISO 3166-1 alpha-2)
COUNTRY_ALIASES: dict[str, str] = {
    "chinese": "CN", "china's": "CN", "mainland china": "CN", "america": "US", "american": "US",
    "united states": "US", "u.s.": "US", "usa": "US", "russian": "RU", "russia": "RU", "indian": "IN",
    "indonesian": "ID", "malaysian": "MY", "canadian": "CA", "australian": "AU", "norwegian": "NO",
    "icelandic": "IS", "brazilian": "BR", "emirati": "AE", "saudi": "SA", "bahraini": "BH", "omani": "OM",
    "qatari": "QA", "japanese": "JP", "korean": "KR", "vietnamese": "VN", "turkish": "TR",
    "mexican": "MX", "german": "DE", "french": "FR", "spanish": "ES", "british": "GB",
    "united kingdom": "GB", "britain": "GB", "great britain": "GB", "italian": "IT", "iranian": "IR", "kazakh": "KZ", "south african": "ZA",
    "guinean": "GN", "argentine": "AR", "washington": "US", "beijing": "CN", "ottawa": "CA", "moscow": "RU",
    "white house": "US", "trump administration": "US", "new delhi": "IN", "canberra": "AU", "jakarta": "ID", "tokyo": "JP", "brasilia": "BR", "venezuelan": "VE", "mozambican": "MZ", "egyptian": "EG",
}

#: case-sensitive short forms (in lower case they are English words)
CASED_ALIASES: dict[str, tuple[str, str]] = {
    "US": ("country", "US"), "U.S": ("country", "US"), "UK": ("country", "GB"), "UAE": ("country", "AE"),
    "EU": ("region", "EU"), "PRC": ("country", "CN"), "GCC": ("region", "GCC"),
}

#: regions as alusim names them (carbon_price accepts EU; IAI codes elsewhere)
REGION_ALIASES: dict[str, str] = {
    "brussels": "EU", "european union": "EU", "europe": "EU", "european": "EU", "middle east": "GCC", "gulf": "GCC",
    "north america": "NA", "south america": "SA", "latin america": "SA", "africa": "AF", "oceania": "OC",
    "rest of the world": "ROW", "outside china": "ROW", "global": "WORLD", "world": "WORLD",
}


#: words of smelter names that name no particular plant
_GENERIC = {"smelter", "smelters", "aluminium", "aluminum", "industrial", "industry", "company", "new", "material",
            "materials", "metal", "metals", "group", "plant", "project", "replacement", "expansion", "power",
            "energy", "hydro", "electric", "electricity", "resources", "holdings", "nonferrous", "mining", "coal",
            "and", "&", "of", "the", "branch", "phase", "alumina", "works", "centre", "center", "hydropower",
            "hydroelectric", "western", "eastern", "northern", "southern", "green", "renewable", "international"}


@dataclass(frozen=True)
class Mention:
    """A name found in a sentence: ``kind`` (province, owner, asset, country, region), the dataset value
    it resolves to and the words as written, with offsets in the sentence."""

    kind: str
    value: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Gazetteer:
    automaton: object
    cased: dict[str, tuple[str, str]]
    asset_capacity_kt: dict[str, float]
    asset_status: dict[str, str]
    asset_province: dict[str, str]
    asset_owner: dict[str, str]

    def find(self, sentence: str) -> list[Mention]:
        """Names in ``sentence``, whole words, longest first, no two overlapping."""
        lower = sentence.lower()
        hits: list[Mention] = []
        for end, (key, kind, value) in self.automaton.iter(lower):
            start = end - len(key) + 1
            if _whole_word(lower, start, end + 1):
                hits.append(Mention(kind, value, sentence[start:end + 1], start, end + 1))
        for key, (kind, value) in self.cased.items():
            for m in re.finditer(rf"(?<![A-Za-z]){re.escape(key)}(?![A-Za-z])", sentence):
                hits.append(Mention(kind, value, m.group(0), m.start(), m.end()))
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        chosen: list[Mention] = []
        for hit in hits:
            if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
                chosen.append(hit)
        # "Shandong Weiqiao group": the company, and the province its name begins with
        for hit in list(chosen):
            if hit.kind == "owner":
                lead = self.automaton.get(hit.text.lower().split(" ")[0], None)
                if lead is not None and lead[1] == "province" and " " in hit.text:
                    chosen.append(Mention("province", lead[2], hit.text.split(" ")[0], hit.start,
                                          hit.start + len(hit.text.split(" ")[0])))
        return sorted(chosen, key=lambda h: (h.start, h.kind))


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def _spellings(name: str) -> set[str]:
    low = name.lower().strip()
    return {low, low.replace("aluminium", "aluminum"), low.replace("aluminum", "aluminium")}


def asset_keys(asset_id: str, name: str, owner: str, province: str | None) -> set[str]:
    """Short names of a smelter: its name before any comma or bracket, and the place words of its id
    (``cn_guangxi_chalco_fangchenggang`` → ``fangchenggang``)."""
    head = re.split(r"[,(]", name)[0].strip()
    keys = {head.lower()}
    words = head.split()
    while words and (words[0].isupper() or words[0].lower() in owner.lower().split()):
        words = words[1:]                   # "NZAS Tiwai Point" → "tiwai point", "Hydro Karmoy" → "karmoy"
    if words and words != head.split() and any(w.lower() not in _GENERIC and w[:1].isupper() for w in words):
        keys.add(" ".join(words).lower())
    for inner in re.findall(r"\(([^)]*)\)", name):
        keys |= {p.strip().lower() for p in re.split(r"[/,]| and ", inner) if p.strip()[:1].isupper()}
    skip = {owner.lower(), owner.lower().replace(" ", ""), (province or "").lower(), "phase2", "phase",
            "expansion", "project"}
    parts = [p for p in asset_id.split("_")[1:] if p not in skip.union(*[set(s.split()) for s in skip])]
    if parts:
        keys.add(" ".join(parts))
    return {k for k in keys if len(k) >= 5 and re.search(r"[a-z]", k) and not k.endswith((" of", " and", " &"))
            and any(w not in _GENERIC and w not in ("aluminio", "aluminyum") for w in k.split())}


def build_gazetteer(dataset) -> Gazetteer:
    """The gazetteer of a :class:`~alusim.dataset.Dataset` (owners, parents, provinces, smelters)."""
    entries: dict[str, tuple[str, str]] = {}

    def add(key: str, kind: str, value: str) -> None:
        for spelling in _spellings(key):
            if len(spelling) >= 3:
                entries.setdefault(spelling, (kind, value))

    smelters = dataset.smelters
    for name, iso2 in COUNTRY_ALIASES.items():
        add(name, "country", iso2)
    for iso2, (_, name, _) in COUNTRIES.items():
        add(name, "country", iso2)
    for alias, owner in OWNER_ALIASES.items():
        add(alias, "owner", owner)
    for column in ("owner", "parent"):
        for value in smelters[column].dropna().astype(str).unique():
            if ";" in value or "%" in value or value.lower() in _OWNER_STOP:
                continue
            add(value, "owner", value)
    for province in list(PROVINCES) + sorted(smelters["province"].dropna().astype(str).unique()):
        if province.lower() not in _PROVINCE_STOP:
            add(province, "province", province)
    for alias, region in REGION_ALIASES.items():
        add(alias, "region", region)
    # smelter names last: a name that is also an owner or province stays that
    counts: dict[str, int] = {}
    keyed: list[tuple[str, str]] = []
    for row in smelters.itertuples():
        for key in asset_keys(row.asset_id, str(row.name), str(row.owner), row.province
                              if isinstance(row.province, str) else None):
            counts[key] = counts.get(key, 0) + 1
            keyed.append((key, row.asset_id))
    for key, asset_id in keyed:
        if counts[key] == 1 and key not in entries:
            add(key, "asset", asset_id)
    automaton = ahocorasick.Automaton()
    for key, (kind, value) in entries.items():
        automaton.add_word(key, (key, kind, value))
    automaton.make_automaton()
    return Gazetteer(
        automaton=automaton, cased=dict(CASED_ALIASES),
        asset_capacity_kt=dict(zip(smelters["asset_id"], smelters["capacity_kt"].astype(float), strict=True)),
        asset_status=dict(zip(smelters["asset_id"], smelters["status"].astype(str), strict=True)),
        asset_province=dict(zip(smelters["asset_id"], smelters["province"].astype(str), strict=True)),
        asset_owner=dict(zip(smelters["asset_id"], smelters["owner"].astype(str), strict=True)),
    )


@lru_cache(maxsize=2)
def default_gazetteer() -> Gazetteer:
    """The gazetteer of the embedded dataset."""
    from alusim.dataset import load_dataset

    return build_gazetteer(load_dataset(None))
