"""Quantities in news text: tonnages, percentages, power prices and prices per tonne, normalised.

A grammar of our own (number, scale word, unit; ranges; "from X to Y" steps) with Pint doing the unit
arithmetic through :mod:`alusim.units`. In this trade "ton" is the metric tonne (1,000 kg), never the
US short ton; "million tons" is Mt; "10,000 tons" after a number and "万吨" are the Chinese unit wan
tonnes (10 t × 1,000); capacity figures are annual, so a tonnage is read as kt per year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alusim.units import convert

_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
          "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "half a": 0.5, "half": 0.5}
_SCALES = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
           "ten thousand": 1e4, "10,000": 1e4, "10 thousand": 1e4, "hundred thousand": 1e5, "万": 1e4}

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in _WORDS), key=len,
                                                                  reverse=True))
_SCALE = r"(?:ten thousand|10,000|10 thousand|hundred thousand|thousand|million|mln|mn|billion|bn|万)"
_CUR_PREFIX = r"(?:US\$|\$|USD|RMB|CNY|¥|€|EUR)"
_CURRENCY = {"us$": "USD", "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "rmb": "CNY",
             "cny": "CNY", "¥": "CNY", "yuan": "CNY", "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR"}

_NUMBER = re.compile(rf"(?<![\w.])(?P<cur>{_CUR_PREFIX})?\s?(?P<num>{_NUM})(?:\s?-?\s?(?P<scale>{_SCALE})\b|"
                     rf"(?P<wan>万))?", re.I)
_MASS = re.compile(r"[\s-]?(?:(?P<cn>吨)|(?P<mt>Mt|mtpa|Mtpa|mt/y|million t(?:onnes|ons)?\b)|(?P<kt>kt|ktpa|kt/y|"
                   r"kilotonnes|kilotons)|(?P<t>t(?:onnes|ons|onne|on)?(?![a-z])|mt(?![a-z/])|metric tons?|"
                   r"tpa))(?:[\s-]?(?:per[\s-]year|a year|/year|/yr|/y|per annum|annually|of capacity))?")
_PERCENT = re.compile(r"\s?(?:(?P<pp>percentage points?|pp\b|ppts?\b)|%|percent\b|per cent\b|pct\b)", re.I)
_PER_KWH = re.compile(r"\s?(?P<cur>yuan|rmb|cny|usd|dollars?|cents?|fen)?\s?(?:/|per|a)\s?(?:kwh|kilowatt[- ]hours?|"
                      r"kilowatt hour|kw·h)", re.I)
_PER_MWH = re.compile(r"\s?(?P<cur>usd|dollars?|euros?|eur)?\s?(?:/|per|a)\s?(?:mwh|megawatt[- ]hours?)", re.I)
_PER_T = re.compile(r"\s?(?P<cur>yuan|rmb|cny|usd|dollars?|euros?|eur)?\s?(?:/|per|a)\s?(?:metric )?"
                    r"(?:t|ton|tonne)\b(?P<co2>\s?(?:of )?(?:CO2|carbon|co₂)(?: dioxide)?(?:e| equivalent)?)?", re.I)
_MONEY = re.compile(r"\s?(?P<cur>yuan|rmb|cny|usd|dollars?|euros?)\b", re.I)


@dataclass(frozen=True)
class Quantity:
    """A quantity in a sentence: ``kind`` is ``mass`` (kt/yr), ``pct`` (fraction), ``pp`` (percentage
    points, as a fraction), ``power_price`` (``unit`` CNY/kWh or USD/MWh), ``price_t`` (per tonne of
    metal), ``carbon`` (per tonne CO2) or ``money``. ``value`` is the midpoint of a range
    (``low``..``high``); ``previous`` is the level of a step "from X to Y"; ``relation`` is the word
    before it (``by``, ``to``, ``from``, ``at``…); ``approx`` is True after "about", "nearly"…"""

    kind: str
    value: float
    unit: str
    start: int
    end: int
    text: str
    low: float | None = None
    high: float | None = None
    previous: float | None = None
    relation: str = ""
    approx: bool = False

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None and self.low != self.high


def number_value(num: str, scale: str | None = None, wan: bool = False) -> float:
    """``"2,600"`` → 2600; ``"1.2", "million"`` → 1.2e6; ``"half a"`` → 0.5; ``"35", 万`` → 350,000."""
    key = num.lower().strip()
    value = float(_WORDS[key]) if key in _WORDS else float(key.replace(",", ""))
    if scale:
        value *= _SCALES[scale.lower().replace(" ", " ")]
    if wan:
        value *= 1e4
    return value


def _unit_after(sentence: str, pos: int, cur: str | None):
    """(kind, factor-applied unit, end) of the unit written at ``pos``, or None."""
    rest = sentence[pos:pos + 60]
    if (m := _PERCENT.match(rest)) and not cur:
        return ("pp" if m.group("pp") else "pct"), "", pos + m.end()
    if m := _PER_KWH.match(rest):
        word = (m.group("cur") or "").lower()
        if word.startswith(("cent", "fen")):
            return "power_price", "cent/kWh", pos + m.end()
        return "power_price", (_CURRENCY.get(word) or _CURRENCY.get((cur or "").lower()) or "CNY") + "/kWh", pos + m.end()
    if m := _PER_MWH.match(rest):
        currency = _CURRENCY.get((m.group("cur") or "").lower()) or _CURRENCY.get((cur or "").lower()) or "USD"
        return "power_price", f"{currency}/MWh", pos + m.end()
    if m := _PER_T.match(rest):
        currency = _CURRENCY.get((m.group("cur") or "").lower()) or _CURRENCY.get((cur or "").lower())
        if currency:
            return ("carbon" if m.group("co2") else "price_t"), f"{currency}/t", pos + m.end()
    if not cur and (m := _MASS.match(rest)):
        if m.group("cn"):
            return "mass", "t", pos + m.end()
        if m.group("mt") and not m.group("mt").lower().startswith("million"):
            # "Mt" is a megatonne; lower-case "mt" is read by size: "300,000 mt/year" are metric tonnes,
            # "1.2 mtpa" million tonnes
            return "mass", "Mt" if m.group("mt").startswith("M") else "mt?", pos + m.end()
        if m.group("mt"):
            return "mass", "t_million", pos + m.end()
        return "mass", "kt" if m.group("kt") else "t", pos + m.end()
    if m := _MONEY.match(rest):
        return "money", _CURRENCY[m.group("cur").lower()], pos + m.end()
    if cur:
        return "money", _CURRENCY[cur.lower()], pos
    return None


_APPROX = re.compile(r"(?:nearly|about|around|approximately|roughly|some|almost|over|more than|less than|"
                     r"up to|as (?:low|high|much|little) as|at least|close to|an estimated)\s*$", re.I)
_RELATION = re.compile(r"(by|to|from|at|of|reach(?:ing|ed)?|between|and|-|–|—)\s*$", re.I)


def _normalise(kind: str, value: float, unit: str) -> tuple[float, str]:
    if kind == "mass":
        if unit == "t_million":
            return float(convert(value * 1e6, "t", "kt")), "kt"
        return float(convert(value, unit, "kt")), "kt"
    if kind in ("pct", "pp"):
        return value / 100.0, ""
    if kind == "power_price" and unit == "cent/kWh":
        return value / 100.0, "CNY/kWh"
    return value, unit


def find_quantities(sentence: str) -> list[Quantity]:
    """Every quantity with a unit in ``sentence``, ranges merged and steps "from X to Y" linked."""
    raw: list[tuple[Quantity, float, float]] = []      # (quantity, number as written, its scale)
    for m in _NUMBER.finditer(sentence):
        if m.group("num").lower() in _WORDS and not m.group("scale"):
            continue                                   # "a", "one" alone are words, not figures
        unit = _unit_after(sentence, m.end(), m.group("cur"))
        scale = _SCALES[m.group("scale").lower()] if m.group("scale") else 1e4 if m.group("wan") else 1.0
        number = number_value(m.group("num"))
        before = sentence[max(0, m.start() - 25):m.start()]
        found = _RELATION.search(before)
        relation = found.group(1).lower() if found else ""
        approx = bool(_APPROX.search(before))
        if unit is None:
            # a bare number before a range partner: "3-6 percentage points", "between 1 and 1.5 million tons"
            raw.append((Quantity("bare", number * scale, "", m.start(), m.end(), m.group(0), relation=relation,
                                 approx=approx), number, scale))
            continue
        kind, unit_text, end = unit
        if unit_text == "mt?":
            unit_text = "t" if number * scale >= 1000 else "Mt"
        value, norm = _normalise(kind, number * scale, unit_text)
        raw.append((Quantity(kind, value, norm, m.start(), end, sentence[m.start():end], relation=relation,
                             approx=approx), number, scale))
    return _combine(sentence, raw)


def _combine(sentence: str, raw: list[tuple[Quantity, float, float]]) -> list[Quantity]:
    out: list[Quantity] = []
    for i, (q, number, scale) in enumerate(raw):
        if q.kind == "bare":
            continue
        prev, prev_number, prev_scale = raw[i - 1] if i > 0 else (None, 0.0, 1.0)
        gap = sentence[prev.end:q.start] if prev else ""
        if prev and prev.kind == "bare" and re.fullmatch(r"\s*(?:-|–|—|to|and)\s*", gap, re.I):
            # range: the bare lower bound is read in its partner's unit (and scale, when it has none)
            low_written = prev_number * (prev_scale if prev_scale != 1.0 else scale)
            low = q.value * low_written / (number * scale) if number else 0.0
            out.append(Quantity(q.kind, (low + q.value) / 2, q.unit, prev.start, q.end,
                                sentence[prev.start:q.end], low=low, high=q.value, relation=prev.relation,
                                approx=prev.approx or q.approx))
            continue
        last = out[-1] if out else None
        if last and last.kind == q.kind and last.end <= q.start:
            between = sentence[last.end:q.start]
            if last.relation == "from" and re.fullmatch(r"\s*to\s*", between, re.I):
                # "from 34% to 145%": one step, to the new level
                out[-1] = Quantity(q.kind, q.value, q.unit, last.start, q.end, sentence[last.start:q.end],
                                   previous=last.value, relation="to", approx=q.approx)
                continue
            if last.relation != "from" and last.previous is None and not last.is_range and \
                    re.fullmatch(r"\s*(?:-|–|—|to|and)\s*", between, re.I):
                # "by 10% to 15%", "between 40% and 50%": a range
                out[-1] = Quantity(q.kind, (last.value + q.value) / 2, q.unit, last.start, q.end,
                                   sentence[last.start:q.end], low=last.value, high=q.value,
                                   relation=last.relation, approx=last.approx or q.approx)
                continue
            if last.relation in ("to", "at") and re.fullmatch(r"\s*from\s*", between, re.I):
                # "raised to 50% from 25%"
                out[-1] = Quantity(last.kind, last.value, last.unit, last.start, q.end,
                                   sentence[last.start:q.end], previous=q.value, relation="to", approx=last.approx)
                continue
        out.append(q)
    return out
