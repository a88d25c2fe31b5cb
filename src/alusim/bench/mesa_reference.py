"""A reference implementation of the engine's model as per-plant Python objects with Mesa.

This is the same model as :func:`alusim.engine.kernel.simulate_kernel`, written the way an
agent-based modeller would write it: one :class:`MarketModel` (a ``mesa.Model``) per Monte Carlo
path, holding two :class:`Market` objects (China/SHFE and the rest of the world/LME) and one
:class:`Smelter` agent (a ``mesa.Agent``) per asset, each with its own state, running share,
expected margin and restart timer. One ``step()`` is one month, in the kernel's order:

1. every smelter updates its cash cost and expected margin (``update_cost``), takes its state
   transition on last month's price (``decide``) and runs (``produce``) — three passes over
   ``model.agents`` in asset order, which is equivalent to the kernel's single interleaved loop
   because the only state shared between plants (China's built capacity and the cap's tightening)
   is touched in ``decide`` alone;
2. the month's operating cost curves (a plain sort every month): the 90th percentile (reported)
   and the support percentile, China in CNY and the world in USD;
3. demand (activity path × noise × the 12- over 36-month price response);
4. China's primary imports (logistic in the import arbitrage) and semis exports (constant
   elasticity to the export arbitrage), each adjusting toward its target;
5. stocks (visible + unreported), with rationing;
6. next month's prices: cost support × (stocks / normal)^elasticity × the price-to-cost ratio,
   floored at the cost floor, SHFE capped near import parity and LME at the incentive price.

Because it mirrors the kernel formula by formula, it has to follow every change of the kernel's
model; ``tests/bench/test_mesa_reference.py`` fails when the two drift apart.

It reads the very same :class:`~alusim.engine.inputs.EngineInputs` and
:class:`~alusim.engine.stochastic.Drivers` as the kernel, so on one path its monthly outputs must
equal the kernel's ``out[p]`` up to floating-point rounding. It exists to check the kernel and to
measure the kernel's speed against the standard way of writing such a model
(``alusim.bench.harness``); it is not used by the engine. Mesa is a benchmark-only dependency.
"""

from __future__ import annotations

import math
from operator import attrgetter

import mesa
import numpy as np

from alusim.bench.mesa_agents import CLOSED, CONSTRUCTION, PLANNED, Market, Smelter, weighted_quantile
from alusim.engine import kernel as K
from alusim.engine.inputs import EngineInputs
from alusim.engine.params import stack
from alusim.engine.simulate import co2_intensity, cost_terms
from alusim.engine.stochastic import Drivers


class MarketModel(mesa.Model):
    """One Monte Carlo path of the industry: two markets and one agent per smelter.

    ``path`` indexes the random ``drivers`` (and picks the path's event variant). The cost terms
    and CO2 intensities can be passed in to share them between paths.
    """

    def __init__(self, inputs: EngineInputs, drivers: Drivers, path: int, *,
                 cost_power: np.ndarray | None = None, cost_fixed: np.ndarray | None = None,
                 co2: np.ndarray | None = None):
        super().__init__(seed=path)
        if cost_power is None or cost_fixed is None:
            cost_power, cost_fixed = cost_terms(inputs)
        co2 = co2_intensity(inputs) if co2 is None else co2
        par = stack(inputs.parameter_sets())
        p = path
        v = int(drivers.path_variant[p])
        ps = int(drivers.path_set[p])
        self.path = p
        self.variant = v
        self.months = inputs.months
        self.month = 0
        # this path's parameter set, by name
        self.par = {name: float(getattr(par, name)[ps]) for name in par._fields}
        q = self.par
        self.alpha = q["margin_alpha"]
        self.alumina_q = q["alumina_q"]
        self.anode_q = q["anode_q"]
        self.curtail_step = q["curtail_step"]
        self.curtail_threshold = q["curtail_threshold"]
        self.curtail_spread = q["curtail_spread"]
        self.restart_lag_spread = q["restart_lag_spread"]
        self.recover_margin = q["recover_margin"]
        self.ramp_step = q["ramp_step"]
        self.replacement_ratio = q["replacement_ratio"]
        self.util_max = q["util_max"]
        self.monthly_util = self.util_max / 12.0
        start = inputs.start_state
        self.visible0 = (float(start[K.S_STOCK_CN]), float(start[K.S_STOCK_ROW]))
        self.exports = self.exports0 = float(start[K.S_EXPORTS])
        self.imports = float(start[K.S_IMPORTS])
        self.arb0 = float(start[K.S_ARB])
        # the path's exogenous series (variant-dependent ones under this path's variant)
        self.alumina_px = drivers.alumina_px[p].tolist()
        self.alumina_fwd_delta = drivers.alumina_fwd_delta[p].tolist()
        self.anode_px = drivers.anode_px[p].tolist()
        self.coal_idx = drivers.coal_idx[p].tolist()
        self.fx_path = drivers.fx[p].tolist()
        self.z_price = drivers.z_price[p].tolist()
        self.demand_noise = drivers.demand_noise[p].tolist()
        self.demand_base = inputs.demand_base[v].tolist()
        self.season_factor = inputs.season_factor.tolist()
        self.secondary_kt = inputs.secondary_kt.tolist()
        self.season_days = inputs.season_days.tolist()
        self.export_tax = inputs.export_tax[v].tolist()
        self.export_rebate = inputs.export_rebate[v].tolist()
        self.foreign_tariff = inputs.foreign_tariff[v].tolist()
        self.cap_limit_cn = inputs.cap_limit_cn[v].tolist()
        self.import_cost_add = inputs.import_cost_add[v].tolist()
        self.export_scale = inputs.export_scale.tolist()
        self.vat_path = inputs.vat.tolist()
        self.years_from_ref = inputs.years_from_ref.tolist()
        # markets: total stocks = visible + the unreported estimate (days of demand without seasonality)
        level0 = [self.demand_base[0][k] / self.season_factor[0][k] for k in range(2)]
        self.cn = Market(0, "CN", float(start[K.S_PRICE_CN]),
                         float(start[K.S_STOCK_CN]) + q["unreported_days_cn"] * level0[0] / K.DAYS,
                         stock_days_normal=q["stock_days_normal_cn"], unreported_days=q["unreported_days_cn"],
                         price_elasticity=q["price_elast_cn"], restart_hurdle=q["restart_hurdle_cn"],
                         restart_cost=q["restart_cost_cn"], restart_lag=q["restart_lag_cn"],
                         take_or_pay=q["take_or_pay_cn"], new_build_hurdle=q["new_build_hurdle_cn"],
                         log_price_to_cost=q["log_price_to_cost_cn"])
        self.row = Market(1, "ROW", float(start[K.S_PRICE_ROW]),
                          float(start[K.S_STOCK_ROW]) + q["unreported_days_row"] * level0[1] / K.DAYS,
                          stock_days_normal=q["stock_days_normal_row"], unreported_days=q["unreported_days_row"],
                          price_elasticity=q["price_elast_row"], restart_hurdle=q["restart_hurdle_row"],
                          restart_cost=q["restart_cost_row"], restart_lag=q["restart_lag_row"],
                          take_or_pay=q["take_or_pay_row"], new_build_hurdle=-1e300,
                          log_price_to_cost=q["log_price_to_cost_row"])
        self.markets = (self.cn, self.row)
        for mk, visible0 in zip(self.markets, self.visible0, strict=True):
            mk.visible_share = visible0 / max(mk.stock, 1e-9)
        # smelters, created in asset order (AgentSet keeps insertion order, and the order matters:
        # plants are commissioned against China's cap one after another)
        # per-asset monthly series: (M, A) → A lists of M values
        cp, cf, avail, fclose, frestart, block = (
            x[v].T.tolist() for x in (cost_power, cost_fixed, inputs.avail_share, inputs.force_close,
                                      inputs.force_restart, inputs.build_block))
        go = drivers.planned_go[p]
        u_lag = drivers.u_lag[p]
        u_thr = drivers.u_threshold[p]
        for a in range(inputs.n_assets):
            Smelter(self, a, self.markets[int(inputs.market[a])],
                    capacity_kt=float(inputs.capacity_kt[a]), share=float(inputs.init_share[a]),
                    state=int(inputs.init_state[a]), commission_m=int(inputs.commission_m[a]),
                    coal_share=float(inputs.coal_share[a]), co2_t_per_t=float(co2[a]),
                    is_cn=bool(inputs.is_cn[a]), counts_in_cap=bool(inputs.counts_in_cap[a]),
                    quota_transfer=bool(inputs.quota_transfer[a]),
                    planned_go=bool(go[a]), u_lag=float(u_lag[a]), u_threshold=float(u_thr[a]),
                    cost_power=cp[a], cost_fixed=cf[a], avail_share=avail[a], force_close=fclose[a],
                    force_restart=frestart[a], build_block=block[a])
        self.smelters = self.agents_by_type[Smelter]
        self.cn_smelters = self.smelters.select(lambda s: s.is_cn)
        # China's national capacity cap: built capacity it counts, and quota from closures
        self.built_cn = 0.0
        for s in self.smelters:
            if s.in_cn_cap and s.state not in (PLANNED, CONSTRUCTION, CLOSED):
                self.built_cn += s.capacity_kt
        self.cap_cut = 0.0
        self.green_queue = [0.0] * self.months
        self.green_committed = 0.0
        self.green_online = 0.0
        self.fx = 0.0
        self.coal = 0.0
        self.to_usd = 0.0
        # outputs, as the kernel's out[p], asset_year_prod[p] and asset_state_end[p]
        self.out = np.zeros((self.months, 2, K.N_OUT))
        self.asset_year_prod = np.zeros((inputs.n_assets, (self.months + 11) // 12))

    def step(self) -> None:
        """One month."""
        m = self.month
        q = self.par
        cn, row = self.cn, self.row
        self.fx = fx_m = self.fx_path[m]
        self.coal = self.coal_idx[m]
        vat = self.vat_path[m]
        self.to_usd = 1.0 / ((1.0 + vat) * fx_m)
        alumina, anode, fwd = self.alumina_px[m], self.anode_px[m], self.alumina_fwd_delta[m]
        for mk in self.markets:
            mk.begin_month(self.alumina_q * alumina[mk.index] + self.anode_q * anode[mk.index], fwd[mk.index])
        # 1. plants: cost and expected margin, state transition on last month's prices, output
        self.smelters.do("update_cost")
        self.smelters.do("decide")
        self.smelters.do("produce")
        # 1b. greenfield capacity outside China, committed while the 36-month LME average is above the
        # incentive price, on line after the build lag, running when the price covers its cash cost
        escalation = (1.0 + q["incentive_escalation"]) ** self.years_from_ref[m]
        if q["greenfield_rate"] > 0.0:
            excess = row.slow / (q["incentive_usd_t"] * escalation) - 1.0
            if excess > 0.0 and self.green_committed < q["greenfield_max"]:
                add = min(q["greenfield_rate"] * excess / 0.1 / 12.0, q["greenfield_max"] - self.green_committed)
                self.green_committed += add
                on = m + int(q["greenfield_build_months"])
                if on < self.months:
                    self.green_queue[on] += add
            self.green_online += self.green_queue[m]
            if self.green_online > 0.0:
                row.cap_built += self.green_online
                green_cost = q["greenfield_cost_usd_t"] * escalation
                if row.price > green_cost:
                    out_q = self.green_online * self.monthly_util
                    row.production += out_q
                    row.cap_operating += self.green_online
                    row.co2 += out_q * q["greenfield_co2"]
                    row.margin_sum += self.green_online * (row.price - green_cost)
                    row.cost_sum += self.green_online * green_cost
        # 2. this month's operating cost curves: plants ranked by cash cost
        curve_cn = sorted(self.cn_smelters, key=attrgetter("cost"))
        curve_world = sorted(self.smelters, key=attrgetter("cost_usd"))
        op_world = cn.cap_operating + row.cap_operating
        p90_cn = weighted_quantile(curve_cn, "cost", "opcap", cn.cap_operating, 0.9)
        sup_cn = weighted_quantile(curve_cn, "cost", "opcap", cn.cap_operating, q["support_quantile"])
        p90_world = weighted_quantile(curve_world, "cost_usd", "opcap", op_world, 0.9)
        sup_world = weighted_quantile(curve_world, "cost_usd", "opcap", op_world, q["support_quantile"])
        # 3. demand: the activity path × noise × the short-run response to price
        noise = self.demand_noise[m]
        base = self.demand_base[m]
        dem_cn = base[0] * noise[0] * (cn.fast / cn.slow) ** cn.price_elasticity
        dem_row = base[1] * noise[1] * (row.fast / row.slow) ** row.price_elasticity
        sec_cn, sec_row = self.secondary_kt[m]
        level = [base[k] / self.season_factor[m][k] for k in range(2)]
        season = self.season_days[m]
        normal_cn = (cn.stock_days_normal + cn.unreported_days + season[0]) * level[0] / K.DAYS
        normal_row = (row.stock_days_normal + row.unreported_days + season[1]) * level[1] / K.DAYS
        # 4. trade: primary imports on the import arbitrage, semis exports on the export arbitrage
        parity = (row.price + q["import_cost_usd_t"] + self.import_cost_add[m]) * fx_m * (1.0 + q["import_duty"]) * (1.0 + vat)
        if m == 0 and q["start_equilibrium"] > 0:
            # the observed start: visible stocks as recorded, unreported ones as the prices reveal
            incentive0 = q["incentive_usd_t"] * (1.0 + q["incentive_escalation"]) ** self.years_from_ref[0]
            sup0_cn = sup_cn + cn.alumina_fwd_delta if sup_cn == sup_cn else cn.price
            sup0_row = self._incentive_capped(sup_world + row.alumina_fwd_delta if sup_world == sup_world
                                              else row.price, incentive0)
            for mk, sup0, normal, visible0, _k in ((cn, sup0_cn, normal_cn, self.visible0[0], 0),
                                                  (row, sup0_row, normal_row, self.visible0[1], 1)):
                mk.stock = max(self._implied_ratio(mk, sup0) * normal, visible0)
                mk.visible_share = visible0 / max(mk.stock, 1e-9)
        open_cn, open_row = cn.stock, row.stock
        m_target = q["import_max"] / (1.0 + math.exp(-(math.log(cn.price / parity) - q["import_threshold"])
                                                      / q["import_width"]))
        netback = (row.price * fx_m * (1.0 + q["semis_premium"]) * (1.0 - self.foreign_tariff[m])
                   * (1.0 - self.export_tax[m]))
        basis = cn.price / (1.0 + vat) * (1.0 + vat - self.export_rebate[m])
        arb = math.log(netback / basis)
        overhang = q["export_overhang"] * max(cn.stock - normal_cn, 0.0) / 12.0
        x_target = (self.exports0 * self.export_scale[m] * math.exp(q["export_elasticity"] * (arb - self.arb0))
                    + overhang)
        x_target = min(max(x_target, 0.0), q["export_max"])
        self.imports += q["trade_adjust"] * (m_target - self.imports)
        self.exports += q["trade_adjust"] * (x_target - self.exports)
        # 5. stocks; rationing cuts imports to what the rest of the world has, exports to what China
        # has, then use
        self.imports = min(self.imports, row.stock + row.production + sec_row)
        self.exports = min(self.exports, cn.stock + cn.production + sec_cn + self.imports)
        imports, exports = self.imports, self.exports
        cons_cn = min(dem_cn, cn.stock + cn.production + sec_cn + imports - exports)
        cons_row = min(dem_row, row.stock + row.production + sec_row + exports - imports)
        cn.stock = max(cn.stock + cn.production + sec_cn + imports - exports - cons_cn, 0.0)
        row.stock = max(row.stock + row.production + sec_row + exports - imports - cons_row, 0.0)
        visible_cn = cn.stock * cn.visible_share
        visible_row = row.stock * row.visible_share
        # 6. next month's prices: cost support × (stocks / normal)^elasticity × the price-to-cost
        # ratio, never below the cost floor; SHFE capped near import parity; the incentive price caps
        # LME's normal-stock price (not the premium of scarce stocks)
        support_cn = sup_cn + cn.alumina_fwd_delta if sup_cn == sup_cn else cn.price
        support_row = sup_world + row.alumina_fwd_delta if sup_world == sup_world else row.price
        target_cn = self._target(cn, support_cn, normal_cn)
        # the cap's rent: with little of China's cap left to build, SHFE's target moves toward parity
        cap = self.cap_limit_cn[m] - self.cap_cut
        if cap < math.inf and cap > 0.0 and q["cap_rent_headroom"] > 0.0:
            weight = min(max(1.0 - (1.0 - self.built_cn / cap) / q["cap_rent_headroom"], 0.0), 1.0)
            ratio = cn.stock / max(normal_cn, 1e-9)     # a glut undercuts the marginal import
            if ratio > 1.0:
                weight *= min(max((q["stock_ceiling"] - ratio) / max(q["stock_ceiling"] - 1.0, 1e-9), 0.0), 1.0)
            rent = math.log(parity) + q["log_cap_rent_parity"]
            if weight > 0.0 and rent > target_cn:
                target_cn += weight * (rent - target_cn)
        target_cn = min(target_cn, math.log(parity) + q["import_threshold"] + 3.0 * q["import_width"])
        incentive = q["incentive_usd_t"] * (1.0 + q["incentive_escalation"]) ** self.years_from_ref[m]
        support_row = self._incentive_capped(support_row, incentive)
        target_row = self._target(row, support_row, normal_row)
        z = self.z_price[m]
        log_cn = math.log(cn.price) + q["price_adjust"] * (target_cn - math.log(cn.price)) + q["vol_shfe"] * z[0]
        log_row = math.log(row.price) + q["price_adjust"] * (target_row - math.log(row.price)) + q["vol_lme"] * z[1]
        # record the month (prices are the ones the month traded at)
        o = self.out[m]
        for mk in self.markets:
            r = o[mk.index]
            r[K.O_PRICE] = mk.price
            r[K.O_PRODUCTION] = mk.production
            r[K.O_CAP_BUILT] = mk.cap_built
            r[K.O_CAP_OPERATING] = mk.cap_operating
            r[K.O_CO2] = mk.co2
            r[K.O_INVENTORY_TOTAL] = mk.stock
            r[K.O_INVENTORY_OPEN] = open_cn if mk.index == 0 else open_row
            r[K.O_RESTART_COST] = mk.restart_spend
            op = mk.cap_operating
            r[K.O_SHARE_LOSS] = mk.loss_cap / op if op > 0 else 0.0
            r[K.O_MARGIN] = mk.margin_sum / op if op > 0 else 0.0
            r[K.O_COST_MEAN] = mk.cost_sum / op if op > 0 else 0.0
        o[0, K.O_CONSUMPTION], o[1, K.O_CONSUMPTION] = cons_cn, cons_row
        o[0, K.O_DEMAND], o[1, K.O_DEMAND] = dem_cn, dem_row
        o[0, K.O_UNMET], o[1, K.O_UNMET] = dem_cn - cons_cn, dem_row - cons_row
        o[0, K.O_INVENTORY], o[1, K.O_INVENTORY] = visible_cn, visible_row
        o[0, K.O_STOCK_DAYS] = visible_cn / max(dem_cn, 1e-9) * K.DAYS
        o[1, K.O_STOCK_DAYS] = visible_row / max(dem_row, 1e-9) * K.DAYS
        o[0, K.O_EXPORTS], o[1, K.O_EXPORTS] = exports, imports
        o[0, K.O_IMPORTS], o[1, K.O_IMPORTS] = imports, exports
        o[0, K.O_NET_EXPORTS], o[1, K.O_NET_EXPORTS] = exports - imports, imports - exports
        o[0, K.O_SECONDARY], o[1, K.O_SECONDARY] = sec_cn, sec_row
        o[0, K.O_COST_P90], o[1, K.O_COST_P90] = p90_cn, p90_world
        o[0, K.O_COST_SUPPORT], o[1, K.O_COST_SUPPORT] = support_cn, support_row
        o[0, K.O_IMPORT_PARITY], o[1, K.O_IMPORT_PARITY] = parity, incentive
        o[1, K.O_GREENFIELD] = self.green_online
        cn.end_month(math.exp(log_cn))
        row.end_month(math.exp(log_row))
        if m % 12 == 11 or m == self.months - 1:
            year = m // 12
            for s in self.smelters:
                self.asset_year_prod[s.index, year] = s.year_prod
                s.year_prod = 0.0
        self.month += 1

    def _incentive_capped(self, support: float, incentive: float) -> float:
        """The rent above cost at normal stocks stops at the incentive price; cost push passes."""
        return min(support, max(incentive, support) / math.exp(self.row.log_price_to_cost))

    def _implied_ratio(self, mk: Market, support: float) -> float:
        """The stock ratio at which the price rule gives the market's current price."""
        q = self.par
        gap = math.log(mk.price / support)
        if gap <= q["log_cost_floor"] + 1e-12 or q["stock_elasticity"] == 0.0:
            return q["stock_ceiling"] if gap <= q["log_cost_floor"] + 1e-12 else 1.0
        return min(max(math.exp((gap - mk.log_price_to_cost) / q["stock_elasticity"]), q["stock_floor"]),
                   q["stock_ceiling"])

    def _target(self, mk: Market, support: float, normal: float) -> float:
        """log target price: support × (stocks / normal)^elasticity × the price-to-cost ratio, not
        below the cost floor, the stock ratio bounded; a glut beyond the ceiling erodes the floor."""
        q = self.par
        raw = mk.stock / max(normal, 1e-9)
        ratio = min(max(raw, q["stock_floor"]), q["stock_ceiling"])
        glut = min(max(raw / q["stock_ceiling"], 1.0), q["glut_max"])
        return (math.log(support) + max(mk.log_price_to_cost + q["stock_elasticity"] * math.log(ratio),
                                        q["log_cost_floor"]) + q["stock_elasticity"] * math.log(glut))

    def run(self) -> MarketModel:
        """Step through every month of the run."""
        while self.month < self.months:
            self.step()
        return self

    def state_end(self) -> np.ndarray:
        """(A,) state code of each asset after the last month."""
        return np.array([s.state for s in self.smelters], dtype=np.int64)


def run_reference(inputs: EngineInputs, drivers: Drivers, paths: slice | int | None = None):
    """Run the Mesa reference over a slice of paths (or the first ``paths`` paths); returns
    ``(out, asset_year_prod, asset_state_end)`` shaped like :func:`alusim.engine.simulate.run_kernel`'s."""
    if paths is None:
        paths = slice(0, drivers.z_price.shape[0])
    elif isinstance(paths, int):
        paths = slice(0, paths)
    cost_power, cost_fixed = cost_terms(inputs)
    co2 = co2_intensity(inputs)
    outs, years, states = [], [], []
    for p in range(paths.start or 0, paths.stop):
        model = MarketModel(inputs, drivers, p, cost_power=cost_power, cost_fixed=cost_fixed, co2=co2).run()
        outs.append(model.out)
        years.append(model.asset_year_prod)
        states.append(model.state_end())
    return np.stack(outs), np.stack(years), np.stack(states)
