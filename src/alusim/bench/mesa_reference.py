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
2. the month's cost curves (a plain sort every month): the capacity-weighted 90th percentile of
   operating cash cost (reported), China in CNY and the world in USD;
3. demand and China's net exports from the arbitrage; the price anchors — the cash cost of the
   plant needed to meet the call on primary metal (net of stocks above their seasonal normal),
   read off the curve of built capacity; rationing and stocks;
4. next month's prices: toward the anchor (plus the expected change in alumina cost), against
   stock days relative to their seasonal normal, tied by the SHFE–LME arbitrage.

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
        par = inputs.par
        p = path
        v = int(drivers.path_variant[p])
        self.path = p
        self.variant = v
        self.months = inputs.months
        self.month = 0
        # scalar parameters
        self.vat = float(par[K.P_VAT])
        self.alpha = float(par[K.P_CURTAIL_ALPHA])
        self.alumina_q = float(par[K.P_ALUMINA_Q])
        self.anode_q = float(par[K.P_ANODE_Q])
        self.anchor_markup = float(par[K.P_ANCHOR_MARKUP])
        self.anchor_q = float(par[K.P_ANCHOR_Q])
        self.arb_band = float(par[K.P_ARB_BAND])
        self.arb_tie = float(par[K.P_ARB_TIE])
        self.curtail_step = float(par[K.P_CURTAIL_STEP])
        self.export_elast = float(par[K.P_EXPORT_ELAST])
        self.export_overhang = float(par[K.P_EXPORT_OVERHANG])
        self.export_max = float(par[K.P_EXPORT_MAX])
        self.import_max = float(par[K.P_IMPORT_MAX])
        self.price_adj = float(par[K.P_PRICE_ADJ])
        self.ramp_step = float(par[K.P_RAMP_STEP])
        self.replacement_ratio = float(par[K.P_REPLACEMENT_RATIO])
        self.semis_premium = float(par[K.P_SEMIS_PREMIUM])
        self.stock_elast = float(par[K.P_STOCK_ELAST])
        self.stock_floor = float(par[K.P_STOCK_FLOOR])
        self.stock_ceiling = float(par[K.P_STOCK_CEILING])
        self.drawdown_months = float(par[K.P_DRAWDOWN_MONTHS])
        self.util_max = float(par[K.P_UTIL_MAX])
        self.monthly_util = self.util_max / 12.0
        self.exports0 = float(inputs.exports0)
        self.arb0 = float(inputs.arb0)
        # the path's exogenous series (variant-dependent ones under this path's variant)
        self.alumina_px = drivers.alumina_px[p].tolist()
        self.alumina_fwd_delta = drivers.alumina_fwd_delta[p].tolist()
        self.anode_px = drivers.anode_px[p].tolist()
        self.coal_idx = drivers.coal_idx[p].tolist()
        self.fx_path = drivers.fx[p].tolist()
        self.eps_price = drivers.eps_price[p].tolist()
        self.demand_noise = drivers.demand_noise[p].tolist()
        self.demand_base = inputs.demand_base[v].tolist()
        self.secondary_kt = inputs.secondary_kt.tolist()
        self.season_days = inputs.season_days.tolist()
        self.export_tax = inputs.export_tax[v].tolist()
        self.export_rebate = inputs.export_rebate[v].tolist()
        self.foreign_tariff = inputs.foreign_tariff[v].tolist()
        self.cap_limit_cn = inputs.cap_limit_cn[v].tolist()
        # markets
        price0, stock0 = inputs.price0, inputs.stock0
        self.cn = Market(0, "CN", float(price0[0]), float(stock0[0]), float(price0[0]),
                         float(par[K.P_STOCK_DAYS_NORMAL_CN]), float(par[K.P_PRICE_ELAST_CN]),
                         float(par[K.P_RESTART_HURDLE_CN]), float(par[K.P_RESTART_COST_CN]))
        self.row = Market(1, "ROW", float(price0[1]), float(stock0[1]), float(price0[1]),
                          float(par[K.P_STOCK_DAYS_NORMAL_ROW]), float(par[K.P_PRICE_ELAST_ROW]),
                          float(par[K.P_RESTART_HURDLE_ROW]), float(par[K.P_RESTART_COST_ROW]))
        self.markets = (self.cn, self.row)
        # smelters, created in asset order (AgentSet keeps insertion order, and the order matters:
        # plants are commissioned against China's cap one after another)
        # per-asset monthly series: (M, A) → A lists of M values
        cp, cf, avail, fclose, frestart, block = (
            x[v].T.tolist() for x in (cost_power, cost_fixed, inputs.avail_share, inputs.force_close,
                                      inputs.force_restart, inputs.build_block))
        go = drivers.planned_go[p]
        lags = drivers.restart_lag[p]
        thresholds = drivers.curtail_threshold[p]
        for a in range(inputs.n_assets):
            Smelter(self, a, self.markets[int(inputs.market[a])],
                    capacity_kt=float(inputs.capacity_kt[a]), share=float(inputs.init_share[a]),
                    state=int(inputs.init_state[a]), commission_m=int(inputs.commission_m[a]),
                    coal_share=float(inputs.coal_share[a]), co2_t_per_t=float(co2[a]),
                    is_cn=bool(inputs.is_cn[a]), counts_in_cap=bool(inputs.counts_in_cap[a]),
                    quota_transfer=bool(inputs.quota_transfer[a]),
                    planned_go=bool(go[a]), restart_lag=int(lags[a]), curtail_threshold=float(thresholds[a]),
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
        self.fx = 0.0
        self.coal = 0.0
        self.to_usd = 0.0
        # outputs, as the kernel's out[p], asset_year_prod[p] and asset_state_end[p]
        self.out = np.zeros((self.months, 2, K.N_OUT))
        self.asset_year_prod = np.zeros((inputs.n_assets, (self.months + 11) // 12))

    def step(self) -> None:
        """One month."""
        m = self.month
        cn, row = self.cn, self.row
        self.fx = fx_m = self.fx_path[m]
        self.coal = self.coal_idx[m]
        self.to_usd = 1.0 / ((1.0 + self.vat) * fx_m)
        alumina, anode, fwd = self.alumina_px[m], self.anode_px[m], self.alumina_fwd_delta[m]
        for mk in self.markets:
            mk.begin_month(self.alumina_q * alumina[mk.index] + self.anode_q * anode[mk.index], fwd[mk.index])
        # 1. plants: cost, state transition on last month's prices, output
        self.smelters.do("update_cost")
        self.smelters.do("decide")
        self.smelters.do("produce")
        # 2. this month's cost curves: plants ranked by cash cost; the operating 90th percentiles
        curve_cn = sorted(self.cn_smelters, key=attrgetter("cost"))
        curve_world = sorted(self.smelters, key=attrgetter("cost_usd"))
        p90_cn = weighted_quantile(curve_cn, "cost", "opcap", cn.cap_operating, self.anchor_q)
        p90_world = weighted_quantile(curve_world, "cost_usd", "opcap", cn.cap_operating + row.cap_operating,
                                      self.anchor_q)
        # 3. demand and trade (from last month's prices)
        noise = self.demand_noise[m]
        base = self.demand_base[m]
        dem_cn = base[0] * noise[0] * (cn.price / cn.price0) ** cn.price_elasticity
        dem_row = base[1] * noise[1] * (row.price / row.price0) ** row.price_elasticity
        sec_cn, sec_row = self.secondary_kt[m]
        netback = (row.price * fx_m * (1.0 + self.semis_premium) * (1.0 - self.foreign_tariff[m])
                   * (1.0 - self.export_tax[m]))
        basis = cn.price / (1.0 + self.vat) * (1.0 + self.vat - self.export_rebate[m])
        arb = netback / basis - 1.0
        # stocks above (or below) normal — normal including the seasonal build — are worked off over
        # a horizon; part of China's overhang leaves as extra exports
        season = self.season_days[m]
        normal_cn = cn.stock_days_normal + season[0]
        normal_row = row.stock_days_normal + season[1]
        over_cn = (cn.stock - normal_cn * dem_cn / 30.4375) / self.drawdown_months
        over_row = (row.stock - normal_row * dem_row / 30.4375) / self.drawdown_months
        exports = self.exports0 * (1.0 + self.export_elast * (arb - self.arb0)) + self.export_overhang * over_cn
        exports = min(max(exports, -self.import_max), self.export_max)
        # price anchors: the cash cost of the plant needed to meet this month's call on primary
        # metal, on the curve of built capacity (idle plants included), net of the stock overhang
        need_cn = (dem_cn - sec_cn + exports - over_cn) * 12.0 / self.util_max
        need_world = (dem_cn + dem_row - sec_cn - sec_row - over_cn - over_row) * 12.0 / self.util_max
        q_cn = min(max(need_cn / max(cn.cap_available, 1e-9), 0.0), 1.0)
        q_world = min(max(need_world / max(cn.cap_available + row.cap_available, 1e-9), 0.0), 1.0)
        marginal_cn = weighted_quantile(curve_cn, "cost", "bcap", cn.cap_available, q_cn)
        built_world = cn.cap_available + row.cap_available
        marginal_world = weighted_quantile(curve_world, "cost_usd", "bcap", built_world, q_world)
        # China: rationing cuts exports first, then domestic use
        avail_cn = cn.stock + cn.production + sec_cn
        if exports > 0.0 and exports > avail_cn:
            exports = avail_cn
        if exports < 0.0 and -exports > row.stock + row.production + sec_row:
            exports = -(row.stock + row.production + sec_row)
        cons_cn = min(dem_cn, avail_cn - exports)
        cons_row = min(dem_row, row.stock + row.production + sec_row + exports)
        cn.stock = cn.stock + cn.production + sec_cn - cons_cn - exports
        row.stock = row.stock + row.production + sec_row + exports - cons_row
        if cn.stock < 0.0:
            cn.stock = 0.0
        if row.stock < 0.0:
            row.stock = 0.0
        days_cn = cn.stock / max(dem_cn, 1e-9) * 30.4375
        days_row = row.stock / max(dem_row, 1e-9) * 30.4375
        # 4. next month's prices: toward the cost anchor, against stock days, tied by arbitrage
        rel_cn = min(max(days_cn / normal_cn, self.stock_floor), self.stock_ceiling)
        rel_row = min(max(days_row / normal_row, self.stock_floor), self.stock_ceiling)
        # the anchors use the alumina cost expected over the horizon, as the plants do
        anchor_cn = ((marginal_cn + cn.alumina_fwd_delta) * (1.0 + self.anchor_markup)
                     if marginal_cn == marginal_cn else cn.price)
        anchor_row = ((marginal_world + row.alumina_fwd_delta) * (1.0 + self.anchor_markup)
                      if marginal_world == marginal_world else row.price)
        parity = row.price * fx_m * (1.0 + self.vat)
        dev = math.log(cn.price / parity)
        tie = 0.0
        if dev > self.arb_band:
            tie = dev - self.arb_band
        elif dev < -self.arb_band:
            tie = dev + self.arb_band
        target_cn = math.log(anchor_cn) + self.stock_elast * math.log(rel_cn)
        target_row = math.log(anchor_row) + self.stock_elast * math.log(rel_row)
        eps = self.eps_price[m]
        log_cn = (math.log(cn.price) + self.price_adj * (target_cn - math.log(cn.price))
                  - self.arb_tie * tie + eps[0])
        log_row = (math.log(row.price) + self.price_adj * (target_row - math.log(row.price))
                   + 0.5 * self.arb_tie * tie + eps[1])
        # record the month (prices are the ones the month traded at)
        o = self.out[m]
        for mk in self.markets:
            r = o[mk.index]
            r[K.O_PRICE] = mk.price
            r[K.O_PRODUCTION] = mk.production
            r[K.O_CAP_BUILT] = mk.cap_built
            r[K.O_CAP_OPERATING] = mk.cap_operating
            r[K.O_CO2] = mk.co2
            r[K.O_INVENTORY] = mk.stock
            r[K.O_RESTART_COST] = mk.restart_spend
            op = mk.cap_operating
            r[K.O_SHARE_LOSS] = mk.loss_cap / op if op > 0 else 0.0
            r[K.O_MARGIN] = mk.margin_sum / op if op > 0 else 0.0
            r[K.O_COST_MEAN] = mk.cost_sum / op if op > 0 else 0.0
        o[0, K.O_CONSUMPTION], o[1, K.O_CONSUMPTION] = cons_cn, cons_row
        o[0, K.O_DEMAND], o[1, K.O_DEMAND] = dem_cn, dem_row
        o[0, K.O_UNMET], o[1, K.O_UNMET] = dem_cn - cons_cn, dem_row - cons_row
        o[0, K.O_STOCK_DAYS], o[1, K.O_STOCK_DAYS] = days_cn, days_row
        o[0, K.O_NET_EXPORTS], o[1, K.O_NET_EXPORTS] = exports, -exports
        o[0, K.O_SECONDARY], o[1, K.O_SECONDARY] = sec_cn, sec_row
        o[0, K.O_COST_P90], o[1, K.O_COST_P90] = p90_cn, p90_world
        cn.price = math.exp(log_cn)
        row.price = math.exp(log_row)
        if m % 12 == 11 or m == self.months - 1:
            year = m // 12
            for s in self.smelters:
                self.asset_year_prod[s.index, year] = s.year_prod
                s.year_prod = 0.0
        self.month += 1

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
        paths = slice(0, drivers.eps_price.shape[0])
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
