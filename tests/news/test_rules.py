"""Rules on phrasings outside the gold corpus: each case checks one behaviour of the drafter."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alusim.news import draft_from_text


def events(text: str, published: str = "2025-09-01"):
    return [(e.event_type, e.target, e.magnitude, e.start, e.end) for e in draft_from_text(text, published).events]


def test_a_company_is_narrowed_to_the_plant_and_country_named():
    [(kind, target, _, start, _)] = events("Rio Tinto will close its Tiwai Point smelter in New Zealand in August "
                                           "2026 after failing to secure a cheaper power deal.")
    assert (kind, target["asset_id"], start) == ("close_noncompliant", ["nz_nzas_tiwai_point"], "2026-08")


def test_lower_case_mt_is_read_by_size():
    [(_, _, kt, _, _)] = events("Shenhuo's Yunnan subsidiary has started to resume production at 300,000 mt/year "
                                "of capacity.")
    assert kt == pytest.approx(300)
    [(_, _, kt, _, _)] = events("Chalco plans to cut output in Guizhou by 0.3 mtpa.")
    assert kt == pytest.approx(300)


def test_a_halt_without_a_figure_stops_the_whole_target_for_its_duration():
    [(kind, target, share, start, end)] = events(
        "Sichuan's provincial government ordered all industrial users, including aluminium smelters, to halt "
        "production for six days from August 15.", "2025-08-10")
    assert (kind, target, share, start, end) == ("production_cut", {"province": ["Sichuan"]}, 1.0, "2025-08",
                                                 "2025-08")


def test_load_cuts_in_tonnes_become_a_share_of_built_capacity():
    [(kind, target, share, start, _)] = events(
        "In September, the electrolytic aluminum production capacity of Guizhou was reduced by 300,000 tons due to "
        "power restrictions.", "2025-11-20")
    assert (kind, target, start) == ("power_curtailment", {"province": ["Guizhou"]}, "2025-09")
    assert 0 < share < 1


def test_price_changes_per_tonne_become_percentages_of_the_dataset_price():
    [(kind, target, pct, _, _)] = events("Domestic alumina prices fell 200 yuan per ton this week.", "2025-11-20")
    assert (kind, target) == ("input_price", {"input": "alumina", "region": "CN"})
    assert -0.1 < pct < 0


def test_price_levels_and_statistics_are_observations_not_levers():
    draft = draft_from_text("Spot alumina traded at 3,400 yuan a ton on Thursday. China's aluminium output rose "
                            "3.2% year on year to 3.7 million tonnes in October. SHFE aluminium closed at 20,500 "
                            "yuan per ton.", "2025-11-20")
    assert draft.events == []
    assert len(draft.observations) == 3


def test_a_rumoured_ban_and_a_new_plant_abroad():
    [(kind, target, _, _, _)] = events("It is rumored that Inner Mongolia will stop approving new electrolytic "
                                       "aluminum projects.")
    assert (kind, target) == ("ban_new_capacity", {"province": ["Inner Mongolia"]})
    draft = draft_from_text("Emirates Global Aluminium said it would build a 600,000 tonne-per-year smelter in "
                            "Oklahoma, the first new US smelter in 45 years.", "2025-09-01")
    [event] = draft.events
    assert event.fields["asset"]["country"] == "US" and event.fields["asset"]["region"] == "NA"
    assert any("first metal" in n for n in event.notes)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=400)
       .filter(lambda t: t.strip()))
def test_any_text_gives_a_draft_whose_spans_hold(text):
    draft = draft_from_text(text, "2025-06-15")
    for item in draft.events + draft.observations:
        assert draft.text[item.span[0]:item.span[1]] == item.quote
    for event in draft.events:
        assert event.start[:4].isdigit() and 0.0 < event.probability <= 1.0 and 0.0 <= event.confidence <= 1.0


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["cut production by", "restart", "curtail", "close", "raise the tariff on imports from China to"]),
       st.sampled_from(["Yunnan", "Chalco", "Shandong Weiqiao", "the US", "Xinjiang"]),
       st.integers(1, 2000), st.sampled_from(["tonnes", "kt", "%", "万吨", "million tons"]),
       st.sampled_from(["in March", "from next year", "by mid-June", "", "since the beginning of this year"]))
def test_generated_claims_never_crash(verb, who, number, unit, when):
    draft = draft_from_text(f"{who} will {verb} {number} {unit} {when}.", "2025-06-15")
    for item in draft.events + draft.observations:
        assert draft.text[item.span[0]:item.span[1]] == item.quote
