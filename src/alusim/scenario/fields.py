"""Field types of scenario files: months, rates and shares, tonnages, plain text, and their limits.

Rates and shares are fractions (``0.25``) or percent strings (``"25%"``); months are ``YYYY-MM``.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, Field

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: object) -> str:
    """Accept ``2025-01``, ``2025-01-01``, a date or a (year, month) and return ``YYYY-MM``."""
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        text = text[:7]
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{value!r} is not a month; write YYYY-MM, e.g. 2025-01")
    return text


def _fraction(value: object) -> float:
    """``0.25``, ``25%`` or ``"0.25"`` → 0.25."""
    if isinstance(value, bool):
        raise ValueError("a rate must be a number such as 0.25 or a string such as '25%'")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    try:
        return float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a rate; write 0.25 or '25%'") from None


def _plain_text(value: object) -> object:
    """Names and descriptions lose control characters (escape codes cannot reach a terminal)."""
    from alusim.textsafe import printable

    return printable(value).strip() if isinstance(value, str) else value


#: most events (and most assumptions) in one scenario
MAX_EVENTS = 500
#: largest seed: the run store keeps seeds as signed 64-bit integers
MAX_SEED = 2**63 - 1
#: largest tonnage an event may name (world primary capacity is ~80,000 kt/yr)
MAX_KT = 200_000.0
#: a price change may cut by 95 % or raise by 500 % (a price or exchange rate of zero has no meaning);
#: demand may fall to zero
MIN_CHANGE, MAX_CHANGE = -0.95, 5.0

Month = Annotated[str, BeforeValidator(_month)]
Rate = Annotated[float, BeforeValidator(_fraction), Field(ge=0.0, le=5.0)]
Share = Annotated[float, BeforeValidator(_fraction), Field(ge=0.0, le=1.0)]
SignedPct = Annotated[float, BeforeValidator(_fraction), Field(ge=-1.0, le=MAX_CHANGE)]
PriceChange = Annotated[float, BeforeValidator(_fraction), Field(ge=MIN_CHANGE, le=MAX_CHANGE)]
Kt = Annotated[float, Field(gt=0, le=MAX_KT)]
PlainText = Annotated[str, BeforeValidator(_plain_text)]


def month_index(month: str, start: str) -> int:
    """Months from ``start`` to ``month`` (0 for the first simulated month)."""
    y, m = int(month[:4]), int(month[5:7])
    y0, m0 = int(start[:4]), int(start[5:7])
    return (y - y0) * 12 + (m - m0)
