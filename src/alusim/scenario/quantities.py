"""Parsing of quantities written in scenario files: ``"+0.05 CNY/kWh"``, ``"-10%"``, ``"100 CNY/t_CO2"``."""

from __future__ import annotations

import re

from alusim.units import convert, currency_of, parse_unit

#: largest absolute change of a power price, in the unit it is applied in
MAX_ABS_CHANGE = {"CNY/kWh": 2.0, "USD/MWh": 300.0}
#: largest carbon price per t CO2, by currency
MAX_PRICE = {"CNY": 10_000.0, "USD": 1_500.0, "EUR": 1_500.0}

_QTY = re.compile(r"^\s*([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")


def _split(text: str) -> tuple[float, str]:
    match = _QTY.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a quantity; write e.g. '0.05 CNY/kWh' or '10%'")
    return float(match.group(1)), match.group(2)


def parse_change(text: str, allowed_units: tuple[str, ...]) -> tuple[str, float, str]:
    """A change: ``('pct', 0.10, '')`` for ``"10%"`` or ``('abs', value, unit)`` in an allowed unit."""
    value, unit = _split(text)
    if unit in ("%", "percent", "pct"):
        from alusim.scenario.model import MAX_CHANGE, MIN_CHANGE

        if not MIN_CHANGE <= value / 100.0 <= MAX_CHANGE:
            raise ValueError(f"{text!r} is outside {MIN_CHANGE:+.0%}…{MAX_CHANGE:+.0%}")
        return "pct", value / 100.0, ""
    if not unit:
        raise ValueError(f"{text!r} has no unit; write e.g. '0.05 CNY/kWh', '5 USD/MWh' or '10%'")
    try:
        parse_unit(unit)
    except Exception:
        raise ValueError(f"unknown unit {unit!r} in {text!r}; use one of {', '.join(allowed_units)} or %") from None
    for target in allowed_units:
        if currency_of(unit) == currency_of(target):
            try:
                converted = float(convert(value, unit, target))
            except Exception:
                continue
            limit = MAX_ABS_CHANGE.get(target, float("inf"))
            if not abs(converted) <= limit:
                raise ValueError(f"{text!r} is a change of more than {limit:g} {target}")
            return "abs", converted, target
    raise ValueError(f"unit {unit!r} in {text!r} does not fit; use one of {', '.join(allowed_units)} or %")


def parse_price(text: str, per: str) -> tuple[float, str]:
    """A price per ``per`` (e.g. ``"100 CNY/t_CO2"``) → (value, currency)."""
    value, unit = _split(text)
    if value < 0:
        raise ValueError(f"{text!r}: a price cannot be negative")
    try:
        currency = currency_of(unit)
    except Exception:
        currency = None
    if currency is None:
        raise ValueError(f"{text!r} needs a currency unit such as 'CNY/{per}', 'USD/{per}' or 'EUR/{per}'")
    price = float(convert(value, unit, f"{currency}/{per}"))
    limit = MAX_PRICE.get(currency, float("inf"))
    if not price <= limit:
        raise ValueError(f"{text!r} is above {limit:,.0f} {currency}/{per}")
    return price, currency
