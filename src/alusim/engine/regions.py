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
* a region's **premium** answers its own stocks against the pool's (scarcer than the rest of the
  world: up — the LME already prices the pool) and is held between its export
  netback (what its metal fetches in the best other market, after freight and duty) and its import
  parity (the cheapest landed import): a tariff on a region that must import lifts its premium
  toward the duty, and a region whose outlets close sells at a discount;
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


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def landed_over_lme(lme, premium_origin, freight, tariff, border):
    """USD/t over LME that a tonne from an origin costs delivered to a destination: origin premium and
    freight, the ad-valorem duty on that delivered value, and a per-tonne border charge."""
    return (lme + premium_origin + freight) * (1.0 + tariff) + border - lme


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def netback_over_lme(lme, premium_destination, freight, tariff, border):
    """USD/t over LME that a tonne shipped to a destination returns to its origin (the inverse of
    :func:`landed_over_lme`)."""
    return (lme + premium_destination - border) / (1.0 + tariff) - freight - lme


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
def flows_step(flows, base, arb, arb0, open_share, v, m, lme, elasticity, adjust):
    """Move each corridor ``adjust`` of the way toward base × open share × exp(elasticity × change of
    its arbitrage as a share of LME); kt/month, in place."""
    n = flows.shape[0]
    for o in range(n):
        for d in range(n):
            if o == d or base[o, d] <= 0.0:
                flows[o, d] = 0.0
                continue
            x = min(max(elasticity * (arb[o, d] - arb0[o, d]) / lme, -50.0), MAX_LOG_FLOW)
            target = base[o, d] * open_share[v, m, o, d] * np.exp(x)
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
    """No region ships more than it has (stock + output + recycled metal): its corridors and its
    sales to China are scaled down together; returns China's imports after rationing (kt/month)."""
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
def premium_bounds(j, lme, premium, freight, tariff, border, open_share, v, m):
    """(floor, ceiling) of region ``j``'s premium: its best export netback and its cheapest landed
    import over the corridors that are open (−inf / +inf where there is none)."""
    n = premium.shape[0]
    floor = -np.inf
    ceiling = np.inf
    for o in range(n):
        if o != j and open_share[v, m, o, j] > 0.0:
            ceiling = min(ceiling, landed_over_lme(lme, premium[o], freight[o, j], tariff[v, m, o, j],
                                                   border[v, m, o, j]))
    for d in range(n):
        if d != j and open_share[v, m, j, d] > 0.0:
            floor = max(floor, netback_over_lme(lme, premium[d], freight[j, d], tariff[v, m, j, d],
                                                border[v, m, j, d]))
    return floor, ceiling


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def premiums_step(premium, last, premium0, stock, normal, pool_ratio, lme, sensitivity, adjust, ratio_floor,
                  ratio_ceiling, freight, tariff, border, open_share, v, m):
    """Next month's premiums (in place; ``last`` is a scratch copy of this month's): each moves
    ``adjust`` of the way toward its start level minus ``sensitivity`` × LME × log of its stock ratio
    (stocks / normal) over the pool's — the LME already prices the rest of the world's stocks as a
    whole, a premium prices a region's scarcity against it — held between its export netback and its
    import parity."""
    n = premium.shape[0]
    for j in range(n):
        last[j] = premium[j]
    pool = min(max(pool_ratio, ratio_floor), ratio_ceiling)
    for j in range(n):
        ratio = min(max(stock[j] / max(normal[j], 1e-9), ratio_floor), ratio_ceiling)
        target = premium0[j] - sensitivity * lme * np.log(ratio / pool)
        floor, ceiling = premium_bounds(j, lme, last, freight, tariff, border, open_share, v, m)
        if ceiling < floor:
            ceiling = floor
        target = min(max(target, floor), ceiling)
        premium[j] = last[j] + adjust * (target - last[j])
