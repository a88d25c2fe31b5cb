"""The rest of the world as trading regions (compiled): a regional price, flows between regions, and
China's trade split by origin and destination.

Plain arrays in, arrays out; inlined into the kernel's month step. The rules (docs/model.md,
"Regions and trade"):

* every region (a *node*: a country or bloc with its own trade policy — the US, Canada, the EU, Russia,
  the GCC, India …) sells at **LME + its premium**; its smelters decide on that price and its demand
  answers it;
* metal moves from an origin to a destination along the corridors the record shows (existing
  relationships are the inertia), more where the **arbitrage** — the destination's premium over the
  landed cost (origin premium, freight, ad-valorem duty on the delivered value, a border charge such
  as CBAM) — has widened since the start, less where it has narrowed; a sanction closes a share of a
  corridor; each month a corridor moves ``adjust`` of the way to its target, and no origin ships more
  than it has;
* a region's **premium** follows its parity — the landed cost of its marginal supplier's imports,
  the netback of its exports, as they move from the start (a duty on every import lifts an
  importer's premium by the duty; an exempt cheap supplier or a priced-out dear one does not move
  it) — and its own stocks against the pool's (scarcer than the rest of the world: up — the LME
  already prices the pool); a region whose outlets close fills its stocks and sells at a discount
  until its metal finds other buyers;
* China's primary imports come from the regions (more from the cheaper origins, none through a
  closed corridor) and its exports of semis go to them (less where a tariff on Chinese metal rises).

With a single region (the whole rest of the world, premium 0, no corridors) every function here is
the identity and the kernel is the two-market model it generalises.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from alusim.engine.curves import FAST as _FAST

#: the exponent of a flow target is bounded (a corridor grows at most e^5 ≈ 150-fold of its base)
MAX_LOG_FLOW = 5.0
#: share of an importer's supply (its open corridors' start flows, cheapest first) at which the
#: marginal supplier that sets its parity sits: the dearest 30 % is swing tonnage (spot lots, the
#: suppliers a buyer drops first). Above the share the cheapest suppliers the record shows hold in
#: the big importers (Canada ~56 % of US imports 2018–19, trade_flows.csv) the duty-free cheapest
#: supplier leaves the parity with the duty-paying margin; below one minus the share of the dearest
#: small supplier (Russia ~24 % of the US's start corridors) a prohibitive duty on it prices it out.
MARGINAL_SUPPLY_SHARE = 0.7


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def landed_over_lme(lme, premium_origin, freight, tariff, border):
    """USD/t over LME that a tonne from an origin costs delivered to a destination: origin premium and
    freight, the ad-valorem duty on that delivered value, and a per-tonne border charge."""
    return (lme + premium_origin + freight) * (1.0 + tariff) + border - lme


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def arbitrage_matrix(out, lme, premium, freight, tariff, border, v, m):
    """(R, R) USD/t a trader makes moving a tonne from ``o`` to ``d`` in month ``m`` of variant ``v``:
    the destination's premium over the landed cost (0 on the diagonal). The (V, M, R, R) arrays are
    indexed here, not sliced by the caller: a slice in the hot loop costs an atomic reference count
    that the threads fight over."""
    n = premium.shape[0]
    for o in range(n):
        for d in range(n):
            if o == d:
                out[o, d] = 0.0
            else:
                out[o, d] = premium[d] - landed_over_lme(lme, premium[o], freight[o, d], tariff[v, m, o, d],
                                                         border[v, m, o, d])


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def flows_step(flows, base, arb, arb0, open_share, v, m, lme, elasticity, adjust, growth):
    """Move each corridor ``adjust`` of the way toward base × the destination's demand ``growth`` since
    the start × open share × exp(elasticity × change of its arbitrage as a share of LME); kt/month, in
    place (trade grows with the buyers' needs, and leans toward the arbitrage)."""
    n = flows.shape[0]
    for o in range(n):
        for d in range(n):
            if o == d or base[o, d] <= 0.0:
                flows[o, d] = 0.0
                continue
            x = min(max(elasticity * (arb[o, d] - arb0[o, d]) / lme, -50.0), MAX_LOG_FLOW)
            target = base[o, d] * growth[d] * open_share[v, m, o, d] * np.exp(x)
            flows[o, d] += adjust * (target - flows[o, d])


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def china_shares(out_export, out_import, export_share, import_share, import_open, premium, premium0,
                 cn_tariff, v, m, lme, elasticity):
    """Where China's exports go and where its imports come from, as shares summing to one: exports
    lean toward regions whose premium rose and away from those whose tariff on Chinese metal rose;
    imports lean toward origins whose premium fell (cheaper metal), none through a closed corridor."""
    n = premium.shape[0]
    sx = 0.0
    si = 0.0
    for j in range(n):
        gain = (premium[j] - premium0[j]) - (cn_tariff[v, m, j] - cn_tariff[v, 0, j]) * lme
        out_export[j] = export_share[j] * np.exp(min(max(elasticity * gain / lme, -50.0), MAX_LOG_FLOW))
        sx += out_export[j]
        out_import[j] = import_share[j] * import_open[v, m, j] * np.exp(
            min(max(-elasticity * (premium[j] - premium0[j]) / lme, -50.0), MAX_LOG_FLOW))
        si += out_import[j]
    for j in range(n):
        out_export[j] = out_export[j] / sx if sx > 0.0 else 0.0
        out_import[j] = out_import[j] / si if si > 0.0 else 0.0


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def ration_outflows(flows, to_china, own):
    """No region ships more than it has beyond its own use (``own``: stock + output + recycled metal −
    demand): its corridors and its sales to China are scaled down together; returns China's imports
    after rationing (kt/month)."""
    n = flows.shape[0]
    total_imports = 0.0
    for o in range(n):
        out = to_china[o]
        for d in range(n):
            out += flows[o, d]
        if out > own[o]:
            scale = max(own[o], 0.0) / out
            to_china[o] *= scale
            for d in range(n):
                flows[o, d] *= scale
        total_imports += to_china[o]
    return total_imports


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def netback_over_lme(lme, premium_destination, freight, tariff, border):
    """USD/t over LME that a tonne shipped to a destination returns to its origin (the inverse of
    :func:`landed_over_lme`)."""
    return (lme + premium_destination - border) / (1.0 + tariff) - freight - lme


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def start_parities(landed0, netback0, lme0, premium0, freight, tariff, border, v):
    """(R, R) landed cost and netback over LME of every corridor in the first month, at the start
    premiums: what :func:`parity_shift` measures the changes against (once per path)."""
    n = premium0.shape[0]
    for o in range(n):
        for d in range(n):
            landed0[o, d] = landed_over_lme(lme0, premium0[o], freight[o, d], tariff[v, 0, o, d], border[v, 0, o, d])
            netback0[o, d] = netback_over_lme(lme0, premium0[d], freight[o, d], tariff[v, 0, o, d],
                                              border[v, 0, o, d])


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def marginal_cost(cost, weight, share):
    """The marginal supplier's landed cost: suppliers (``cost``, ``weight`` > 0) ordered from the
    cheapest, the one at which the cumulative weight first reaches ``share`` of the total (ties in
    index order); 0 with no supplier. The cheaper suppliers sell at the marginal one's price; the
    dearer ``1 − share`` is swing tonnage that drops out when it is priced out."""
    n = cost.shape[0]
    total = 0.0
    for k in range(n):
        if weight[k] > 0.0:
            total += weight[k]
    best = 0.0
    found = False
    for k in range(n):
        if weight[k] <= 0.0:
            continue
        below = 0.0
        for q in range(n):
            if weight[q] > 0.0 and (cost[q] < cost[k] or (cost[q] == cost[k] and q <= k)):
                below += weight[q]
        if below >= share * total * (1.0 - 1e-12) and (not found or cost[k] < best):
            best = cost[k]
            found = True
    return best


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def start_marginals(marginal0, landed0, base, open_share, v, cost, weight):
    """(R,) each importer's marginal supplier's landed cost over LME in the first month
    (:func:`marginal_cost` of :func:`start_parities`' ``landed0`` on the open start corridors): what
    :func:`parity_shift` measures an importer's parity against (once per path, not every month);
    ``cost``, ``weight``: (R,) scratch."""
    n = marginal0.shape[0]
    for j in range(n):
        for o in range(n):
            cost[o] = landed0[o, j]
            weight[o] = base[o, j] * open_share[v, 0, o, j] if o != j else 0.0
        marginal0[j] = marginal_cost(cost, weight, MARGINAL_SUPPLY_SHARE)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def parity_shift(out, base, open_share, v, m, lme, premium, premium0, freight, tariff, border, netback0, marginal0,
                 cost, weight):
    """(R,) USD/t by which each region's parity has moved since the start (``landed0``, ``netback0``:
    :func:`start_parities`).

    An importer's parity is its **marginal supplier's** landed cost (:func:`marginal_cost` at
    :data:`MARGINAL_SUPPLY_SHARE` of its open corridors' start flows, cheapest first), now against
    the start: a duty on every import lifts it by the duty; an exemption for its cheapest supplier
    leaves it with the duty-paying margin (Canada from May 2019: the Midwest premium kept the duty); a
    prohibitive duty on a small supplier prices that supplier out instead of lifting the parity (the
    US 200 % on Russian metal, 2023); closing its cheapest supplier moves the margin to a dearer one (a
    ban on Russian metal in the EU). An exporter's parity is the netback of what it exports (its
    buyers' premiums after freight and duty), weighted by its open corridors' start flows; a closed
    outlet drops out. A region that does both weighs the two by their flows. 0 for a region with no
    open corridor. ``m`` is the month just simulated: the terms are read for the month after it (the
    month the new premiums trade in), the last month's at the end. ``marginal0``: the start's marginal
    costs (:func:`start_marginals`); ``cost``, ``weight``: (R,) scratch."""
    n = premium.shape[0]
    # the premiums formed at the end of month m are next month's (as ``lme`` is): they price the
    # terms in force then — a duty is quoted into the premium from the month it applies
    m = min(m + 1, tariff.shape[1] - 1)
    for j in range(n):
        imported = 0.0
        for o in range(n):
            cost[o] = 0.0
            weight[o] = 0.0
            w = base[o, j] * open_share[v, m, o, j]
            if o == j or w <= 0.0:
                continue
            # the origin's premium held at its start: an importer's parity moves with duties, border
            # charges and the LME they apply to, not with its suppliers' premiums (which follow the
            # importers' through their netbacks: both ways would leave the premiums' common level adrift)
            cost[o] = landed_over_lme(lme, premium0[o], freight[o, j], tariff[v, m, o, j], border[v, m, o, j])
            weight[o] = w
            imported += w
        total = 0.0
        if imported > 0.0:
            total = imported * (marginal_cost(cost, weight, MARGINAL_SUPPLY_SHARE) - marginal0[j])
        wsum = imported
        for d in range(n):
            w = base[j, d] * open_share[v, m, j, d]
            if d == j or w <= 0.0:
                continue
            now = netback_over_lme(lme, premium[d], freight[j, d], tariff[v, m, j, d], border[v, m, j, d])
            total += w * (now - netback0[j, d])
            wsum += w
        out[j] = total / wsum if wsum > 0.0 else 0.0


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def premiums_step(premium, premium0, shift, stock, normal, pool_ratio, lme, sensitivity, adjust, ratio_floor,
                  ratio_ceiling):
    """Next month's premiums (in place): each moves ``adjust`` of the way toward its start level plus
    its parity shift (:func:`parity_shift`) minus ``sensitivity`` × LME × log of its stock ratio
    (stocks / normal) over the pool's — the LME already prices the rest of the world's stocks as a
    whole, a premium prices a region's scarcity against it. Both ratios are held within
    [``ratio_floor``, ``ratio_ceiling``]."""
    n = premium.shape[0]
    pool = min(max(pool_ratio, ratio_floor), ratio_ceiling)
    for j in range(n):
        ratio = min(max(stock[j] / max(normal[j], 1e-9), ratio_floor), ratio_ceiling)
        target = premium0[j] + shift[j] - sensitivity * lme * np.log(ratio / pool)
        premium[j] += adjust * (target - premium[j])
