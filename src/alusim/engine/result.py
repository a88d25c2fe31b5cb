"""Simulation results: an xarray Dataset over (path, month, region) plus per-asset annual output.

Flows (production, consumption, trade, CO2) are per month in kt (CO2 in Mt); capacities are kt/yr;
prices are SHFE CNY/t (tax-inclusive) and LME USD/t; stock days are days of current demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from alusim.dataset import Dataset
from alusim.engine import kernel as K
from alusim.engine.annual import ordered_values
from alusim.engine.inputs import EngineInputs, month_labels
from alusim.engine.stochastic import Drivers
from alusim.quantiles import path_nanmean, path_quantiles
from alusim.scenario.model import Scenario

REGIONS = ("CN", "ROW", "WORLD")


def _alumina_co2(dataset: Dataset, production: np.ndarray, alumina_t_per_t: float) -> np.ndarray:
    """Upstream (scope 3) CO2e of the alumina that the metal used, Mt per month, by market — reported
    apart from the smelters' scope 1+2, as CRU and IAI do (domain-facts.md b9)."""
    factors = np.array([dataset.emission_factor("alumina.CN"), dataset.emission_factor("alumina.ROW")])
    out = np.empty_like(production)
    out[..., 0] = production[..., 0] * alumina_t_per_t * factors[0] * 1e-3
    out[..., 1] = production[..., 1] * alumina_t_per_t * factors[1] * 1e-3
    out[..., 2] = out[..., 0] + out[..., 1]
    return out


QUANTILES = (0.05, 0.5, 0.95)


def _alumina_variables(drivers, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """The alumina market's variables by region (CN, ROW, WORLD): prices (China CNY/t VAT-inclusive;
    FOB Australia USD/t for ROW and WORLD, as the record has it) and the balance (alusim.alumina)."""
    market = drivers.alumina_market
    out = {}
    cny = np.full(shape, np.nan)
    cny[..., 0] = drivers.alumina_px[..., 0]
    usd = np.full(shape, np.nan)
    usd[..., 1] = usd[..., 2] = drivers.alumina_px[..., 1]
    out["price_alumina_cny_t"], out["price_alumina_usd_t"] = cny, usd
    for name, k in (("alumina_cost_support_cny_t", 0), ("alumina_cost_support_usd_t", 1)):
        support = np.full(shape, np.nan)
        support[..., k] = market["support"][..., k]
        out[name] = support
    for name, key, world in (("production_alumina_kt", "production_kt", "sum"),
                             ("consumption_alumina_kt", "consumption_kt", "sum"),
                             ("inventory_alumina_kt", "inventory_kt", "sum"), ("unmet_alumina_kt", "unmet_kt", "sum"),
                             ("imports_alumina_kt", "imports_kt", "none"), ("exports_alumina_kt", "exports_kt", "none"),
                             ("bauxite_shortfall_alumina_kt", "bauxite_cut_kt", "sum")):
        values = np.full(shape, np.nan)
        values[..., :2] = market[key]
        values[..., 2] = market[key].sum(axis=-1) if world == "sum" else np.nan
        out[name] = values
    return out


def start_stocks(out: np.ndarray) -> np.ndarray:
    """(P, 2) total stocks (visible + unreported) each path opened with, kt — the kernel's opening
    balance, so that the mass balance can be checked from the first month."""
    return out[:, 0, :, K.O_INVENTORY_OPEN].copy()


#: flows summed over a year in annual summaries (the rest are averaged, stocks taken at year end)
FLOW_VARIABLES = ("production_kt", "consumption_kt", "demand_kt", "unmet_demand_kt", "net_exports_kt",
                  "imports_primary_kt", "exports_semis_kt", "secondary_production_kt", "co2_mt", "co2_alumina_mt",
                  "restart_cost_musd", "production_alumina_kt", "consumption_alumina_kt", "imports_alumina_kt",
                  "exports_alumina_kt", "unmet_alumina_kt", "bauxite_shortfall_alumina_kt")
#: stocks and stock days are year-end values in annual summaries (as in balance tables)
STOCK_VARIABLES = ("inventory_kt", "inventory_total_kt", "capacity_built_kt", "capacity_greenfield_kt", "stock_days",
                   "inventory_alumina_kt")


@dataclass
class SimulationResult:
    """The outcome of :func:`alusim.simulate`: ``.data`` (xarray), ``.summary()`` (pandas)."""

    scenario: Scenario
    data: xr.Dataset
    assets: pd.DataFrame
    asset_production_kt: np.ndarray          # (P, A, Y) kt per year
    asset_state_end: np.ndarray              # (P, A)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    _summaries: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _annual: xr.Dataset | None = field(default=None, repr=False)
    #: the regions outside China (alusim.engine.region_result), None when the run has none
    regions: xr.Dataset | None = field(default=None, repr=False)
    _asset_table: pd.DataFrame | None = field(default=None, repr=False)

    @classmethod
    def from_arrays(cls, scenario: Scenario, dataset: Dataset, inputs: EngineInputs, out: np.ndarray,
                    asset_year: np.ndarray, state_end: np.ndarray, drivers: Drivers,
                    timings: dict[str, float]) -> SimulationResult:
        months = month_labels(scenario.start, scenario.months).to_timestamp()
        n_paths = out.shape[0]
        vat = inputs.vat[None, :]
        fx = drivers.fx
        shape = (n_paths, scenario.months, 3)

        def regional(index: int, world: str = "sum") -> np.ndarray:
            arr = np.full(shape, np.nan)
            arr[..., 0] = out[..., 0, index]
            arr[..., 1] = out[..., 1, index]
            if world == "sum":
                arr[..., 2] = out[..., 0, index] + out[..., 1, index]
            return arr

        cap_op = regional(K.O_CAP_OPERATING)
        cap_built = regional(K.O_CAP_BUILT)
        production = regional(K.O_PRODUCTION)
        co2 = regional(K.O_CO2)
        loss = out[..., K.O_SHARE_LOSS] * out[..., K.O_CAP_OPERATING]
        share_loss = regional(K.O_SHARE_LOSS, world="none")
        share_loss[..., 2] = loss.sum(-1) / np.maximum(cap_op[..., 2], 1e-9)
        margin_cn_usd = out[..., 0, K.O_MARGIN] / ((1 + vat) * fx)
        margin_usd = np.full(shape, np.nan)
        margin_usd[..., 1] = out[..., 1, K.O_MARGIN]
        margin_usd[..., 0] = margin_cn_usd
        margin_usd[..., 2] = ((margin_cn_usd * out[..., 0, K.O_CAP_OPERATING] + out[..., 1, K.O_MARGIN]
                               * out[..., 1, K.O_CAP_OPERATING]) / np.maximum(cap_op[..., 2], 1e-9))
        margin_cny = np.full(shape, np.nan)
        margin_cny[..., 0] = out[..., 0, K.O_MARGIN]
        p90_cny = np.full(shape, np.nan)
        p90_cny[..., 0] = out[..., 0, K.O_COST_P90]
        p90_usd = np.full(shape, np.nan)
        p90_usd[..., 2] = out[..., 1, K.O_COST_P90]
        shfe = np.full(shape, np.nan)
        shfe[..., 0] = out[..., 0, K.O_PRICE]
        lme = np.full(shape, np.nan)
        lme[..., 1] = out[..., 1, K.O_PRICE]
        lme[..., 2] = out[..., 1, K.O_PRICE]
        inventory = regional(K.O_INVENTORY)
        inventory_total = regional(K.O_INVENTORY_TOTAL)

        def china_only(index: int) -> np.ndarray:
            arr = np.full(shape, np.nan)
            arr[..., 0] = out[..., 0, index]
            return arr

        support_cny = china_only(K.O_COST_SUPPORT)
        support_usd = np.full(shape, np.nan)
        support_usd[..., 2] = out[..., 1, K.O_COST_SUPPORT]
        greenfield = np.zeros(shape)
        greenfield[..., 1] = out[..., 1, K.O_GREENFIELD]
        greenfield[..., 2] = out[..., 1, K.O_GREENFIELD]
        consumption = regional(K.O_CONSUMPTION)
        demand = regional(K.O_DEMAND)
        stock_days = regional(K.O_STOCK_DAYS, world="none")
        stock_days[..., 2] = inventory[..., 2] / np.maximum(demand[..., 2], 1e-9) * 30.4375
        net_exports = regional(K.O_NET_EXPORTS, world="none")
        net_exports[..., 2] = 0.0
        restart = np.full(shape, np.nan)
        restart[..., 0] = out[..., 0, K.O_RESTART_COST] * 1e-3 / ((1 + vat) * fx)  # kt·CNY/t → MUSD
        restart[..., 1] = out[..., 1, K.O_RESTART_COST] * 1e-3
        restart[..., 2] = restart[..., 0] + restart[..., 1]
        variables = {
            "price_shfe_cny_t": shfe, "price_lme_usd_t": lme,
            "production_kt": production, "capacity_built_kt": cap_built, "capacity_operating_kt": cap_op,
            "operating_rate": production * 12.0 / np.maximum(cap_built, 1e-9),
            "consumption_kt": consumption, "demand_kt": demand, "unmet_demand_kt": regional(K.O_UNMET),
            "inventory_kt": inventory, "inventory_total_kt": inventory_total, "stock_days": stock_days,
            "net_exports_kt": net_exports, "imports_primary_kt": china_only(K.O_IMPORTS),
            "exports_semis_kt": china_only(K.O_EXPORTS), "import_parity_cny_t": china_only(K.O_IMPORT_PARITY),
            "cash_cost_support_cny_t": support_cny, "cash_cost_support_usd_t": support_usd,
            "capacity_greenfield_kt": greenfield,
            "secondary_production_kt": regional(K.O_SECONDARY), "cash_cost_p90_cny_t": p90_cny,
            "cash_cost_p90_usd_t": p90_usd, "margin_cny_t": margin_cny, "margin_usd_t": margin_usd,
            "share_loss_making": share_loss, "co2_mt": co2 * 1e-3,
            "co2_t_per_t": co2 / np.maximum(production, 1e-9), "restart_cost_musd": restart,
            "co2_alumina_mt": _alumina_co2(dataset, production, inputs.par["alumina_q"]),
        }
        if getattr(drivers, "alumina_market", None) is not None:
            variables.update(_alumina_variables(drivers, shape))
        data = xr.Dataset(
            {name: (("path", "month", "region"), values) for name, values in variables.items()},
            coords={"path": np.arange(n_paths), "month": months, "region": list(REGIONS)},
            attrs={"scenario": scenario.name, "seed": scenario.seed, "start": scenario.start, "end": scenario.end,
                   "stock0": [float(inputs.stock0[0]), float(inputs.stock0[1])]})
        data["inventory_start_kt"] = (("path", "market"), start_stocks(out))
        data["fx_cny_per_usd"] = (("path", "month"), fx)
        return cls(scenario=scenario, data=data, assets=inputs.assets, asset_production_kt=asset_year,
                   asset_state_end=state_end, notes=list(inputs.notes), timings=timings)

    # -- summaries ---------------------------------------------------------------------------
    @property
    def variables(self) -> list[str]:
        return [v for v in self.data.data_vars if "region" in self.data.variables[v].dims]

    def annual(self) -> xr.Dataset:
        """Per path and calendar year: flows summed, stocks at year end, the rest averaged (cached)."""
        if self._annual is None:
            self._annual = self._make_annual()
        return self._annual

    def _make_annual(self) -> xr.Dataset:
        from alusim.engine.annual import annual_dataset

        return annual_dataset(self.data, self.variables, FLOW_VARIABLES, STOCK_VARIABLES)

    def summary(self, freq: str = "M") -> pd.DataFrame:
        """Long table ``variable, region, month, mean, p05, p50, p95`` (freq ``M`` or ``Y``), cached."""
        key = "M" if freq.upper().startswith("M") else "Y"
        if key in self._summaries:
            return self._summaries[key]
        source = self.data if key == "M" else self.annual()
        months = source["month"].values
        labels = pd.DatetimeIndex(months).strftime("%Y-%m") if key == "M" else months.astype(str)
        # the columns of every (variable, region) block, concatenated once: one frame instead of ~90
        # small ones and a concat (the same rows, values and column types)
        names, regions, means, p05, p50, p95 = [], [], [], [], [], []
        blocks = [(source, name) for name in self.variables]
        if self.regions is not None:      # the regions outside China, after the aggregates
            nodes = self.regions if key == "M" else self._regions_annual()
            blocks += [(nodes, name) for name in nodes.data_vars
                       if nodes.variables[name].dims == ("path", "month", "region")]
        for data, name in blocks:
            arr = ordered_values(data, name)
            names_r = [str(r) for r in data["region"].values]
            nan = np.isnan(arr)
            # regions with no value in any month or path (e.g. SHFE outside China) have no rows: they
            # are not sorted (a percentile of a column depends on that column alone)
            defined = [r for r in range(len(names_r)) if not nan[:, :, r].all()]
            if not defined:
                continue
            # one sort per variable gives every percentile (bit for bit np.nanquantile's)
            qs = path_quantiles(arr if len(defined) == len(names_r) else arr[:, :, defined], QUANTILES)
            for j, r in enumerate(defined):      # qs: (3, month, defined region)
                region = names_r[r]
                column, column_nan = arr[:, :, r], nan[:, :, r]
                if column_nan.any():      # rare (e.g. a cost percentile with no plant running)
                    mean = path_nanmean(column)     # np.nanmean's values, without touching warnings
                else:
                    mean = column.mean(axis=0)
                names.append(name)
                regions.append(region)
                means.append(mean)
                p05.append(qs[0, :, j])
                p50.append(qs[1, :, j])
                p95.append(qs[2, :, j])
        n = len(labels)
        out = pd.DataFrame({"variable": np.repeat(np.array(names, dtype=object), n),
                            "region": np.repeat(np.array(regions, dtype=object), n),
                            "month": np.tile(np.asarray(labels, dtype=object), len(names)),
                            "mean": np.concatenate(means), "p05": np.concatenate(p05),
                            "p50": np.concatenate(p50), "p95": np.concatenate(p95)})
        self._summaries[key] = out
        return out

    def _regions_annual(self) -> xr.Dataset:
        from alusim.engine.annual import annual_dataset
        from alusim.engine.region_result import REGION_FLOWS

        monthly = self.regions.drop_vars(["flow_kt"]).drop_dims(["year", "origin", "destination"], errors="ignore")
        return annual_dataset(monthly, [v for v in monthly.data_vars], REGION_FLOWS, ("inventory_total_kt",))

    def asset_table(self) -> pd.DataFrame:
        """Per asset and year: production percentiles over paths, CO2 and the end-state mix (cached, as
        the summaries are: a run writes it to its folder and to the store)."""
        if self._asset_table is None:
            self._asset_table = self._make_asset_table()
        return self._asset_table

    def _make_asset_table(self) -> pd.DataFrame:
        assets = self.assets
        years = int(self.scenario.start[:4]) + np.arange(self.asset_production_kt.shape[2])
        prod = self.asset_production_kt
        mean = prod.mean(axis=0)
        qs = path_quantiles(prod, QUANTILES)
        rows = []
        for y, year in enumerate(years):
            rows.append(pd.DataFrame({
                "asset_id": assets["asset_id"], "name": assets["name"], "owner": assets["owner"],
                "country": assets["country"], "province": assets["province"].fillna(""),
                "power_source": assets["power_source"], "year": int(year),
                "capacity_kt": assets["capacity_kt"].to_numpy(float),
                "production_mean_kt": mean[:, y], "production_p05_kt": qs[0, :, y],
                "production_p50_kt": qs[1, :, y], "production_p95_kt": qs[2, :, y]}))
        table = pd.concat(rows, ignore_index=True)
        end = self.asset_state_end
        share = {name: (end == code).mean(axis=0) for code, name in enumerate(K.STATE_NAMES)}
        states = pd.DataFrame({f"share_paths_{k}_at_end": v for k, v in share.items()})
        states["asset_id"] = assets["asset_id"].to_numpy()
        return table.merge(states, on="asset_id", how="left")

    def balance_error_kt(self) -> float:
        """Largest |stock change − (production + secondary + imports − consumption − exports)| over
        paths, months and markets, in kt (DESIGN.md §5)."""
        inv = self.data["inventory_total_kt"].sel(region=["CN", "ROW"]).values
        prev = np.concatenate([self.data["inventory_start_kt"].values[:, None, :], inv[:, :-1]], axis=1)
        flow = (self.data["production_kt"].sel(region=["CN", "ROW"]).values
                + self.data["secondary_production_kt"].sel(region=["CN", "ROW"]).values
                - self.data["consumption_kt"].sel(region=["CN", "ROW"]).values
                - self.data["net_exports_kt"].sel(region=["CN", "ROW"]).values)
        return float(np.abs(inv - prev - flow).max())

    def report(self, path, dataset: Dataset | None = None):
        """Write this run's report to ``path`` and return the path: self-contained HTML, or an Excel
        workbook (one sheet per table, units in headers) when ``path`` ends in ``.xlsx``."""
        from alusim.report.deck import write_result

        return write_result(self, path, dataset)

    def headline(self) -> pd.DataFrame:
        """A short table for the terminal: first and last year, median and p05–p95."""
        annual = self.summary("Y")
        rows = [("price_lme_usd_t", "WORLD"), ("price_shfe_cny_t", "CN"), ("production_kt", "CN"),
                ("production_kt", "WORLD"), ("net_exports_kt", "CN"), ("stock_days", "CN"),
                ("share_loss_making", "CN"), ("co2_t_per_t", "WORLD")]
        years = sorted(annual["month"].unique())
        picks = [years[0], years[-1]]
        out = []
        for var, region in rows:
            for year in picks:
                hit = annual[(annual["variable"] == var) & (annual["region"] == region) & (annual["month"] == year)]
                if len(hit):
                    r = hit.iloc[0]
                    out.append({"variable": var, "region": region, "year": year, "p05": r.p05, "p50": r.p50,
                                "p95": r.p95})
        return pd.DataFrame(out)
