"""Dates in news text, anchored to the publication date: months, days, halves, quarters, years.

``dateparser`` reads the explicit dates (``April 14``, ``Dec 1, 2024``, ``May-23-2025``) with its
absolute-time parser only and the publication date as its base, so phrases such as "90 days before"
are never turned into dates (dateparser issue #1245, docs/news.md). The phrases dateparser does not
read — "by mid-June", "since the beginning of this year", "in the first half of 2017", "next year",
"the fourth quarter" — are this module's grammar. A month without a year is the nearest such month
on the side the tense points to: past for "began", future for "will".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH_RE = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
             r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?")
_YEAR_REF = r"(?:(?:of |in )?(?:this|last|next|the same|the current|the) year|,?\s?(?:19|20)\d{2})"
_PART = r"(?:early|mid|late|the middle of|the end of|end of|the beginning of|beginning of|the start of|" \
        r"start of|the first half of|the second half of|the last week of|the first week of)"

_MONTH_PHRASE = re.compile(
    rf"\b(?P<part>{_PART})?[\s-]*(?P<month>{_MONTH_RE})(?:[\s-]+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b)?"
    rf"(?:\s*(?P<year>{_YEAR_REF}))?|\b(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{_MONTH_RE})"
    rf"(?:\s*(?P<year2>{_YEAR_REF}))?", re.I)
_HALF = re.compile(rf"\b(?:the\s+)?(?P<which>first|second|1st|2nd)\s+half\s*(?:of\s*)?(?P<year>{_YEAR_REF}|"
                   r"(?:19|20)\d{2})?|\bH(?P<h>[12])\s*(?P<hyear>(?:19|20)\d{2})?", re.I)
_QUARTER = re.compile(rf"\b(?:the\s+)?(?P<which>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s*"
                      rf"(?:of\s*)?(?P<year>{_YEAR_REF}|(?:19|20)\d{{2}})?|\bQ(?P<q>[1-4])\s*(?P<qyear>(?:19|20)\d{{2}})?",
                      re.I)
_YEAR_START = re.compile(r"\bsince the (?:beginning|start) of (?:this|the) year\b|\bso far this year\b|"
                         r"\bsince (?:the )?(?:beginning|start) of (?P<y>(?:19|20)\d{2})\b|\byear[- ]to[- ]date\b", re.I)
_YEAR_END = re.compile(r"\b(?:by |at |before )?(?:the )?(?:end of (?:this|the) year|year[- ]end)\b", re.I)
_REL_YEAR = re.compile(r"\b(?P<which>this|last|next) year\b", re.I)
_REL_MONTH = re.compile(r"\b(?P<which>this|last|next) month\b", re.I)
_YEAR = re.compile(r"\b(?P<prep>in|by|from|since|until|till|through|before|after|starting|during|for)?\s*"
                   r"(?P<year>(?:19|20)\d{2})\b(?![-–/]\d)(?!\s*(?:tons|tonnes|kt|%|yuan))", re.I)
_YEAR_PART = re.compile(r"\b(?P<part>early|mid|middle of|late|end of|the end of|end|the beginning of|beginning of|"
                        r"the start of|start of)[\s-]+(?P<year>(?:19|20)\d{2})\b", re.I)
_PART_MONTH = {"early": 1, "beginning": 1, "start": 1, "mid": 7, "middle": 7, "late": 10, "end": 12}
_WINTER = re.compile(r"\b(?:this |the coming |next )?(?:winter|heating season)\b", re.I)

_END_WORDS = re.compile(r"(?:until|till|through|to|ending|end(?:ing)? in|expire[sd]? in|lasting until)\s*$", re.I)
_FUTURE = re.compile(r"\b(?:will|shall|would|may|might|could|plans? to|planning|intends?|is to|are to|set to|expected|"
                     r"scheduled|going to|next|upcoming|coming|from now)\b", re.I)


@dataclass(frozen=True)
class DateRef:
    """A date phrase in a sentence: first and last month (``YYYY-MM``), its role (``start`` or ``end``),
    and the words with their offsets."""

    start: str
    end: str | None
    role: str
    text: str
    begin: int
    stop: int


def month_of(year: int, month: int) -> str:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return f"{year:04d}-{month:02d}"


def is_future(sentence: str) -> bool:
    return bool(_FUTURE.search(sentence))


def _year_of(ref: str | None, published: date) -> int | None:
    if not ref:
        return None
    text = ref.lower()
    if m := re.search(r"(19|20)\d{2}", text):
        return int(m.group(0))
    if "last" in text:
        return published.year - 1
    if "next" in text:
        return published.year + 1
    return published.year


@lru_cache(maxsize=512)
def _parse_absolute(phrase: str, base: date, prefer: str) -> datetime | None:
    import dateparser

    return dateparser.parse(phrase, languages=["en"], settings={
        "PARSERS": ["absolute-time"], "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": prefer, "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["month"],
        "RETURN_AS_TIMEZONE_AWARE": False})


_PAST = re.compile(r"\b(?:was|were|had|did|\w{3,}ed)\b", re.I)
_FORWARD_PREP = re.compile(r"\b(?:from|for|starting(?: in| from)?|beginning(?: in)?|effective|by|until|till|through)\s+"
                           r"(?:the\s+)?(?:early|mid|late|end of|middle of)?[\s-]*$", re.I)


def _lean(sentence: str, begin: int, future: bool) -> str:
    """Which side of the publication date a month without a year lies on: ``past`` ("since August",
    a report in the past tense), ``future`` ("will … in March") or ``nearest`` ("from December")."""
    before = sentence[max(0, begin - 30):begin]
    if re.search(r"\bsince\s+(?:early|mid|late)?[\s-]*$", before, re.I):
        return "past"
    if future:
        return "future"
    if _FORWARD_PREP.search(before):
        return "nearest"
    return "past" if _PAST.search(sentence) else "nearest"


def nearest_month(month: int, published: date, lean: str) -> str:
    """The year of a month named without one: the occurrence closest to publication on the side the
    wording leans to (``past``, ``future``) or on either side (``nearest``, ties to the future)."""
    offsets = [(y - published.year) * 12 + month - published.month for y in
               (published.year - 1, published.year, published.year + 1)]
    if lean == "past":
        pool = [d for d in offsets if d <= 0]
    elif lean == "future":
        pool = [d for d in offsets if d >= 0]
    else:
        pool = offsets
    best = min(pool, key=lambda d: (abs(d), d < 0))
    return month_of(published.year, published.month + best)


def _period(first_month: int, months: int, year: int | None, published: date, lean: str) -> tuple[str, str]:
    """(start, end) of a half or quarter; without a year, the occurrence the wording leans to ("restarted …
    in the fourth quarter" in January is last year's), and the current one when it contains publication."""
    if year is None:
        current = first_month <= published.month < first_month + months
        start = month_of(published.year, first_month) if current else nearest_month(first_month, published, lean)
    else:
        start = month_of(year, first_month)
    y, m = int(start[:4]), int(start[5:])
    return start, month_of(y, m + months - 1)


def _role(sentence: str, begin: int) -> str:
    return "end" if _END_WORDS.search(sentence[max(0, begin - 20):begin]) else "start"


def find_dates(sentence: str, published: date) -> list[DateRef]:
    """Date phrases of ``sentence``, resolved against the publication date, in order, not overlapping."""
    future = is_future(sentence)
    found: list[DateRef] = []
    taken: list[tuple[int, int]] = []

    def add(start: str, end: str | None, m: re.Match, role: str | None = None) -> None:
        if any(m.start() < b and m.end() > a for a, b in taken):
            return
        taken.append((m.start(), m.end()))
        found.append(DateRef(start, end, role or _role(sentence, m.start()), m.group(0).strip(), m.start(), m.end()))

    for m in _YEAR_START.finditer(sentence):
        year = int(m.group("y")) if m.group("y") else published.year
        add(month_of(year, 1), None, m, "start")
    for m in _YEAR_END.finditer(sentence):
        add(month_of(published.year, 12), None, m)
    for m in _YEAR_PART.finditer(sentence):
        word = m.group("part").lower().replace("the ", "").split()[0]
        add(month_of(int(m.group("year")), _PART_MONTH[word]), None, m)
    for m in _HALF.finditer(sentence):
        which = (m.group("which") or m.group("h") or "").lower()
        first = which in ("first", "1st", "1")
        add(*_period(1 if first else 7, 6, _year_of(m.group("year") or m.group("hyear"), published), published,
                     _lean(sentence, m.start(), future)), m)
    for m in _QUARTER.finditer(sentence):
        which = (m.group("which") or m.group("q") or "").lower()
        q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}.get(which)
        q = q or int(which)
        add(*_period(3 * q - 2, 3, _year_of(m.group("year") or m.group("qyear"), published), published,
                     _lean(sentence, m.start(), future)), m)
    for m in _MONTH_PHRASE.finditer(sentence):
        if not m.group(0).strip():
            continue
        begin = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        month_word = (m.group("month") or m.group("month2")).lower().rstrip(".")
        if month_word == "may" and not (m.group("day") or m.group("year") or m.group("part")) and \
                not re.search(r"\b(?:in|by|from|since|until|of|early|late|mid)\s+$", sentence[:begin], re.I):
            continue                                     # the verb "may"
        day = m.group("day") or m.group("day2")
        year = _year_of(m.group("year") or m.group("year2"), published)
        phrase = f"{month_word} {day or 1} {year or ''}".strip()
        parsed = _parse_absolute(phrase, published, "future" if future else "past")
        if parsed is None:
            continue
        if year is None:
            lean = _lean(sentence, begin, future)
            add(nearest_month(parsed.month, published, lean), None, m)
        else:
            add(month_of(parsed.year, parsed.month), None, m)
    for m in _REL_MONTH.finditer(sentence):
        shift = {"this": 0, "last": -1, "next": 1}[m.group("which").lower()]
        add(month_of(published.year, published.month + shift), None, m)
    for m in _WINTER.finditer(sentence):
        year = published.year if published.month <= 10 or not future else published.year
        add(month_of(year, 11), month_of(year + 1, 3), m)
    for m in _YEAR.finditer(sentence):
        year = int(m.group("year"))
        prep = (m.group("prep") or "").lower()
        if prep == "by" and year > published.year:
            add(month_of(year, 12), None, m, "start")
        elif prep in ("until", "till", "through", "before"):
            add(month_of(year, 12), None, m, "end")
        else:
            add(month_of(year, 1), None, m)
    for m in _REL_YEAR.finditer(sentence):
        year = _year_of(m.group(0), published)
        add(month_of(year, 1), None, m)
    return sorted(found, key=lambda d: d.begin)


def event_period(dates: list[DateRef], published: date) -> tuple[str, str | None, bool]:
    """(start, end, dated) of an event from the date phrases near it: the first start-role phrase (or
    the publication month when there is none: ``dated`` is then False), and an end from an end-role
    phrase or from a period such as "the first half of 2017"."""
    starts = [d for d in dates if d.role == "start"]
    ends = [d for d in dates if d.role == "end"]
    if starts:
        first = starts[0]
        end = first.end
        if ends:
            end = ends[0].end or ends[0].start
        if end is not None and end < first.start:
            end = None
        return first.start, end, True
    end = (ends[0].end or ends[0].start) if ends else None
    start = month_of(published.year, published.month)
    if end is not None and end < start:
        end = None
    return start, end, False


def parse_published(text: str) -> date:
    """``YYYY-MM-DD`` → date; ValueError with the reason otherwise."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD, e.g. 2017-07-15") from None


_POSTED = re.compile(r"(?:post(?:ed)? (?:time|on)|published(?: on)?|date)\s*:?\s*(?P<date>[A-Za-z]{3,9}[- ]\d{1,2}"
                     r"[-, ]+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]{3,9} \d{4}|[A-Za-z]{3,9} \d{1,2},? \d{4})", re.I)


def published_in_text(text: str) -> date | None:
    """A publication date the article states ("Post time: May-23-2025", "Published: 2025-05-23")."""
    m = _POSTED.search(text)
    if not m:
        return None
    parsed = _parse_absolute(m.group("date"), date(2000, 1, 1), "past")
    return parsed.date() if parsed else None
