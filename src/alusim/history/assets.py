"""The asset table as it stood at a past month, rebuilt from today's tables and the history tables.

Sources of the rebuild (all in the embedded dataset, one public source per row):

* ``smelters_cn.csv`` / ``smelters_row.csv`` — today's plants and their first-metal ``start_year``;
* ``smelters_retired.csv`` — plants closed since, with the month they closed and why;
* ``capacity_history.csv`` — from a month on, an asset's built and running capacity.

Built capacity is a fact the replay takes from the data; running capacity is taken only at the start
(after that, curtailment and restarts are the engine's decisions). A later change of built capacity
becomes a *layer*: an expansion is a new asset (``<asset_id>__<YYYYMM>``) under construction until
its month, a reduction closes the newest layers first (splitting one when needed). Plants closed by
policy (``closed_by = policy``) are left for the event record to close (e.g. the 2017 clean-up).
A plant today's table lists as ``closed`` shuts for good at its newest history record when that has
nothing running (Intalco 2020-07), as a retired plant does at its ``closed`` month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset

#: month in which a plant with only a start year first makes metal
MID_YEAR = "07"


def _month(value: str) -> pd.Period:
    return pd.Period(str(value), freq="M")


def _layers(row: pd.Series, rows: pd.DataFrame, start: pd.Period) -> tuple[list[dict], float]:
    """Layers of one asset: dicts with capacity_kt, commission (Period or None), closes (Period or
    None); and the running share of the first layer at ``start``."""
    rows = rows.sort_values("date")
    dates = [_month(d) for d in rows["date"]]
    before = [i for i, d in enumerate(dates) if d <= start]
    built_at_start = int(row["start_year"]) < start.year or (
        int(row["start_year"]) == start.year and _month(f"{start.year}-{MID_YEAR}") <= start)
    if before:
        first = rows.iloc[before[-1]]
        cap0, op0, commission = float(first["capacity_kt"]), float(first["operating_kt"]), None
        later = rows.iloc[before[-1] + 1:]
    elif len(rows):
        first = rows.iloc[0]
        cap0, op0 = float(first["capacity_kt"]), float(first["operating_kt"])
        commission = None if built_at_start else _month(first["date"])
        later = rows.iloc[1:]
    else:
        cap0, op0 = float(row["capacity_kt"]), float(row["operating_kt"])
        commission = None if built_at_start else _month(f"{int(row['start_year'])}-{MID_YEAR}")
        later = rows.iloc[0:0]
    layers = [dict(capacity_kt=cap0, commission=commission, closes=None)] if cap0 > 0 else []
    for _, change in later.iterrows():
        when = _month(change["date"])
        target = float(change["capacity_kt"])
        built = sum(layer["capacity_kt"] for layer in layers if layer["closes"] is None)
        if target > built + 1e-9:
            layers.append(dict(capacity_kt=target - built, commission=when, closes=None))
            continue
        excess = built - target
        for layer in reversed(layers):
            if excess <= 1e-9:
                break
            if layer["closes"] is not None:
                continue
            if layer["capacity_kt"] <= excess + 1e-9:
                layer["closes"] = when
                excess -= layer["capacity_kt"]
            else:     # split: the part that closes becomes its own layer
                layer["capacity_kt"] -= excess
                layers.append(dict(capacity_kt=excess, commission=layer["commission"], closes=when))
                excess = 0.0
    share = min(op0 / cap0, 1.0) if cap0 > 0 else 0.0
    return layers, share


def _closing_month(rows: pd.DataFrame) -> str:
    """``YYYY-MM`` from which a plant today's table lists as closed is shut for good: its newest
    ``capacity_history.csv`` record when that has nothing running (Intalco 2020-07, Rheinwerk 2023-10),
    else "" (no dated closure on record)."""
    last = rows.sort_values("date").iloc[-1]
    return str(last["date"]) if float(last["operating_kt"]) <= 0 else ""


def assets_at(dataset: Dataset, start: str) -> pd.DataFrame:
    """The asset table at month ``start`` (``YYYY-MM``), with layers for later capacity changes.

    Extra columns: ``plant_id`` (the dataset's asset id; targets by ``asset_id`` match it too),
    ``commission`` (``YYYY-MM`` when a layer first makes metal, empty when built at ``start``),
    ``closes`` (``YYYY-MM`` when it shuts for good, empty when never or when policy decides) and
    ``closed_by``. Statuses: operating, curtailed (part running), idle (none running) or construction.
    """
    begin = _month(start)
    retired = dataset.retired.copy()
    today = dataset.smelters.copy()
    today["closed"], today["closed_by"] = "", ""
    table = pd.concat([today, retired], ignore_index=True)
    history = dataset.capacity_history
    out = []
    for _, row in table.iterrows():
        closed = str(row.get("closed") or "")
        if closed and _month(closed) <= begin:
            continue
        if row["status"] in ("planned", "construction") and not closed:
            # projects: today's pipeline, unchanged
            out.append({**row.to_dict(), "plant_id": row["asset_id"], "commission": "", "closes": ""})
            continue
        rows = history[history["asset_id"] == row["asset_id"]]
        if row["status"] == "closed" and not closed and not len(rows):
            continue
        if row["status"] == "closed" and not closed:
            closed = _closing_month(rows)
            if closed and _month(closed) <= begin:
                continue
        layers, share = _layers(row, rows, begin)
        for k, layer in enumerate(layers):
            closes = layer["closes"]
            if closes is None and closed and row["closed_by"] != "policy":
                closes = _month(closed)
            if closes is not None and closes <= begin:
                continue
            commission = layer["commission"]
            built = commission is None or commission <= begin
            running = share if (k == 0 and built) else (1.0 if built else 0.0)
            status = ("construction" if not built else "operating" if running >= 0.999
                      else "idle" if running <= 1e-9 else "curtailed")
            suffix = "" if k == 0 else f"__{commission.strftime('%Y%m') if commission is not None else 'base'}_{k}"
            out.append({**row.to_dict(), "asset_id": f"{row['asset_id']}{suffix}", "plant_id": row["asset_id"],
                        "status": status, "capacity_kt": layer["capacity_kt"],
                        "operating_kt": layer["capacity_kt"] * running,
                        "start_year": int(commission.year) if commission is not None else int(row["start_year"]),
                        "commission": "" if built else str(commission),
                        "closes": "" if closes is None else str(closes),
                        "closed_by": row["closed_by"] if closed else ""})
    columns = [c for c in table.columns if c != "closed"] + ["plant_id", "commission", "closes"]
    frame = pd.DataFrame(out, columns=[*columns, "closed"]).drop(columns=["closed"])
    frame["compliant"] = frame["compliant"].astype(bool)
    frame["alumina_integrated"] = frame["alumina_integrated"].astype(bool)
    return frame.reset_index(drop=True)


def built_capacity_kt(assets: pd.DataFrame, month: str, country: str | None = None) -> float:
    """Built capacity (kt/yr) of an :func:`assets_at` table at ``month``, before any policy closure."""
    when = _month(month)
    mask = np.ones(len(assets), dtype=bool) if country is None else (assets["country"] == country).to_numpy()
    total = 0.0
    for row in assets[mask].itertuples():
        if row.status == "planned":
            continue
        if row.commission and _month(row.commission) > when:
            continue
        if row.closes and _month(row.closes) <= when:
            continue
        if row.status == "construction" and not row.commission:
            continue
        total += row.capacity_kt
    return total
