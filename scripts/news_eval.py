"""Score `alusim news` on the gold corpus: recall and precision per event type.

    python scripts/news_eval.py [--seeds ../shared/seeds] [--verbose]

Sets: the corpus written for alusim (tests/news/corpus, gold.yaml), a second set written for alusim and
scored once before rules changed (tests/news/heldout, gold_heldout.yaml; likewise blind/ and blind2/), and
the five seed articles
(gold_seeds.yaml) when their folder exists.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from alusim.cli.common import table
from alusim.news.evaluation import evaluate, report_rows
from alusim.news.scoring import overall

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--verbose", action="store_true", help="list missed and spurious events")
    parser.add_argument("--set", choices=("all", "corpus", "heldout", "blind", "blind2", "seeds"), default="all",
                        help="score one set only")
    args = parser.parse_args()
    tallies: dict = {}
    scope = []
    if args.set in ("all", "corpus"):
        evaluate(ROOT / "tests/news/gold.yaml", ROOT / "tests/news/corpus", tallies)
        scope.append("corpus")
    if args.set in ("all", "heldout"):
        evaluate(ROOT / "tests/news/gold_heldout.yaml", ROOT / "tests/news/heldout", tallies)
        scope.append("held-out")
    if args.set in ("all", "blind"):
        evaluate(ROOT / "tests/news/gold_blind.yaml", ROOT / "tests/news/blind", tallies)
        scope.append("blind")
    if args.set in ("all", "blind2"):
        evaluate(ROOT / "tests/news/gold_blind2.yaml", ROOT / "tests/news/blind2", tallies)
        scope.append("blind2")
    if args.set in ("all", "seeds") and args.seeds.is_dir():
        evaluate(ROOT / "tests/news/gold_seeds.yaml", args.seeds, tallies)
        scope.append("seed articles")
    console = Console()
    console.print(table(f"alusim news on the gold corpus ({' + '.join(scope)})",
                        ["event type", "gold", "drafted", "matched", "recall", "precision"], report_rows(tallies)))
    if args.verbose:
        for _name, t in sorted(tallies.items()):
            for line in t.missed:
                console.print(f"missed   {line}", markup=False)
            for line in t.spurious:
                console.print(f"spurious {line}", markup=False)
    total = overall(tallies)
    return 0 if total.recall >= 0.85 and total.precision >= 0.8 else 1


if __name__ == "__main__":
    raise SystemExit(main())
