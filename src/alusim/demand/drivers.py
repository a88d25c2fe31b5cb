"""Activity drivers of aluminium demand: recorded outturns, published forecasts, scenario paths.

``drivers.csv`` (our compilation, one public source per row) holds one row per driver, region and
year with ``basis`` actual, estimate or forecast. Growth drivers (``*_growth_pct``: real GDP,
industrial value added) become a level index (first recorded year = 100) by compounding; level
drivers (floor space, vehicles, PV installations, grid investment) are used as published.

Past the last published year a growth driver grows at the mean of its last three years and a level
driver is held at its last value: the demand model never extrapolates a boom or a slump on its own.
A level driver's year between two published ones (an NBS release not found) is log-linear between
them when a path needs it — the demand fits use published years only; a growth driver may have no
such gap, since every later level compounds on it.
A scenario's ``driver_path`` events change either from their start month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.errors import InputError

#: driver → (unit, growth: True when the table holds % growth, what it measures)
DRIVERS: dict[str, tuple[str, bool, str]] = {
    "gdp_growth_pct": ("percent", True, "real GDP growth (IMF WEO, NBS)"),
    "industrial_production_growth_pct": ("percent", True, "real value added of industry (NBS)"),
    "fai_growth_pct": ("percent", True, "fixed-asset investment growth (NBS)"),
    "floor_space_started_mm2": ("mm2", False, "floor space of real-estate construction starts (NBS)"),
    "floor_space_completed_mm2": ("mm2", False, "floor space of real estate completed (NBS)"),
    "vehicle_output_m": ("million", False, "motor vehicles produced (CAAM, OICA)"),
    "nev_output_m": ("million", False, "new-energy vehicles produced (CAAM)"),
    "pv_installations_gw": ("GW", False, "solar PV newly installed (NEA, IEA)"),
    "grid_investment_bn_cny": ("CNY_bn", False, "power-grid investment (NEA, CEC)"),
    "population_m": ("million", False, "population"),
}
BASES = ("actual", "estimate", "forecast")


def check_drivers(table: pd.DataFrame, where: str = "drivers.csv") -> None:
    """Refuse an unknown driver, a wrong unit, a duplicate, a non-finite value, or a gap in a
    driver's years (growth drivers compound, so a missing year would shift every later level)."""
    for i, row in enumerate(table.itertuples(index=False)):
        if row.driver not in DRIVERS:
            raise InputError(f"line {i + 2} column driver: unknown driver {row.driver!r}", where=where,
                             fix=f"use one of {', '.join(DRIVERS)}")
        unit = DRIVERS[row.driver][0]
        if row.unit != unit:
            raise InputError(f"line {i + 2} column unit: {row.driver} is in {unit}, not {row.unit!r}",
                             where=where, fix=f"write unit {unit}")
        if not np.isfinite(float(row.value)):
            raise InputError(f"line {i + 2} column value: {row.value} is not finite", where=where,
                             fix="write the published figure")
        if not DRIVERS[row.driver][1] and float(row.value) < 0:
            raise InputError(f"line {i + 2} column value: {row.driver} cannot be negative ({row.value})",
                             where=where, fix="write the published level")
    dup = table.duplicated(["driver", "region", "year"], keep=False)
    if dup.any():
        r = table[dup].iloc[0]
        raise InputError(f"{r.driver} {r.region} {r.year} appears twice", where=where,
                         fix="keep one row per driver, region and year")
    for (driver, region), rows in table.groupby(["driver", "region"]):
        if not DRIVERS[driver][1]:
            continue                    # level drivers: gaps are bridged when a path needs them
        years = np.sort(rows["year"].to_numpy(int))
        holes = sorted(set(range(years[0], years[-1] + 1)) - set(years))
        if holes:
            raise InputError(f"{driver} ({region}) has no row for {holes[0]}"
                             + (f" (+{len(holes) - 1} more years)" if len(holes) > 1 else ""), where=where,
                             fix="add the year's published figure (growth drivers compound year by year)")


def driver_series(table: pd.DataFrame, driver: str, region: str, *, actual_only: bool = False) -> pd.Series:
    """The table's values of one driver by year (``actual_only`` drops forecasts)."""
    if driver not in DRIVERS:
        raise InputError(f"unknown driver {driver!r}", fix=f"use one of {', '.join(DRIVERS)}")
    rows = table[(table["driver"] == driver) & (table["region"] == region)]
    if actual_only:
        rows = rows[rows["basis"] != "forecast"]
    if rows.empty:
        raise InputError(f"no {driver} for region {region!r}", where="drivers.csv",
                         fix=f"add rows driver={driver}, region={region} with their sources")
    return rows.set_index("year")["value"].astype(float).sort_index()


_LEVELS: dict[tuple, tuple[pd.DataFrame, pd.Series]] = {}


def driver_level(table: pd.DataFrame, driver: str, region: str, years: np.ndarray | list[int], *,
                 actual_only: bool = False, changes: dict[int, float] | None = None) -> pd.Series:
    """See :func:`_driver_level`; results are kept per table object (tables are never edited in place)."""
    key = (id(table), driver, region, tuple(int(y) for y in years), actual_only,
           tuple(sorted((changes or {}).items())))
    if key not in _LEVELS:
        if len(_LEVELS) > 1024:
            _LEVELS.clear()
        _LEVELS[key] = (table, _driver_level(table, driver, region, years, actual_only=actual_only, changes=changes))
    return _LEVELS[key][1].copy()


def _driver_level(table: pd.DataFrame, driver: str, region: str, years: np.ndarray | list[int], *,
                  actual_only: bool = False, changes: dict[int, float] | None = None) -> pd.Series:
    """The driver's level in ``years``: growth drivers compounded into an index (first recorded year
    = 100), level drivers as published; extended past the table as the module says.

    ``changes`` (year → fraction) scales the level from that year on (a scenario's ``driver_path``);
    for a growth driver the change is in the level, so later years keep growing from the new level.
    """
    series = driver_series(table, driver, region, actual_only=actual_only)
    years = np.asarray(list(years), dtype=int)
    first, last = int(series.index.min()), int(series.index.max())
    growth = DRIVERS[driver][1]
    if growth:
        rates = series.to_numpy(float) / 100.0
        level = pd.Series(100.0 * np.cumprod(1.0 + rates) / (1.0 + rates[0]), index=series.index)
        tail = float(np.mean(rates[-3:]))
    else:
        level, tail = series, 0.0
    out = {}
    for y in years:
        if y < first:
            out[y] = float(level.iloc[0] / (1.0 + float(rates[0] if growth else 0.0)) ** (first - y))
        elif y > last:
            out[y] = float(level.iloc[-1] * (1.0 + tail) ** (y - last))
        elif y in level.index:
            out[y] = float(level.loc[y])
        else:                                      # a level driver's unpublished year, between two
            xs = level.index.to_numpy(float)
            out[y] = float(np.exp(np.interp(y, xs, np.log(np.maximum(level.to_numpy(float), 1e-12)))))
    result = pd.Series(out, dtype=float)
    for year, change in sorted((changes or {}).items()):
        result[result.index >= year] *= 1.0 + change
    return result
