"""Total-metal demand by region and end-use sector from activity drivers.

China: each sector follows its driver with the fitted elasticity and intensity trend
(:mod:`alusim.demand.fit`), anchored on the last fitted year's recorded demand so that the path
starts where the record ends. Its sum is bounded by per-capita saturation on the same total-metal
basis (``demand.csv`` ``saturation_kg``: US ≈ 40 and Germany ≈ 42 kg against China's 27.9 kg of
primary metal in 2019, seed 000) through a smooth cap that leaves demand untouched well below it.

Rest of the world: each region follows its GDP with its income elasticity (``demand.csv``) and the
common fitted intensity trend, from its base-year consumption on the total basis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.demand.drivers import driver_level
from alusim.demand.fit import SectorFit, fit_china, fits_frame
from alusim.demand.record import apparent_consumption_kt, recorded
from alusim.errors import InputError

#: recorded years the ROW trend needs (China's trade record, and so ROW's apparent use, starts in 2014)
MIN_ROW_YEARS = 3
#: sharpness of the saturation cap: at 80 % of saturation demand is cut by 0.1 %
SATURATION_SHARPNESS = 12.0


@dataclass
class DemandModel:
    """Fitted demand: China's sector fits, the ROW intensity trend, and the years fitted."""

    china: list[SectorFit]
    row_trend: float
    row_trend_se: float
    fit_years: tuple[int, int]
    row_level: float = 0.0                                        # ROW log gap at the first fitted year
    anchor_kt: dict[str, float] = field(default_factory=dict)    # CN sector demand in the anchor year
    anchor_year: int = 0

    def table(self) -> pd.DataFrame:
        frame = fits_frame(self.china)
        row = dict(region="ROW", sector="all", driver="gdp_growth_pct", elasticity=np.nan, elasticity_se=np.nan,
                   trend=self.row_trend, trend_se=self.row_trend_se, intercept=self.row_level, base_year=self.fit_years[0],
                   spec="income_elasticity_prior", r2=np.nan, n_obs=self.fit_years[1] - self.fit_years[0] + 1,
                   years=f"{self.fit_years[0]}-{self.fit_years[1]}", source=frame["source"].iloc[0] if len(frame)
                   else "", confidence="low")
        return pd.concat([frame, pd.DataFrame([row])], ignore_index=True)


def sector_drivers(dataset: Dataset, region: str) -> dict[str, tuple[str, str]]:
    """Sector → (driver, driver region) for a region (``demand_drivers.csv``)."""
    rows = dataset.demand_drivers[dataset.demand_drivers["region"] == region]
    if rows.empty:
        raise InputError(f"no demand drivers for region {region!r}", where="demand_drivers.csv",
                         fix="add a row per sector naming its driver")
    return {r.sector: (r.driver, r.driver_region) for r in rows.itertuples()}


def row_regions(dataset: Dataset) -> list[str]:
    return [r for r in dataset.demand["region"] if r != "CN"]


def row_prior_kt(dataset: Dataset, years: list[int], *, actual_only: bool = False,
                 changes: dict[tuple[str, str], dict[int, float]] | None = None) -> pd.DataFrame:
    """(years × ROW regions) total-metal demand from GDP with the income elasticities, before the
    intensity trend (kt/yr)."""
    out = {}
    for region in row_regions(dataset):
        driver, where = sector_drivers(dataset, region)["all"]
        base_year = int(dataset.demand.loc[dataset.demand["region"] == region, "base_year"].iloc[0])
        span = sorted(set(years) | {base_year})
        level = driver_level(dataset.drivers, driver, where, span, actual_only=actual_only,
                             changes=(changes or {}).get((driver, where)))
        total0 = dataset.demand_value(region, "consumption_kt") / max(1 - dataset.demand_value(region, "secondary_share"),
                                                                      1e-9)
        elasticity = dataset.demand_value(region, "income_elasticity")
        out[region] = total0 * (level.loc[years] / level.loc[base_year]).to_numpy() ** elasticity
    return pd.DataFrame(out, index=years)


def row_recorded_kt(dataset: Dataset) -> pd.Series:
    """ROW apparent total-metal consumption (kt/yr): its primary apparent use — world minus China
    primary output plus China's net exports — plus the recycled supply the stock model gives on
    ROW's own inflows (a fixed point: the recycled supply depends on past use). Demand and recycled
    supply of the rest of the world are so on one basis and add up (:func:`row_primary_kt`)."""
    from alusim.demand.record import _memo

    return _memo(dataset, ("row_total", dataset.param("recycling.collection_factor.row")),
                 lambda: _row_total(dataset)).copy()


def row_primary_kt(dataset: Dataset) -> pd.Series:
    """ROW primary apparent use (kt/yr): world minus China primary output plus China's net exports."""
    from alusim.demand.record import net_exports_kt

    world = recorded(dataset, "production_kt", "WORLD")
    china = recorded(dataset, "production_kt", "CN")
    return (world - china + net_exports_kt(dataset)).dropna()


def _row_total(dataset: Dataset) -> pd.Series:
    from alusim.demand.paths import _demand_history, _stock_shares
    from alusim.recycling.stock_model import scrap_flows

    primary = row_primary_kt(dataset)
    regions = row_regions(dataset)
    weights = np.array([dataset.demand_value(r, "consumption_kt") for r in regions])
    shares = np.array([dataset.demand_value(r, "secondary_share") for r in regions])
    total = primary / (1.0 - float((weights * shares).sum() / weights.sum()))     # first guess
    last = int(primary.index.max())
    factor = dataset.param("recycling.collection_factor.row")
    for _ in range(ROW_FIXED_POINT_ITERATIONS):
        history = _demand_history(dataset, "ROW", last + 1, record=total)
        flows = scrap_flows(history, _stock_shares(dataset, "ROW", history.index.to_numpy()), dataset.recycling,
                            "ROW", None, factor)
        total = primary + flows.recycled.reindex(primary.index)
    return total


#: iterations of the ROW record's fixed point (recycled supply ← past use); converges to < 0.1 % in three
ROW_FIXED_POINT_ITERATIONS = 4


def fit_demand(dataset: Dataset, first: int, last: int) -> DemandModel:
    """Fit China's sectors and the ROW trend on the recorded years ``first``…``last``."""
    import statsmodels.api as sm

    years = list(range(first, last + 1))
    consumption = apparent_consumption_kt(dataset)["consumption"]
    china = fit_china(dataset, years, consumption)
    row = row_recorded_kt(dataset)
    use = [y for y in years if y in row.index]
    if not use:
        raise InputError(f"ROW: no recorded year in {first}–{last}", where="history_annual.csv",
                         fix="add world output and China's net exports")
    prior = row_prior_kt(dataset, use, actual_only=True).sum(axis=1)
    gap = np.log(row.loc[use].to_numpy(float) / prior.to_numpy(float))
    t = np.asarray(use, float) - first
    if len(use) < MIN_ROW_YEARS:
        # too few years for a trend (a short in-sample window): the level alone, no trend
        model = DemandModel(china=china, row_trend=0.0, row_trend_se=0.0, fit_years=(first, last),
                            row_level=float(gap.mean()))
        return anchored(dataset, model)
    result = sm.OLS(gap, sm.add_constant(t)).fit(cov_type="HAC", cov_kwds={"maxlags": 1})
    model = DemandModel(china=china, row_trend=float(result.params[1]), row_trend_se=float(result.bse[1]),
                        fit_years=(first, last), row_level=float(result.params[0]))
    return anchored(dataset, model)


def anchored(dataset: Dataset, model: DemandModel) -> DemandModel:
    """Set China's anchor: each sector's recorded demand in the last fitted year with a record."""
    consumption = apparent_consumption_kt(dataset)["consumption"]
    inside = [y for y in consumption.index if model.fit_years[0] <= y <= model.fit_years[1]]
    if not inside:
        raise InputError(f"no recorded China consumption in {model.fit_years[0]}–{model.fit_years[1]}",
                         where="history_monthly.csv", fix="add China's output, recycling and net exports")
    model.anchor_year = int(max(inside))
    shares = _shares(dataset, [model.anchor_year])
    model.anchor_kt = {f.sector: float(consumption.loc[model.anchor_year] * shares[f.sector].iloc[0])
                       for f in model.china}
    return model


def model_from_table(dataset: Dataset, table: pd.DataFrame) -> DemandModel:
    """The fit saved in ``demand_fit.csv`` (:meth:`DemandModel.table`), anchored on the record."""
    cn = table[table["region"] == "CN"]
    row = table[table["region"] == "ROW"]
    if cn.empty or row.empty:
        raise InputError("the saved demand fit needs CN sector rows and one ROW row", where="demand_fit.csv",
                         fix="regenerate it with scripts/fit_demand.py")
    fields = SectorFit.__dataclass_fields__
    china = [SectorFit(**{k: getattr(r, k) for k in fields}) for r in cn.itertuples()]
    first, last = (int(x) for x in str(row["years"].iloc[0]).split("-"))
    model = DemandModel(china=china, row_trend=float(row["trend"].iloc[0]), row_trend_se=float(row["trend_se"].iloc[0]),
                        fit_years=(first, last), row_level=float(row["intercept"].iloc[0]))
    return anchored(dataset, model)


def _shares(dataset: Dataset, years: list[int]) -> pd.DataFrame:
    from alusim.demand.fit import sector_shares_by_year

    return sector_shares_by_year(dataset, "CN", np.asarray(years))


def china_sector_kt(dataset: Dataset, model: DemandModel, years: list[int], *, actual_only: bool = False,
                    changes: dict[tuple[str, str], dict[int, float]] | None = None) -> pd.DataFrame:
    """(years × sectors) China total-metal demand (kt/yr), anchored on the last fitted year."""
    drivers = sector_drivers(dataset, "CN")
    out = {}
    for fit in model.china:
        driver, where = drivers[fit.sector]
        span = sorted(set(years) | {model.anchor_year})
        level = driver_level(dataset.drivers, driver, where, span, actual_only=actual_only,
                             changes=(changes or {}).get((driver, where)))
        # the fitted line, not one recorded year: a single year's noise would carry into every year
        t = np.asarray(years, float) - fit.base_year
        out[fit.sector] = np.exp(fit.intercept + fit.elasticity * np.log(level.loc[years].to_numpy()) + fit.trend * t)
    frame = pd.DataFrame(out, index=years)
    return saturate(dataset, frame.mul(_shift(dataset, "cn", years), axis=0))


def _shift(dataset: Dataset, market: str, years: list[int]) -> np.ndarray:
    """(1 + s)^(year − first year): the scenario's extra change of intensity of use
    (``demand.<cn|row>.intensity_shift_pct_per_year``, 0 in the baseline)."""
    shift = dataset.param_or(f"demand.{market}.intensity_shift_pct_per_year", 0.0) / 100.0
    return (1.0 + shift) ** (np.asarray(years, float) - years[0])


def saturate(dataset: Dataset, sectors_kt: pd.DataFrame) -> pd.DataFrame:
    """Scale China's sectors so that total use per person stays below saturation (smooth cap)."""
    population0 = dataset.demand_value("CN", "population_m")
    base_year = int(dataset.demand.loc[dataset.demand["region"] == "CN", "base_year"].iloc[0])
    pop_growth = dataset.param_or("demand.cn.population_growth_pct_per_year", 0.0) / 100.0
    years = sectors_kt.index.to_numpy(float)
    population = population0 * (1.0 + pop_growth) ** (years - base_year)
    ceiling = dataset.demand_value("CN", "saturation_kg") * population          # t → kt: kg × million = kt
    total = sectors_kt.sum(axis=1).to_numpy()
    factor = (1.0 + (total / ceiling) ** SATURATION_SHARPNESS) ** (-1.0 / SATURATION_SHARPNESS)
    return sectors_kt.mul(factor, axis=0)


def annual_demand_kt(dataset: Dataset, model: DemandModel, years: list[int], *, actual_only: bool = False,
                     changes: dict[tuple[str, str], dict[int, float]] | None = None) -> pd.DataFrame:
    """Long table ``region, sector, year, total_kt`` for China's sectors and the ROW regions."""
    frames = []
    cn = china_sector_kt(dataset, model, years, actual_only=actual_only, changes=changes)
    frames.append(cn.rename_axis("year").reset_index().melt("year", var_name="sector", value_name="total_kt")
                  .assign(region="CN"))
    row = row_prior_kt(dataset, years, actual_only=actual_only, changes=changes)
    first = model.fit_years[0]
    drift = np.exp(model.row_level + model.row_trend * (np.asarray(years, float) - first))
    row = row.mul(drift * _shift(dataset, "row", years), axis=0)
    frames.append(row.rename_axis("year").reset_index().melt("year", var_name="region", value_name="total_kt")
                  .assign(sector="all"))
    return pd.concat(frames, ignore_index=True)[["region", "sector", "year", "total_kt"]]
