"""Recorded input prices inside a run: where the record has a month, every path takes it.

A run that starts inside the record (the 2025 baseline starts in January 2025) follows the
recorded alumina, anode and coal prices and the exchange rate for the months the record covers —
the monthly record where it has the month (averages, month-ends or single days), annual averages
placed at July for years with fewer than six recorded months, linear in between. From the last
recorded month on, each path's own random path continues from the recorded level with the same
shocks (the mean-reverting part restarts there), so paired comparisons stay paired.

History replays drive their inputs by explicit ``input_price`` events instead (``inputs.follow_record``
is 0 there): :func:`recorded_path` is shared by both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset

#: recorded inputs: (monthly variable, annual variable, region, input, market region)
INPUT_SERIES = (
    ("price_alumina_cny_t", "alumina_price_cny_t", "CN", "alumina", "CN"),
    ("price_alumina_usd_t", "alumina_price_usd_t", "WORLD", "alumina", "ROW"),
    ("price_anode_cny_t", "anode_price_cny_t", "CN", "anode", "CN"),
    ("price_anode_usd_t", "anode_price_usd_t", "WORLD", "anode", "ROW"),
    ("price_coal_cny_t", "coal_price_cny_t", "CN", "coal", "WORLD"),
    ("fx_cny_per_usd", "fx_cny_per_usd", "CN", "fx", "WORLD"),
)


def anchors(dataset: Dataset, monthly_variable: str, annual_variable: str, region: str,
            start: str) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(month offsets from ``start``, values, monthly anchors, annual anchors) of a recorded input."""
    first = pd.Period(start, freq="M")
    xs, ys = [], []
    cube = dataset.history
    monthly_count: dict[int, int] = {}
    if monthly_variable in cube["variable"].values and region in cube["region"].values:
        series = cube.sel(variable=monthly_variable, region=region).to_series().dropna()
        for stamp, value in series.items():
            period = pd.Period(stamp, freq="M")
            xs.append(float((period - first).n))
            ys.append(float(value))
            monthly_count[period.year] = monthly_count.get(period.year, 0) + 1
    n_monthly = len(xs)
    n_annual = 0
    for year, value in annual_record(dataset, monthly_variable, annual_variable, region).items():
        if monthly_count.get(int(year), 0) < 6:
            xs.append(float((pd.Period(f"{int(year)}-07", freq="M") - first).n))
            ys.append(float(value))
            n_annual += 1
    order = np.argsort(xs, kind="stable")
    return np.asarray(xs, float)[order], np.asarray(ys, float)[order], n_monthly, n_annual


def annual_record(dataset: Dataset, monthly_variable: str, annual_variable: str, region: str) -> pd.Series:
    """Annual averages of a recorded input by year: ``history_annual.csv``'s, and for years it lacks,
    the ``annual_average`` rows that ``history_monthly.csv`` holds under the monthly name (where only
    annual figures are published, e.g. European day-ahead power)."""
    annual = dataset.annual_series(annual_variable, region)
    table = dataset.history_monthly
    positions = dataset.row_positions("history_monthly", ("variable", "region", "basis"))
    rows = table.iloc[positions.get((monthly_variable, region, "annual_average"), [])]
    extra = pd.Series(rows["value"].to_numpy(float), index=rows["period"].astype(str).str[:4].astype(int))
    extra = extra[~extra.index.isin(annual.index)]
    return pd.concat([annual, extra]).sort_index().astype(float) if len(extra) else annual


def recorded_path(dataset: Dataset, monthly_variable: str, annual_variable: str, region: str, start: str,
                  months: int) -> tuple[np.ndarray, int, int] | None:
    """(months,) values of a recorded input from ``start`` — linear between anchors, the nearest held
    outside — with the counts of monthly and annual anchors; None when nothing is recorded."""
    x, y, n_monthly, n_annual = anchors(dataset, monthly_variable, annual_variable, region, start)
    if not len(x):
        return None
    return np.interp(np.arange(months, dtype=float), x, y), n_monthly, n_annual


def recorded_window(dataset: Dataset, monthly_variable: str, annual_variable: str, region: str, start: str,
                    months: int) -> tuple[np.ndarray, int] | None:
    """The recorded values and the last month of the run (index) the record reaches, when the run
    starts inside the record; None when it starts after it (or nothing is recorded)."""
    x, y, _, _ = anchors(dataset, monthly_variable, annual_variable, region, start)
    inside = x[(x >= 0) & (x < months)]
    if not len(inside) or x.min() > 0:
        return None
    last = int(inside.max())
    return np.interp(np.arange(last + 1, dtype=float), x, y), last


#: the years whose power tariffs ``power_tariffs.csv`` mostly records (2021–2023): coal at their
#: average is the level at which the tariffs hold (coal index 1)
TARIFF_COAL_YEARS = (2021, 2022, 2023)


def coal_reference_cny_t(dataset: Dataset) -> float:
    """Coal price (CNY/t, Qinhuangdao 5,500 kcal) at which the embedded power tariffs hold: the mean of
    the recorded annual averages of :data:`TARIFF_COAL_YEARS` (recorded years only)."""
    series = dataset.annual_series("coal_price_cny_t", "CN")
    years = [y for y in TARIFF_COAL_YEARS if y in series.index]
    return float(series.loc[years].mean()) if years else float("nan")


def follow_record(dataset: Dataset, start: str, months: int, alumina: np.ndarray, anode: np.ndarray,
                  coal: np.ndarray, fx: np.ndarray, notes: list[str] | None = None) -> None:
    """Put the recorded inputs into the drawn paths (in place) for the months the record covers."""
    p = dataset.param
    long_run = {("alumina", "CN"): p("price.alumina.cn_long_run_cny_t"),
                ("alumina", "ROW"): p("price.alumina.row_long_run_usd_t"),
                ("anode", "CN"): p("price.anode.cn_start_cny_t"), ("anode", "ROW"): p("price.anode.row_start_usd_t")}
    speed = {"alumina": p("price.alumina.mean_reversion_per_month"), "anode": p("price.anode.mean_reversion_per_month"),
             "coal": p("price.coal.mean_reversion_per_month")}
    windows = {(item, market): recorded_window(dataset, monthly, annual, region, start, months)
               for monthly, annual, region, item, market in INPUT_SERIES}
    # anode traded outside China is largely Chinese: with no record of its own it follows China's
    if windows[("anode", "ROW")] is None and windows[("anode", "CN")] is not None:
        rec, last = windows[("anode", "CN")]
        windows[("anode", "ROW")] = (rec / rec[0] * anode[0, 0, 1], last)
    for (item, market), window in windows.items():
        if window is None:
            continue
        rec, last = window
        k = 0 if market == "CN" else 1
        if item in ("alumina", "anode"):
            target = alumina if item == "alumina" else anode
            target[:, :, k] = continue_ou(target[:, :, k], rec, long_run[(item, market)], speed[item])
        elif item == "coal":
            reference = coal_reference_cny_t(dataset)
            if np.isfinite(reference):
                coal[:] = continue_ou(coal, rec / reference, 1.0, speed["coal"])
        else:
            fx[:] = continue_walk(fx, rec)
        if notes is not None:
            notes.append(f"{item} ({market}): the record to month {last + 1} of the run, every path; random after")


def continue_ou(path: np.ndarray, recorded: np.ndarray, long_run: float, speed: float) -> np.ndarray:
    """(P, M) paths that equal ``recorded`` in its months and then go on as the log-OU process from
    the last recorded level, with each path's own shocks since then."""
    last = len(recorded) - 1
    months = path.shape[1]
    log_lr = np.log(long_run)
    y = np.log(path)
    t = np.arange(months, dtype=float)
    decay = (1.0 - speed) ** t
    noise = y - (log_lr + (y[:, :1] - log_lr) * decay[None, :])     # what the shocks added since month 0
    out = np.empty_like(y)
    out[:, :last + 1] = np.log(recorded)[None, :]
    ahead = t[last + 1:] - last
    if len(ahead):
        fade = (1.0 - speed) ** ahead
        out[:, last + 1:] = (log_lr + (np.log(recorded[-1]) - log_lr) * fade[None, :]
                             + noise[:, last + 1:] - noise[:, last:last + 1] * fade[None, :])
    return np.exp(out)


def continue_walk(path: np.ndarray, recorded: np.ndarray) -> np.ndarray:
    """(P, M) random-walk paths that equal ``recorded`` in its months and then move as each path did."""
    last = len(recorded) - 1
    out = path.copy()
    out[:, :last + 1] = recorded[None, :]
    out[:, last + 1:] = recorded[-1] * path[:, last + 1:] / path[:, last:last + 1]
    return out
