"""European grid smelters' power bill in a history replay (:func:`alusim.history.replay.power_events`):
the common market-exposed share, and an owner that buys all its power on the exchange (Trimet)."""

import pytest

from alusim.history.replay import owner_market_shares, power_events, top_up_change
from alusim.scenario.quantities import parse_change


def test_a_top_up_brings_the_common_change_to_the_owners_own():
    for default, own in ((-0.2, -0.6), (0.4, 1.5), (0.0, 0.3)):
        assert (1 + default) * (1 + top_up_change(default, own)) == pytest.approx(1 + own)


def test_only_owners_with_a_share_of_their_own_that_differs_are_listed():
    own = {"trimet": 1.0, "aldel": 0.35}
    shares = owner_market_shares(["Trimet", "Aldel", "Hydro", "Trimet"], 0.35, own.get)
    assert shares == {"Trimet": 1.0}


def _multipliers(events, owner=None):
    """Year → product of the percentage changes that reach a plant of ``owner`` (None: another owner)."""
    out = {}
    for event in events:
        if "owner" in event["target"] and event["target"]["owner"] != owner:
            continue
        _, value, _ = parse_change(event["change"], ("USD/MWh",))
        year = int(event["start"][:4])
        out[year] = out.get(year, 1.0) * (1.0 + value)
    return out


def test_trimet_pays_the_whole_day_ahead_move_and_the_others_their_share(dataset):
    events = power_events(dataset, "2015-01", 120)
    common, trimet = _multipliers(events), _multipliers(events, "Trimet")
    share = dataset.param("cost.eu_power_market_share")
    assert dataset.param("cost.eu_power_market_share.trimet") == 1.0
    for year in (2015, 2018, 2022):
        ratio = 1.0 + (common[year] - 1.0) / share          # day-ahead against the tariffs' year
        assert trimet[year] == pytest.approx(ratio, rel=1e-3)
    assert trimet[2015] < common[2015] < 1.0 and trimet[2022] > common[2022] > 1.0
