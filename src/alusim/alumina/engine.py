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
pins the replay's recorded path up to ``alumina.market.pin_until_year`` (the backtest sets its split
year: the in-sample window is as before) and forms it after; the replay's ``input_price`` path on
alumina does not apply in those free months.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.alumina.bauxite import known_origins, physical_cut, recorded_losses, seaborne_weight
from alusim.alumina.costs import cost_table, price_at
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
    x = MarketInputs(market=market, capacity_kt=capacity, cost0=table["cash_cost"].to_numpy(float),
                     seaborne0=table["seaborne_bauxite_cost"].to_numpy(float),
                     energy0=table["energy_cost"].to_numpy(float), cif_mult=cif_mult, demand_kt=demand,
                     run0=running_share(refineries), variant=variant, coal_idx=coal, fx=fx, price0=alumina[:, 0].copy(), pinned=pinned,
                     shocks=shocks)
    out = run_market(x, market_params(dataset), cn_export_open=cn_export_open)
    free = ~np.isfinite(pinned)
    scale = alumina_mult if dataset.param_or("inputs.follow_record", 1.0) > 0 else np.ones_like(alumina_mult)
    price = np.where(free, out["price"] * scale, alumina)
    out["cif_mult"] = cif_mult[variant]
    out["bauxite_cut_kt"] = np.stack([(base[None] * cut)[..., market == k].sum(-1) for k in (0, 1)], -1)[variant] / 12
    inputs.notes.extend(["alumina market on (alumina.market 1): " + f"{len(ids)} refineries, "
                         f"{int(free[0, :, 0].sum())} free months (CN)"] + notes)
    return price, out
