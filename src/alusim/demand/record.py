"""Recorded annual quantities on one basis, from the monthly and annual history tables.

The demand and scrap fits need China's apparent total-metal consumption — primary output plus
recycled output minus net exports of primary metal and semis — and its parts, year by year. Each
part is read from ``history_monthly.csv`` (annual rows, or twelve recorded months) and, where that
has no figure, from ``history_annual.csv``. Nothing is interpolated here: a year missing one part has
no apparent consumption.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.dataset.history import annual_values

#: names of history_annual.csv for the same quantities
ANNUAL_ALIASES = {
    "production_kt": "primary_production_kt",
    "price_lme_usd_t": "lme_price_usd_t",
    "price_shfe_cny_t": "shfe_price_cny_t",
}


#: variables whose annual-table series is one basis over the whole record and comes first: IAI's
#: primary output (NBS changed its coverage in 2015: 24.4 Mt in 2014 against IAI's 28.3 Mt)
ANNUAL_FIRST = ("production_kt",)


_MEMO: dict[tuple, object] = {}


def _memo(dataset: Dataset, key: tuple, build):
    """Results read off the history tables, kept per table objects (tables are never edited in
    place; a dataset with other tables is another key). Runs, sweeps and calibrations rebuild the
    same demand paths many times."""
    full = (id(dataset.history_monthly), id(dataset.history_annual), *key)
    if full not in _MEMO:
        if len(_MEMO) > 256:
            _MEMO.clear()
        _MEMO[full] = (dataset.history_monthly, dataset.history_annual, build())   # hold the tables: ids stay theirs
    return _MEMO[full][2]


def recorded(dataset: Dataset, variable: str, region: str) -> pd.Series:
    """Annual values of a variable by year: the monthly table first (the annual table first for
    :data:`ANNUAL_FIRST`), the other for the years the first lacks."""
    return _memo(dataset, ("recorded", variable, region), lambda: _recorded(dataset, variable, region)).copy()


def _recorded(dataset: Dataset, variable: str, region: str) -> pd.Series:
    monthly = annual_values(dataset.history_monthly, variable, region) if len(dataset.history_monthly) else \
        pd.Series(dtype=float)
    annual = dataset.annual_series(ANNUAL_ALIASES.get(variable, variable), region)
    first, second = (annual, monthly) if variable in ANNUAL_FIRST else (monthly, annual)
    return first.combine_first(second).sort_index()


def bridged(series: pd.Series, first: int, last: int) -> pd.Series:
    """A recorded series over ``first``…``last``: log-linear between recorded years, the last
    recorded value held after them, the first held before — used only for exogenous flows the
    stock model needs every year (China's scrap imports), and said so in docs/demand.md."""
    if series.empty:
        return pd.Series(0.0, index=range(first, last + 1))
    years = np.arange(first, last + 1, dtype=float)
    values = np.exp(np.interp(years, series.index.to_numpy(float), np.log(np.maximum(series.to_numpy(float), 1e-9))))
    return pd.Series(values, index=years.astype(int))


def net_exports_kt(dataset: Dataset) -> pd.Series:
    """China's net exports of primary metal and semis (kt/yr): WBMS net exports of semis plus net
    exports of unwrought metal (``history_annual.csv``) where published, else China Customs' headline
    exports of unwrought aluminium and products less its primary imports, where both are recorded
    (the two bases differ by the semis China imports, 0.3–0.5 Mt a year)."""
    return _memo(dataset, ("net_exports",), lambda: _net_exports(dataset)).copy()


def _net_exports(dataset: Dataset) -> pd.Series:
    semis = dataset.annual_series("net_exports_semis_kt", "CN")
    primary = dataset.annual_series("net_exports_primary_kt", "CN")
    wbms = (semis + primary).dropna()
    customs = (recorded(dataset, "exports_semis_kt", "CN") - recorded(dataset, "imports_primary_kt", "CN")).dropna()
    return wbms.combine_first(customs).sort_index()


def apparent_consumption_kt(dataset: Dataset) -> pd.DataFrame:
    """China's apparent total-metal consumption by year with its parts (kt/yr): ``production``,
    ``secondary``, ``net_exports`` and ``consumption = production + secondary − net_exports``."""
    return _memo(dataset, ("apparent",), lambda: _apparent(dataset)).copy()


def _apparent(dataset: Dataset) -> pd.DataFrame:
    parts = pd.DataFrame({"production": recorded(dataset, "production_kt", "CN"),
                          "secondary": recorded(dataset, "secondary_production_kt", "CN"),
                          "net_exports": net_exports_kt(dataset)}).dropna()
    parts["consumption"] = parts["production"] + parts["secondary"] - parts["net_exports"]
    parts.index.name = "year"
    return parts
