"""Estimate demand elasticities on the record (statsmodels OLS, HAC standard errors).

China, per end-use sector ``s``::

    ln D[s, t] = a[s] + β[s] · ln X[s, t] + γ[s] · (t − t0) + ε

where ``D[s, t]`` is apparent total-metal consumption (:mod:`alusim.demand.record`) times the
sector's share in year ``t`` (published shares, linear between the years published, held outside),
``X[s, t]`` the sector's activity driver (``demand_drivers.csv``), ``β`` the elasticity and ``γ`` the
change in intensity of use per year. An elasticity that the record cannot pin inside
``[0, ELASTICITY_MAX]`` (a sector whose driver moved against the sector, or collinear with the
trend) is refitted as unit intensity — ``β = 1`` fixed, only ``γ`` estimated — and marked so.
Sectors whose record is itself intensity × activity (PV frames per GW, aluminium per NEV: the
``intensity`` form of ``demand_drivers.csv``) estimate the intensity alone.

Rest of the world, one equation for the aggregate: each region's demand follows its GDP with the
published income elasticity (``demand.csv``, Tcha 2002 as compiled in GLOMBO table S28); the fit
estimates the common intensity trend that closes the gap to the recorded ROW total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.demand.drivers import driver_level, driver_series
from alusim.errors import InputError

ELASTICITY_MAX = 2.5
#: recorded years needed to estimate an elasticity with a trend, and a trend alone
MIN_YEARS_ELASTICITY = 6
MIN_YEARS_TREND = 3
SOURCE = "alusim fit (statsmodels OLS, HAC s.e.) of history_monthly/history_annual on drivers.csv"


@dataclass(frozen=True)
class SectorFit:
    region: str
    sector: str
    driver: str
    elasticity: float
    elasticity_se: float
    trend: float            # change in intensity of use, fraction per year
    trend_se: float
    intercept: float
    base_year: int          # t0 of the trend
    spec: str               # "elasticity" or "unit_intensity"
    r2: float
    n_obs: int
    years: str


def sector_shares_by_year(dataset: Dataset, region: str, years: np.ndarray) -> pd.DataFrame:
    """(years × sectors) shares: published years of ``sector_shares`` linear in between, held
    outside; the static ``demand_sectors.csv`` shares where no year is published."""
    history = getattr(dataset, "sector_shares", None)
    rows = history[history["region"] == region] if history is not None and len(history) else None
    if rows is None or rows.empty:
        static = dataset.demand_sectors[dataset.demand_sectors["region"] == region]
        return pd.DataFrame({s: np.full(len(years), v) for s, v in zip(static["sector"], static["share"],
                                                                          strict=True)}, index=years)
    wide = rows.pivot_table(index="year", columns="sector", values="share").sort_index().fillna(0.0)
    wide = wide.div(wide.sum(axis=1), axis=0)
    out = {s: np.interp(years, wide.index.to_numpy(float), wide[s].to_numpy(float)) for s in wide.columns}
    return pd.DataFrame(out, index=years)


def _ols(y: np.ndarray, columns: list[np.ndarray]):
    import statsmodels.api as sm

    x = sm.add_constant(np.column_stack(columns), has_constant="add")
    return sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": 1})


def fit_sector(region: str, sector: str, driver: str, demand_kt: pd.Series, driver_level_: pd.Series,
               base_year: int, form: str = "elasticity") -> SectorFit:
    """One sector's elasticity and intensity trend (see the module docstring); ``form="intensity"``
    estimates only the level of use per unit of activity (elasticity 1, no trend): sectors whose
    record is itself intensity × activity (PV, EVs)."""
    demand_kt = demand_kt[demand_kt > 0]
    years = demand_kt.index.to_numpy(int)
    if form == "intensity" and len(years) >= 1:
        ratio = np.log(demand_kt.to_numpy(float)) - np.log(driver_level_.reindex(years).to_numpy(float))
        return SectorFit(region, sector, driver, 1.0, 0.0, 0.0, 0.0, float(ratio.mean()), base_year, "intensity",
                         float("nan"), len(years), f"{years.min()}-{years.max()}")
    if len(years) < MIN_YEARS_TREND:
        # too short a record (a sector that is new, e.g. EVs before 2016): unit intensity at its mean
        # level, no trend; a sector absent from the window (no share) keeps no demand
        level = (float(np.mean(np.log(demand_kt.to_numpy(float)) - np.log(driver_level_.reindex(years).to_numpy(float))))
                 if len(years) else float("-inf"))
        return SectorFit(region, sector, driver, 1.0, 0.0, 0.0, 0.0, level, base_year, "unit_intensity", float("nan"),
                         len(years), f"{years.min()}-{years.max()}" if len(years) else f"{base_year}-{base_year}")
    y = np.log(demand_kt.to_numpy(float))
    lx = np.log(driver_level_.reindex(years).to_numpy(float))
    t = (years - base_year).astype(float)
    result = _ols(y, [lx, t]) if len(years) >= MIN_YEARS_ELASTICITY else None
    beta, gamma = (float(result.params[1]), float(result.params[2])) if result is not None else (np.nan, np.nan)
    if result is not None and 0.0 <= beta <= ELASTICITY_MAX:
        return SectorFit(region, sector, driver, beta, float(result.bse[1]), gamma, float(result.bse[2]),
                         float(result.params[0]), base_year, "elasticity", float(result.rsquared), len(years),
                         f"{years.min()}-{years.max()}")
    unit = _ols(y - lx, [t])
    return SectorFit(region, sector, driver, 1.0, 0.0, float(unit.params[1]), float(unit.bse[1]),
                     float(unit.params[0]), base_year, "unit_intensity", float(unit.rsquared), len(years),
                     f"{years.min()}-{years.max()}")


def fit_china(dataset: Dataset, years: range | list[int], consumption_kt: pd.Series) -> list[SectorFit]:
    """Sector fits for China on ``years`` (those with a recorded consumption)."""
    from alusim.demand.model import sector_drivers

    use = [y for y in years if y in consumption_kt.index]
    consumption = consumption_kt.loc[use]
    shares = sector_shares_by_year(dataset, "CN", np.asarray(use))
    base_year = int(min(use)) if use else 2010
    fits = []
    forms = dataset.demand_drivers.set_index(["region", "sector"])["form"]
    for sector, (driver, driver_region) in sector_drivers(dataset, "CN").items():
        recorded_years = driver_series(dataset.drivers, driver, driver_region, actual_only=True).index
        level = driver_level(dataset.drivers, driver, driver_region, use, actual_only=True)
        level = level[level.index.isin(recorded_years)]
        if sector not in shares:
            raise InputError(f"CN sector {sector} has no share in any year", where="sector_shares.csv",
                             fix="give every sector of demand_drivers.csv a share")
        if forms.get(("CN", sector)) == "intensity":
            # intensities come from the years a split is published, not from shares interpolated between them
            published = set(dataset.sector_shares.loc[dataset.sector_shares["region"] == "CN", "year"])
            level = level[level.index.isin(published)]
        sector_kt = (consumption * shares[sector].to_numpy()).loc[level.index]
        fits.append(fit_sector("CN", sector, driver, sector_kt, level, base_year, forms.get(("CN", sector), "elasticity")))
    return fits


def fits_frame(fits: list[SectorFit]) -> pd.DataFrame:
    """The fits as a table (``demand_fit.csv``), with the source column every data table has."""
    frame = pd.DataFrame([f.__dict__ for f in fits])
    frame["source"] = SOURCE
    frame["confidence"] = np.where(frame["spec"] == "elasticity", "medium", "low")
    return frame
