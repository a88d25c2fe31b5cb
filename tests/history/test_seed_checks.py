"""The seeds' statements checked on a replay's median path (alusim.history.seed_checks)."""

import pandas as pd

from alusim.history.seed_checks import checks_from_series

MONTHS = pd.period_range("2015-01", "2017-12", freq="M").strftime("%Y-%m")


def series(value, **months):
    s = pd.Series(float(value), index=MONTHS)
    for month, v in months.items():
        s[month.replace("_", "-")] = float(v)
    return s


def test_the_record_as_the_seeds_tell_it_meets_every_check():
    price = series(13_000, **{"2016_11": 15_500, "2016_12": 13_600})
    operating = pd.Series(31_000.0, index=MONTHS)
    operating[MONTHS >= "2016-12"] = 36_500.0
    operating[(MONTHS >= "2017-05") & (MONTHS <= "2017-07")] = 38_200.0
    stocks = series(700, **{"2017_06": 1_210})
    production = {"CN": pd.Series(2_700.0, index=MONTHS), "WORLD": pd.Series(4_950.0, index=MONTHS)}
    checks = checks_from_series(price, operating, stocks, production)
    assert [c["seed"] for c in checks] == ["001", "001", "002", "004", "004"]
    assert all(c["met"] for c in checks), [c for c in checks if not c["met"]]
    share = next(c for c in checks if c["seed"] == "002")
    assert share["value"] == 2_700.0 / 4_950.0 * 100.0


def test_each_check_fails_when_its_statement_does_not_hold():
    flat = pd.Series(31_000.0, index=MONTHS)                 # no restarts, never 38 Mt
    rising = pd.Series(range(len(MONTHS)), index=MONTHS, dtype=float) + 12_000.0   # no December fall
    stocks = series(1_210, **{"2015_08": 1_400})             # higher in 2015: mid-2017 is no record
    production = {"CN": pd.Series(1_000.0, index=MONTHS), "WORLD": pd.Series(4_950.0, index=MONTHS)}
    checks = checks_from_series(rising, flat, stocks, production)
    assert not any(c["met"] for c in checks), [c for c in checks if c["met"]]
    far = checks_from_series(rising, flat, series(300, **{"2017_06": 2_000}), production)
    assert not far[-1]["met"]                                  # a record, but far from 1.2 Mt


def test_checks_outside_the_window_are_left_out():
    months = pd.period_range("2020-01", "2021-12", freq="M").strftime("%Y-%m")
    one = pd.Series(1.0, index=months)
    assert checks_from_series(one, one, one, {"CN": one, "WORLD": one}) == []
