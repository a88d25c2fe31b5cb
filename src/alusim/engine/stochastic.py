"""Random drivers for the Monte Carlo paths, drawn up front so the kernel stays deterministic.

Every path gets its own price shocks (correlated between SHFE and LME), demand noise (AR(1),
lognormal, mean one), alumina and anode prices (mean-reverting in logs toward a long-run level),
a coal-price index and an exchange-rate path. One seed gives identical draws on every machine
(numpy's PCG64 via ``SeedSequence``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from alusim.dataset import Dataset
from alusim.engine.inputs import EngineInputs, relocation_projects


@dataclass
class Drivers:
    alumina_px: np.ndarray     # (P, M, 2) market currency per t alumina (CNY tax-incl. / USD)
    anode_px: np.ndarray       # (P, M, 2) market currency per t anode
    coal_idx: np.ndarray       # (P, M) multiplier on the coal-linked part of power tariffs
    fx: np.ndarray             # (P, M) CNY per USD
    z_price: np.ndarray        # (P, M, 2) correlated standard-normal price shocks (SHFE, LME); the kernel
                               # scales them by each parameter set's monthly volatility
    demand_noise: np.ndarray   # (P, M, 2) multiplicative, mean one
    planned_go: np.ndarray     # (P, A) bool: a planned project goes ahead on this path
    alumina_fwd_delta: np.ndarray  # (P, M, 2) expected minus spot alumina cost per t Al over the decision horizon
    u_lag: np.ndarray          # (P, A) uniform draw placing each plant's restart lag within its spread
    u_threshold: np.ndarray    # (P, A) uniform draw placing each plant's curtailment threshold within its spread
    path_variant: np.ndarray   # (P,) which event variant a path follows
    path_set: np.ndarray       # (P,) which parameter set (calibration ensemble member) a path follows
    alumina_market: dict | None = None  # the alumina market's (P, M, 2) outputs (alusim.alumina), when on


def _ou_log(rng: np.random.Generator, n: int, months: int, start: np.ndarray, long_run: np.ndarray,
            speed: float, vol: float, shocks: np.ndarray | None = None) -> np.ndarray:
    """Log Ornstein–Uhlenbeck paths from ``start`` toward ``long_run`` (both (M,) or scalars)."""
    z = rng.standard_normal((n, months)) if shocks is None else shocks
    out = np.empty((n, months))
    log_lr = np.log(np.broadcast_to(long_run, (months,)))
    x = np.full(n, np.log(start))
    for m in range(months):
        out[:, m] = x
        x = x + speed * (log_lr[m] - x) + vol * z[:, m]
    return np.exp(out)


def draw_drivers(inputs: EngineInputs, dataset: Dataset, paths: int, seed: int) -> Drivers:
    """All random inputs for ``paths`` paths of ``inputs.months`` months."""
    p = dataset.param
    months = inputs.months
    # independent streams: market-wide shocks, each plant (keyed by its id) and each probabilistic
    # event (keyed by its position), so that two scenarios that differ by a plant or an event still
    # share every other draw — paired comparisons stay paired
    rng = _stream(seed, 0)
    # prices: correlated monthly shocks (scaled by each parameter set's volatility in the kernel)
    rho = p("price.lme_shfe_correlation")
    z1 = rng.standard_normal((paths, months))
    z2 = rho * z1 + np.sqrt(max(1 - rho**2, 0.0)) * rng.standard_normal((paths, months))
    z_price = np.stack([z2, z1], axis=-1)
    # demand noise: AR(1) in logs, corrected to mean one
    sigma = p("demand.noise_pct_per_month") / 100.0
    phi = p("demand.noise_ar1")
    noise = np.empty((paths, months, 2))
    x = np.zeros((paths, 2))
    var = sigma**2 / max(1 - phi**2, 1e-9)
    for m in range(months):
        x = phi * x + sigma * rng.standard_normal((paths, 2))
        noise[:, m, :] = np.exp(x - 0.5 * var)
    noise *= driver_uncertainty(dataset, paths, months, seed)
    # alumina: one common shock drives both markets
    speed = p("price.alumina.mean_reversion_per_month")
    vol = p("price.alumina.vol_pct_per_month") / 100.0
    shocks = rng.standard_normal((paths, months))
    alumina = np.stack([
        _ou_log(rng, paths, months, p("price.alumina.cn_start_cny_t"), p("price.alumina.cn_long_run_cny_t"),
                speed, vol, shocks),
        _ou_log(rng, paths, months, p("price.alumina.row_start_usd_t"), p("price.alumina.row_long_run_usd_t"),
                speed, vol, shocks)], axis=-1)
    a_speed = p("price.anode.mean_reversion_per_month")
    a_vol = p("price.anode.vol_pct_per_month") / 100.0
    a_shocks = rng.standard_normal((paths, months))
    anode = np.stack([
        _ou_log(rng, paths, months, p("price.anode.cn_start_cny_t"), p("price.anode.cn_start_cny_t"),
                a_speed, a_vol, a_shocks),
        _ou_log(rng, paths, months, p("price.anode.row_start_usd_t"), p("price.anode.row_start_usd_t"),
                a_speed, a_vol, a_shocks)], axis=-1)
    coal = _ou_log(rng, paths, months, 1.0, 1.0, p("price.coal.mean_reversion_per_month"),
                   p("price.coal.vol_pct_per_month") / 100.0)
    fx_vol = p("fx.cny_per_usd_vol_pct_per_year") / 100.0 / np.sqrt(12.0)
    fx = p("fx.cny_per_usd") * np.exp(np.cumsum(
        np.concatenate([np.zeros((paths, 1)), fx_vol * rng.standard_normal((paths, months - 1))], axis=1), axis=1))
    if p("inputs.follow_record") > 0:
        from alusim.engine.record_inputs import follow_record

        follow_record(dataset, inputs.start, months, alumina, anode, coal, fx, inputs.notes)
    per_asset = np.stack([_stream(seed, 1, zlib.crc32(str(a).encode())).random((3, paths))
                          for a in inputs.assets["asset_id"]], axis=-1)          # (3, P, A)
    planned_go = per_asset[0] < p("supply.planned_realisation_prob")
    # a relocation (a project that takes over a built plant's quota, ``replaces``) goes ahead on every
    # path: its plant closes when it starts, so a path without the project would lose the capacity
    planned_go[:, relocation_projects(inputs.assets)] = True
    variant = _path_variants(seed, paths, inputs.variant_prob, inputs.variant_events)
    # scenario multipliers (input_price events), per the path's variant: alumina 0, coal 1, anode 2, FX 3
    mult = inputs.input_mult[variant]
    alumina *= mult[:, :, 0, :]
    anode *= mult[:, :, 2, :]
    coal *= mult[:, :, 1, 0]
    fx *= mult[:, :, 3, 0]
    # the alumina market (issue 12, ``alumina.market`` 1) replaces the random alumina path where the
    # record does not hold it; its own random stream, so every other draw stays as it was
    alumina_market = None
    if dataset.param_or("alumina.market", 0.0) >= 0.5:
        from alusim.alumina.engine import alumina_prices

        alumina, alumina_market = alumina_prices(inputs, dataset, alumina, mult[:, :, 0, :], coal, fx, variant,
                                                 _stream(seed, 5).standard_normal((paths, months, 2)))
    # what smelters expect alumina to cost over their decision horizon: the process's own forecast
    # (mean reversion toward the long-run level), as a futures curve in backwardation would show
    fwd_delta = alumina_forward_delta(dataset, alumina)
    # each path follows one member of a calibration ensemble (its own stream: nothing else moves)
    n_sets = max(len(inputs.par_sets), 1)
    path_set = (_stream(seed, 4).integers(0, n_sets, paths) if n_sets > 1
                else np.zeros(paths, dtype=np.int64)).astype(np.int64)
    return Drivers(u_lag=per_asset[1], u_threshold=per_asset[2], alumina_px=alumina, anode_px=anode, coal_idx=coal,
                   fx=fx, z_price=z_price, demand_noise=noise, planned_go=planned_go, alumina_fwd_delta=fwd_delta,
                   path_variant=variant, path_set=path_set, alumina_market=alumina_market)


def alumina_forward_delta(dataset: Dataset, alumina: np.ndarray) -> np.ndarray:
    """(P, M, 2) expected minus spot alumina cost per t of aluminium over the smelters' decision horizon:
    the alumina process's own forecast (mean reversion toward the long-run level), as a futures curve
    in backwardation would show."""
    p = dataset.param
    weight = (1.0 - p("price.alumina.mean_reversion_per_month")) ** p("supply.margin_horizon_months")
    long_run = np.array([p("price.alumina.cn_long_run_cny_t"), p("price.alumina.row_long_run_usd_t")])
    expected = np.exp(np.log(long_run)[None, None, :] + weight * (np.log(alumina) - np.log(long_run)[None, None, :]))
    return p("cost.alumina_t_per_t") * (expected - alumina)


def driver_uncertainty(dataset: Dataset, paths: int, months: int, seed: int) -> np.ndarray:
    """(P, M, 2) mean-one multipliers: the activity drivers' future growth is uncertain, so demand
    drifts off its central path as a random walk in logs whose yearly step has the s.d.
    ``demand.driver_growth_sd_pct_per_year.<cn|row>`` (0 in a history replay, where the drivers are
    recorded). Its own random stream: every other draw stays as it was (paired comparisons)."""
    sd = np.array([dataset.param_or("demand.driver_growth_sd_pct_per_year.cn", 0.0),
                   dataset.param_or("demand.driver_growth_sd_pct_per_year.row", 0.0)]) / 100.0
    if not np.any(sd > 0):
        return np.ones((paths, months, 2))
    steps = _stream(seed, 3).standard_normal((paths, months, 2)) * (sd / np.sqrt(12.0))
    walk = np.cumsum(steps, axis=1)
    variance = (np.arange(1, months + 1)[:, None] / 12.0) * sd[None, :] ** 2
    return np.exp(walk - 0.5 * variance[None, :, :])


def _stream(seed: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def _path_variants(seed: int, paths: int, probs: list[float], events: list[int]) -> np.ndarray:
    """Each path draws which probabilistic events happen; variant = bit pattern of those events."""
    if not probs:
        return np.zeros(paths, dtype=np.int64)
    draws = np.stack([_stream(seed, 2, e).random(paths) < q for e, q in zip(events, probs, strict=True)], axis=1)
    return (draws * (1 << np.arange(len(probs)))[None, :]).sum(axis=1).astype(np.int64)
