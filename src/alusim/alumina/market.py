"""The alumina market, month by month and path by path, for two markets: China (CNY/t, VAT-inclusive,
as SMM quotes it) and the seaborne market (USD/t, FOB Australia). Pure numpy: arrays in, arrays out.

One month, in order (docs/model.md, "The alumina market"):

1. **Costs** of every refinery: its cash cost at the start (:mod:`alusim.alumina.costs`), the part
   bought on the seaborne bauxite market scaled by the CIF multiplier (bauxite tightness) and, in
   China, by CNY/USD; Chinese energy by the coal index; Chinese domestic ore by its provincial price
   path (``domestic_mult``).
2. **Price** (from the second month): the log price moves ``adjust`` of the way to its target plus a
   shock of ``vol``; target = support × ``price_to_cost`` × (stocks / normal)^−``stock_elasticity``,
   the stock ratio bounded by ``ratio_floor``…``ratio_ceiling``, the target at least ``cost_floor_ratio``
   × support. Support is the ``percentile`` of the
   market's *operating* cash cost (capacity-weighted). Months with a ``pinned`` price (the record, in a
   run that overlaps it) take it as given; the market's refineries and stocks still answer it.
3. **Refineries** carry an expected margin (share of cost, an exponential average over
   ``curtail_after`` months for cutting, ``restart_after`` for restarting). Below zero a refinery cuts
   up to ``step`` of its capacity a month (in full at a loss of :data:`BAND` of cost); above
   ``restart_margin`` it brings idle capacity back at the same pace — up to ``headroom`` above its opening
   share and the capacity it may run
   (``capacity_kt`` carries disruptions and bauxite shortfalls).
4. **Trade** China ↔ seaborne: China's net imports move ``trade_adjust`` of the way to a target
   ``trade_max`` × tanh(spread / ``trade_width``), spread = log(China's price in USD ex VAT / (FOB +
   freight)) when positive (imports), log((FOB − freight) / China's) when China is the cheaper
   (exports); bounded by what the seller has left after its own use.
5. **Stocks** absorb the balance exactly: stock change = production + imports − consumption − exports;
   consumption is demand unless stocks run out (unmet demand reported).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: margin (share of cost) over which a refinery's response goes from nothing to its full step
BAND = 0.1
#: expected loss (share of cost) a refinery bears before it cuts at all (cash costs are close together
#: across China; without it the whole curve answers the same price at once)
DEAD = 0.03


@dataclass(frozen=True)
class MarketParams:
    percentile: float
    price_to_cost: np.ndarray        # (2,) price over support at normal stocks
    stock_elasticity: float
    cost_floor_ratio: float          # the target never falls below this share of support
    ratio_floor: float
    ratio_ceiling: float
    adjust: float                    # share of the log gap closed a month
    vol: float                       # monthly log volatility
    days_normal: np.ndarray          # (2,) normal stocks, days of demand
    curtail_after: int               # horizon (months) of the expected margin that cuts
    restart_after: int               # horizon (months) of the expected margin that restarts
    restart_margin: float            # margin / cost that restarts a refinery
    step: float                      # share of capacity cut or restored a month
    headroom: float                  # share of capacity a refinery may run above its opening share
    trade_max_kt: float              # kt/month, largest net flow either way
    trade_width: float               # log spread at which the flow reaches tanh(1) of its maximum
    trade_adjust: float
    freight_usd_t: float
    vat_cn: float


@dataclass
class MarketInputs:
    """Shapes: P paths, M months, R refineries, V event variants."""

    market: np.ndarray               # (R,) 0 China, 1 seaborne
    capacity_kt: np.ndarray          # (V, M, R) kt/yr a refinery may run (built, started, not disrupted)
    cost0: np.ndarray                # (R,) cash cost at the start, market currency per t
    seaborne0: np.ndarray            # (R,) part of cost0 bought on the seaborne bauxite market
    energy0: np.ndarray              # (R,) energy part of cost0 (China's moves with coal)
    cif_mult: np.ndarray             # (V, M) seaborne bauxite price over its start level
    demand_kt: np.ndarray            # (V, M, 2) kt/month alumina the smelters use
    run0: np.ndarray                 # (R,) running share of capacity_kt at the start
    variant: np.ndarray              # (P,) event variant of each path
    coal_idx: np.ndarray             # (P, M) coal index (1 at the start level)
    fx: np.ndarray                   # (P, M) CNY per USD
    price0: np.ndarray               # (P, 2) first-month price
    pinned: np.ndarray               # (P, M, 2) a given price, NaN where the market forms it
    shocks: np.ndarray               # (P, M, 2) standard-normal price shocks
    domestic0: np.ndarray | None = None   # (R,) part of cost0 bought as domestic (Chinese) ore
    domestic_mult: np.ndarray | None = None  # (M, R) the domestic ore price over its start level
    ceiling: np.ndarray | None = None     # (R,) most of capacity_kt a refinery may run (default run0 + headroom)
    demand_path_kt: np.ndarray | None = None  # (P, M, 2) per-path demand, in place of demand_kt (the smelter
    #                                          kernel's own output: alusim.alumina.engine.kernel_feedback)


def weighted_percentile(cost: np.ndarray, weight: np.ndarray, q: float) -> np.ndarray:
    """(P,) the cost below which a share ``q`` of each row's weight lies (rows of (P, R))."""
    order = np.argsort(cost, axis=1, kind="stable")
    c = np.take_along_axis(cost, order, axis=1)
    w = np.take_along_axis(weight, order, axis=1)
    cum = np.cumsum(w, axis=1)
    total = cum[:, -1:]
    idx = np.argmax(cum >= q * total - 1e-9, axis=1)
    return c[np.arange(len(c)), idx]


def run_market(x: MarketInputs, par: MarketParams, cn_export_open: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Step the alumina market; returns (P, M, 2) arrays ``price``, ``production_kt``, ``consumption_kt``,
    ``demand_kt``, ``unmet_kt``, ``imports_kt`` (into the market), ``exports_kt``, ``inventory_kt``
    (end of month), ``support`` and (P, 2) ``inventory_start_kt``. ``cn_export_open`` (V, M) is 0 where
    China's alumina exports are banned."""
    n_paths, months = x.coal_idx.shape
    is_cn = x.market == 0
    masks = (is_cn, ~is_cn)
    out = {k: np.zeros((n_paths, months, 2)) for k in ("price", "production_kt", "consumption_kt", "demand_kt",
                                                         "unmet_kt", "imports_kt", "exports_kt", "inventory_kt",
                                                         "support")}
    run = np.repeat(np.asarray(x.run0, float)[None, :], n_paths, axis=0)
    # capacity idle at the start is idle mostly for want of ore, power or a permit: it comes back only
    # up to ``headroom`` of capacity above the opening share
    ceiling = np.minimum(run + par.headroom, 1.0) if x.ceiling is None else np.broadcast_to(
        np.asarray(x.ceiling, float), run.shape)
    bad = np.zeros_like(run)
    good = np.zeros_like(run)
    flow = np.zeros(n_paths)                       # China's net imports, kt/month
    fx0 = x.fx[:, :1]
    log_p = np.log(x.price0.astype(float))
    stock = None
    for m in range(months):
        cap = x.capacity_kt[x.variant, m]                                      # (P, R)
        cif = x.cif_mult[x.variant, m][:, None]
        fx_ratio = np.where(is_cn[None, :], (x.fx[:, m:m + 1] / fx0), 1.0)
        coal = np.where(is_cn[None, :], x.coal_idx[:, m:m + 1], 1.0)
        cost = x.cost0 + x.seaborne0 * (cif * fx_ratio - 1.0) + x.energy0 * (coal - 1.0)
        if x.domestic0 is not None and x.domestic_mult is not None:
            cost = cost + x.domestic0 * (x.domestic_mult[m] - 1.0)
        weight = cap * run
        support = np.empty((n_paths, 2))
        for k, mask in enumerate(masks):
            w = np.where(weight[:, mask].sum(axis=1, keepdims=True) > 0, weight[:, mask], cap[:, mask] + 1e-12)
            support[:, k] = weighted_percentile(cost[:, mask], w, par.percentile)
        demand = x.demand_kt[x.variant, m] if x.demand_path_kt is None else x.demand_path_kt[:, m]   # (P, 2)
        normal = par.days_normal[None, :] * demand * 12.0 / 365.25
        if stock is None:
            # the unseen stock is the latent state: the opening price is what the price rule gives
            ratio0 = (np.exp(log_p) / (support * par.price_to_cost)) ** (-1.0 / par.stock_elasticity)
            stock = np.clip(ratio0, par.ratio_floor, par.ratio_ceiling) * normal
            out["inventory_start_kt"] = stock.copy()
        else:
            ratio = np.clip(stock / np.maximum(normal, 1e-9), par.ratio_floor, par.ratio_ceiling)
            target = np.log(support * par.price_to_cost) - par.stock_elasticity * np.log(ratio)
            target = np.maximum(target, np.log(support * par.cost_floor_ratio))   # cash cost floors a glut
            log_p = log_p + par.adjust * (target - log_p) + par.vol * x.shocks[:, m]
        pin = x.pinned[:, m]
        log_p = np.where(np.isfinite(pin), np.log(np.where(np.isfinite(pin), pin, 1.0)), log_p)
        price = np.exp(log_p)
        # refineries: curtail on sustained losses, restart on sustained margins
        own = np.where(is_cn[None, :], price[:, :1], price[:, 1:])
        margin = (own - cost) / np.maximum(cost, 1e-9)
        bad = bad + (margin - bad) / par.curtail_after          # expected margins over each horizon
        good = good + (margin - good) / par.restart_after
        if m == 0:
            bad[:], good[:] = margin, margin
        run = run - par.step * np.clip((-bad - DEAD) / BAND, 0.0, 1.0) + par.step * np.clip(
            (good - par.restart_margin) / BAND, 0.0, 1.0)
        run = np.clip(run, 0.0, ceiling)
        production = np.stack([(cap * run)[:, mask].sum(axis=1) for mask in masks], axis=1) / 12.0
        # trade: China's net imports follow the spread over freight
        cn_usd = price[:, 0] / (x.fx[:, m] * (1.0 + par.vat_cn))
        s_imp = np.log(cn_usd / (price[:, 1] + par.freight_usd_t))
        s_exp = np.log(np.maximum(price[:, 1] - par.freight_usd_t, 1e-9) / cn_usd)
        target_flow = par.trade_max_kt * (np.tanh(np.maximum(s_imp, 0.0) / par.trade_width)
                                          - np.tanh(np.maximum(s_exp, 0.0) / par.trade_width))
        flow = flow + par.trade_adjust * (target_flow - flow)
        spare = np.maximum(stock + production - demand, 0.0)                   # what a seller can ship
        imports_cn = np.minimum(np.maximum(flow, 0.0), spare[:, 1])
        exports_cn = np.minimum(np.maximum(-flow, 0.0), spare[:, 0])
        if cn_export_open is not None:
            exports_cn = exports_cn * cn_export_open[x.variant, m]
        imports = np.stack([imports_cn, exports_cn], axis=1)
        exports = np.stack([exports_cn, imports_cn], axis=1)
        available = stock + production + imports - exports
        consumption = np.minimum(demand, np.maximum(available, 0.0))
        stock = available - consumption
        for key, value in (("price", price), ("production_kt", production), ("consumption_kt", consumption),
                           ("demand_kt", demand), ("unmet_kt", demand - consumption), ("imports_kt", imports),
                           ("exports_kt", exports), ("inventory_kt", stock), ("support", support)):
            out[key][:, m] = value
    return out
