"""Recall and precision of `alusim news` on the gold corpus, per event type (issue 14: overall recall
>= 0.85 and precision >= 0.8; match = type + target + magnitude within 5% + start month)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alusim.news.evaluation import evaluate, report_rows
from alusim.news.scoring import Tally, overall

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parents[2] / "shared" / "seeds"
SETS = [("corpus", HERE / "gold.yaml", HERE / "corpus"), ("heldout", HERE / "gold_heldout.yaml", HERE / "heldout"),
        ("blind", HERE / "gold_blind.yaml", HERE / "blind"), ("blind2", HERE / "gold_blind2.yaml", HERE / "blind2"),
        ("seeds", HERE / "gold_seeds.yaml", SEEDS)]


def _print(title: str, tallies: dict[str, Tally]) -> None:
    print(f"\n{title}: event type, gold, drafted, matched, recall, precision")
    for row in report_rows(tallies):
        print(f"  {row[0]:<22} {row[1]:>4} {row[2]:>4} {row[3]:>4} {row[4]:>6.2f} {row[5]:>6.2f}")


@pytest.mark.parametrize("name,gold,texts", SETS, ids=[s[0] for s in SETS])
def test_each_set_meets_the_bar(name, gold, texts):
    if not texts.is_dir():
        pytest.skip(f"{texts} not present (the seed articles are not copied into the repository)")
    tallies = evaluate(gold, texts)
    _print(name, tallies)
    total = overall(tallies)
    assert total.recall >= 0.85, [m for t in tallies.values() for m in t.missed]
    assert total.precision >= 0.8, [s for t in tallies.values() for s in t.spurious]


def test_every_event_type_is_in_the_corpus_and_found():
    from alusim.news.rules import NOT_DRAFTED
    from alusim.scenario.model import EVENT_TYPES

    tallies = evaluate(HERE / "gold.yaml", HERE / "corpus")
    _print("corpus", tallies)
    drafted = set(EVENT_TYPES) - set(NOT_DRAFTED)
    assert drafted <= set(tallies), drafted - set(tallies)
    for name, tally in tallies.items():
        assert tally.tp >= 1, f"{name}: no gold event found"


def test_a_wrong_magnitude_date_or_target_does_not_match():
    from alusim.news import draft_from_text
    from alusim.news.resolve import default_view
    from alusim.news.scoring import score_article

    draft = draft_from_text("Yunnan smelters will cut production by 300,000 tonnes from March.", "2025-01-10")
    good = {"type": "production_cut", "target": {"province": ["Yunnan"]}, "magnitude": 300, "start": "2025-03"}
    for change in ({"magnitude": 330}, {"start": "2025-04"}, {"target": {"province": ["Guangxi"]}},
                   {"type": "restart"}):
        tallies: dict[str, Tally] = {}
        score_article([good | change], draft.events, default_view(), tallies, "x")
        assert overall(tallies).tp == 0, change
    tallies = {}
    score_article([good | {"magnitude": 310}], draft.events, default_view(), tallies, "x")   # within 5%
    assert overall(tallies).tp == 1
