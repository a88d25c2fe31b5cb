"""A replay of history: the event record cut to a window, on the dataset as it stood at its start.

``replay(dataset, "2015-01", "2024-12")`` returns the scenario and dataset that
:func:`alusim.simulate` runs: the record's events (``scenarios/history/record.yaml``) that fall in
the window, the recorded input prices as ``input_price`` paths, the start state as assumptions, and
the asset table rebuilt for the first month (:func:`alusim.history.assets.assets_at`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.errors import InputError
from alusim.history.assets import assets_at
from alusim.history.start import INPUT_SERIES, input_paths, start_assumptions
from alusim.scenario.model import Scenario


def record_path() -> Path:
    """The packaged event record (``scenarios/history/record.yaml`` in the repository)."""
    return Path(str(resources.files("alusim") / "scenarios" / "history" / "record.yaml"))


def load_record(path: str | Path | None = None) -> Scenario:
    return Scenario.load(path or record_path())


#: events that act once, in their start month: before the window, their effect is already in the
#: rebuilt asset state (e.g. plants closed in the 2017 clean-up are gone from a 2018 start)
ONE_OFF = ("close_noncompliant", "commission", "relocate", "restart")


def cut_events(record: Scenario, start: str, end: str) -> list[dict]:
    """The record's events that touch ``start``…``end``, their dates clipped to it (as dicts)."""
    out = []
    for event in record.events:
        data = event.model_dump(exclude_none=True)
        if event.start > end or (event.end is not None and event.end < start):
            continue
        if event.type in ONE_OFF and event.start < start:
            continue
        data["start"] = max(event.start, start)
        if event.end is not None:
            data["end"] = min(event.end, end)
        if "path" in data:
            data["path"] = {k: v for k, v in data["path"].items() if k <= end} or {
                data["start"]: next(iter(data["path"].values()))}
        out.append(data)
    return out


def input_events(dataset: Dataset, start: str, months: int, notes: list[str] | None = None) -> list[dict]:
    """The recorded input prices as ``input_price`` path events (one point per July and the start)."""
    paths = input_paths(dataset, start, months, notes)
    labels = pd.period_range(start, periods=months, freq="M")
    keep = np.flatnonzero((labels.month == 7) | (np.arange(months) == 0) | (np.arange(months) == months - 1))
    events = []
    for variable, region, item, market in INPUT_SERIES:
        rows = dataset.history_annual
        sources = rows[(rows["variable"] == variable) & (rows["region"] == region)]["source"].unique()
        change = paths[(item, market)] - 1.0
        if not np.any(np.abs(change) > 1e-12):
            continue
        events.append(dict(type="input_price", input=item, region=market, start=start,
                           path={str(labels[i]): float(change[i]) for i in keep},
                           source=f"history_annual.csv {variable} ({region}): " + "; ".join(sources[:2])
                           + (f"; +{len(sources) - 2} more" if len(sources) > 2 else "")))
    return events


def in_sample_fits(dataset: Dataset, fit_last: int, notes: list[str] | None = None) -> tuple[Dataset, dict]:
    """The dataset with its demand fit and China's collection factor re-estimated on the record up
    to ``fit_last`` only (so nothing of later years leaks into a backtest), and the override."""
    from alusim.demand.model import fit_demand
    from alusim.recycling.fit import fit_cn

    first = DEMAND_FIT_FIRST_YEAR
    model = fit_demand(dataset, first, fit_last)
    factor, se, years = fit_cn(dataset, first, fit_last)
    if notes is not None:
        notes.append(f"demand refitted on {first}-{fit_last}; China collection factor {factor:.3f} ± {se:.3f} "
                     f"on recycled output {years[0]}-{years[-1]}")
    return replace(dataset, demand_fit=model.table()), {"recycling.collection_factor.cn": factor}


#: first year of the demand fits (the monthly record starts in 2010)
DEMAND_FIT_FIRST_YEAR = 2010
#: the calibration's in-sample years end here (docs/history.md): China's trade record, and so its
#: apparent consumption, starts in 2014, and the fits need at least five recorded years
CALIBRATION_SPLIT_YEAR = 2019


def default_fit_last(start: str) -> int:
    """The last year the demand fits see by default: the year before ``start``, or the calibration
    split (2019) for earlier starts — the record has too few years before 2019 to fit on."""
    return max(int(start[:4]) - 1, CALIBRATION_SPLIT_YEAR)


def replay(dataset: Dataset, start: str, end: str, *, record: Scenario | None = None, paths: int | None = None,
           seed: int | None = None, parameters: Mapping[str, float] | None = None,
           notes: list[str] | None = None, assets: pd.DataFrame | None = None,
           fit_last: int | None = None) -> tuple[Scenario, Dataset]:
    """Scenario and dataset that replay ``start``…``end`` (months ``YYYY-MM``).

    ``parameters`` override the dataset's behavioural parameters (a calibration candidate); the
    record's own assumptions apply on top of the start state. ``fit_last`` (default: the year before
    ``start``, at least 2019: :func:`default_fit_last`) is the last year the demand and scrap fits may see: a conditional backtest feeds the
    recorded drivers, with elasticities estimated on the in-sample years only. Gaps filled in the record (years
    interpolated, series held) are appended to ``notes``. ``assets`` reuses an
    :func:`~alusim.history.assets.assets_at` table already built for ``start`` (calibration loops).
    """
    if end < start:
        raise InputError(f"--to {end} is before --from {start}", fix="give a window that runs forward in time")
    record = record or load_record()
    if start < record.start or end > record.end:
        raise InputError(f"window {start}…{end} is outside the event record ({record.start}…{record.end})",
                         fix=f"choose years within {record.start[:4]}–{record.end[:4]}")
    months = (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7]) + 1
    assets = assets_at(dataset, start) if assets is None else assets
    fitted, fit_overrides = in_sample_fits(dataset, fit_last if fit_last is not None else default_fit_last(start), notes)
    history = replace(fitted, smelters=assets)
    assumptions = {**start_assumptions(dataset, start, notes), **fit_overrides, **dict(parameters or {}),
                   **record.assumptions}
    scenario = Scenario.model_validate(dict(
        name=f"History replay {start}…{end}",
        description=f"{record.name}: events cut to the window, recorded input prices, start state of {start}",
        start=start, end=end, paths=paths or record.paths, seed=record.seed if seed is None else seed,
        assumptions=assumptions,
        events=cut_events(record, start, end) + input_events(dataset, start, months, notes)))
    return scenario, history
