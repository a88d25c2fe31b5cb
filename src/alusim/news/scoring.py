"""Recall and precision of drafted events against gold events, per event type.

A drafted event matches a gold one when the type and start month are equal, the magnitudes agree
within 5% (or both are absent), and the targets agree: equal selectors, or — for capacity events —
selectors that pick the same plants of the dataset ("Weiqiao" and "China Hongqiao in Shandong" are
the same Binzhou smelters). Each gold event matches at most one drafted event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CAPACITY = ("production_cut", "restart", "suspend_construction", "close_noncompliant", "power_curtailment",
            "commission")
TOLERANCE = 0.05


def _norm(value):
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return sorted(str(v) for v in value)
    return [str(value)]


def _assets(view, target: dict, pipeline: bool) -> frozenset[str]:
    rows = view.selected({k: v for k, v in target.items() if k != "compliant"})
    if pipeline:
        rows = rows[rows["status"].isin(("planned", "construction"))]
    return frozenset(rows["asset_id"])


def same_target(event_type: str, gold: dict, drafted: dict, view) -> bool:
    if _norm(gold) == _norm(drafted):
        return True
    if view is None:
        return False
    if event_type == "relocate":
        return (_norm(gold.get("to_province")) == _norm(drafted.get("to_province"))
                and same_target("production_cut", gold.get("from", {}), drafted.get("from", {}), view))
    if event_type in CAPACITY:
        pipeline = event_type in ("suspend_construction", "commission")
        picked = _assets(view, gold, pipeline)
        return bool(picked) and picked == _assets(view, drafted, pipeline)
    return False


def same_magnitude(gold: float | None, drafted: float | None) -> bool:
    if gold is None or drafted is None:
        return gold is None and drafted is None
    if gold == 0:
        return abs(drafted) < 1e-9
    return abs(drafted - gold) <= TOLERANCE * abs(gold)


def matches(gold: dict, drafted, view) -> bool:
    """Does a drafted :class:`ProposedEvent` match a gold event (a mapping: type, target, magnitude,
    start)?"""
    return (gold["type"] == drafted.event_type and str(gold["start"])[:7] == drafted.start
            and same_magnitude(gold.get("magnitude"), drafted.magnitude)
            and same_target(gold["type"], gold["target"], drafted.target, view))


@dataclass
class Tally:
    """Matched (tp), missed (fn) and spurious (fp) events, with the unmatched ones for the report."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0


def score_article(gold_events: list[dict], drafted: list, view, tallies: dict[str, Tally], where: str) -> None:
    """Add one article's matches to ``tallies`` (by event type)."""
    free = list(drafted)
    for gold in gold_events:
        tally = tallies.setdefault(gold["type"], Tally())
        hit = next((d for d in free if matches(gold, d, view)), None)
        if hit is None:
            tally.fn += 1
            tally.missed.append(f"{where}: {gold['type']} {gold['target']} {gold.get('magnitude')} {gold['start']}")
        else:
            tally.tp += 1
            free.remove(hit)
    for d in free:
        tally = tallies.setdefault(d.event_type, Tally())
        tally.fp += 1
        tally.spurious.append(f"{where}: {d.event_type} {d.target} {d.magnitude} {d.start}")


def overall(tallies: dict[str, Tally]) -> Tally:
    total = Tally()
    for t in tallies.values():
        total.tp, total.fn, total.fp = total.tp + t.tp, total.fn + t.fn, total.fp + t.fp
    return total
