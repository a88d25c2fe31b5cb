"""Running-capacity ceilings of plants held back by something other than their margin.

A smelter outside the margin logic — TALCO run at a fifth of its design on worn lines, Venalum on
Guri's failing power, Iran's smelters under summer power cuts, Rusal's 2024 cut of 250 kt/yr decided
by its board, Tiwai Point's fourth potline without a power contract — does not come back because the
price covers its cash cost, however cheap its hydro power looks on the cost curve. The smelter tables
say so in ``curtailment_cause`` (``power``, ``equipment``, ``policy``, ``sanctions``; data note
``docs/data-notes/smelters.md``). For such a plant the running share the record gives is a *ceiling*:

* from the start, the table's running share (a history replay: the share ``capacity_history.csv``
  records at that month), and month by month the recorded share where the record goes on (a replay
  follows TALCO down to 60 kt in 2020 and back to 100 kt in 2024 as it happened);
* a plant in ramp-up (``ramp_up``: Vedanta's Jharsuguda-II and Xinjiang's new lines in 2015) may run
  what its ramp allows: the recorded share rising to the next record, or a ramp step a month to full;
* below the ceiling the plant still curtails and recovers on its margin like any other;
* a ``restart`` event lifts the ceiling (:func:`lift`): the lines come back after the restart lag, a
  ramp step a month.

Pure arrays in, arrays out; the kernel sees the ceiling as part of ``avail_share``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: causes of running below capacity that margins do not undo (``economic``: the margin logic decides)
HELD = ("power", "equipment", "policy", "sanctions")
#: a plant still bringing up new or restarted lines: its ceiling rises toward full capacity
RAMP = "ramp_up"


def _base_id(asset_id: str) -> str:
    """The plant an expansion layer of a history replay belongs to (``<asset_id>__<YYYYMM>``)."""
    return asset_id.split("__", 1)[0]


def _segments(row, history: pd.DataFrame | None) -> list[tuple[str, float, str]]:
    """(date ``YYYY-MM`` or "" for the start, running share, cause) of a plant, oldest first: its ``capacity_history.csv``
    rows (a row without a cause of its own takes the table's when it is the latest, the one that
    agrees with the table, else ``economic``), or the table's own share and cause alone."""
    rows = history[history["asset_id"] == _base_id(str(row["asset_id"]))] if history is not None else []
    records = []
    if len(rows):
        rows = rows.sort_values("date")
        own = rows["curtailment_cause"] if "curtailment_cause" in rows else pd.Series("", index=rows.index)
        records = [(change.date, change.capacity_kt, change.operating_kt, own.iloc[i])
                   for i, change in enumerate(rows.itertuples())]
    return _segments_of(row.get("curtailment_cause", ""), row["capacity_kt"], row["operating_kt"],
                        row.get("source_date", ""), records)


def _segments_of(cause, capacity_kt, operating_kt, source_date, records: list) -> list[tuple[str, float, str]]:
    """:func:`_segments` from plain values: the table's cause, capacity, operating capacity and date,
    and the plant's record rows ``(date, capacity_kt, operating_kt, own cause)`` oldest first."""
    table_cause = str(cause or "economic")
    capacity = float(capacity_kt)
    table_share = min(float(operating_kt) / capacity, 1.0) if capacity > 0 else 1.0
    if not records:
        return [("", table_share, table_cause)]            # no record but the table: from the start
    dated = str(source_date or "")
    as_of = dated if len(dated) == 7 else (f"{dated}-12" if dated else "")
    table_is_later = as_of > str(records[-1][0])          # the table's state is the newest record
    out = []
    for i, (date, cap, oper, own) in enumerate(records):
        latest = i == len(records) - 1 and not table_is_later
        cause_i = str(own) if isinstance(own, str) and own else (table_cause if latest else "economic")
        share = min(oper / cap, 1.0) if cap > 0 else 1.0
        out.append((str(date), share, cause_i))
    if table_is_later:
        out.append((as_of, table_share, table_cause))
    return out


class _Columns:
    """The smelter table's and the capacity record's columns that :func:`_segments` reads, as lists
    (the same Python values a row or ``itertuples`` gives), and the record's rows of each plant: the
    same segments without a pandas row, a filter and a sort per plant (~0.1 s of every run)."""

    def __init__(self, assets: pd.DataFrame, history: pd.DataFrame | None) -> None:
        def column(frame: pd.DataFrame, name: str) -> list | None:
            return frame[name].tolist() if name in frame.columns else None

        self.asset_id = assets["asset_id"].tolist()
        self.cause = assets["curtailment_cause"].tolist()
        self.capacity, self.operating = column(assets, "capacity_kt"), column(assets, "operating_kt")
        self.source_date = column(assets, "source_date")
        self.complete = self.capacity is not None and self.operating is not None
        self.rows: dict = {}
        if history is not None and not {"asset_id", "date", "capacity_kt", "operating_kt"} <= set(history.columns):
            self.complete = False
        elif history is not None:
            self.rows = history.groupby("asset_id", sort=False).indices
            self.date = history["date"].tolist()
            self.h_capacity = history["capacity_kt"].tolist()
            self.h_operating = history["operating_kt"].tolist()
            self.own = history["curtailment_cause"].tolist() if "curtailment_cause" in history else None

    def segments(self, a: int, base: str) -> list[tuple[str, float, str]] | None:
        """:func:`_segments` of asset ``a``; None when its record's dates are not distinct strings (or a
        column is missing: :func:`_segments` then says which)."""
        if not self.complete:
            return None
        positions = self.rows.get(base)
        records = []
        if positions is not None and len(positions):
            dates = [self.date[i] for i in positions]
            if not all(isinstance(d, str) for d in dates) or len(set(dates)) != len(dates):
                return None
            ordered = [positions[j] for j in sorted(range(len(dates)), key=dates.__getitem__)]
            records = [(self.date[h], self.h_capacity[h], self.h_operating[h],
                        self.own[h] if self.own is not None else "") for h in ordered]
        return _segments_of(self.cause[a], self.capacity[a], self.operating[a],
                            self.source_date[a] if self.source_date is not None else "", records)


def run_ceiling(assets: pd.DataFrame, capacity_history: pd.DataFrame, start: str, months: int,
                ramp_per_month: float) -> np.ndarray:
    """(M, A) share of built capacity each plant may run, month by month (1 for plants curtailed on
    margin or not at all).

    The latest record at or before a month decides (``capacity_history.csv``, else the smelter
    table): a plant held back by power, equipment, policy or sanctions may run its recorded share; one
    in ramp-up rises from its recorded share toward the next recorded one (linearly, the record's own
    pace) or, after the last record, by ``ramp_per_month`` of capacity a month to full; any other
    record lifts the ceiling. Planned and closed plants are not held back."""
    n_assets = len(assets)
    ceiling = np.ones((months, n_assets))
    if "curtailment_cause" not in assets.columns or n_assets == 0:
        return ceiling
    history = capacity_history if len(capacity_history) else None
    causes = set(HELD) | {RAMP}
    with_history_cause = set()
    if history is not None and "curtailment_cause" in history:
        with_history_cause = set(history.loc[history["curtailment_cause"].isin(causes), "asset_id"])
    first = pd.Period(start, freq="M")
    live = assets["status"].isin(("operating", "curtailed", "idle")).to_numpy()
    table = _Columns(assets, history)
    offsets: dict[str, int] = {}

    def months_from_start(date: str) -> int:
        if date not in offsets:
            offsets[date] = (pd.Period(date, freq="M") - first).n if date else 0
        return offsets[date]

    for a in np.flatnonzero(live):
        cause_value = table.cause[a]
        base = _base_id(str(table.asset_id[a]))
        if cause_value not in causes and base not in with_history_cause:
            continue
        segments = table.segments(a, base)
        if segments is None:       # dates a plain sort might order otherwise than pandas: pandas decides
            segments = _segments(assets.iloc[a], history)
        # signed months from the start at which each record takes over (before the start: negative)
        at = [months_from_start(date) for date, _, _ in segments]
        for k, (_, share, cause) in enumerate(segments):
            last = k + 1 == len(segments)
            lo, hi = min(max(at[k], 0), months), min(months if last else max(at[k + 1], 0), months)
            if hi <= lo:
                continue                                  # superseded before the start, or after the run
            span = np.arange(lo, hi)
            if cause in HELD:
                ceiling[lo:hi, a] = share
            elif cause == RAMP and not last:
                target = max(segments[k + 1][1], share)
                ceiling[lo:hi, a] = share + (target - share) * (span - at[k]) / max(at[k + 1] - at[k], 1)
            elif cause == RAMP:
                ceiling[lo:hi, a] = np.minimum(share + ramp_per_month * (span - at[k]), 1.0)
    return np.clip(ceiling, 0.0, 1.0)


def start_share(init_share: np.ndarray, ceiling0: np.ndarray) -> np.ndarray:
    """(A,) running share of the *allowed* capacity at the start: a plant at its ceiling runs all it
    may (share 1), so it curtails from there on its margin and does not ramp up into the ceiling."""
    return np.where(ceiling0 < 1.0, np.clip(init_share / np.maximum(ceiling0, 1e-12), 0.0, 1.0), init_share)


def lift(ceiling: np.ndarray, a: int, start: int, lag_months: int, ramp_per_month: float) -> np.ndarray:
    """(M,) share of a held-back plant's capacity that may run once a restart lifts its ceiling from
    month ``start``: the ceiling until the restart lag has run, then rising by ``ramp_per_month`` of
    capacity a month until the whole plant may run — from zero too (a plant idled for power)."""
    allowed = ceiling[:, a].astype(float).copy()
    for m in range(max(start + lag_months, 0), ceiling.shape[0]):
        allowed[m] = min(max(ceiling[m, a], 0.0) + ramp_per_month * (m - start - lag_months + 1), 1.0)
    return allowed


def lifted_share(avail_share: np.ndarray, ceiling: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """A plant's ``avail_share`` path once its ceiling becomes ``allowed``: the other factors on it
    (power curtailments, cuts) scale with the ceiling where it was above zero; where the ceiling was
    zero there is nothing to scale, and the plant may run what the restart allows."""
    held = ceiling > 1e-12
    return np.where(held, avail_share * allowed / np.where(held, ceiling, 1.0), allowed)
