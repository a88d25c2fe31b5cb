"""The compiled month-step kernel: plain arrays in, plain arrays out, no units, no I/O.

One call simulates every path over every month. Paths run in parallel (``prange``); within a path
the months run in order because each month's decisions use last month's prices and stocks. The
mechanisms (DESIGN.md §1):

* plant states — construction → operating, margin-driven curtailment of potlines, idle, restart
  after a lag and at a cost, forced closure, forced restart, construction blocked by policy, the
  national capacity cap with a replacement ratio;
* cash costs that move with alumina, anode, coal and power-price paths, carbon prices;
* demand with price elasticity and noise; secondary supply; China's net exports from the SHFE–LME
  arbitrage after FX, VAT, export tax/rebate and foreign tariffs;
* inventories per market that never go negative (demand is rationed instead);
* prices that move toward a target — the cash cost of the marginal plant needed to meet demand on
  the curve of built capacity (× a markup), scaled by (stock days / normal stock days) ^ elasticity —
  with correlated noise, and an arbitrage tie that pulls SHFE toward LME × FX × (1 + VAT) when they
  drift apart by more than a band. (Anchoring on the 90th percentile of *operating* cost instead
  would spiral down after a demand cut: curtailing the top of the curve lowers that percentile,
  which lowers the price, which curtails the next tier.) The operating p90 is still reported.

Market index 0 is China (CNY/t tax-inclusive, SHFE), 1 is the rest of the world (USD/t, LME).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from alusim.engine.curves import FAST as _FAST
from alusim.engine.curves import insertion_sort, two_quantiles

# asset states (also used in results)
PLANNED, CONSTRUCTION, OPERATING, CURTAILED, IDLE, RESTARTING, CLOSED = 0, 1, 2, 3, 4, 5, 6
STATE_NAMES = ("planned", "construction", "operating", "curtailed", "idle", "restarting", "closed")

# indices into the scalar parameter vector ``par``
(P_ALUMINA_Q, P_ANODE_Q, P_VAT, P_CURTAIL_ALPHA, P_CURTAIL_THRESHOLD, P_CURTAIL_STEP, P_RESTART_HURDLE_CN,
 P_RESTART_HURDLE_ROW, P_RESTART_LAG, P_RAMP_STEP, P_UTIL_MAX, P_PRICE_ADJ, P_STOCK_ELAST, P_ANCHOR_Q,
 P_ANCHOR_MARKUP, P_STOCK_DAYS_NORMAL_CN, P_STOCK_DAYS_NORMAL_ROW, P_ARB_TIE, P_ARB_BAND, P_EXPORT_ELAST,
 P_EXPORT_MAX, P_IMPORT_MAX, P_REPLACEMENT_RATIO, P_RESTART_COST_CN, P_RESTART_COST_ROW, P_STOCK_FLOOR,
 P_PRICE_ELAST_CN, P_PRICE_ELAST_ROW, P_SEMIS_PREMIUM, P_STOCK_CEILING, P_DRAWDOWN_MONTHS, P_EXPORT_OVERHANG,
 N_PAR) = range(33)

# indices of per-(path, month, market) outputs
(O_PRICE, O_PRODUCTION, O_CAP_BUILT, O_CAP_OPERATING, O_CONSUMPTION, O_DEMAND, O_INVENTORY, O_STOCK_DAYS,
 O_NET_EXPORTS, O_SECONDARY, O_COST_P90, O_MARGIN, O_SHARE_LOSS, O_CO2, O_UNMET, O_RESTART_COST,
 O_COST_MEAN, N_OUT) = range(18)


@njit(cache=True, parallel=True, fastmath=_FAST, error_model="numpy")
def simulate_kernel(
    # static asset data (A,)
    market, capacity_kt, init_share, init_state, commission_m, coal_share, co2_t_per_t, is_cn, counts_in_cap,
    quota_transfer,
    # time series (V, M, 2) or (V, M), indexed by the path's event variant
    demand_base, secondary_kt, season_days, export_tax, export_rebate, foreign_tariff, cap_limit_cn,
    # event arrays (V, M, A) and per-path variant (P,)
    # cost terms (V, M, A): power cost that follows coal, and everything else but alumina and anode
    cost_power, cost_fixed,
    avail_share, force_close, force_restart, build_block, flags_any, path_variant,
    # stochastic paths (P, M, ...) and initial conditions
    alumina_px, anode_px, alumina_fwd_delta, coal_idx, fx, eps_price, demand_noise, planned_go, restart_lag, curtail_threshold,
    price0, stock0, exports0, arb0, par,
    # outputs
    out, asset_year_prod, asset_state_end,
):
    n_paths, n_months = eps_price.shape[0], eps_price.shape[1]
    n_assets = capacity_kt.shape[0]
    vat = par[P_VAT]
    alpha = par[P_CURTAIL_ALPHA]
    k_alumina_q = par[P_ALUMINA_Q]
    k_anchor_markup = par[P_ANCHOR_MARKUP]
    k_anchor_q = par[P_ANCHOR_Q]
    k_anode_q = par[P_ANODE_Q]
    k_arb_band = par[P_ARB_BAND]
    k_arb_tie = par[P_ARB_TIE]
    k_curtail_step = par[P_CURTAIL_STEP]
    k_export_elast = par[P_EXPORT_ELAST]
    k_export_max = par[P_EXPORT_MAX]
    k_import_max = par[P_IMPORT_MAX]
    k_price_adj = par[P_PRICE_ADJ]
    k_price_elast_cn = par[P_PRICE_ELAST_CN]
    k_price_elast_row = par[P_PRICE_ELAST_ROW]
    k_ramp_step = par[P_RAMP_STEP]
    k_replacement_ratio = par[P_REPLACEMENT_RATIO]
    k_restart_cost_cn = par[P_RESTART_COST_CN]
    k_restart_cost_row = par[P_RESTART_COST_ROW]
    k_restart_hurdle_cn = par[P_RESTART_HURDLE_CN]
    k_restart_hurdle_row = par[P_RESTART_HURDLE_ROW]
    k_semis_premium = par[P_SEMIS_PREMIUM]
    k_stock_days_normal_cn = par[P_STOCK_DAYS_NORMAL_CN]
    k_stock_days_normal_row = par[P_STOCK_DAYS_NORMAL_ROW]
    k_stock_elast = par[P_STOCK_ELAST]
    k_stock_floor = par[P_STOCK_FLOOR]
    k_stock_ceiling = par[P_STOCK_CEILING]
    k_drawdown_months = par[P_DRAWDOWN_MONTHS]
    k_export_overhang = par[P_EXPORT_OVERHANG]
    k_util_max = par[P_UTIL_MAX]
    for p in prange(n_paths):
        v = path_variant[p]
        state = init_state.copy()
        share = init_share.copy()
        exp_margin = np.zeros(n_assets)
        timer = np.zeros(n_assets, dtype=np.int64)
        cost = np.zeros(n_assets)
        opcap = np.zeros(n_assets)
        order_cn = np.empty(n_assets, dtype=np.int64)
        order_row = np.empty(n_assets, dtype=np.int64)
        year_prod = np.zeros(n_assets)
        prod = np.zeros(2)
        cap_built = np.zeros(2)
        cap_op = np.zeros(2)
        co2 = np.zeros(2)
        loss_cap = np.zeros(2)
        margin_sum = np.zeros(2)
        cost_sum = np.zeros(2)
        cap_avail = np.zeros(2)
        bcap = np.zeros(n_assets)
        n_cn = 0
        n_row = 0
        for a in range(n_assets):
            if is_cn[a]:
                order_cn[n_cn] = a
                n_cn += 1
            else:
                order_row[n_row] = a
                n_row += 1
        price_cn = price0[0]
        price_row = price0[1]
        stock_cn = stock0[0]
        stock_row = stock0[1]
        built_cn = 0.0
        for a in range(n_assets):
            if is_cn[a] and counts_in_cap[a] and state[a] != PLANNED and state[a] != CONSTRUCTION and state[a] != CLOSED:
                built_cn += capacity_kt[a]
        cap_cut = 0.0
        for m in range(n_months):
            fx_m = fx[p, m]
            coal_m = coal_idx[p, m]
            restart_spend_cn = 0.0
            restart_spend_row = 0.0
            # 1. per asset: cost, state transition on last month's prices, then this month's output
            year = m // 12
            for k in range(2):
                prod[k] = 0.0
                cap_built[k] = 0.0
                cap_op[k] = 0.0
                co2[k] = 0.0
                loss_cap[k] = 0.0
                margin_sum[k] = 0.0
                cost_sum[k] = 0.0
                cap_avail[k] = 0.0
            common0 = k_alumina_q * alumina_px[p, m, 0] + k_anode_q * anode_px[p, m, 0]
            common1 = k_alumina_q * alumina_px[p, m, 1] + k_anode_q * anode_px[p, m, 1]
            to_usd = 1.0 / ((1.0 + vat) * fx_m)
            flagged = flags_any[v, m]      # any forced closure, restart or block this month?
            fwd0 = alumina_fwd_delta[p, m, 0]
            fwd1 = alumina_fwd_delta[p, m, 1]
            for a in range(n_assets):
                mk = market[a]
                c = ((common0 if mk == 0 else common1) + cost_power[v, m, a] * (1.0 + coal_share[a] * (coal_m - 1.0))
                     + cost_fixed[v, m, a])
                cost[a] = c
                px = price_cn if mk == 0 else price_row
                # decisions use the expected alumina cost over the horizon, not today's spot
                exp_margin[a] += alpha * ((px - c - (fwd0 if mk == 0 else fwd1)) - exp_margin[a])
                s = state[a]
                if s == CLOSED:
                    opcap[a] = 0.0
                    bcap[a] = 0.0
                    continue
                if flagged and force_close[v, m, a]:
                    # a closure makes room under the cap once; a replacement ratio below one (new
                    # capacity per t retired) tightens the limit by the rest. A relocated plant stays
                    # counted: its quota passes to the new plant
                    if is_cn[a] and counts_in_cap[a] and s != PLANNED and s != CONSTRUCTION and not quota_transfer[a]:
                        built_cn -= capacity_kt[a]
                        cap_cut += capacity_kt[a] * (1.0 - k_replacement_ratio)
                    state[a] = CLOSED
                    share[a] = 0.0
                    opcap[a] = 0.0
                    bcap[a] = 0.0
                    continue
                if s == PLANNED or s == CONSTRUCTION:
                    if (commission_m[a] >= 0 and m >= commission_m[a] and not (flagged and build_block[v, m, a])
                            and (s == CONSTRUCTION or planned_go[p, a])):
                        allowed = True
                        if is_cn[a] and counts_in_cap[a] and not quota_transfer[a]:
                            if built_cn + capacity_kt[a] > cap_limit_cn[v, m] - cap_cut + 1e-9:
                                allowed = False       # no room under the cap
                            else:
                                built_cn += capacity_kt[a]
                        if allowed:
                            state[a] = OPERATING
                            share[a] = k_ramp_step
                            exp_margin[a] = 0.0
                elif s == IDLE:
                    hurdle = k_restart_hurdle_cn if mk == 0 else k_restart_hurdle_row
                    forced = flagged and force_restart[v, m, a]
                    if forced or exp_margin[a] > hurdle * c:
                        state[a] = RESTARTING
                        timer[a] = restart_lag[p, a]
                        if mk == 0:
                            restart_spend_cn += capacity_kt[a] * k_restart_cost_cn
                        else:
                            restart_spend_row += capacity_kt[a] * k_restart_cost_row
                elif s == RESTARTING:
                    timer[a] -= 1
                    if timer[a] <= 0:
                        state[a] = OPERATING
                        share[a] = k_ramp_step
                        exp_margin[a] = 0.0
                elif exp_margin[a] < -curtail_threshold[p, a] * c and not (flagged and force_restart[v, m, a]):
                    # operating or curtailed: cut potlines on sustained losses …
                    share[a] -= k_curtail_step
                    if share[a] <= 1e-9:
                        share[a] = 0.0
                        state[a] = IDLE
                    else:
                        state[a] = CURTAILED
                elif share[a] < 1.0 and (exp_margin[a] > 0.0 or (flagged and force_restart[v, m, a])):
                    # … and bring them back when margins recover
                    share[a] = min(1.0, share[a] + k_ramp_step)
                    state[a] = OPERATING if share[a] >= 1.0 - 1e-12 else CURTAILED
                # output of this month
                s = state[a]
                if s == OPERATING or s == CURTAILED or s == IDLE or s == RESTARTING:
                    cap_built[mk] += capacity_kt[a]
                    avail = capacity_kt[a] * avail_share[v, m, a]
                    bcap[a] = avail
                    cap_avail[mk] += avail
                else:
                    bcap[a] = 0.0
                if s == OPERATING or s == CURTAILED:
                    oc = capacity_kt[a] * share[a] * avail_share[v, m, a]
                    opcap[a] = oc
                    q = oc * (k_util_max / 12.0)
                    prod[mk] += q
                    cap_op[mk] += oc
                    co2[mk] += q * co2_t_per_t[a]
                    margin_sum[mk] += oc * (px - c)
                    cost_sum[mk] += oc * c
                    if c > px:
                        loss_cap[mk] += oc
                    year_prod[a] += q
                else:
                    opcap[a] = 0.0
            # 2. the cost curves of this month: China (CNY) and the rest (USD), each kept sorted
            # (insertion sort: last month's order is nearly right; FX moves all Chinese costs alike)
            insertion_sort(order_cn, cost, n_cn)
            insertion_sort(order_row, cost, n_row)
            # 3. demand and trade (from last month's prices)
            dem_cn = demand_base[v, m, 0] * demand_noise[p, m, 0] * (price_cn / price0[0]) ** k_price_elast_cn
            dem_row = demand_base[v, m, 1] * demand_noise[p, m, 1] * (price_row / price0[1]) ** k_price_elast_row
            sec_cn = secondary_kt[m, 0]
            sec_row = secondary_kt[m, 1]
            netback = price_row * fx_m * (1.0 + k_semis_premium) * (1.0 - foreign_tariff[v, m]) * (1.0 - export_tax[v, m])
            basis = price_cn / (1.0 + vat) * (1.0 + vat - export_rebate[v, m])
            arb = netback / basis - 1.0
            # stocks above (or below) normal — normal including the seasonal build — are worked off
            # over a horizon; part of China's overhang leaves as extra exports of semis
            normal_cn = k_stock_days_normal_cn + season_days[m, 0]
            normal_row = k_stock_days_normal_row + season_days[m, 1]
            over_cn = (stock_cn - normal_cn * dem_cn / 30.4375) / k_drawdown_months
            over_row = (stock_row - normal_row * dem_row / 30.4375) / k_drawdown_months
            exports = exports0 * (1.0 + k_export_elast * (arb - arb0)) + k_export_overhang * over_cn
            exports = min(max(exports, -k_import_max), k_export_max)
            # marginal-cost anchors: the cash cost of the plant needed to meet this month's call on
            # primary metal, read off the curve of built capacity (idle plants included)
            # the call on primary metal nets out the stock overhang
            need_cn = (dem_cn - sec_cn + exports - over_cn) * 12.0 / k_util_max
            need_world = (dem_cn + dem_row - sec_cn - sec_row - over_cn - over_row) * 12.0 / k_util_max
            q_cn = min(max(need_cn / max(cap_avail[0], 1e-9), 0.0), 1.0)
            q_world = min(max(need_world / max(cap_avail[0] + cap_avail[1], 1e-9), 0.0), 1.0)
            p90_cn, marginal_cn = two_quantiles(order_cn, n_cn, cost, 1.0, order_row, 0, cost,
                                                 opcap, cap_op[0], k_anchor_q, bcap, cap_avail[0], q_cn)
            p90_world, marginal_world = two_quantiles(order_cn, n_cn, cost, to_usd, order_row, n_row, cost,
                                                       opcap, cap_op[0] + cap_op[1], k_anchor_q,
                                                       bcap, cap_avail[0] + cap_avail[1], q_world)
            # China: rationing cuts exports first, then domestic use
            avail_cn = stock_cn + prod[0] + sec_cn
            if exports > 0.0 and exports > avail_cn:
                exports = avail_cn
            if exports < 0.0 and -exports > stock_row + prod[1] + sec_row:
                exports = -(stock_row + prod[1] + sec_row)
            cons_cn = min(dem_cn, avail_cn - exports)
            cons_row = min(dem_row, stock_row + prod[1] + sec_row + exports)
            stock_cn = stock_cn + prod[0] + sec_cn - cons_cn - exports
            stock_row = stock_row + prod[1] + sec_row + exports - cons_row
            if stock_cn < 0.0:
                stock_cn = 0.0
            if stock_row < 0.0:
                stock_row = 0.0
            days_cn = stock_cn / max(dem_cn, 1e-9) * 30.4375
            days_row = stock_row / max(dem_row, 1e-9) * 30.4375
            # 4. prices for next month: toward the cost anchor, against stock days, tied by arbitrage
            # seasonal stock builds (after Chinese New Year) are normal and do not move prices
            rel_cn = min(max(days_cn / normal_cn, k_stock_floor), k_stock_ceiling)
            rel_row = min(max(days_row / normal_row, k_stock_floor), k_stock_ceiling)
            # the price anchor uses the alumina cost expected over the horizon, like the plants do
            anchor_cn = (marginal_cn + fwd0) * (1.0 + k_anchor_markup) if marginal_cn == marginal_cn else price_cn
            anchor_row = ((marginal_world + fwd1) * (1.0 + k_anchor_markup) if marginal_world == marginal_world
                          else price_row)
            parity = price_row * fx_m * (1.0 + vat)
            dev = np.log(price_cn / parity)
            tie = 0.0
            if dev > k_arb_band:
                tie = dev - k_arb_band
            elif dev < -k_arb_band:
                tie = dev + k_arb_band
            # target = anchor × (stock days / normal)^elasticity (elasticity < 0: thin stocks lift price)
            target_cn = np.log(anchor_cn) + k_stock_elast * np.log(rel_cn)
            target_row = np.log(anchor_row) + k_stock_elast * np.log(rel_row)
            log_cn = (np.log(price_cn) + k_price_adj * (target_cn - np.log(price_cn))
                      - k_arb_tie * tie + eps_price[p, m, 0])
            log_row = (np.log(price_row) + k_price_adj * (target_row - np.log(price_row))
                       + 0.5 * k_arb_tie * tie + eps_price[p, m, 1])
            # record this month (prices are the ones the month traded at)
            for mk in range(2):
                out[p, m, mk, O_PRODUCTION] = prod[mk]
                out[p, m, mk, O_CAP_BUILT] = cap_built[mk]
                out[p, m, mk, O_CAP_OPERATING] = cap_op[mk]
                out[p, m, mk, O_CO2] = co2[mk]
                out[p, m, mk, O_SHARE_LOSS] = loss_cap[mk] / cap_op[mk] if cap_op[mk] > 0 else 0.0
                out[p, m, mk, O_MARGIN] = margin_sum[mk] / cap_op[mk] if cap_op[mk] > 0 else 0.0
                out[p, m, mk, O_COST_MEAN] = cost_sum[mk] / cap_op[mk] if cap_op[mk] > 0 else 0.0
            out[p, m, 0, O_PRICE] = price_cn
            out[p, m, 1, O_PRICE] = price_row
            out[p, m, 0, O_CONSUMPTION] = cons_cn
            out[p, m, 1, O_CONSUMPTION] = cons_row
            out[p, m, 0, O_DEMAND] = dem_cn
            out[p, m, 1, O_DEMAND] = dem_row
            out[p, m, 0, O_UNMET] = dem_cn - cons_cn
            out[p, m, 1, O_UNMET] = dem_row - cons_row
            out[p, m, 0, O_INVENTORY] = stock_cn
            out[p, m, 1, O_INVENTORY] = stock_row
            out[p, m, 0, O_STOCK_DAYS] = days_cn
            out[p, m, 1, O_STOCK_DAYS] = days_row
            out[p, m, 0, O_NET_EXPORTS] = exports
            out[p, m, 1, O_NET_EXPORTS] = -exports
            out[p, m, 0, O_SECONDARY] = sec_cn
            out[p, m, 1, O_SECONDARY] = sec_row
            out[p, m, 0, O_COST_P90] = p90_cn
            out[p, m, 1, O_COST_P90] = p90_world
            out[p, m, 0, O_RESTART_COST] = restart_spend_cn
            out[p, m, 1, O_RESTART_COST] = restart_spend_row
            price_cn = np.exp(log_cn)
            price_row = np.exp(log_row)
            if m % 12 == 11 or m == n_months - 1:
                for a in range(n_assets):
                    asset_year_prod[p, a, year] = year_prod[a]
                    year_prod[a] = 0.0
        for a in range(n_assets):
            asset_state_end[p, a] = state[a]
