"""One month of the two markets: demand, trade, stocks and next month's prices (compiled).

Plain numbers in, plain numbers out; inlined into the kernel's month loop. The rules (docs/model.md,
"Price formation" and "Two-way trade"):

* **price** = cost support × f(stocks): the log price moves ``price_adjust`` of the way each month
  toward log(support) + max(log(price/cost at normal stocks) + elasticity × log(stocks / normal),
  log(cost floor ratio)), where support is the ``cost_support_percentile`` of operating cash cost
  (China's curve for SHFE, the world's in USD for LME) and stocks are visible plus unreported, against
  their normal level with the seasonal build. In surplus the price falls toward the cost floor, not
  through it — the floor itself falls as the dearest plants curtail, since it is a percentile of
  *operating* cost; the incentive price of new capacity caps the rent above cost at normal stocks
  (a cost curve above it still passes through); SHFE cannot rise above import parity (LME × FX × (1 + duty) × (1 + VAT) plus freight and
  premium: metal flows in instead — the scarcity rent of a capped market stops there); thin stocks
  still lift LME above the incentive price for a while;
* **the cap's rent**: while China's built capacity nears its national cap, no new plant can compete a
  rent away, and the marginal tonne is an import: SHFE's target moves toward import parity, by the
  share of the last ``cap_rent_headroom`` of the cap already built (:func:`cap_rent_target_log`);
* **China's primary imports** follow the import arbitrage (SHFE over import parity) on a logistic
  curve bounded by ``import_max``; **exports of semis and products** follow the export arbitrage
  (netback abroad after foreign tariffs and export tax, over the domestic basis after the VAT rebate)
  with a constant elasticity, grow with the rest of the world's demand and take part of China's stock
  overhang; both flows adjust ``trade_adjust`` of the way each month (orders take time). SHFE and LME
  are tied only through these flows.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from alusim.engine.curves import FAST as _FAST

DAYS_PER_MONTH = 30.4375


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def import_parity_cny_t(lme_usd_t, fx, vat, import_cost_usd_t, import_duty):
    """Landed cost of imported primary metal in China, CNY/t tax-inclusive (SMM's import P/L basis)."""
    return (lme_usd_t + import_cost_usd_t) * fx * (1.0 + import_duty) * (1.0 + vat)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def export_arbitrage(shfe, lme, fx, vat, semis_premium, foreign_tariff, export_tax, rebate):
    """log(netback abroad / domestic basis) of China's semis exports."""
    netback = lme * fx * (1.0 + semis_premium) * (1.0 - foreign_tariff) * (1.0 - export_tax)
    basis = shfe / (1.0 + vat) * (1.0 + vat - rebate)
    return np.log(netback / basis)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def imports_target(shfe, parity, import_max, threshold, width):
    """kt/month of primary metal China imports at this import arbitrage (logistic in log(SHFE/parity))."""
    return import_max / (1.0 + np.exp(-(np.log(shfe / parity) - threshold) / width))


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def exports_target(exports0, arb, arb0, elasticity, scale, overhang, export_max):
    """kt/month of semis and products China exports: the start level grown with foreign demand, moved by
    the arbitrage, plus a share of the stock overhang; between 0 and ``export_max``."""
    x = exports0 * scale * np.exp(elasticity * (arb - arb0)) + overhang
    return min(max(x, 0.0), export_max)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def price_target_log(support, log_price_to_cost, elasticity, stock, normal, ratio_floor, ratio_ceiling, log_floor,
                     glut_max):
    """log of the price the market moves toward: cost support × (stocks / normal)^elasticity × the
    price-to-cost ratio at normal stocks, never below the cost floor; the stock ratio is bounded (a
    market with no stocks rations demand rather than bidding without limit).

    The cost floor holds while stocks stay within ``ratio_ceiling`` × normal: a glut beyond it (metal
    no one will finance) pushes the price, floor included, down with the same elasticity — up to
    ``glut_max`` times the ceiling — so that a market whose plants still cover their avoidable cost
    at the floor does not pile up stocks without end."""
    raw = stock / max(normal, 1e-9)
    ratio = min(max(raw, ratio_floor), ratio_ceiling)
    glut = min(max(raw / ratio_ceiling, 1.0), glut_max)
    return (np.log(support) + max(log_price_to_cost + elasticity * np.log(ratio), log_floor)
            + elasticity * np.log(glut))


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def cap_rent_weight(built_kt, cap_kt, headroom_share):
    """Share (0–1) of the way SHFE's target moves to import parity under China's capacity cap: 0 while
    built capacity leaves ``headroom_share`` of the cap or more unbuilt (new plants can still come, so
    cost sets the price), rising linearly to 1 as built capacity reaches the cap (the next tonne must
    be imported). 0 without a cap (an infinite limit) or with ``headroom_share`` 0."""
    if not cap_kt < np.inf or headroom_share <= 0.0 or cap_kt <= 0.0:
        return 0.0
    headroom = 1.0 - built_kt / cap_kt
    return min(max(1.0 - headroom / headroom_share, 0.0), 1.0)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def shortness(stock, normal, ratio_ceiling):
    """1 while stocks are at or below normal (a short market), falling linearly to 0 as they reach
    ``ratio_ceiling`` × normal (a glut: holders of surplus metal undercut the marginal import)."""
    raw = stock / max(normal, 1e-9)
    if raw <= 1.0:
        return 1.0
    return min(max((ratio_ceiling - raw) / max(ratio_ceiling - 1.0, 1e-9), 0.0), 1.0)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def cap_rent_target_log(target_log, parity, weight, log_parity_ratio):
    """SHFE's log target with the cap's rent: ``weight`` of the way from the cost-and-stocks target up to
    import parity × ``exp(log_parity_ratio)`` — never down (a target already above parity keeps its
    stocks' scarcity; the import-parity ceiling applies after)."""
    rent = np.log(parity) + log_parity_ratio
    if weight <= 0.0 or rent <= target_log:
        return target_log
    return target_log + weight * (rent - target_log)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def implied_stock_ratio(price, support, log_price_to_cost, elasticity, ratio_floor, ratio_ceiling, log_floor):
    """The stock ratio (stocks / normal) at which :func:`price_target_log` gives ``price``: the market's
    tightness the observed price reveals (at the cost floor or below: the ceiling, a glut)."""
    gap = np.log(price / support)
    if gap <= log_floor + 1e-12 or elasticity == 0.0:
        return ratio_ceiling if gap <= log_floor + 1e-12 else 1.0
    return min(max(np.exp((gap - log_price_to_cost) / elasticity), ratio_floor), ratio_ceiling)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def incentive_capped(support, incentive, log_price_to_cost):
    """The support the price rule uses once the incentive price caps the normal-stock price: the rent
    above cost (support × price-to-cost) stops at the incentive price, but a cost curve above the
    incentive price passes through (cost push is not capped)."""
    return min(support, max(incentive, support) / np.exp(log_price_to_cost))
