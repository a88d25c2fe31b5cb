"""The alumina market inside a run: builds :class:`~alusim.alumina.market.MarketInputs` from the dataset,
the engine inputs and the drawn drivers, runs it, and returns the alumina price smelters pay.

Called from one place (:func:`alusim.engine.stochastic.draw_drivers`) when ``alumina.market`` is 1;
with 0 the random mean-reverting alumina paths stand as before. Pure: no I/O.

**Demand without re-running the smelter kernel.** The smelters' alumina use is
``cost.alumina_t_per_t`` × their *expected* output, from the engine inputs alone: each plant's
running share at the start (``init_share``), projects from their commissioning month (planned ones
× ``supply.planned_realisation_prob``), × the share its power, policy and event ceilings allow
(``avail_share``, per event variant), none after a forced closure, × ``supply.utilisation_max`` / 12.
The smelters' own margin curtailments in the run do not feed back on alumina demand (a known limit).

**Where the record is followed.** In a run that starts inside the record (``inputs.follow_record``
1) the months the record covers keep the recorded price — the market's refineries and stocks answer
it, and the market forms the price from the month after. A history replay (``follow_record`` 0)
pins the replay's recorded path up to ``alumina.market.pin_until_year`` (0 by default: the market
forms the price from the first month; ``alusim backtest --assume alumina.market.pin_until_year=2019``
pins the in-sample years) and forms it after; the replay's ``input_price`` path on
alumina does not apply in those free months.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.alumina.bauxite import known_origins, physical_cut, recorded_losses, seaborne_weight
from alusim.alumina.costs import cost_table, domestic_cn_path, price_at
from alusim.alumina.market import MarketInputs, MarketParams, run_market
from alusim.dataset import Dataset


def enabled(dataset: Dataset) -> bool:
    return dataset.param_or("alumina.market", 0.0) >= 0.5


def market_params(dataset: Dataset) -> MarketParams:
    p = dataset.param
    return MarketParams(
        percentile=p("alumina.market.cost_support_percentile"),
        price_to_cost=np.array([p("alumina.market.price_to_cost.cn"), p("alumina.market.price_to_cost.row")]),
        stock_elasticity=p("alumina.market.stock_elasticity"),
        cost_floor_ratio=p("alumina.market.cost_floor_ratio"), ratio_floor=p("alumina.market.stock_ratio_floor"),
        ratio_ceiling=p("alumina.market.stock_ratio_ceiling"), adjust=p("alumina.market.price_adjust_per_month"),
        vol=p("alumina.market.vol_pct_per_month") / 100.0,
        days_normal=np.array([p("alumina.market.stock_days_normal.cn"), p("alumina.market.stock_days_normal.row")]),
        curtail_after=int(p("alumina.market.curtail_after_months")),
        restart_after=int(p("alumina.market.restart_after_months")),
        restart_margin=p("alumina.market.restart_margin_pct_of_cost") / 100.0,
        step=p("alumina.market.step_per_month"), headroom=p("alumina.market.restart_headroom"), trade_max_kt=p("alumina.trade.max_kt_per_year") / 12.0,
        trade_width=p("alumina.trade.response_width"), trade_adjust=p("alumina.trade.adjust_per_month"),
        freight_usd_t=p("alumina.trade.freight_usd_t"), vat_cn=dataset.param_or("cost.vat_cn", 0.13))


def refinery_capacity(refineries: pd.DataFrame, start: str, months: int) -> np.ndarray:
    """(M, R) kt/yr each refinery may run: built capacity from the month it started (July of
    ``start_year`` when it falls inside the run; construction projects likewise). It opens at its
    January-2025 running share (:func:`running_share`); idle lines restart on margin."""
    first = pd.Period(start, freq="M")
    online = np.array([max((pd.Period(f"{int(y)}-07", freq="M") - first).n, 0) for y in refineries["start_year"]])
    status = refineries["status"].to_numpy()
    level = np.where(np.isin(status, ("construction", "operating", "curtailed", "idle")),
                     refineries["capacity_kt"].to_numpy(float), 0.0)
    t = np.arange(months)[:, None]
    return np.where(t >= online[None, :], level[None, :], 0.0)


def fleet_history(refineries: pd.DataFrame, history: pd.DataFrame, start: str, months: int,
                  base: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(M, R) kt/yr each refinery may run in a replay, from ``base`` (:func:`refinery_capacity`) and
    ``refinery_history.csv``, for the months before :data:`FLEET_MONTH` (January 2025's table holds from
    then on): a refinery with rows runs the ``capacity_kt`` of its latest row at or before the month (0 when
    idle or closed; before its first row, ``base``); China's refineries built before the run starts
    are then scaled (never up) so that China's total meets the national capacity of the ``CN`` rows,
    interpolated linearly between them and held before the first — the table's provinces are January
    2025's, ~22 Mt/yr more than China had built in 2016. Also returns (R,) whether a refinery the
    history runs in the run has no running share in January 2025 (it opens running, free to run in
    full) and notes."""
    cap = base.copy()
    first = pd.Period(start, freq="M")
    stop = min(max((pd.Period(FLEET_MONTH, freq="M") - first).n, 0), months)
    revived = np.zeros(len(refineries), dtype=bool)
    notes: list[str] = []
    if stop == 0 or history is None or history.empty:
        return cap, revived, notes
    ids = {a: i for i, a in enumerate(refineries["asset_id"])}
    rows = history.assign(m=[(pd.Period(str(x), freq="M") - first).n for x in history["month"]])
    for asset, part in rows[rows["asset_id"] != "CN"].groupby("asset_id"):
        if asset not in ids:
            continue
        r = ids[asset]
        part = part.sort_values("m")
        for k, row in enumerate(part.itertuples()):
            a = max(int(row.m), 0)
            b = stop if k + 1 == len(part) else min(max(int(part["m"].iloc[k + 1]), 0), stop)
            if int(row.m) < 0 and k + 1 < len(part) and int(part["m"].iloc[k + 1]) <= 0:
                continue                                           # superseded before the start
            if a < b:
                cap[a:b, r] = float(row.capacity_kt)
        notes.append(f"alumina fleet history: {asset} {len(part)} rows")
    share = running_share(refineries)
    listed = refineries["asset_id"].isin(set(rows["asset_id"])).to_numpy()
    revived = listed & (share <= 0) & (cap[:stop] > 0).any(axis=0)
    national = rows[rows["asset_id"] == "CN"].sort_values("m")
    if len(national):
        is_cn = (refineries["country"] == "CN").to_numpy()
        old = is_cn & (cap[0] > 0)
        t = np.arange(stop)
        target = np.interp(t, national["m"].to_numpy(float), national["capacity_kt"].to_numpy(float))
        new = cap[:stop][:, is_cn & ~old].sum(axis=1)
        have = cap[:stop][:, old].sum(axis=1)
        factor = np.clip((target - new) / np.maximum(have, 1e-9), 0.0, 1.0)
        cap[:stop, old] = cap[:stop, old] * factor[:, None]
        notes.append(f"alumina fleet history: China's refineries built at the start held to the national "
                     f"capacity ({have[0]:,.0f} → {have[0] * factor[0]:,.0f} kt/yr in the first month)")
    return cap, revived, notes


def running_share(refineries: pd.DataFrame) -> np.ndarray:
    """(R,) operating over built capacity in January 2025 (construction projects run full when done)."""
    cap = refineries["capacity_kt"].to_numpy(float)
    share = refineries["operating_kt"].to_numpy(float) / np.maximum(cap, 1e-9)
    return np.where(refineries["status"].to_numpy() == "construction", 1.0, np.clip(share, 0.0, 1.0))


def smelter_alumina_demand(inputs, dataset: Dataset) -> np.ndarray:
    """(V, M, 2) kt/month of alumina the smelters are expected to use (module docstring)."""
    p = dataset.param
    cap = inputs.capacity_kt
    status = inputs.assets["status"].to_numpy() if "status" in inputs.assets else np.full(len(cap), "")
    comm = inputs.commission_m
    t = np.arange(inputs.months)[:, None]
    realise = np.where(status == "planned", p("supply.planned_realisation_prob"), 1.0)
    share = np.where(comm[None, :] < 0, inputs.init_share[None, :], (t >= comm[None, :]) * realise[None, :])
    closed = np.maximum.accumulate(inputs.force_close, axis=1)
    running = cap[None, None, :] * share[None, :, :] * inputs.avail_share * ~closed
    out = np.stack([running[..., inputs.market == k].sum(axis=-1) for k in (0, 1)], axis=-1)
    return out * p("supply.utilisation_max") / 12.0 * p("cost.alumina_t_per_t")


#: runs starting before this month open from a balanced market rather than January 2025's running shares
FLEET_MONTH = "2025-01"


def balanced_start(run0: np.ndarray, capacity: np.ndarray, cost: np.ndarray, market: np.ndarray,
                   demand: np.ndarray, headroom: float) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Opening running shares and ceilings of a run that starts before January 2025 (a replay): in each
    market the refineries running at the start (``capacity`` (R,) kt/yr × ``run0``) are cut to what
    the smelters use then (``demand`` (2,) kt/month), the dearest (``cost`` (R,), market currency)
    idled whole first and the one at the margin in part — January 2025's shares on an older fleet
    would run ~20 Mt/yr more than China made in 2015. A refinery idled this way is idle for its
    margin, not for ore or a permit: it may restart in full (ceiling 1); the others keep ``run0`` +
    ``headroom``. Returns (run0, ceiling, notes)."""
    run = np.asarray(run0, float).copy()
    ceiling = np.minimum(run + headroom, 1.0)
    notes = []
    for k in (0, 1):
        rows = np.flatnonzero((market == k) & (capacity * run > 0))
        running = capacity[rows] * run[rows]
        target = float(demand[k]) * 12.0
        if running.sum() <= target:
            continue
        order = rows[np.argsort(cost[rows], kind="stable")]          # cheapest keep running
        kept = np.clip(target - (np.cumsum(capacity[order] * run[order]) - capacity[order] * run[order]), 0.0,
                       capacity[order] * run[order])
        new = kept / np.maximum(capacity[order], 1e-9)
        ceiling[order] = np.where(new < run[order] - 1e-9, 1.0, ceiling[order])
        notes.append(f"alumina start ({'CN' if k == 0 else 'ROW'}): refineries running {running.sum():,.0f} kt/yr "
                     f"cut to the smelters' use {target:,.0f}; {int((new <= 1e-9).sum())} dearest start idle")
        run[order] = new
    return run, ceiling, notes


def _pinned(inputs, dataset: Dataset, alumina: np.ndarray) -> np.ndarray:
    """(P, M, 2) the prices the market takes as given (NaN elsewhere): see the module docstring."""
    pinned = np.full(alumina.shape, np.nan)
    pinned[:, 0] = alumina[:, 0]
    if dataset.param_or("inputs.follow_record", 1.0) > 0:
        from alusim.engine.record_inputs import INPUT_SERIES, recorded_window

        for monthly, annual, region, item, market in INPUT_SERIES:
            if item != "alumina":
                continue
            window = recorded_window(dataset, monthly, annual, region, inputs.start, inputs.months)
            if window is not None:
                k = 0 if market == "CN" else 1
                pinned[:, :window[1] + 1, k] = alumina[:, :window[1] + 1, k]
    else:
        until = dataset.param_or("alumina.market.pin_until_year", 0.0)
        years = pd.period_range(inputs.start, periods=inputs.months, freq="M").year.to_numpy()
        pinned[:, years <= until] = alumina[:, years <= until]
    return pinned


def alumina_prices(inputs, dataset: Dataset, alumina: np.ndarray, alumina_mult: np.ndarray, coal: np.ndarray,
                   fx: np.ndarray, variant: np.ndarray, shocks: np.ndarray) -> tuple[np.ndarray, dict]:
    """The alumina price smelters pay, (P, M, 2), and the market's outputs. ``alumina`` is the drawn
    (record-following, scenario-multiplied) path; ``alumina_mult`` (P, M, 2) the scenario multipliers."""
    first = pd.Period(inputs.start, freq="M")
    when0 = first.year + (first.month - 0.5) / 12.0
    refineries = dataset.refineries.reset_index(drop=True)
    table = cost_table(dataset, first.year, refineries=refineries, when=when0)
    market = (refineries["country"] != "CN").to_numpy().astype(np.int64)
    fx0 = float(np.median(fx[:, 0]))
    cost_usd = np.where(market == 0, table["cash_cost"].to_numpy() / fx0, table["cash_cost"].to_numpy())
    ids = list(refineries["asset_id"])
    origins = sorted(known_origins(dataset))
    rec_lost, rec_out, notes = recorded_losses(dataset, inputs.start, inputs.months, origins, ids)
    n_var = inputs.avail_share.shape[0]
    scen_lost = np.zeros((n_var, inputs.months, len(origins)))
    lifted = np.zeros_like(scen_lost)
    ref_out = np.zeros((n_var, inputs.months, len(ids)))
    cn_export_open = np.ones((n_var, inputs.months))
    for spec in getattr(inputs, "alumina_events", []):
        for v in spec["variants"]:
            w = spec["window"]
            if spec.get("origin") is not None:
                k = origins.index(spec["origin"])
                if spec.get("lift"):
                    lifted[v, w, k] = np.maximum(lifted[v, w, k], 1.0)
                else:
                    scen_lost[v, w, k] = 1.0 - (1.0 - scen_lost[v, w, k]) * (1.0 - spec["share"])
            if spec.get("refineries") is not None:
                mask = spec["refineries"]
                ref_out[v, w][:, mask] = np.maximum(ref_out[v, w][:, mask], spec["share"])
            if spec.get("cn_alumina_exports_closed"):
                cn_export_open[v, w] = 0.0
    lost = 1.0 - (1.0 - rec_lost[None]) * (1.0 - scen_lost)
    origin_of = np.array([origins.index(o) if o in origins else -1 for o in refineries["bauxite_origin"]])
    base = refinery_capacity(refineries, inputs.start, inputs.months)                  # (M, R)
    revived = np.zeros(len(ids), dtype=bool)
    if inputs.start < FLEET_MONTH and dataset.param_or("alumina.engine.fleet_history", 1.0) >= 0.5:
        base, revived, fleet_notes = fleet_history(refineries, dataset.refinery_history, inputs.start,
                                                   inputs.months, base)
        notes = notes + fleet_notes
    need = refineries["capacity_kt"].to_numpy(float) * refineries["bauxite_t_t"].fillna(0.0).to_numpy(float)
    cut = physical_cut(lost, origin_of, table["imported_share"].to_numpy(float), need, cost_usd)
    capacity = base[None] * (1.0 - rec_out[None]) * (1.0 - ref_out) * (1.0 - cut)
    # the seaborne bauxite price: its record (held after its last quote) × scenario tightness
    when = when0 + np.arange(inputs.months) / 12.0
    cif = np.array([price_at(dataset, "price_cif_cn_usd_t", w, origin="*") for w in when])
    weight = np.array([seaborne_weight(dataset, o) for o in origins])
    supply = 1.0 - (scen_lost * weight).sum(axis=-1) + (lifted * weight).sum(axis=-1)
    flex = dataset.param("alumina.bauxite.price_flex")
    cif_mult = (cif / cif[0])[None, :] * np.clip(supply, 0.25, 2.0) ** (-flex)
    demand = smelter_alumina_demand(inputs, dataset)
    pinned = _pinned(inputs, dataset, alumina)
    # Chinese domestic ore follows its provincial quotes through the run
    is_cn = market == 0
    t_t = np.nan_to_num(refineries["bauxite_t_t"].to_numpy(float))
    dom = domestic_cn_path(dataset, refineries["province"], when)                       # (M, R)
    dom0 = np.where(is_cn, t_t * (1.0 - table["imported_share"].to_numpy(float)) * np.nan_to_num(dom[0]), 0.0)
    dom_mult = np.where(is_cn[None, :] & (dom[:1] > 0), dom / np.where(dom[:1] > 0, dom[:1], 1.0), 1.0)
    run0, ceiling = running_share(refineries), None
    if inputs.start < FLEET_MONTH:
        run0 = np.where(revived, 1.0, run0)            # ran in the replay, idle or closed by January 2025
        cost_own = table["cash_cost"].to_numpy(float)
        run0, ceiling, start_notes = balanced_start(run0, capacity[0, 0], cost_own, market, demand[0, 0],
                                                    dataset.param("alumina.market.restart_headroom"))
        ceiling = np.where(revived, 1.0, ceiling)
        notes = notes + start_notes
    x = MarketInputs(market=market, capacity_kt=capacity, cost0=table["cash_cost"].to_numpy(float),
                     seaborne0=table["seaborne_bauxite_cost"].to_numpy(float),
                     energy0=table["energy_cost"].to_numpy(float), cif_mult=cif_mult, demand_kt=demand,
                     run0=run0, variant=variant, coal_idx=coal, fx=fx, price0=alumina[:, 0].copy(), pinned=pinned,
                     shocks=shocks, domestic0=dom0, domestic_mult=dom_mult, ceiling=ceiling)
    par = market_params(dataset)
    out = run_market(x, par, cn_export_open=cn_export_open)
    free = ~np.isfinite(pinned)
    scale = alumina_mult if dataset.param_or("inputs.follow_record", 1.0) > 0 else np.ones_like(alumina_mult)
    price = np.where(free, out["price"] * scale, alumina)
    out["cif_mult"] = cif_mult[variant]
    out["bauxite_cut_kt"] = np.stack([(base[None] * cut)[..., market == k].sum(-1) for k in (0, 1)], -1)[variant] / 12
    if dataset.param_or("alumina.market.demand_from_kernel", 0.0) >= 0.5:
        # what kernel_feedback needs to run the market again (kept only when it will)
        out["_rerun"] = {"x": x, "par": par, "cn_export_open": cn_export_open, "free": free, "scale": scale,
                         "alumina": alumina}
    inputs.notes.extend(["alumina market on (alumina.market 1): " + f"{len(ids)} refineries, "
                         f"{int(free[0, :, 0].sum())} free months (CN)"] + notes)
    return price, out


def kernel_feedback(inputs, dataset: Dataset, drivers, kernel_out: np.ndarray):
    """The drivers of a second kernel pass whose alumina market's demand is the smelters' output in the
    first (``cost.alumina_t_per_t`` × ``kernel_out[..., k, O_PRODUCTION]``, path by path: restarts,
    margin curtailments and all), or ``None`` when ``alumina.market.demand_from_kernel`` is 0. One
    pass of the fixed point: the second kernel runs on the prices this market forms, so its output
    differs a little from the demand the market answered (docs/model.md, "The alumina market")."""
    import dataclasses

    from alusim.engine import kernel as K
    from alusim.engine.stochastic import alumina_forward_delta

    market = drivers.alumina_market
    if market is None or "_rerun" not in market or dataset.param_or("alumina.market.demand_from_kernel", 0.0) < 0.5:
        return None
    state = market["_rerun"]
    demand = np.ascontiguousarray(kernel_out[..., :2, K.O_PRODUCTION]) * dataset.param("cost.alumina_t_per_t")
    x = dataclasses.replace(state["x"], demand_path_kt=demand)
    again = run_market(x, state["par"], cn_export_open=state["cn_export_open"])
    price = np.where(state["free"], again["price"] * state["scale"], state["alumina"])
    again.update(cif_mult=market["cif_mult"], bauxite_cut_kt=market["bauxite_cut_kt"], _rerun=state)
    inputs.notes.append("alumina market: demand from the smelter kernel's first-pass output (second pass)")
    return dataclasses.replace(drivers, alumina_px=price, alumina_fwd_delta=alumina_forward_delta(dataset, price),
                               alumina_market=again)
