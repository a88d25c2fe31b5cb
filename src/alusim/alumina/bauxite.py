"""Bauxite by origin: which refineries depend on which origin, and what disruptions and export bans do.

An origin's **share lost** in a month (0–1) comes from scenario events (``supply_disruption`` on an
origin, ``export_ban`` on bauxite; :mod:`alusim.levers.alumina_supply`) and from the recorded events
of ``bauxite_events.csv`` that start inside the run (export bans and moratoria lose all of the origin's
exports, suspensions ``affected_mt_yr`` over the origin's exports, the rainy season its ``share``;
licence revocations do not cut physically — Guinea's exports rose 36 % y/y in H1 2025 despite those
of May 2025, bauxite.csv —; events before the start are already in the January-2025 refinery table and in
the recorded prices). It acts twice:

* **physically**: the refineries that buy that origin's ore lose that share of its tonnage, the
  dearest first (whole refineries in order of cash cost, the marginal one in part) — refineries with
  their own mines in the origin country (Friguia in Guinea) are not hit;
* **on the seaborne price** (scenario events only — the recorded CIF path already carries the
  recorded ones): the CIF multiplier is S^−``alumina.bauxite.price_flex``, S = 1 − Σ lost share ×
  the origin's weight in seaborne supply (its exports over ``alumina.bauxite.seaborne_kt``), plus the
  weight of an origin whose ban a scenario lifts (``export_ban`` with share 0: its pre-ban exports come
  back).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset

#: recorded event kinds that take away bauxite, and how the share is read
LOSING_KINDS = ("export_ban", "moratorium", "export_suspension", "seasonal")


def known_origins(dataset: Dataset) -> set[str]:
    """Countries that mine bauxite in the data: refineries' origins, bauxite.csv, bauxite_events.csv."""
    out = set(dataset.refineries["bauxite_origin"]) | set(dataset.bauxite["origin"]) | set(
        dataset.bauxite_events["country"])
    return {str(o) for o in out} - {"WORLD"}


def origin_exports_mt(dataset: Dataset, origin: str) -> float:
    """An origin's bauxite exports (Mt/yr): its latest annual ``exports_mt``, else the most China
    imported from it in a year, else its 2023 mine output."""
    table = dataset.bauxite
    rows = table[(table["origin"] == origin)]
    for quantity, pick in (("exports_mt", "latest"), ("imports_cn_mt", "max"), ("mine_output_mt", "latest")):
        part = rows[(rows["quantity"] == quantity) & rows["period"].str.fullmatch(r"\d{4}")]
        if len(part):
            return float(part.sort_values("period")["value"].iloc[-1] if pick == "latest" else part["value"].max())
    return 0.0


def seaborne_weight(dataset: Dataset, origin: str) -> float:
    return min(origin_exports_mt(dataset, origin) * 1000.0 / dataset.param("alumina.bauxite.seaborne_kt"), 1.0)


def recorded_losses(dataset: Dataset, start: str, months: int, origins: list[str],
                    refinery_ids: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(M, O) share of each origin's bauxite lost and (M, R) share of each refinery's capacity out,
    from the recorded events that start inside the run; with one line per event applied."""
    first = pd.Period(start, freq="M")
    lost = np.zeros((months, len(origins)))
    out = np.zeros((months, len(refinery_ids)))
    notes = []
    for row in dataset.bauxite_events.itertuples():
        begin = pd.Period(str(row.start)[:7], freq="M")
        if begin < first:
            continue
        a = (begin - first).n
        b = months if not isinstance(row.end, str) else min((pd.Period(row.end[:7], freq="M") - first).n + 1, months)
        if a >= months or b <= a:
            continue
        if isinstance(row.asset_id, str) and row.asset_id in refinery_ids:
            share = float(row.share) if np.isfinite(row.share) else 1.0
            out[a:b, refinery_ids.index(row.asset_id)] = np.maximum(out[a:b, refinery_ids.index(row.asset_id)], share)
            notes.append(f"{row.event_id}: {row.asset_id} {share:.0%} out in months {a + 1}–{b}")
        elif row.product == "bauxite" and row.kind in LOSING_KINDS and row.country in origins:
            if row.kind in ("export_ban", "moratorium"):
                share = 1.0
            elif np.isfinite(row.affected_mt_yr):
                share = min(float(row.affected_mt_yr) / max(origin_exports_mt(dataset, row.country), 1e-9), 1.0)
            else:
                share = float(row.share) if np.isfinite(row.share) else 0.0
            k = origins.index(row.country)
            lost[a:b, k] = 1.0 - (1.0 - lost[a:b, k]) * (1.0 - share)
            notes.append(f"{row.event_id}: {row.country} bauxite {share:.0%} lost in months {a + 1}–{b}")
    return lost, out, notes


def physical_cut(lost: np.ndarray, origin_of: np.ndarray, imported_share: np.ndarray, need_kt: np.ndarray,
                 cost: np.ndarray) -> np.ndarray:
    """(..., R) share of each refinery's capacity idled for want of ore when each origin loses ``lost``
    (..., O) of its tonnage: per origin, the refineries on it in falling cost order give up their
    imported ore until the tonnage lost is covered. ``origin_of`` (R,) is the origin index (−1: none),
    ``need_kt`` (R,) the ore (or alumina) they take from it at full rate."""
    cut = np.zeros(lost.shape[:-1] + (len(origin_of),))
    for k in range(lost.shape[-1]):
        on = np.flatnonzero((origin_of == k) & (imported_share > 0))
        if not len(on):
            continue
        on = on[np.argsort(-cost[on], kind="stable")]
        tonnage = need_kt[on] * imported_share[on]
        missing = lost[..., k:k + 1] * tonnage.sum()                           # (..., 1)
        before = np.concatenate([[0.0], np.cumsum(tonnage)[:-1]])
        taken = np.clip(missing - before, 0.0, tonnage)                        # (..., n)
        cut[..., on] = np.maximum(cut[..., on], taken / np.maximum(tonnage, 1e-12) * imported_share[on])
    return cut
