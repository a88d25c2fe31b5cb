import pint
import pytest

from alusim.errors import InputError
from alusim.units import Q_, cny_to_usd, convert, currency_of, parse_unit, usd_to_cny


def test_mass_and_energy_conversions():
    assert convert(600, "kt", "t") == pytest.approx(600_000)
    assert convert(1.5, "Mt", "kt") == pytest.approx(1500)
    assert convert(13_500, "kWh/t", "MWh/t") == pytest.approx(13.5)
    assert convert(0.45, "CNY/kWh", "CNY/MWh") == pytest.approx(450)


def test_currencies_are_separate_dimensions():
    with pytest.raises(InputError, match="exchange rate"):
        convert(1, "USD/t", "CNY/t")
    with pytest.raises(pint.errors.DimensionalityError):
        Q_(2300, "USD/t") + Q_(6075, "CNY/t")


def test_fx_is_explicit():
    assert cny_to_usd(7200, 7.2) == pytest.approx(1000)
    assert usd_to_cny(1000, 7.2) == pytest.approx(7200)
    with pytest.raises(InputError):
        cny_to_usd(1, 0)


def test_currency_of_and_unknown_units():
    assert currency_of("CNY/t") == "CNY"
    assert currency_of("USD/MWh") == "USD"
    assert currency_of("t/t") is None
    with pytest.raises(InputError, match="unknown unit"):
        parse_unit("bananas/t")
    assert str(parse_unit("t_CO2/MWh"))


def test_scale_factors_are_pints():
    """The conversions made without pint use pint's own factors."""
    from alusim.units import SCALE_FACTORS, ureg

    for (a, b), factor in SCALE_FACTORS.items():
        pint_factor = ureg._get_conversion_factor(ureg.parse_units(a)._units, ureg.parse_units(b)._units)
        assert factor == pint_factor, (a, b)


def _pint_convert(value, a, b):
    from alusim.units import Q_, unit_factor

    return (Q_(value, parse_unit(a)) * unit_factor(a)).to(parse_unit(b)).magnitude / unit_factor(b)


def test_conversions_without_pint_equal_pints_bit_for_bit():
    import numpy as np

    from alusim.units import SAME_UNIT, SCALE_FACTORS

    rng = np.random.default_rng(0)
    values = [0, 1, 47.3, -0.0, 0.45, 1e-300, 3, np.nan, np.inf, *rng.lognormal(3, 2, 200)]
    pairs = list(SCALE_FACTORS) + [(u, u) for u in SAME_UNIT]
    for a, b in pairs:
        for v in values:
            ours, theirs = convert(v, a, b), _pint_convert(v, a, b)
            assert type(ours) is type(theirs), (a, b, v)
            assert np.array_equal(ours, theirs, equal_nan=True) and np.signbit(ours) == np.signbit(theirs), (a, b, v)
        arr = rng.normal(50, 20, 17)
        assert np.asarray(convert(arr, a, b)).tobytes() == np.asarray(_pint_convert(arr, a, b)).tobytes()


def test_units_import_without_pint_until_needed():
    """A run converts its tariffs without importing pint; parsing a unit imports it."""
    import subprocess
    import sys

    code = ("import sys; import alusim.units as U; U.convert(47.3, 'USD/MWh', 'USD/kWh'); "
            "assert 'pint' not in sys.modules; U.parse_unit('t_CO2/MWh'); assert 'pint' in sys.modules; "
            "assert U.Q_(1, 'kt').to('t').magnitude == 1000")
    subprocess.run([sys.executable, "-c", code], check=True)
