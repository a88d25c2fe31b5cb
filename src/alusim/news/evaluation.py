"""Run the drafter over a gold corpus (YAML list of file, published, events) and tally the matches.

Used by ``scripts/news_eval.py`` and ``tests/news/test_news_eval.py``. Reads the gold file and the
article files; the scoring itself is :mod:`alusim.news.scoring`.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from alusim.news.extract import draft_from_text
from alusim.news.resolve import default_view
from alusim.news.scoring import Tally, overall, score_article


def load_gold(path: str | Path) -> list[dict]:
    yaml = YAML(typ="safe", pure=True)
    return yaml.load(Path(path).read_text(encoding="utf-8")) or []


def evaluate(gold_path: str | Path, text_dir: str | Path, tallies: dict[str, Tally] | None = None) -> dict[str, Tally]:
    """Tallies by event type of the drafts of every article listed in ``gold_path`` (texts in ``text_dir``)."""
    tallies = {} if tallies is None else tallies
    view = default_view()
    for entry in load_gold(gold_path):
        text = (Path(text_dir) / entry["file"]).read_text(encoding="utf-8")
        published = entry.get("published")
        draft = draft_from_text(text, str(published) if published else None, article=entry["file"])
        score_article(entry.get("events") or [], draft.events, view, tallies, entry["file"])
    return tallies


def report_rows(tallies: dict[str, Tally]) -> list[list[object]]:
    """Rows ``[type, gold, drafted, matched, recall, precision]`` and a final ``overall`` row."""
    rows = []
    for name in sorted(tallies):
        t = tallies[name]
        rows.append([name, t.tp + t.fn, t.tp + t.fp, t.tp, t.recall, t.precision])
    t = overall(tallies)
    rows.append(["overall", t.tp + t.fn, t.tp + t.fp, t.tp, t.recall, t.precision])
    return rows
