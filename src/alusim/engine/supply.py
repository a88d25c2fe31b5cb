"""One month of supply (compiled): every smelter's cost, decision and output, then greenfield capacity
outside China. Steps 1 and 1b of the kernel's month (docs/model.md, "One month, in order").

The per-path arrays are the kernel's locals, passed in by name (numba's parallel lowering loses
writes made through a tuple of arrays, so they are not bundled); the month's totals by market
accumulate in ``acc[k, A_*]`` (k = 0 China, 1 the rest of the world) and by region in ``node_prod``.
"""

from __future__ import annotations

from numba import njit

from alusim.engine.curves import FAST as _FAST
from alusim.engine.plants import CLOSED, CONSTRUCTION, CURTAILED, IDLE, OPERATING, PLANNED, RESTARTING, decide

# the month's totals by market: acc[k, ·]
(A_PROD, A_BUILT, A_OPER, A_CO2, A_LOSS, A_MARGIN, A_COST, N_ACC) = range(8)
# running books of the path: book[·] — China's built capacity under the cap, the cap tightened by
# retirements, and the month's restart spending by market
(B_BUILT_CN, B_CAP_CUT, B_RESTART_CN, B_RESTART_ROW, N_BOOK) = range(5)
# the path's plant parameters by market: by_market[·, k]
(K_TAKE_OR_PAY, K_HURDLE, K_NEW_BUILD, K_RESTART_COST, N_BY_MARKET) = range(5)
# the month's scalars the plant loop reads: now[·]
(T_PRICE_CN, T_PRICE_ROW, T_COAL, T_COMMON_CN, T_COMMON_ROW, T_FWD_CN, T_FWD_ROW, T_CAP_LIMIT, T_RAMP, T_CURTAIL,
 T_RECOVER, T_REPLACEMENT, T_UTIL, N_NOW) = range(14)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def plants_month(assets, events, draws, par, p, v, m, s, state, share, exp_margin, timer, cost, opcap, threshold,
                 lag, year_prod, acc, book, node_prod, by_market, premium, now):
    """Each plant's cash cost, its decision on its expected margin (China at SHFE, the rest of the world
    at LME + its region's premium) and its output; totals into ``acc`` and ``node_prod``. The plant
    arrays (A,) are the path's: ``state``, ``share`` of capacity running, ``exp_margin``, restart
    ``timer``, this month's ``cost`` and operating capacity ``opcap``, the plant's curtailment
    ``threshold`` and restart ``lag``, output this year ``year_prod``; ``by_market[K_*, k]`` holds the
    path's take-or-pay share, restart and new-build hurdles and restart cost of market k; ``now[T_*]``
    the month's prices, costs and steps. (Packed so that the call stays under 30 arguments, above
    which CPython passes them as a tuple that numba cannot inline.)"""
    price_cn = now[T_PRICE_CN]
    price_row = now[T_PRICE_ROW]
    coal_m = now[T_COAL]
    common0 = now[T_COMMON_CN]
    common1 = now[T_COMMON_ROW]
    fwd0 = now[T_FWD_CN]
    fwd1 = now[T_FWD_ROW]
    cap_limit = now[T_CAP_LIMIT]
    ramp_step = now[T_RAMP]
    curtail_step = now[T_CURTAIL]
    recover = now[T_RECOVER]
    replacement = now[T_REPLACEMENT]
    monthly_util = now[T_UTIL]
    n_assets = assets.capacity_kt.shape[0]
    alpha = par.margin_alpha[s]
    flagged = events.flags_any[v, m]      # any forced closure, restart or block this month?
    for a in range(n_assets):
        mk = assets.market[a]
        power = events.cost_power[v, m, a] * (1.0 + assets.coal_share[a] * (coal_m - 1.0))
        c = (common0 if mk == 0 else common1) + power + events.cost_fixed[v, m, a]
        cost[a] = c
        node = assets.node[a]
        px = price_cn if mk == 0 else price_row + premium[node]
        ce = c + (fwd0 if mk == 0 else fwd1)       # decisions use the alumina cost expected ahead
        if m == 0:
            exp_margin[a] = px - ce         # the observed start: today's margin
        else:
            exp_margin[a] += alpha * ((px - ce) - exp_margin[a])
        st = state[a]
        if st == CLOSED:
            opcap[a] = 0.0
            continue
        if flagged and events.force_close[v, m, a]:
            # a closure makes room under the cap once; a replacement ratio below one (new capacity per
            # t retired) tightens the limit by the rest; a relocated plant's quota passes to its new plant
            if (assets.is_cn[a] and assets.counts_in_cap[a] and st != PLANNED and st != CONSTRUCTION
                    and not assets.quota_transfer[a]):
                book[B_BUILT_CN] -= assets.capacity_kt[a]
                book[B_CAP_CUT] += assets.capacity_kt[a] * (1.0 - replacement)
            state[a] = CLOSED
            share[a] = 0.0
            opcap[a] = 0.0
            continue
        capped = assets.is_cn[a] and assets.counts_in_cap[a] and not assets.quota_transfer[a]
        room = True
        if capped and (st == PLANNED or st == CONSTRUCTION):
            room = book[B_BUILT_CN] + assets.capacity_kt[a] <= cap_limit - book[B_CAP_CUT] + 1e-9
        forced = flagged and events.force_restart[v, m, a]
        restarted, commissioned = decide(
            state, share, timer, a, m, exp_margin[a], ce, power, threshold[a], by_market[K_TAKE_OR_PAY, mk],
            recover, by_market[K_HURDLE, mk], by_market[K_NEW_BUILD, mk], lag[a], ramp_step, curtail_step,
            assets.commission_m[a], draws.planned_go[p, a], flagged and events.build_block[v, m, a], forced, room)
        if commissioned and capped:
            book[B_BUILT_CN] += assets.capacity_kt[a]
        if restarted:
            book[B_RESTART_CN if mk == 0 else B_RESTART_ROW] += assets.capacity_kt[a] * by_market[K_RESTART_COST, mk]
        st = state[a]
        if st == OPERATING or st == CURTAILED or st == IDLE or st == RESTARTING:
            acc[mk, A_BUILT] += assets.capacity_kt[a]
        if st == OPERATING or st == CURTAILED:
            oc = assets.capacity_kt[a] * share[a] * events.avail_share[v, m, a]
            opcap[a] = oc
            q = oc * monthly_util
            acc[mk, A_PROD] += q
            acc[mk, A_OPER] += oc
            acc[mk, A_CO2] += q * assets.co2_t_per_t[a]
            acc[mk, A_MARGIN] += oc * (px - c)
            acc[mk, A_COST] += oc * c
            if c > px:
                acc[mk, A_LOSS] += oc
            year_prod[a] += q
            if mk != 0:
                node_prod[node] += q
        else:
            opcap[a] = 0.0


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def greenfield_month(acc, node_prod, par, s, m, n_months, green, slow_row, price_row, escalation, node_share):
    """Greenfield capacity outside China: committed while the 36-month LME average stays above the
    incentive price of new capacity, running after the build lag whenever the price covers its cash
    cost (the supply side of the incentive price's long-run ceiling). ``green`` holds (committed,
    online) and the queue by month after them; its output goes to the regions by ``node_share``."""
    if par.greenfield_rate[s] <= 0.0:
        return
    excess = slow_row / (par.incentive_usd_t[s] * escalation) - 1.0
    if excess > 0.0 and green[0] < par.greenfield_max[s]:
        add = min(par.greenfield_rate[s] * excess / 0.1 / 12.0, par.greenfield_max[s] - green[0])
        green[0] += add
        on = m + int(par.greenfield_build_months[s])
        if on < n_months:
            green[2 + on] += add
    green[1] += green[2 + m]
    online = green[1]
    if online > 0.0:
        acc[1, A_BUILT] += online
        green_cost = par.greenfield_cost_usd_t[s] * escalation
        if price_row > green_cost:
            q = online * (par.util_max[s] / 12.0)
            acc[1, A_PROD] += q
            acc[1, A_OPER] += online
            acc[1, A_CO2] += q * par.greenfield_co2[s]
            acc[1, A_MARGIN] += online * (price_row - green_cost)
            acc[1, A_COST] += online * green_cost
            for j in range(node_share.shape[0]):
                node_prod[j] += q * node_share[j]
