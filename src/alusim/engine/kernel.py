"""The compiled month-step kernel: named tuples of plain arrays in, plain arrays out; no units, no I/O.

One call simulates every path over every month. Paths run in parallel (``prange``); within a path
the months run in order because each month's decisions use last month's prices and stocks. One
month, in order (docs/model.md):

1. **costs** of every plant (alumina, anode, power that follows coal, the rest, carbon) and its
   **decision** on its expected margin (:mod:`alusim.engine.plants`), then its **output**;
2. the month's **cost curves** — China (CNY) and the world (USD), kept sorted;
3. **demand** (the activity-driven path × noise × the short-run response to price);
4. **trade**: China's primary imports and its exports of semis, each toward its arbitrage target
   (:mod:`alusim.engine.market`);
5. **stocks** absorb each market's balance and never go negative (exports, then use, are rationed);
6. next month's **prices**: toward cost support × f(stocks / normal), SHFE capped at import
   parity, the normal-stock LME price capped at the incentive price, with the path's price shocks.

Market index 0 is China (CNY/t tax-inclusive, SHFE), 1 is the rest of the world (USD/t, LME). Each
path reads its parameter set ``par.<field>[draws.path_set[p]]`` (:mod:`alusim.engine.params`).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit, prange

from alusim.engine import market as mkt
from alusim.engine.curves import FAST as _FAST
from alusim.engine.curves import insertion_sort, two_quantiles
from alusim.engine.plants import (
    CLOSED,
    CONSTRUCTION,
    CURTAILED,
    IDLE,
    OPERATING,
    PLANNED,
    RESTARTING,
    STATE_NAMES,
    curtail_threshold,
    decide,
    restart_lag_months,
)

__all__ = ["STATE_NAMES", "PLANNED", "CONSTRUCTION", "OPERATING", "CURTAILED", "IDLE", "RESTARTING", "CLOSED"]

#: static per-asset arrays (A,)
Assets = namedtuple("Assets", ["market", "capacity_kt", "init_share", "init_state", "commission_m", "coal_share",
                               "co2_t_per_t", "is_cn", "counts_in_cap", "quota_transfer"])
#: time series: (V, M, 2) demand, (M, 2) its seasonal factor, secondary and seasonal stock days, (V, M) policy,
#: (M,) the rest
Series = namedtuple("Series", ["demand_base", "season_factor", "secondary_kt", "season_days", "export_tax",
                               "export_rebate", "foreign_tariff", "cap_limit_cn", "import_cost_add", "export_scale",
                               "vat", "years_from_ref"])
#: event arrays (V, M, A) and the months that carry any forced change (V, M)
Events = namedtuple("Events", ["cost_power", "cost_fixed", "avail_share", "force_close", "force_restart",
                               "build_block", "flags_any"])
#: random draws per path (P, …)
Draws = namedtuple("Draws", ["path_variant", "path_set", "alumina_px", "anode_px", "alumina_fwd_delta", "coal_idx",
                             "fx", "z_price", "demand_noise", "planned_go", "u_lag", "u_threshold"])
#: the observed start: (SHFE, LME, visible stocks CN, ROW, exports, imports kt/month, export arbitrage)
(S_PRICE_CN, S_PRICE_ROW, S_STOCK_CN, S_STOCK_ROW, S_EXPORTS, S_IMPORTS, S_ARB, N_START) = range(8)

# indices of per-(path, month, market) outputs
(O_PRICE, O_PRODUCTION, O_CAP_BUILT, O_CAP_OPERATING, O_CONSUMPTION, O_DEMAND, O_INVENTORY, O_INVENTORY_TOTAL,
 O_STOCK_DAYS, O_NET_EXPORTS, O_EXPORTS, O_IMPORTS, O_SECONDARY, O_COST_P90, O_COST_SUPPORT, O_MARGIN,
 O_SHARE_LOSS, O_CO2, O_UNMET, O_RESTART_COST, O_COST_MEAN, O_IMPORT_PARITY, O_INVENTORY_OPEN, O_GREENFIELD,
 N_OUT) = range(25)

DAYS = mkt.DAYS_PER_MONTH


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def demand_level(series, v, m, k):
    """kt/month of demand without its seasonality (the level normal stocks are measured against)."""
    return series.demand_base[v, m, k] / series.season_factor[m, k]


@njit(cache=True, parallel=True, fastmath=_FAST, error_model="numpy")
def simulate_kernel(assets, series, events, draws, par, start, out, asset_year_prod, asset_state_end):
    n_paths, n_months = draws.z_price.shape[0], draws.z_price.shape[1]
    n_assets = assets.capacity_kt.shape[0]
    for p in prange(n_paths):
        v = draws.path_variant[p]
        s = draws.path_set[p]
        alumina_q = par.alumina_q[s]
        anode_q = par.anode_q[s]
        alpha = par.margin_alpha[s]
        state = assets.init_state.copy()
        share = assets.init_share.copy()
        exp_margin = np.zeros(n_assets)
        timer = np.zeros(n_assets, dtype=np.int64)
        cost = np.zeros(n_assets)
        opcap = np.zeros(n_assets)
        threshold = np.empty(n_assets)
        lag = np.empty(n_assets, dtype=np.int64)
        order_cn = np.empty(n_assets, dtype=np.int64)
        order_row = np.empty(n_assets, dtype=np.int64)
        year_prod = np.zeros(n_assets)
        # this path's parameters that the plant loop reads, by market (0 CN, 1 ROW)
        take_or_pay = np.array([par.take_or_pay_cn[s], par.take_or_pay_row[s]])
        hurdle = np.array([par.restart_hurdle_cn[s], par.restart_hurdle_row[s]])
        new_build = np.array([par.new_build_hurdle_cn[s], -1e300])
        restart_cost = np.array([par.restart_cost_cn[s], par.restart_cost_row[s]])
        recover = par.recover_margin[s]
        ramp_step = par.ramp_step[s]
        curtail_step = par.curtail_step[s]
        monthly_util = par.util_max[s] / 12.0
        replacement = par.replacement_ratio[s]
        prod = np.zeros(2)
        cap_built = np.zeros(2)
        cap_op = np.zeros(2)
        co2 = np.zeros(2)
        loss_cap = np.zeros(2)
        margin_sum = np.zeros(2)
        cost_sum = np.zeros(2)
        n_cn = 0
        n_row = 0
        for a in range(n_assets):
            if assets.is_cn[a]:
                order_cn[n_cn] = a
                n_cn += 1
            else:
                order_row[n_row] = a
                n_row += 1
            threshold[a] = curtail_threshold(par.curtail_threshold[s], par.curtail_spread[s], draws.u_threshold[p, a])
            mean_lag = par.restart_lag_cn[s] if assets.is_cn[a] else par.restart_lag_row[s]
            lag[a] = restart_lag_months(mean_lag, par.restart_lag_spread[s], draws.u_lag[p, a])
        price_cn = start[S_PRICE_CN]
        price_row = start[S_PRICE_ROW]
        last_sup_cn = np.nan
        last_sup_world = np.nan
        # smoothed prices for the short-run demand response (12 against 36 months)
        fast_cn, slow_cn, fast_row, slow_row = price_cn, price_cn, price_row, price_row
        # total stocks = visible + the unreported estimate (days of demand)
        stock_cn = start[S_STOCK_CN] + par.unreported_days_cn[s] * demand_level(series, v, 0, 0) / DAYS
        stock_row = start[S_STOCK_ROW] + par.unreported_days_row[s] * demand_level(series, v, 0, 1) / DAYS
        # the visible share of total stocks (the split of any change between visible and unreported
        # stocks follows the split at the start)
        visible_share_cn = start[S_STOCK_CN] / max(stock_cn, 1e-9)
        visible_share_row = start[S_STOCK_ROW] / max(stock_row, 1e-9)
        exports = start[S_EXPORTS]
        imports = start[S_IMPORTS]
        built_cn = 0.0
        for a in range(n_assets):
            if (assets.is_cn[a] and assets.counts_in_cap[a] and state[a] != PLANNED and state[a] != CONSTRUCTION
                    and state[a] != CLOSED):
                built_cn += assets.capacity_kt[a]
        cap_cut = 0.0
        green_queue = np.zeros(n_months)            # greenfield capacity (ROW) coming on line by month
        green_committed = 0.0
        green_online = 0.0
        for m in range(n_months):
            fx_m = draws.fx[p, m]
            coal_m = draws.coal_idx[p, m]
            vat = series.vat[m]
            restart_spend_cn = 0.0
            restart_spend_row = 0.0
            year = m // 12
            for k in range(2):
                prod[k] = 0.0
                cap_built[k] = 0.0
                cap_op[k] = 0.0
                co2[k] = 0.0
                loss_cap[k] = 0.0
                margin_sum[k] = 0.0
                cost_sum[k] = 0.0
            common0 = alumina_q * draws.alumina_px[p, m, 0] + anode_q * draws.anode_px[p, m, 0]
            common1 = alumina_q * draws.alumina_px[p, m, 1] + anode_q * draws.anode_px[p, m, 1]
            fwd0 = draws.alumina_fwd_delta[p, m, 0]
            fwd1 = draws.alumina_fwd_delta[p, m, 1]
            flagged = events.flags_any[v, m]      # any forced closure, restart or block this month?
            # 1. per plant: cost, decision on its expected margin, output
            for a in range(n_assets):
                mk = assets.market[a]
                power = events.cost_power[v, m, a] * (1.0 + assets.coal_share[a] * (coal_m - 1.0))
                c = (common0 if mk == 0 else common1) + power + events.cost_fixed[v, m, a]
                cost[a] = c
                px = price_cn if mk == 0 else price_row
                ce = c + (fwd0 if mk == 0 else fwd1)       # decisions use the alumina cost expected ahead
                if m == 0:
                    exp_margin[a] = px - ce              # the observed start: today's margin
                else:
                    exp_margin[a] += alpha * ((px - ce) - exp_margin[a])
                st = state[a]
                if st == CLOSED:
                    opcap[a] = 0.0
                    continue
                if flagged and events.force_close[v, m, a]:
                    # a closure makes room under the cap once; a replacement ratio below one (new
                    # capacity per t retired) tightens the limit by the rest; a relocated plant's quota
                    # passes to its new plant
                    if (assets.is_cn[a] and assets.counts_in_cap[a] and st != PLANNED and st != CONSTRUCTION
                            and not assets.quota_transfer[a]):
                        built_cn -= assets.capacity_kt[a]
                        cap_cut += assets.capacity_kt[a] * (1.0 - replacement)
                    state[a] = CLOSED
                    share[a] = 0.0
                    opcap[a] = 0.0
                    continue
                capped = assets.is_cn[a] and assets.counts_in_cap[a] and not assets.quota_transfer[a]
                room = True
                if capped and (st == PLANNED or st == CONSTRUCTION):
                    room = built_cn + assets.capacity_kt[a] <= series.cap_limit_cn[v, m] - cap_cut + 1e-9
                forced = flagged and events.force_restart[v, m, a]
                restarted, commissioned = decide(
                    state, share, timer, a, m, exp_margin[a], ce, power, threshold[a], take_or_pay[mk], recover,
                    hurdle[mk], new_build[mk], lag[a], ramp_step, curtail_step, assets.commission_m[a],
                    draws.planned_go[p, a], flagged and events.build_block[v, m, a], forced, room)
                if commissioned and capped:
                    built_cn += assets.capacity_kt[a]
                if restarted:
                    if mk == 0:
                        restart_spend_cn += assets.capacity_kt[a] * restart_cost[0]
                    else:
                        restart_spend_row += assets.capacity_kt[a] * restart_cost[1]
                st = state[a]
                if st == OPERATING or st == CURTAILED or st == IDLE or st == RESTARTING:
                    cap_built[mk] += assets.capacity_kt[a]
                if st == OPERATING or st == CURTAILED:
                    oc = assets.capacity_kt[a] * share[a] * events.avail_share[v, m, a]
                    opcap[a] = oc
                    q = oc * monthly_util
                    prod[mk] += q
                    cap_op[mk] += oc
                    co2[mk] += q * assets.co2_t_per_t[a]
                    margin_sum[mk] += oc * (px - c)
                    cost_sum[mk] += oc * c
                    if c > px:
                        loss_cap[mk] += oc
                    year_prod[a] += q
                else:
                    opcap[a] = 0.0
            # 1b. greenfield capacity outside China: committed while the 36-month LME average stays
            # above the incentive price of new capacity, running after the build lag whenever the price
            # covers its cash cost (the supply side of the incentive price's long-run ceiling)
            escalation = (1.0 + par.incentive_escalation[s]) ** series.years_from_ref[m]
            if par.greenfield_rate[s] > 0.0:
                excess = slow_row / (par.incentive_usd_t[s] * escalation) - 1.0
                if excess > 0.0 and green_committed < par.greenfield_max[s]:
                    add = min(par.greenfield_rate[s] * excess / 0.1 / 12.0, par.greenfield_max[s] - green_committed)
                    green_committed += add
                    on = m + int(par.greenfield_build_months[s])
                    if on < n_months:
                        green_queue[on] += add
                green_online += green_queue[m]
                if green_online > 0.0:
                    cap_built[1] += green_online
                    green_cost = par.greenfield_cost_usd_t[s] * escalation
                    if price_row > green_cost:
                        q = green_online * (par.util_max[s] / 12.0)
                        prod[1] += q
                        cap_op[1] += green_online
                        co2[1] += q * par.greenfield_co2[s]
                        margin_sum[1] += green_online * (price_row - green_cost)
                        cost_sum[1] += green_online * green_cost
            # 2. the month's operating cost curves, China (CNY) and the world (USD), kept sorted
            insertion_sort(order_cn, cost, n_cn)
            insertion_sort(order_row, cost, n_row)
            to_usd = 1.0 / ((1.0 + vat) * fx_m)
            q_sup = par.support_quantile[s]
            p90_cn, sup_cn = two_quantiles(order_cn, n_cn, cost, 1.0, order_row, 0, cost,
                                           opcap, cap_op[0], 0.9, opcap, cap_op[0], q_sup)
            p90_world, sup_world = two_quantiles(order_cn, n_cn, cost, to_usd, order_row, n_row, cost,
                                                 opcap, cap_op[0] + cap_op[1], 0.9, opcap, cap_op[0] + cap_op[1],
                                                 q_sup)
            # with no plant running, the curve's last support stands (not the falling price itself)
            if sup_cn == sup_cn:
                last_sup_cn = sup_cn
            else:
                sup_cn = last_sup_cn
            if sup_world == sup_world:
                last_sup_world = sup_world
            else:
                sup_world = last_sup_world
            # 3. demand: the activity path × noise × the short-run response to price
            dem_cn = (series.demand_base[v, m, 0] * draws.demand_noise[p, m, 0]
                      * (fast_cn / slow_cn) ** par.price_elast_cn[s])
            dem_row = (series.demand_base[v, m, 1] * draws.demand_noise[p, m, 1]
                       * (fast_row / slow_row) ** par.price_elast_row[s])
            sec_cn = series.secondary_kt[m, 0]
            sec_row = series.secondary_kt[m, 1]
            level_cn = demand_level(series, v, m, 0)
            level_row = demand_level(series, v, m, 1)
            normal_cn = ((par.stock_days_normal_cn[s] + par.unreported_days_cn[s] + series.season_days[m, 0])
                         * level_cn / DAYS)
            normal_row = ((par.stock_days_normal_row[s] + par.unreported_days_row[s] + series.season_days[m, 1])
                          * level_row / DAYS)
            # 4. trade, toward the arbitrage targets of last month's prices
            parity = mkt.import_parity_cny_t(price_row, fx_m, vat, par.import_cost_usd_t[s] + series.import_cost_add[v, m],
                                             par.import_duty[s])
            if m == 0 and par.start_equilibrium[s] > 0.0:
                # the observed start: visible stocks as recorded, the unreported ones such that the
                # observed prices are what the price rule gives (no jump in the first month)
                incentive0 = par.incentive_usd_t[s] * (1.0 + par.incentive_escalation[s]) ** series.years_from_ref[0]
                sup0_cn = sup_cn + fwd0 if sup_cn == sup_cn else price_cn
                sup0_row = mkt.incentive_capped(sup_world + fwd1 if sup_world == sup_world else price_row,
                                                incentive0, par.log_price_to_cost_row[s])
                stock_cn = max(mkt.implied_stock_ratio(price_cn, sup0_cn, par.log_price_to_cost_cn[s],
                                                       par.stock_elasticity[s], par.stock_floor[s],
                                                       par.stock_ceiling[s], par.log_cost_floor[s]) * normal_cn,
                               start[S_STOCK_CN])
                stock_row = max(mkt.implied_stock_ratio(price_row, sup0_row, par.log_price_to_cost_row[s],
                                                        par.stock_elasticity[s], par.stock_floor[s],
                                                        par.stock_ceiling[s], par.log_cost_floor[s]) * normal_row,
                                start[S_STOCK_ROW])
                visible_share_cn = start[S_STOCK_CN] / max(stock_cn, 1e-9)
                visible_share_row = start[S_STOCK_ROW] / max(stock_row, 1e-9)
            open_cn = stock_cn
            open_row = stock_row
            m_target = mkt.imports_target(price_cn, parity, par.import_max[s], par.import_threshold[s],
                                          par.import_width[s])
            arb = mkt.export_arbitrage(price_cn, price_row, fx_m, vat, par.semis_premium[s],
                                       series.foreign_tariff[v, m], series.export_tax[v, m],
                                       series.export_rebate[v, m])
            overhang = par.export_overhang[s] * max(stock_cn - normal_cn, 0.0) / 12.0
            x_target = mkt.exports_target(start[S_EXPORTS], arb, start[S_ARB], par.export_elasticity[s],
                                          series.export_scale[m], overhang, par.export_max[s])
            imports += par.trade_adjust[s] * (m_target - imports)
            exports += par.trade_adjust[s] * (x_target - exports)
            # 5. stocks absorb the balance; nothing goes below zero (exports, then use, are rationed)
            imports = min(imports, stock_row + prod[1] + sec_row)
            exports = min(exports, stock_cn + prod[0] + sec_cn + imports)
            cons_cn = min(dem_cn, stock_cn + prod[0] + sec_cn + imports - exports)
            cons_row = min(dem_row, stock_row + prod[1] + sec_row + exports - imports)
            stock_cn = max(stock_cn + prod[0] + sec_cn + imports - exports - cons_cn, 0.0)
            stock_row = max(stock_row + prod[1] + sec_row + exports - imports - cons_row, 0.0)
            visible_cn = stock_cn * visible_share_cn
            visible_row = stock_row * visible_share_row
            # 6. next month's prices: cost support × f(stocks / normal), SHFE capped at import parity,
            # LME at the incentive price of new capacity (never below the cost floor)
            support_cn = sup_cn + fwd0 if sup_cn == sup_cn else price_cn
            support_row = sup_world + fwd1 if sup_world == sup_world else price_row
            target_cn = mkt.price_target_log(support_cn, par.log_price_to_cost_cn[s], par.stock_elasticity[s],
                                             stock_cn, normal_cn, par.stock_floor[s], par.stock_ceiling[s],
                                             par.log_cost_floor[s], par.glut_max[s])
            # metal flows in above import parity: the target stops where imports run near their maximum
            target_cn = min(target_cn, np.log(parity) + par.import_threshold[s] + 3.0 * par.import_width[s])
            # the incentive price caps the rent above cost at normal stocks (new capacity comes in at
            # it) — not cost push, and not the scarcity premium of stocks run down
            incentive = par.incentive_usd_t[s] * (1.0 + par.incentive_escalation[s]) ** series.years_from_ref[m]
            support_row = mkt.incentive_capped(support_row, incentive, par.log_price_to_cost_row[s])
            target_row = mkt.price_target_log(support_row, par.log_price_to_cost_row[s], par.stock_elasticity[s],
                                              stock_row, normal_row, par.stock_floor[s], par.stock_ceiling[s],
                                              par.log_cost_floor[s], par.glut_max[s])
            log_cn = (np.log(price_cn) + par.price_adjust[s] * (target_cn - np.log(price_cn))
                      + par.vol_shfe[s] * draws.z_price[p, m, 0])
            log_row = (np.log(price_row) + par.price_adjust[s] * (target_row - np.log(price_row))
                       + par.vol_lme[s] * draws.z_price[p, m, 1])
            # record the month (prices are the ones it traded at)
            for k in range(2):
                o = out[p, m, k]
                o[O_PRODUCTION] = prod[k]
                o[O_CAP_BUILT] = cap_built[k]
                o[O_CAP_OPERATING] = cap_op[k]
                o[O_CO2] = co2[k]
                o[O_SHARE_LOSS] = loss_cap[k] / cap_op[k] if cap_op[k] > 0 else 0.0
                o[O_MARGIN] = margin_sum[k] / cap_op[k] if cap_op[k] > 0 else 0.0
                o[O_COST_MEAN] = cost_sum[k] / cap_op[k] if cap_op[k] > 0 else 0.0
            o0 = out[p, m, 0]
            o1 = out[p, m, 1]
            o0[O_PRICE] = price_cn
            o1[O_PRICE] = price_row
            o0[O_CONSUMPTION] = cons_cn
            o1[O_CONSUMPTION] = cons_row
            o0[O_DEMAND] = dem_cn
            o1[O_DEMAND] = dem_row
            o0[O_UNMET] = dem_cn - cons_cn
            o1[O_UNMET] = dem_row - cons_row
            o0[O_INVENTORY] = visible_cn
            o1[O_INVENTORY] = visible_row
            o0[O_INVENTORY_TOTAL] = stock_cn
            o1[O_INVENTORY_TOTAL] = stock_row
            o0[O_INVENTORY_OPEN] = open_cn
            o1[O_INVENTORY_OPEN] = open_row
            o1[O_GREENFIELD] = green_online
            o0[O_STOCK_DAYS] = visible_cn / max(dem_cn, 1e-9) * DAYS
            o1[O_STOCK_DAYS] = visible_row / max(dem_row, 1e-9) * DAYS
            o0[O_EXPORTS] = exports
            o1[O_EXPORTS] = imports
            o0[O_IMPORTS] = imports
            o1[O_IMPORTS] = exports
            o0[O_NET_EXPORTS] = exports - imports
            o1[O_NET_EXPORTS] = imports - exports
            o0[O_SECONDARY] = sec_cn
            o1[O_SECONDARY] = sec_row
            o0[O_COST_P90] = p90_cn
            o1[O_COST_P90] = p90_world
            o0[O_COST_SUPPORT] = support_cn
            o1[O_COST_SUPPORT] = support_row
            o0[O_RESTART_COST] = restart_spend_cn
            o1[O_RESTART_COST] = restart_spend_row
            o0[O_IMPORT_PARITY] = parity
            o1[O_IMPORT_PARITY] = incentive
            price_cn = np.exp(log_cn)
            price_row = np.exp(log_row)
            fast_cn += (price_cn - fast_cn) / 12.0
            slow_cn += (price_cn - slow_cn) / 36.0
            fast_row += (price_row - fast_row) / 12.0
            slow_row += (price_row - slow_row) / 36.0
            if m % 12 == 11 or m == n_months - 1:
                for a in range(n_assets):
                    asset_year_prod[p, a, year] = year_prod[a]
                    year_prod[a] = 0.0
        for a in range(n_assets):
            asset_state_end[p, a] = state[a]
