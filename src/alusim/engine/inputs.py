"""Build the engine's arrays from a dataset and a scenario: small pure functions, no I/O.

:class:`EngineInputs` holds everything the kernel reads. Policy levers (``alusim.levers``) edit a
fresh copy of it; with no events it is exactly what :func:`build_inputs` returns, so a lever that is
absent changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alusim.costs.buildup import cost_table, direct_co2_t_per_t
from alusim.dataset import Dataset
from alusim.dataset.dataset import relocations
from alusim.engine import kernel as K
from alusim.engine.availability import run_ceiling, start_share
from alusim.engine.nodes import node_arrays
from alusim.engine.trade_terms import trade_paths, vat_path
from alusim.scenario.model import Scenario

MARKETS = ("CN", "ROW")
STATE_CODE = {name: i for i, name in enumerate(K.STATE_NAMES)}


@dataclass
class EngineInputs:
    """Arrays for one run. Shapes: A assets, M months, V event variants."""

    start: str
    months: int
    assets: pd.DataFrame                     # the asset table (with scenario-added assets)
    market: np.ndarray                       # (A,) 0 = CN, 1 = ROW
    capacity_kt: np.ndarray                  # (A,) built capacity, kt/yr
    init_share: np.ndarray                   # (A,) running share of capacity at start
    init_state: np.ndarray                   # (A,) state code
    commission_m: np.ndarray                 # (A,) month index when construction completes, -1 none
    power_ac_kwh_t: np.ndarray               # (A,)
    tariff0: np.ndarray                      # (A,) asset currency per kWh, incl. tiered surcharge
    coal_share: np.ndarray                   # (A,) share of the power tariff that follows coal
    other_cost: np.ndarray                   # (A,) asset currency per t
    direct_co2: np.ndarray                   # (A,) t CO2e per t (anode + PFC)
    power_co2_t_mwh: np.ndarray              # (A,) t CO2 per MWh of the asset's power
    is_cn: np.ndarray                        # (A,) bool
    counts_in_cap: np.ndarray                # (A,) bool, capacity counted by China's cap
    quota_transfer: np.ndarray               # (A,) bool, relocation: the source's closure hands its quota
                                             # to the new plant (no free quota, no cap check for the new plant)
    demand_base: np.ndarray                  # (V, M, 2) kt/month total metal demand before price response
    season_factor: np.ndarray                # (M, 2) seasonal multiplier of demand (demand / its level)
    secondary_kt: np.ndarray                 # (M, 2) kt/month recycled supply
    season_days: np.ndarray                  # (M, 2) stock days that seasonal demand alone builds or draws
    export_scale: np.ndarray                 # (M,) rest-of-world demand over its first-year level
    vat: np.ndarray                          # (M,) China's VAT rate in force
    years_from_ref: np.ndarray               # (M,) years from the incentive price's reference year
    export_tax: np.ndarray                   # (V, M)
    export_rebate: np.ndarray                # (V, M)
    foreign_tariff: np.ndarray               # (V, M) export-weighted tariff on Chinese metal abroad
    cap_limit_cn: np.ndarray                 # (V, M) kt; +inf without a cap
    import_cost_add: np.ndarray              # (V, M) USD/t added to China's import cost over LME (events)
    avail_share: np.ndarray                  # (V, M, A) share of capacity allowed to run
    power_mult: np.ndarray                   # (V, M, A)
    power_add: np.ndarray                    # (V, M, A) asset currency per kWh
    carbon1: np.ndarray                      # (V, M, A) asset currency per t CO2e, on scope-1 emissions
    carbon2: np.ndarray                      # (V, M, A) asset currency per t CO2, on power (scope-2) emissions
    force_close: np.ndarray                  # (V, M, A) bool
    force_restart: np.ndarray                # (V, M, A) bool
    build_block: np.ndarray                  # (V, M, A) bool
    input_mult: np.ndarray                   # (V, M, 4, 2) scenario multipliers on alumina, coal, anode, FX per market
    par: dict[str, float]                    # the kernel's parameters (engine.params.FIELDS), levers may edit
    start_state: np.ndarray                  # (kernel.N_START,) observed prices, visible stocks, trade flows
    # the regions outside China (R nodes, :mod:`alusim.engine.nodes`)
    node_names: list[str]                    # (R,) region codes
    asset_node: np.ndarray                   # (A,) region of a plant outside China (0 for China's)
    node_demand: np.ndarray                  # (V, M, R) kt/month total-metal demand; sums to demand_base[..., 1]
    node_secondary: np.ndarray               # (M, R) kt/month recycled supply; sums to secondary_kt[:, 1]
    node_base_flow: np.ndarray               # (R, R) kt/month along each corridor at the start
    node_freight: np.ndarray                 # (R, R) USD/t
    node_tariff: np.ndarray                  # (V, M, R, R) ad-valorem import tariff at the destination
    node_border: np.ndarray                  # (V, M, R, R) USD/t border charge (CBAM)
    node_open: np.ndarray                    # (V, M, R, R) 1 − the share of a corridor a sanction closes
    node_premium0: np.ndarray                # (R,) USD/t premium over LME at the start
    node_cn_export_share: np.ndarray         # (R,) share of China's exports going to each region
    node_cn_import_share: np.ndarray         # (R,) share of China's primary imports from each region
    node_cn_import_open: np.ndarray          # (V, M, R) 1 − the share of a region's sales to China closed
    node_cn_tariff: np.ndarray               # (V, M, R) each region's tariff on Chinese metal
    node_greenfield_share: np.ndarray        # (R,) where greenfield capacity outside China runs
    #: (M, A) share of capacity a plant held back by power, equipment or policy may run
    #: (:mod:`alusim.engine.availability`; 1 elsewhere); ``avail_share`` starts from it
    run_ceiling: np.ndarray = field(default_factory=lambda: np.ones((0, 0)))
    #: a calibration ensemble: one dict of kernel parameters per member (empty: ``par`` alone)
    par_sets: list[dict[str, float]] = field(default_factory=list)
    variant_prob: list[float] = field(default_factory=list)   # probability of each probabilistic event
    variant_events: list[int] = field(default_factory=list)   # scenario event index per probabilistic event
    notes: list[str] = field(default_factory=list)
    #: alumina-chain events (``supply_disruption``, ``export_ban``) for :mod:`alusim.alumina.engine`
    alumina_events: list[dict] = field(default_factory=list)
    lever_log: dict[int, list[str]] = field(default_factory=dict)
    #: (variant, month, plant rows, variants then) closed by :func:`schedule_relocations`, undone when it
    #: runs again
    relocation_marks: list[tuple[int, int, np.ndarray, int]] = field(default_factory=list)

    @property
    def n_assets(self) -> int:
        return len(self.capacity_kt)

    @property
    def price0(self) -> np.ndarray:
        """(2,) SHFE CNY/t and LME USD/t in the first month."""
        return self.start_state[[K.S_PRICE_CN, K.S_PRICE_ROW]]

    @property
    def stock0(self) -> np.ndarray:
        """(2,) visible stocks at the start, kt."""
        return self.start_state[[K.S_STOCK_CN, K.S_STOCK_ROW]]

    def parameter_sets(self) -> list[dict[str, float]]:
        """Every parameter set the paths draw from: the ensemble members over ``par`` (lever edits kept)."""
        if not self.par_sets:
            return [dict(self.par)]
        return [{**self.par, **member} for member in self.par_sets]


def month_labels(start: str, months: int) -> pd.PeriodIndex:
    return pd.period_range(start=start, periods=months, freq="M")


def _commission_month(row, start_year: int, start_month: int) -> int:
    """Construction/planned projects finish mid-year of their start year (or 3 months in when late);
    a dated ``commission`` (``YYYY-MM``, history replays) is kept to the month."""
    if row.status not in ("construction", "planned"):
        return -1
    dated = str(getattr(row, "commission", "") or "")
    if dated:
        return max((int(dated[:4]) - start_year) * 12 + int(dated[5:7]) - start_month, 0)
    m = (int(row.start_year) - start_year) * 12 + (6 - start_month)
    return max(m, 3)


def asset_arrays(dataset: Dataset, start: str) -> dict[str, np.ndarray]:
    """Static per-asset arrays (costs in the asset's currency, CNY tax-inclusive for China)."""
    table = dataset.smelters
    year = int(start[:4])
    # conversion costs and tariffs as recorded nearest the start (alumina and anode come from the
    # price paths; a history replay moves coal and FX along the record)
    years = dataset.input_prices["year"]
    costs = cost_table(dataset, min(max(year, int(years.min())), int(years.max())))
    is_cn = (table["country"] == "CN").to_numpy()
    cap = table["capacity_kt"].to_numpy(float)
    op = table["operating_kt"].to_numpy(float)
    status = table["status"].to_numpy()
    init_share = np.where(cap > 0, op / np.maximum(cap, 1e-9), 0.0)
    init_state = np.array([STATE_CODE[s] for s in status], dtype=np.int64)
    # partly running plants start as curtailed, fully idle ones as idle
    init_state = np.where((init_state == STATE_CODE["operating"]) & (init_share < 0.999), STATE_CODE["curtailed"],
                          init_state)
    init_state = np.where(np.isin(init_state, (STATE_CODE["operating"], STATE_CODE["curtailed"]))
                          & (init_share <= 1e-9), STATE_CODE["idle"], init_state)
    y0, m0 = int(start[:4]), int(start[5:7])
    commission = np.array([_commission_month(r, y0, m0) for r in table.itertuples()], dtype=np.int64)
    coal_share = np.select(
        [table["power_source"] == "captive_coal", table["power_source"] == "grid", table["power_source"] == "mixed"],
        [dataset.param("cost.coal_pass_through.captive_coal"), dataset.param("cost.coal_pass_through.grid"),
         0.5 * dataset.param("cost.coal_pass_through.grid")], 0.0)
    power_ef = np.array([_power_factor(dataset, r) for r in table.itertuples()])
    arrays = dict(
        market=np.where(is_cn, 0, 1).astype(np.int64), capacity_kt=cap, init_share=np.clip(init_share, 0, 1),
        init_state=init_state, commission_m=commission,
        power_ac_kwh_t=costs["power_ac_kwh_t"].to_numpy(float), tariff0=costs["tariff_per_kwh"].to_numpy(float),
        coal_share=coal_share.astype(float), other_cost=costs["other_cost"].to_numpy(float),
        direct_co2=direct_co2_t_per_t(dataset), power_co2_t_mwh=power_ef, is_cn=is_cn,
        counts_in_cap=is_cn.copy(), quota_transfer=relocation_mask(table))
    # own, writable, contiguous copies: levers edit them, and pandas may hand out read-only views
    return {name: np.array(value, copy=True, order="C") for name, value in arrays.items()}


def relocation_mask(table: pd.DataFrame) -> np.ndarray:
    """Projects that take over a plant's quota (``replaces``, a relocation) and the plants they replace:
    the quota passes from one to the other, so neither the project's start nor the plant's closure
    moves China's built capacity under the cap (as with a ``relocate`` event)."""
    mask = np.zeros(len(table), dtype=np.bool_)
    for project, plants in relocations(table):
        mask[project] = True
        mask[plants] = True
    return mask


def schedule_relocations(inputs: EngineInputs) -> None:
    """Close each replaced plant in the month its relocation project starts: the project's commission
    month, or the first month after it that no scenario event blocks the build. Runs when the inputs
    are built and again once every event is applied (an event may commission the project earlier or
    suspend it); the closures of an earlier call are undone first."""
    n_variants = inputs.force_close.shape[0]
    for v, m, plants, then in inputs.relocation_marks:
        # a mark made before the events expanded the variants was copied into every variant
        inputs.force_close[v if then == n_variants else slice(None), m, plants] = False
    inputs.relocation_marks = []
    for project, plants in relocations(inputs.assets):
        first = int(inputs.commission_m[project])
        if first < 0 or not len(plants):
            continue
        for v in range(n_variants):
            free = np.flatnonzero(~inputs.build_block[v, first:, project])
            if not len(free):
                continue
            m = first + int(free[0])
            fresh = plants[~inputs.force_close[v, m, plants]]     # leave closures other events set
            inputs.force_close[v, m, fresh] = True
            inputs.relocation_marks.append((v, m, fresh, n_variants))


def relocation_projects(assets: pd.DataFrame) -> np.ndarray:
    """Row positions of the relocation projects of an asset table."""
    return np.array([project for project, _ in relocations(assets)], dtype=np.int64)


def _power_factor(dataset: Dataset, row) -> float:
    """t CO2 per MWh of the power a smelter uses: its own plant type, or its grid's average."""
    factors = dataset.emission_factor_map()
    if row.power_source in ("captive_coal", "hydro", "gas"):
        return dataset.emission_factor(f"power.{row.power_source}")
    keys = []
    if isinstance(row.province, str) and row.province:
        keys.append(f"grid.{row.country}.{row.province}")
    keys.append(f"grid.{row.country}")
    for key in keys:
        if key in factors:
            value = factors[key]
            return 0.5 * value + 0.5 * factors["power.hydro"] if row.power_source == "mixed" else value
    return dataset.emission_factor("power.grid_default")


def engine_parameters(dataset: Dataset) -> dict[str, float]:
    """The kernel's parameters (:data:`alusim.engine.params.FIELDS`), read from the dataset by dotted name."""
    from alusim.engine.params import parameter_values

    return parameter_values(dataset)


def seasonality(dataset: Dataset, market: str) -> np.ndarray:
    """12 monthly demand multipliers with mean 1 (``demand.seasonality.<cn|row>.mNN``)."""
    values = np.array([dataset.param_or(f"demand.seasonality.{market.lower()}.m{m:02d}", 1.0)
                       for m in range(1, 13)])
    return values / values.mean()


def seasonal_stock_days(dataset: Dataset, scenario: Scenario) -> np.ndarray:
    """(M, 2) days of demand by which stocks sit above (or below) their yearly mean in each calendar
    month when supply is flat and demand follows its seasonal pattern (e.g. the social-inventory build
    after Chinese New Year, SMM [R50][R51])."""
    labels = month_labels(scenario.start, scenario.months)
    out = np.zeros((scenario.months, 2))
    for k, mk in enumerate(MARKETS):
        season = seasonality(dataset, mk)
        build = np.cumsum(1.0 - season) * 30.4375          # days of demand accumulated by each month's end
        build -= build.mean()
        out[:, k] = build[labels.month.to_numpy() - 1]
    return out


def demand_paths(dataset: Dataset, scenario: Scenario,
                 changes: dict[tuple[str, str], dict[int, float]] | None = None
                 ) -> tuple[np.ndarray, np.ndarray, pd.DataFrame, np.ndarray]:
    """(M, 2) total-metal demand and (M, 2) recycled supply in kt/month, the annual demand by region
    and sector, and (M, 2) demand without its seasonality: activity drivers → fitted demand → stock
    model (:mod:`alusim.demand.paths`)."""
    from alusim.demand.paths import market_paths, monthly

    months = scenario.months
    labels = month_labels(scenario.start, months)
    first, last = int(labels[0].year), int(labels[-1].year) + 1
    paths = market_paths(dataset, first, last, changes=changes)
    demand = np.zeros((months, 2))
    level = np.zeros((months, 2))
    secondary = np.zeros((months, 2))
    for k, mk in enumerate(MARKETS):
        rows = paths.annual[(paths.annual["region"] == "CN") == (mk == "CN")]
        total = rows.groupby("year")["total_kt"].sum()
        demand[:, k] = monthly(total, labels, seasonality(dataset, mk))
        level[:, k] = monthly(total, labels)
        sec = paths.secondary[paths.secondary["market"] == mk].set_index("year")["recycled"]
        secondary[:, k] = np.minimum(monthly(sec, labels), 0.9 * demand[:, k])
    return demand, secondary, paths.annual, level


def incentive_years(dataset: Dataset, start: str, months: int) -> np.ndarray:
    """(M,) years from the date of ``market.incentive_price_usd_t`` (its price basis) to each month."""
    ref = int(str(dataset.parameters.set_index("name").loc["market.incentive_price_usd_t", "date"])[:4])
    labels = month_labels(start, months)
    return ((labels.year - ref) + (labels.month - 7) / 12.0).to_numpy(float)


def start_state(dataset: Dataset) -> np.ndarray:
    """The observed market in the first month: prices, visible stocks and China's trade flows."""
    out = np.zeros(K.N_START)
    out[K.S_PRICE_CN] = dataset.param("price.shfe.start_cny_t")
    out[K.S_PRICE_ROW] = dataset.param("price.lme.start_usd_t")
    out[K.S_STOCK_CN] = dataset.param("inventory.start_kt.cn")
    out[K.S_STOCK_ROW] = dataset.param("inventory.start_kt.row")
    out[K.S_EXPORTS] = dataset.param("trade.cn_exports_start_kt_per_year") / 12.0
    out[K.S_IMPORTS] = dataset.param("trade.cn_imports_start_kt_per_year") / 12.0
    return out


def build_inputs(dataset: Dataset, scenario: Scenario) -> EngineInputs:
    """Everything the kernel needs for ``scenario`` on ``dataset``, before any policy event.

    No hidden scaling: demand is what the activity drivers give, stocks and flows start where they
    were observed, and any imbalance between them shows up as a stock change in the first months.
    """
    dataset = dataset.with_overrides(scenario.assumptions) if scenario.assumptions else dataset
    months = scenario.months
    arrays = asset_arrays(dataset, scenario.start)
    n_assets = len(arrays["capacity_kt"])
    ceiling = run_ceiling(dataset.smelters.reset_index(drop=True), dataset.capacity_history, scenario.start, months,
                          1.0 / max(dataset.param("supply.ramp_up_months"), 1e-9))
    arrays["init_share"] = start_share(arrays["init_share"], ceiling[0])
    demand, secondary, annual, level = demand_paths(dataset, scenario)
    trade = trade_paths(dataset, scenario.start, months)
    observed = start_state(dataset)
    first_year = level[:12, 1].mean()
    inputs = EngineInputs(
        start=scenario.start, months=months, assets=dataset.smelters.reset_index(drop=True), **arrays,
        demand_base=demand[None], season_factor=demand / np.maximum(level, 1e-12), secondary_kt=secondary,
        season_days=seasonal_stock_days(dataset, scenario), export_scale=level[:, 1] / max(first_year, 1e-9),
        vat=vat_path(dataset, scenario.start, months), years_from_ref=incentive_years(dataset, scenario.start, months),
        cap_limit_cn=np.full((1, months), np.inf), import_cost_add=np.zeros((1, months)),
        avail_share=ceiling[None].copy(), run_ceiling=ceiling, power_mult=np.ones((1, months, n_assets)),
        power_add=np.zeros((1, months, n_assets)), carbon1=np.zeros((1, months, n_assets)),
        carbon2=np.zeros((1, months, n_assets)), force_close=np.zeros((1, months, n_assets), dtype=np.bool_),
        force_restart=np.zeros((1, months, n_assets), dtype=np.bool_),
        build_block=np.zeros((1, months, n_assets), dtype=np.bool_), input_mult=np.ones((1, months, 4, 2)),
        par=engine_parameters(dataset), start_state=observed, **trade,
        **node_arrays(dataset, scenario, arrays, demand, secondary, annual, observed))
    if len(inputs.node_names) > 1:
        # with regions, China's netback loss weighs each region's tariff by its export share from the
        # start, as the levers do once an event moves a tariff (not trade.cn_export_share.*)
        from alusim.engine.node_terms import china_netback_loss

        inputs.foreign_tariff[:] = china_netback_loss(inputs.node_cn_export_share, inputs.node_cn_tariff)
    schedule_closures(inputs, scenario.start)
    schedule_relocations(inputs)
    inputs.start_state[K.S_ARB] = arbitrage(inputs, 0, inputs.start_state[K.S_PRICE_CN],
                                            inputs.start_state[K.S_PRICE_ROW], dataset.param("fx.cny_per_usd"))
    return inputs


def schedule_closures(inputs: EngineInputs, start: str) -> None:
    """Close assets in the month their ``closes`` column names (history replays: plants shut by their
    owners, capacity moved away); months outside the run are ignored."""
    if "closes" not in inputs.assets.columns:
        return
    y0, m0 = int(start[:4]), int(start[5:7])
    for a, when in enumerate(inputs.assets["closes"].fillna("").astype(str)):
        if when:
            m = (int(when[:4]) - y0) * 12 + int(when[5:7]) - m0
            if 0 <= m < inputs.months:
                inputs.force_close[:, m, a] = True


def arbitrage(inputs: EngineInputs, m: int, shfe: float, lme: float, fx: float) -> float:
    """log(netback abroad / domestic basis) of China's semis exports in month ``m`` of variant 0 (the
    kernel's formula, :func:`alusim.engine.market.export_arbitrage`)."""
    from alusim.engine.market import export_arbitrage

    return float(export_arbitrage(shfe, lme, fx, inputs.vat[m], inputs.par["semis_premium"],
                                  inputs.foreign_tariff[0, m], inputs.export_tax[0, m], inputs.export_rebate[0, m]))
