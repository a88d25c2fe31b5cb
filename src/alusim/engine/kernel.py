"""The compiled month-step kernel: named tuples of plain arrays in, plain arrays out; no units, no I/O.

One call simulates every path over every month. Paths run in parallel (``prange``); within a path
the months run in order because each month's decisions use last month's prices and stocks. One
month, in order (docs/model.md), each step a small compiled function:

1. **supply** — every plant's cost, its decision on its expected margin and its output, then
   greenfield capacity outside China (:mod:`alusim.engine.supply`);
2. the month's **cost curves** — China (CNY) and the world (USD), kept sorted (:mod:`~.curves`);
3. **demand** of China and of each region outside it (the activity path × noise × the short-run
   response to its own price);
4. **trade** — China's primary imports and its exports of semis toward their arbitrage targets
   (:mod:`~.market`), split by origin and destination, and the flows between regions
   (:mod:`~.regions`);
5. **stocks** of China and of each region absorb their balance and never go negative (shipments, then
   use, are rationed);
6. next month's **prices** — SHFE and LME toward cost support × f(stocks / normal) (SHFE capped at
   import parity, the normal-stock LME price at the incentive price, with the path's price shocks),
   and each region's premium over LME (:func:`~.regions.premiums_step`).

Market index 0 is China (CNY/t tax-inclusive, SHFE), 1 the rest of the world as a whole (USD/t,
LME); the rest of the world is made of ``R`` regions (``Nodes``), each with its premium over LME —
with one region and no corridors it is the two-market model exactly. Each path reads its parameter
set ``par.<field>[draws.path_set[p]]`` (:mod:`alusim.engine.params`).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from alusim.engine import market as mkt
from alusim.engine import regions as reg
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
    restart_lag_months,
)
from alusim.engine.supply import (
    A_OPER,
    A_PROD,
    B_BUILT_CN,
    B_CAP_CUT,
    B_RESTART_CN,
    B_RESTART_ROW,
    K_HURDLE,
    K_NEW_BUILD,
    K_RESTART_COST,
    K_TAKE_OR_PAY,
    N_ACC,
    N_BOOK,
    N_BY_MARKET,
    N_NOW,
    T_CAP_LIMIT,
    T_COAL,
    T_COMMON_CN,
    T_COMMON_ROW,
    T_CURTAIL,
    T_FWD_CN,
    T_FWD_ROW,
    T_PRICE_CN,
    T_PRICE_ROW,
    T_RAMP,
    T_RECOVER,
    T_REPLACEMENT,
    T_UTIL,
    greenfield_month,
    plants_month,
)

__all__ = ["STATE_NAMES", "PLANNED", "CONSTRUCTION", "OPERATING", "CURTAILED", "IDLE", "RESTARTING", "CLOSED"]

from alusim.engine.kernel_cache import drop_stale_cache  # noqa: E402
from alusim.engine.layout import *  # noqa: F403 - the layout is part of the kernel's interface

drop_stale_cache()


@njit(cache=True, parallel=True, fastmath=_FAST, error_model="numpy")
def simulate_kernel(assets, series, nodes, events, draws, par, start, out, region_out, flow_year, asset_year_prod,
                    asset_state_end):
    n_paths, n_months = draws.z_price.shape[0], draws.z_price.shape[1]
    n_assets = assets.capacity_kt.shape[0]
    n_nodes = nodes.premium0.shape[0]
    for p in prange(n_paths):
        v = draws.path_variant[p]
        s = draws.path_set[p]
        alumina_q = par.alumina_q[s]
        anode_q = par.anode_q[s]
        # this path's parameters that the plant loop reads, by market (0 CN, 1 ROW)
        state = assets.init_state.copy()
        share = assets.init_share.copy()
        exp_margin = np.zeros(n_assets)
        timer = np.zeros(n_assets, dtype=np.int64)
        cost = np.zeros(n_assets)
        opcap = np.zeros(n_assets)
        threshold = np.empty(n_assets)
        lag = np.empty(n_assets, dtype=np.int64)
        year_prod = np.zeros(n_assets)
        acc = np.zeros((2, N_ACC))
        book = np.zeros(N_BOOK)
        node_prod = np.zeros(n_nodes)
        by_market = np.empty((N_BY_MARKET, 2))
        by_market[K_TAKE_OR_PAY, 0] = par.take_or_pay_cn[s]
        by_market[K_TAKE_OR_PAY, 1] = par.take_or_pay_row[s]
        by_market[K_HURDLE, 0] = par.restart_hurdle_cn[s]
        by_market[K_HURDLE, 1] = par.restart_hurdle_row[s]
        by_market[K_NEW_BUILD, 0] = par.new_build_hurdle_cn[s]
        by_market[K_NEW_BUILD, 1] = -1e300
        by_market[K_RESTART_COST, 0] = par.restart_cost_cn[s]
        by_market[K_RESTART_COST, 1] = par.restart_cost_row[s]
        now = np.empty(N_NOW)
        now[T_RAMP] = par.ramp_step[s]
        now[T_CURTAIL] = par.curtail_step[s]
        now[T_RECOVER] = par.recover_margin[s]
        now[T_REPLACEMENT] = par.replacement_ratio[s]
        now[T_UTIL] = par.util_max[s] / 12.0
        order_cn = np.empty(n_assets, dtype=np.int64)
        order_row = np.empty(n_assets, dtype=np.int64)
        n_cn = 0
        n_row = 0
        for a in range(n_assets):
            if assets.is_cn[a]:
                order_cn[n_cn] = a
                n_cn += 1
            else:
                order_row[n_row] = a
                n_row += 1
            threshold[a] = curtail_threshold(par.curtail_threshold[s], par.curtail_spread[s],
                                                  draws.u_threshold[p, a])
            mean_lag = par.restart_lag_cn[s] if assets.is_cn[a] else par.restart_lag_row[s]
            lag[a] = restart_lag_months(mean_lag, par.restart_lag_spread[s], draws.u_lag[p, a])
        price_cn = start[S_PRICE_CN]
        price_row = start[S_PRICE_ROW]
        last_sup_cn = np.nan
        last_sup_world = np.nan
        # smoothed prices for the short-run demand response (12 against 36 months)
        fast_cn, slow_cn = price_cn, price_cn
        slow_lme = price_row               # the 36-month LME average greenfield commitments follow
        # the regions: premiums over LME, their smoothed prices, stocks, corridors
        premium = nodes.premium0.copy()
        scratch = np.empty(n_nodes)
        fast_node = price_row + premium
        slow_node = price_row + premium
        node_stock = np.zeros(n_nodes)
        node_dem = np.zeros(n_nodes)
        node_normal = np.zeros(n_nodes)
        flows = nodes.base_flow.copy()
        arb = np.zeros((n_nodes, n_nodes))
        arb0 = np.zeros((n_nodes, n_nodes))
        landed0 = np.zeros((n_nodes, n_nodes))
        netback0 = np.zeros((n_nodes, n_nodes))
        marginal0 = np.zeros(n_nodes)
        node_cost = np.zeros(n_nodes)
        node_weight = np.zeros(n_nodes)
        to_china = np.zeros(n_nodes)
        growth = np.ones(n_nodes)
        from_china = np.zeros(n_nodes)
        x_share = np.zeros(n_nodes)
        i_share = np.zeros(n_nodes)
        # total stocks = visible + the unreported estimate (days of demand)
        stock_cn = start[S_STOCK_CN] + par.unreported_days_cn[s] * demand_level(series, v, 0, 0) / DAYS
        stock_row = start[S_STOCK_ROW] + par.unreported_days_row[s] * demand_level(series, v, 0, 1) / DAYS
        # the visible share of total stocks (the split of any change between visible and unreported
        # stocks follows the split at the start)
        visible_share_cn = start[S_STOCK_CN] / max(stock_cn, 1e-9)
        visible_share_row = start[S_STOCK_ROW] / max(stock_row, 1e-9)
        exports = start[S_EXPORTS]
        imports = start[S_IMPORTS]
        for a in range(n_assets):
            st = state[a]
            if (assets.is_cn[a] and assets.counts_in_cap[a] and st != PLANNED and st != CONSTRUCTION
                    and st != CLOSED):
                book[B_BUILT_CN] += assets.capacity_kt[a]
        green = np.zeros(2 + n_months)      # committed, online, then greenfield capacity (ROW) by month
        for m in range(n_months):
            fx_m = draws.fx[p, m]
            vat = series.vat[m]
            year = m // 12
            for k in range(2):
                for i in range(N_ACC):
                    acc[k, i] = 0.0
            book[B_RESTART_CN] = 0.0
            book[B_RESTART_ROW] = 0.0
            for j in range(n_nodes):
                node_prod[j] = 0.0
            common0 = alumina_q * draws.alumina_px[p, m, 0] + anode_q * draws.anode_px[p, m, 0]
            common1 = alumina_q * draws.alumina_px[p, m, 1] + anode_q * draws.anode_px[p, m, 1]
            fwd0 = draws.alumina_fwd_delta[p, m, 0]
            fwd1 = draws.alumina_fwd_delta[p, m, 1]
            # 1. supply
            now[T_PRICE_CN] = price_cn
            now[T_PRICE_ROW] = price_row
            now[T_COAL] = draws.coal_idx[p, m]
            now[T_COMMON_CN] = common0
            now[T_COMMON_ROW] = common1
            now[T_FWD_CN] = fwd0
            now[T_FWD_ROW] = fwd1
            now[T_CAP_LIMIT] = series.cap_limit_cn[v, m]
            plants_month(assets, events, draws, par, p, v, m, s, state, share, exp_margin, timer, cost, opcap,
                         threshold, lag, year_prod, acc, book, node_prod, by_market, premium, now)
            escalation = (1.0 + par.incentive_escalation[s]) ** series.years_from_ref[m]
            greenfield_month(acc, node_prod, par, s, m, n_months, green, slow_lme, price_row, escalation,
                             nodes.greenfield_share)
            # 2. the month's operating cost curves, China (CNY) and the world (USD), kept sorted
            insertion_sort(order_cn, cost, n_cn)
            insertion_sort(order_row, cost, n_row)
            to_usd = 1.0 / ((1.0 + vat) * fx_m)
            q_sup = par.support_quantile[s]
            p90_cn, sup_cn = two_quantiles(order_cn, n_cn, cost, 1.0, order_row, 0, cost,
                                           opcap, acc[0, A_OPER], 0.9, opcap, acc[0, A_OPER], q_sup)
            p90_world, sup_world = two_quantiles(order_cn, n_cn, cost, to_usd, order_row, n_row, cost,
                                                 opcap, acc[0, A_OPER] + acc[1, A_OPER], 0.9, opcap,
                                                 acc[0, A_OPER] + acc[1, A_OPER], q_sup)
            # with no plant running, the curve's last support stands (not the falling price itself)
            if sup_cn == sup_cn:
                last_sup_cn = sup_cn
            else:
                sup_cn = last_sup_cn
            if sup_world == sup_world:
                last_sup_world = sup_world
            else:
                sup_world = last_sup_world
            # 3. demand: the activity path × noise × the short-run response to each market's own price
            dem_cn = (series.demand_base[v, m, 0] * draws.demand_noise[p, m, 0]
                      * (fast_cn / slow_cn) ** par.price_elast_cn[s])
            dem_row = 0.0
            for j in range(n_nodes):
                node_dem[j] = (nodes.demand[v, m, j] * draws.demand_noise[p, m, 1]
                               * (fast_node[j] / slow_node[j]) ** par.price_elast_row[s])
                dem_row += node_dem[j]
            sec_cn = series.secondary_kt[m, 0]
            sec_row = series.secondary_kt[m, 1]
            level_cn = demand_level(series, v, m, 0)
            level_row = demand_level(series, v, m, 1)
            days_cn = par.stock_days_normal_cn[s] + par.unreported_days_cn[s] + series.season_days[m, 0]
            days_row = par.stock_days_normal_row[s] + par.unreported_days_row[s] + series.season_days[m, 1]
            normal_cn = days_cn * level_cn / DAYS
            normal_row = days_row * level_row / DAYS
            # a region's normal stock follows what passes through it (its use and its shipments), scaled
            # so that the regions' normal stocks add up to the rest of the world's
            through = 0.0
            for j in range(n_nodes):
                node_normal[j] = nodes.demand[v, m, j] / series.season_factor[m, 1] + nodes.shipments[j]
                through += node_normal[j]
            for j in range(n_nodes):
                node_normal[j] *= normal_row / max(through, 1e-9)
            # 4. trade, toward the arbitrage targets of last month's prices
            parity = mkt.import_parity_cny_t(price_row, fx_m, vat, par.import_cost_usd_t[s] + series.import_cost_add[v, m],
                                             par.import_duty[s])
            if m == 0:
                if par.start_equilibrium[s] > 0.0:
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
                # the regions start with the rest of the world's stock in proportion to their normal
                # stocks, and from the start's arbitrage (the recorded corridors are its equilibrium)
                for j in range(n_nodes):
                    node_stock[j] = stock_row * node_normal[j] / max(normal_row, 1e-9)
                reg.arbitrage_matrix(arb0, price_row, premium, nodes.freight, nodes.tariff, nodes.border, v, 0)
                reg.start_parities(landed0, netback0, price_row, premium, nodes.freight, nodes.tariff, nodes.border, v)
                reg.start_marginals(marginal0, landed0, nodes.base_flow, nodes.open_share, v, node_cost, node_weight)
            open_cn = stock_cn
            open_row = stock_row
            m_target = mkt.imports_target(price_cn, parity, par.import_max[s], par.import_threshold[s],
                                          par.import_width[s])
            arb_x = mkt.export_arbitrage(price_cn, price_row, fx_m, vat, par.semis_premium[s],
                                         series.foreign_tariff[v, m], series.export_tax[v, m],
                                         series.export_rebate[v, m])
            overhang = par.export_overhang[s] * max(stock_cn - normal_cn, 0.0) / 12.0
            x_target = mkt.exports_target(start[S_EXPORTS], arb_x, start[S_ARB], par.export_elasticity[s],
                                          series.export_scale[m], overhang, par.export_max[s])
            imports += par.trade_adjust[s] * (m_target - imports)
            exports += par.trade_adjust[s] * (x_target - exports)
            # China's trade by region, then the corridors between regions
            reg.china_shares(x_share, i_share, nodes.cn_export_share, nodes.cn_import_share, nodes.cn_import_open,
                             premium, nodes.premium0, nodes.cn_tariff, v, m, price_row, par.region_flow_elasticity[s])
            reg.arbitrage_matrix(arb, price_row, premium, nodes.freight, nodes.tariff, nodes.border, v, m)
            for j in range(n_nodes):
                growth[j] = nodes.demand[v, m, j] / max(nodes.demand[v, 0, j], 1e-9) * (
                    series.season_factor[0, 1] / series.season_factor[m, 1])
            reg.flows_step(flows, nodes.base_flow, arb, arb0, nodes.open_share, v, m, price_row,
                           par.region_flow_elasticity[s], par.region_flow_adjust[s], growth)
            # 5. stocks absorb the balance; nothing goes below zero (a region's shipments are rationed to
            # what its own use leaves, then use is rationed to what arrives)
            for j in range(n_nodes):
                to_china[j] = imports * i_share[j]
                # a region serves its own demand before it ships abroad (the rest of the world as one region
                # ships to China from everything it has, as the two-market model does)
                scratch[j] = node_stock[j] + node_prod[j] + nodes.secondary[m, j]
                if n_nodes > 1:
                    scratch[j] = max(scratch[j] - node_dem[j], 0.0)
            imports = reg.ration_outflows(flows, to_china, scratch)
            exports = min(exports, stock_cn + acc[0, A_PROD] + sec_cn + imports)
            cons_cn = min(dem_cn, stock_cn + acc[0, A_PROD] + sec_cn + imports - exports)
            stock_cn = max(stock_cn + acc[0, A_PROD] + sec_cn + imports - exports - cons_cn, 0.0)
            cons_row = 0.0
            stock_row = 0.0
            for j in range(n_nodes):
                from_china[j] = exports * x_share[j]
                supply = node_stock[j] + node_prod[j] + nodes.secondary[m, j] + from_china[j] - to_china[j]
                for o in range(n_nodes):
                    supply += flows[o, j] - flows[j, o]
                cons = min(node_dem[j], supply)
                node_stock[j] = max(supply - cons, 0.0)
                cons_row += cons
                stock_row += node_stock[j]
                region_out[p, m, j, R_CONSUMPTION] = cons
            visible_cn = stock_cn * visible_share_cn
            visible_row = stock_row * visible_share_row
            # 6. next month's prices: cost support × f(stocks / normal), SHFE capped at import parity,
            # LME at the incentive price of new capacity (never below the cost floor)
            support_cn = sup_cn + fwd0 if sup_cn == sup_cn else price_cn
            support_row = sup_world + fwd1 if sup_world == sup_world else price_row
            target_cn = mkt.price_target_log(support_cn, par.log_price_to_cost_cn[s], par.stock_elasticity[s],
                                             stock_cn, normal_cn, par.stock_floor[s], par.stock_ceiling[s],
                                             par.log_cost_floor[s], par.glut_max[s])
            # under a cap that leaves little to build, the marginal tonne is imported: SHFE toward parity
            target_cn = mkt.cap_rent_target_log(target_cn, parity,
                                                mkt.cap_rent_weight(book[B_BUILT_CN], series.cap_limit_cn[v, m] - book[B_CAP_CUT],
                                                                    par.cap_rent_headroom[s])
                                                * mkt.shortness(stock_cn, normal_cn, par.stock_ceiling[s]),
                                                par.log_cap_rent_parity[s])
            # metal flows in above import parity: the target stops where imports run near their maximum
            target_cn = min(target_cn, np.log(parity) + par.import_threshold[s] + 3.0 * par.import_width[s])
            # the incentive price caps the rent above cost at normal stocks (new capacity comes in at
            # it) — not cost push, and not the scarcity premium of stocks run down
            incentive = par.incentive_usd_t[s] * escalation
            support_row = mkt.incentive_capped(support_row, incentive, par.log_price_to_cost_row[s])
            target_row = mkt.price_target_log(support_row, par.log_price_to_cost_row[s], par.stock_elasticity[s],
                                              stock_row, normal_row, par.stock_floor[s], par.stock_ceiling[s],
                                              par.log_cost_floor[s], par.glut_max[s])
            log_cn = (np.log(price_cn) + par.price_adjust[s] * (target_cn - np.log(price_cn))
                      + par.vol_shfe[s] * draws.z_price[p, m, 0])
            log_row = (np.log(price_row) + par.price_adjust[s] * (target_row - np.log(price_row))
                       + par.vol_lme[s] * draws.z_price[p, m, 1])
            # record the month (prices are the ones it traded at)
            record_market(out, p, m, acc, 0, price_cn, cons_cn, dem_cn, visible_cn, stock_cn, open_cn,
                    visible_cn / max(dem_cn, 1e-9) * DAYS, exports, imports, sec_cn, p90_cn, support_cn,
                    book[B_RESTART_CN], parity)
            record_market(out, p, m, acc, 1, price_row, cons_row, dem_row, visible_row, stock_row, open_row,
                    visible_row / max(dem_row, 1e-9) * DAYS, imports, exports, sec_row, p90_world, support_row,
                    book[B_RESTART_ROW], incentive)
            out[p, m, 1, O_GREENFIELD] = green[1]
            for j in range(n_nodes):
                region_out[p, m, j, R_PRICE] = price_row + premium[j]
                region_out[p, m, j, R_PREMIUM] = premium[j]
                region_out[p, m, j, R_PRODUCTION] = node_prod[j]
                region_out[p, m, j, R_DEMAND] = node_dem[j]
                region_out[p, m, j, R_SECONDARY] = nodes.secondary[m, j]
                region_out[p, m, j, R_STOCK] = node_stock[j]
                inflow = from_china[j]
                outflow = to_china[j]
                for o in range(n_nodes):
                    inflow += flows[o, j]
                    outflow += flows[j, o]
                    flow_year[p, year, o, j] += flows[o, j]
                region_out[p, m, j, R_IMPORTS] = inflow
                region_out[p, m, j, R_EXPORTS] = outflow
                flow_year[p, year, n_nodes, j] += from_china[j]
                flow_year[p, year, j, n_nodes] += to_china[j]
            price_cn = np.exp(log_cn)
            price_row = np.exp(log_row)
            reg.parity_shift(scratch, nodes.base_flow, nodes.open_share, v, m, price_row, premium, nodes.premium0,
                             nodes.freight, nodes.tariff, nodes.border, netback0, marginal0, node_cost, node_weight)
            reg.premiums_step(premium, nodes.premium0, scratch, node_stock, node_normal,
                              stock_row / max(normal_row, 1e-9), price_row, par.premium_sensitivity[s],
                              par.premium_adjust[s], par.stock_floor[s], par.stock_ceiling[s])
            fast_cn += (price_cn - fast_cn) / 12.0
            slow_cn += (price_cn - slow_cn) / 36.0
            slow_lme += (price_row - slow_lme) / 36.0
            for j in range(n_nodes):
                fast_node[j] += (price_row + premium[j] - fast_node[j]) / 12.0
                slow_node[j] += (price_row + premium[j] - slow_node[j]) / 36.0
            if m % 12 == 11 or m == n_months - 1:
                for a in range(n_assets):
                    asset_year_prod[p, a, year] = year_prod[a]
                    year_prod[a] = 0.0
        for a in range(n_assets):
            asset_state_end[p, a] = state[a]
