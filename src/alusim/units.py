"""One pint registry for alusim.

Currencies are separate dimensions, so ``USD/t + CNY/t`` is an error rather than a silent mix-up;
turning CNY into USD needs an explicit exchange rate (:func:`cny_to_usd`). Units live at the edges:
data files and scenario files carry unit strings, which are checked and converted here, and the
compiled kernels work on plain floats whose names carry the unit (``price_usd_t``).
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from alusim.errors import InputError

#: pint's conversion factor of each pair of unit strings that is a pure change of scale (same currency,
#: same dimension), as ``ureg._get_conversion_factor`` gives it: :func:`convert` multiplies by it the
#: way pint does, without importing pint (~0.09 s at every ``alusim run``, whose only conversions are
#: the power tariffs'); tests check each factor and each result bit for bit against pint
SCALE_FACTORS: dict[tuple[str, str], float] = {
    ("USD/MWh", "USD/kWh"): 0.001, ("USD/kWh", "USD/MWh"): 1000.0,
    ("CNY/MWh", "CNY/kWh"): 0.001, ("CNY/kWh", "CNY/MWh"): 1000.0,
    ("EUR/MWh", "EUR/kWh"): 0.001, ("EUR/kWh", "EUR/MWh"): 1000.0,
    ("kt", "t"): 1000.0, ("t", "kt"): 0.001,
}
#: unit strings :func:`convert` turns into themselves without pint (a factor of one)
SAME_UNIT = frozenset(("USD/MWh", "USD/kWh", "CNY/MWh", "CNY/kWh", "EUR/MWh", "EUR/kWh", "kt", "t", "CNY/t",
                       "USD/t", "EUR/t"))


def _registry():
    """pint's registry, its parsed unit definitions cached on disk beside the dataset cache
    (``$ALUSIM_CACHE/pint``): parsing them took ~0.2 s at every start. Without a writable cache the
    definitions are parsed as before."""
    import pint

    options = {"force_ndarray_like": True, "on_redefinition": "ignore"}
    folder = os.path.join(os.path.expanduser(os.environ.get("ALUSIM_CACHE", "~/.cache/alusim")), "pint")
    try:
        os.makedirs(folder, exist_ok=True)
        return pint.UnitRegistry(cache_folder=folder, **options)
    except Exception:   # noqa: BLE001 - any trouble with the cache (read-only, damaged): parse instead
        return pint.UnitRegistry(**options)


@lru_cache(maxsize=1)
def registry():
    """alusim's one pint registry, made (and set as pint's application registry) at first use: pint is
    imported only when a unit has to be parsed."""
    import pint

    ureg = _registry()
    for definition in (
        "USD = [currency_usd]",
        "CNY = [currency_cny] = RMB = yuan",
        "EUR = [currency_eur]",
        "kt = 1e3 * t",
        "Mt = 1e6 * t",
        "t_CO2 = t",
        "t_CO2e = t",
        "kt_CO2 = 1e3 * t",
        "Mt_CO2 = 1e6 * t",
        "person = [person] = persons",
        "fraction = [] = frac",
        "USD_bn = 1e9 * USD",
        "CNY_bn = 1e9 * CNY",
    ):
        ureg.define(definition)
    pint.set_application_registry(ureg)
    return ureg


def __getattr__(name: str):
    """``ureg`` (the registry) and ``Q_`` (its Quantity), made on first access."""
    if name == "ureg":
        return registry()
    if name == "Q_":
        return registry().Quantity
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_ALIASES = {
    "months": "month",
    "days": "day",
    "million persons": "1e6 * person",
    "dimensionless": "dimensionless",
    "percent": "percent",
}


@lru_cache(maxsize=512)
def parse_unit(text: str):
    """Return the pint unit for a unit string from a data or scenario file.

    Raises :class:`InputError` naming the unit when it is not understood.
    """
    raw = (text or "").strip()
    if not raw:
        raise InputError("empty unit", fix="give a unit such as 'CNY/t', 'USD/MWh' or 'kt'")
    expr = _ALIASES.get(raw, raw)
    ureg = registry()
    import pint

    try:
        return ureg.parse_units(expr) if "*" not in expr else ureg.Quantity(expr).units
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError,
            AttributeError, TypeError) as exc:
        raise InputError(f"unknown unit {raw!r} ({exc})",
                         fix="use units such as t, kt, Mt, kWh, MWh, USD, CNY, EUR, percent") from None


def unit_factor(text: str) -> float:
    """Magnitude of one ``text`` in the base unit of its own expression (``'1e6 * person'`` → 1e6)."""
    expr = _ALIASES.get(text.strip(), text.strip())
    return float(registry().Quantity(expr).magnitude) if "*" in expr else 1.0


def convert(value, from_unit: str, to_unit: str):
    """Convert ``value`` between two compatible unit strings; currency changes are refused.

    >>> round(float(convert(0.45, "CNY/kWh", "CNY/MWh")), 6)
    450.0
    """
    if from_unit == to_unit and from_unit in SAME_UNIT:
        return np.asarray(value) * 1.0       # a float array, as pint's magnitude is
    factor = SCALE_FACTORS.get((from_unit, to_unit))
    if factor is not None:   # pint's (value × 1) × factor / 1: the factors of one are exact in IEEE
        return np.asarray(value) * factor
    import pint

    try:
        q = registry().Quantity(value, parse_unit(from_unit)) * unit_factor(from_unit)
        return q.to(parse_unit(to_unit)).magnitude / unit_factor(to_unit)
    except pint.errors.DimensionalityError:
        raise InputError(f"cannot convert {from_unit!r} to {to_unit!r}",
                         fix="currencies need an explicit exchange rate; other units must share a dimension") from None


def is_compatible(from_unit: str, to_unit: str) -> bool:
    """True when ``from_unit`` converts to ``to_unit`` without an exchange rate."""
    return parse_unit(from_unit).dimensionality == parse_unit(to_unit).dimensionality


def cny_to_usd(value_cny, cny_per_usd: float):
    """CNY → USD at an explicit exchange rate (CNY per USD). FX is data, never a unit conversion."""
    if cny_per_usd <= 0:
        raise InputError(f"exchange rate must be positive, got {cny_per_usd}", fix="give CNY per USD, e.g. 7.2")
    return value_cny / cny_per_usd


def usd_to_cny(value_usd, cny_per_usd: float):
    """USD → CNY at an explicit exchange rate (CNY per USD)."""
    if cny_per_usd <= 0:
        raise InputError(f"exchange rate must be positive, got {cny_per_usd}", fix="give CNY per USD, e.g. 7.2")
    return value_usd * cny_per_usd


def currency_of(unit_text: str) -> str | None:
    """The currency in a unit string ('CNY/t' → 'CNY'), or None when there is none."""
    dims = parse_unit(unit_text).dimensionality
    for code in ("USD", "CNY", "EUR"):
        if f"[currency_{code.lower()}]" in dims:
            return code
    return None
