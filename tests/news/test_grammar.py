"""The quantity and date grammars, the gazetteer and the status of claims."""

from __future__ import annotations

from datetime import date

import pytest

from alusim.news.dates import find_dates, nearest_month
from alusim.news.gazetteer import default_gazetteer
from alusim.news.quantities import find_quantities
from alusim.news.status import modality


def one(text: str):
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text,kt", [
    ("involving a capacity of 2million tons", 2000), ("reduce production by 250000 tons", 250),
    ("nearly 5 million tonnes", 5000), ("1.2 Mt", 1200), ("300 kt/yr", 300), ("300 ktpa", 300),
    ("a 500,000-tonne-per-year smelter", 500), ("35万吨", 350), ("cut 35 10,000 tons", 350),
    ("half a million tonnes", 500), ("about 75,000 tonnes of annual output", 75), ("0.5 million tonnes per annum", 500),
])
def test_tonnages_are_metric_kt_per_year(text, kt):
    q = one(text)
    assert q.kind == "mass" and q.value == pytest.approx(kt)


def test_a_ton_is_a_metric_tonne_not_a_short_ton():
    assert one("1,000 tons").value == pytest.approx(1.0)         # 1,000 t = 1 kt (a short ton would be 0.907)


def test_steps_ranges_and_percentage_points():
    step = one("tariffs ranging from 34% to 145% on China")
    assert (step.previous, step.value, step.is_range) == (pytest.approx(0.34), pytest.approx(1.45), False)
    back = one("raised the tariff to 50% from 25%")
    assert (back.previous, back.value) == (pytest.approx(0.25), pytest.approx(0.5))
    rng = one("between 1 and 1.5 million tons")
    assert (rng.low, rng.high, rng.value) == (pytest.approx(1000), pytest.approx(1500), pytest.approx(1250))
    pct = one("rise by 10% to 15%")
    assert pct.is_range and pct.value == pytest.approx(0.125)
    pp = one("decreased by 3-6 percentage points")
    assert pp.kind == "pp" and pp.value == pytest.approx(0.045)


def test_prices_per_kwh_per_tonne_and_of_co2():
    assert (one("as low as 0.28 yuan/kWh").unit, one("as low as 0.28 yuan/kWh").approx) == ("CNY/kWh", True)
    assert one("0.05 yuan per kilowatt-hour").value == pytest.approx(0.05)
    assert one("US$45/MWh").unit == "USD/MWh"
    assert one("100 yuan per tonne of CO2").kind == "carbon"
    assert one("more than 1000 yuan per ton").kind == "price_t"
    assert one("18.89 million yuan").kind == "money"


@pytest.mark.parametrize("sentence,published,start,end", [
    ("On April 14 this year, projects were ordered to stop", date(2017, 7, 15), "2017-04", None),
    ("By the middle of June this year, Weiqiao began to reduce production", date(2017, 7, 15), "2017-06", None),
    ("since the beginning of this year, policies were issued", date(2017, 7, 15), "2017-01", None),
    ("in the first half of 2017, the resumed capacity was 635000 tons", date(2017, 7, 15), "2017-01", "2017-06"),
    ("in November alone, restart capacity was nearly 5million tons", date(2016, 12, 10), "2016-11", None),
    ("the grid asked smelters to curtail load from December", date(2025, 11, 20), "2025-12", None),
    ("prices have jumped 30% since August", date(2024, 10, 25), "2024-08", None),
    ("it plans to start production in March next year", date(2025, 7, 1), "2026-03", None),
    ("output will fall in the fourth quarter", date(2025, 7, 1), "2025-10", "2025-12"),
    ("coal will rise this winter", date(2025, 9, 15), "2025-11", "2026-03"),
    ("the smelter will start in mid-2026", date(2025, 9, 15), "2026-07", None),
    ("the line closes by the end of 2027", date(2025, 9, 15), "2027-12", None),
    ("first metal is due in late 2026", date(2025, 9, 15), "2026-10", None),
])
def test_dates_are_anchored_to_publication(sentence, published, start, end):
    found = [d for d in find_dates(sentence, published) if d.role == "start"]
    assert (found[0].start, found[0].end) == (start, end)


def test_relative_phrases_dateparser_would_misread_are_not_dates():
    assert find_dates("90 days before the meeting, yesterday, output may rise", date(2025, 5, 1)) == []


def test_a_month_without_a_year_leans_with_the_wording():
    published = date(2025, 11, 20)
    assert nearest_month(3, published, "past") == "2025-03"
    assert nearest_month(3, published, "future") == "2026-03"
    assert nearest_month(12, published, "nearest") == "2025-12"


def test_gazetteer_resolves_names_against_the_dataset():
    gaz = default_gazetteer()
    found = {(m.kind, m.value) for m in gaz.find("Shandong Weiqiao group and Oriental hope cut output in Yunnan")}
    assert {("owner", "Weiqiao"), ("province", "Shandong"), ("owner", "East Hope"), ("province", "Yunnan")} <= found
    assert ("asset", "cn_guangxi_chalco_fangchenggang") in {(m.kind, m.value) for m in gaz.find("the Fangchenggang smelter")}
    # "us" the pronoun is not the United States; "US" is
    assert not [m for m in gaz.find("let us see") if m.value == "US"]
    assert [m for m in gaz.find("the US tariff") if m.value == "US"]


@pytest.mark.parametrize("sentence,status,probability,negated", [
    ("Chalco cut output by 100,000 tonnes.", "enacted", 1.0, False),
    ("Chalco will cut output by 100,000 tonnes.", "planned", 0.7, False),
    ("Chalco may cut output by 100,000 tonnes.", "planned", 0.5, False),
    ("Chalco is expected to cut output by 100,000 tonnes.", "planned", 0.5, False),
    ("Chalco reportedly plans to cut output, sources said.", "rumoured", 0.3, False),
    ("The industry should cut output by 1 Mt, the author believes.", "opinion", 0.2, False),
    ("The State Council decided that no new capacity should be added.", "announced", 0.9, False),
    ("Chalco denied plans to cut output.", "planned", 0.7, True),
    ("Chalco has no plans to cut output.", "planned", 0.7, True),
])
def test_status_and_probability_from_the_wording(sentence, status, probability, negated):
    at = sentence.find("cut") if "cut" in sentence else sentence.find("no new")
    mood = modality(sentence, sentence[:at], sentence[at:at + 10])
    assert (mood.status, mood.probability, mood.negated) == (status, probability, negated)
