"""The kernel's named inputs and the indices of its outputs: the layout every caller of
:func:`alusim.engine.kernel.simulate_kernel` builds and reads (re-exported by :mod:`~.kernel`)."""

from __future__ import annotations

from collections import namedtuple

from numba import njit

from alusim.engine.curves import FAST as _FAST
from alusim.engine.market import DAYS_PER_MONTH
from alusim.engine.supply import A_BUILT, A_CO2, A_COST, A_LOSS, A_MARGIN, A_OPER, A_PROD

#: static per-asset arrays (A,); ``node`` is the region of a plant outside China (0 for China's)
Assets = namedtuple("Assets", ["market", "capacity_kt", "init_share", "init_state", "commission_m", "coal_share",
                               "co2_t_per_t", "is_cn", "counts_in_cap", "quota_transfer", "node"])
#: time series: (V, M, 2) demand, (M, 2) its seasonal factor, secondary and seasonal stock days, (V, M) policy,
#: (M,) the rest
Series = namedtuple("Series", ["demand_base", "season_factor", "secondary_kt", "season_days", "export_tax",
                               "export_rebate", "foreign_tariff", "cap_limit_cn", "import_cost_add", "export_scale",
                               "vat", "years_from_ref"])
#: the regions outside China (R of them): (V, M, R) demand, (M, R) recycled supply, (R,) shipments at the
#: start (kt/month, to other regions and China), (R, R) corridors' base flows (kt/month) and freight (USD/t), (V, M, R, R) ad-valorem tariffs, border charges (USD/t)
#: and open shares (1 − sanctioned share), (R,) start premiums, China's export and import shares by
#: region and greenfield capacity's, (V, M, R) the corridors to China open and each region's tariff on
#: Chinese metal
Nodes = namedtuple("Nodes", ["demand", "secondary", "shipments", "base_flow", "freight", "tariff", "border",
                             "open_share",
                             "premium0", "cn_export_share", "cn_import_share", "cn_import_open", "cn_tariff",
                             "greenfield_share"])
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
# indices of per-(path, month, region) outputs; imports and exports include China's trade with the region
(R_PRICE, R_PREMIUM, R_PRODUCTION, R_DEMAND, R_CONSUMPTION, R_SECONDARY, R_STOCK, R_IMPORTS, R_EXPORTS,
 N_REGION_OUT) = range(10)

DAYS = DAYS_PER_MONTH


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def demand_level(series, v, m, k):
    """kt/month of demand without its seasonality (the level normal stocks are measured against)."""
    return series.demand_base[v, m, k] / series.season_factor[m, k]


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def record_market(out, p, m, acc, k, price, consumption, demand, visible, total, opened, stock_days, exports, imports,
            secondary, p90, support, restart, parity):
    """One market's month into its output row (indexed, not sliced: see :func:`~.regions.arbitrage_matrix`)."""
    out[p, m, k, O_PRICE] = price
    out[p, m, k, O_PRODUCTION] = acc[k, A_PROD]
    out[p, m, k, O_CAP_BUILT] = acc[k, A_BUILT]
    out[p, m, k, O_CAP_OPERATING] = acc[k, A_OPER]
    out[p, m, k, O_CO2] = acc[k, A_CO2]
    out[p, m, k, O_SHARE_LOSS] = acc[k, A_LOSS] / acc[k, A_OPER] if acc[k, A_OPER] > 0 else 0.0
    out[p, m, k, O_MARGIN] = acc[k, A_MARGIN] / acc[k, A_OPER] if acc[k, A_OPER] > 0 else 0.0
    out[p, m, k, O_COST_MEAN] = acc[k, A_COST] / acc[k, A_OPER] if acc[k, A_OPER] > 0 else 0.0
    out[p, m, k, O_CONSUMPTION] = consumption
    out[p, m, k, O_DEMAND] = demand
    out[p, m, k, O_UNMET] = demand - consumption
    out[p, m, k, O_INVENTORY] = visible
    out[p, m, k, O_INVENTORY_TOTAL] = total
    out[p, m, k, O_INVENTORY_OPEN] = opened
    out[p, m, k, O_STOCK_DAYS] = stock_days
    out[p, m, k, O_EXPORTS] = exports
    out[p, m, k, O_IMPORTS] = imports
    out[p, m, k, O_NET_EXPORTS] = exports - imports
    out[p, m, k, O_SECONDARY] = secondary
    out[p, m, k, O_COST_P90] = p90
    out[p, m, k, O_COST_SUPPORT] = support
    out[p, m, k, O_RESTART_COST] = restart
    out[p, m, k, O_IMPORT_PARITY] = parity
