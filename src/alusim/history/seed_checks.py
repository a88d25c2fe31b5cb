"""The seeds' own history, checked in the replay (issue 10: "the seeds' own history is visible").

Each check reads one dated statement of an industry article the product was conceived from
(``shared/seeds``) and asks whether the replay's median path shows it. They are reported beside the
backtest's targets (``metrics.json`` ``seed_checks``, the CLI's "Seeds" table, the report), not among
them: a statement of the trade press is a direction or a rough level, not a published statistic.

- seed 001 (Dec 2016): restarts and new lines came in through the second half of 2016 ("nearly 5
  million tons" of new and restarted capacity in November alone) and the price that had rebounded
  fell again in the last weeks of the year.
- seed 002 (2016): China makes about half of the world's primary aluminium.
- seed 004 (mid-2017): China's operating capacity is "more than 38 million tons" and its stocks have
  built to "a historical high of 1.2 million tons".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.engine.result import SimulationResult

#: the seed files the checks quote (repository-relative to the shared folder)
SEED_FILES = {"001": "shared/seeds/001_b1d2b6af05c02dfa.txt", "002": "shared/seeds/002_dd4ea7a38632d91d.txt",
              "004": "shared/seeds/004_4ea92a47961173d6.txt"}
#: "about half": China's share of world output in 2016 within this band (IAI: 32.6 of 59.0 Mt, 55 %)
HALF_BAND = (0.45, 0.60)
#: seed 004's "historical high of 1.2 million tons": the simulated peak within this share of it
STOCK_HIGH_KT, STOCK_TOLERANCE = 1200.0, 0.25


def median_monthly(result: SimulationResult, variable: str, region: str) -> pd.Series:
    """The median path of a monthly variable, indexed by ``YYYY-MM``."""
    values = np.median(result.data[variable].sel(region=region).values, axis=0)
    months = pd.period_range(result.scenario.start, periods=values.shape[0], freq="M").strftime("%Y-%m")
    return pd.Series(values, index=months)


def _months(series: pd.Series, first: str, last: str) -> pd.Series:
    return series[(series.index >= first) & (series.index <= last)]


def seed_checks(result: SimulationResult) -> list[dict]:
    """The checks on the replay's median path (:func:`checks_from_series`)."""
    return checks_from_series(median_monthly(result, "price_shfe_cny_t", "CN"),
                              median_monthly(result, "capacity_operating_kt", "CN"),
                              median_monthly(result, "inventory_kt", "CN"),
                              {r: median_monthly(result, "production_kt", r) for r in ("CN", "WORLD")})


def checks_from_series(price: pd.Series, operating: pd.Series, stocks: pd.Series,
                       production: dict[str, pd.Series]) -> list[dict]:
    """The checks whose months the series cover (monthly, indexed ``YYYY-MM``: SHFE in CNY/t, China's
    operating capacity in kt/yr, China's visible stocks in kt, output of ``CN`` and ``WORLD`` in
    kt/month), each with its seed, statement, the simulated value, the bar and whether it is met; a
    check outside the window is left out."""
    out = []

    def add(seed: str, months: tuple[str, str], statement: str, value: float, unit: str, bar: str, met: bool):
        out.append({"seed": seed, "source": SEED_FILES[seed], "months": f"{months[0]}…{months[1]}",
                    "statement": statement, "value": float(value), "unit": unit, "bar": bar, "met": bool(met)})

    if {"2016-06", "2016-12"} <= set(operating.index):
        added = operating["2016-12"] - operating["2016-06"]
        add("001", ("2016-06", "2016-12"), "restarts and new lines come in through H2 2016",
            added, "kt/yr", "China's operating capacity up ≥ 3,000 kt/yr", added >= 3000.0)
    if {"2016-09", "2016-12"} <= set(price.index):
        autumn = _months(price, "2016-09", "2016-11").max()
        fall = price["2016-12"] / autumn - 1.0
        add("001", ("2016-09", "2016-12"), "SHFE falls in the last weeks of 2016 as the restarts come in",
            100.0 * fall, "% from the autumn high", "December below the Sep–Nov high", fall < 0.0)
    year = _months(production["CN"], "2016-01", "2016-12")
    if len(year) == 12:
        share = year.sum() / _months(production["WORLD"], "2016-01", "2016-12").sum()
        add("002", ("2016-01", "2016-12"), "China makes about half of the world's primary aluminium",
            100.0 * share, "% of world output", f"{HALF_BAND[0]:.0%}–{HALF_BAND[1]:.0%}",
            HALF_BAND[0] <= share <= HALF_BAND[1])
    mid = _months(operating, "2017-05", "2017-08")
    if len(mid) == 4:
        add("004", ("2017-05", "2017-08"), "China's operating capacity passes 38 Mt/yr by mid-2017",
            mid.max(), "kt/yr", "peak > 38,000 kt/yr", mid.max() > 38_000.0)
    if len(_months(stocks, "2017-05", "2017-08")) == 4:
        peak = _months(stocks, "2017-05", "2017-08").max()
        before = stocks[stocks.index < "2017-05"].max()
        near = abs(peak / STOCK_HIGH_KT - 1.0) <= STOCK_TOLERANCE
        add("004", ("2017-05", "2017-08"), "China's stocks build to a record ~1.2 Mt by mid-2017",
            peak, "kt", f"a high of the replay so far, within ±{STOCK_TOLERANCE:.0%} of 1,200 kt",
            bool(peak >= before and near))
    return out
