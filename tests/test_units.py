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
