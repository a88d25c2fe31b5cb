"""Run a scenario: build inputs, apply policy levers, draw random drivers, step the kernel."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from alusim.dataset import Dataset, load_dataset
from alusim.engine import kernel as K
from alusim.engine.finite import check_finite
from alusim.engine.inputs import EngineInputs, build_inputs
from alusim.engine.memory import check_run_memory
from alusim.engine.result import SimulationResult
from alusim.engine.stochastic import Drivers, draw_drivers
from alusim.scenario.model import Scenario


def prepare(scenario: Scenario, dataset: Dataset | None = None) -> tuple[Dataset, EngineInputs]:
    """Dataset with the scenario's assumptions, and engine inputs with every event applied."""
    from alusim.errors import InputError
    from alusim.levers import apply_events, extend_assets

    dataset = dataset if dataset is not None else load_dataset()
    try:
        if scenario.assumptions:
            dataset = dataset.with_overrides(scenario.assumptions)
        dataset = extend_assets(dataset, scenario)
        inputs = build_inputs(dataset, scenario)
        inputs.lever_log = apply_events(inputs, scenario, dataset).log
    except InputError as exc:
        raise scenario.locate(exc) from None   # errors found after parsing still name file and line
    return dataset, inputs


def co2_intensity(inputs: EngineInputs) -> np.ndarray:
    """Scope 1+2 t CO2e per t Al of each asset: anode + PFCs + power × its emission factor."""
    return inputs.direct_co2 + inputs.power_ac_kwh_t * 1e-3 * inputs.power_co2_t_mwh


def cost_terms(inputs: EngineInputs) -> tuple[np.ndarray, np.ndarray]:
    """(V, M, A) cost terms in the asset currency per t: the power cost that follows the coal index,
    and the rest (power adders, other conversion costs, carbon); alumina and anode are added in the
    kernel from the random price paths."""
    power = inputs.power_ac_kwh_t[None, None, :] * inputs.tariff0[None, None, :] * inputs.power_mult
    fixed = (inputs.power_ac_kwh_t[None, None, :] * inputs.power_add + inputs.other_cost[None, None, :]
             + inputs.carbon1 * inputs.direct_co2[None, None, :]
             + inputs.carbon2 * (inputs.power_ac_kwh_t * 1e-3 * inputs.power_co2_t_mwh)[None, None, :])
    return np.ascontiguousarray(power), np.ascontiguousarray(fixed)


def run_kernel(inputs: EngineInputs, drivers: Drivers, paths: slice | None = None):
    """Step the kernel over a slice of paths; returns (out, asset_year_prod, asset_state_end)."""
    sl = paths or slice(0, drivers.eps_price.shape[0])
    n = sl.stop - sl.start
    years = (inputs.months + 11) // 12
    out = np.zeros((n, inputs.months, 2, K.N_OUT))
    asset_year = np.zeros((n, inputs.n_assets, years))
    state_end = np.zeros((n, inputs.n_assets), dtype=np.int64)
    K.simulate_kernel(
        inputs.market, inputs.capacity_kt, inputs.init_share, inputs.init_state, inputs.commission_m,
        inputs.coal_share, co2_intensity(inputs), inputs.is_cn, inputs.counts_in_cap, inputs.quota_transfer,
        inputs.demand_base, inputs.secondary_kt, inputs.season_days, inputs.export_tax, inputs.export_rebate, inputs.foreign_tariff,
        inputs.cap_limit_cn, *cost_terms(inputs),
        inputs.avail_share, inputs.force_close, inputs.force_restart, inputs.build_block,
        (inputs.force_close | inputs.force_restart | inputs.build_block).any(axis=2), drivers.path_variant[sl],
        drivers.alumina_px[sl], drivers.anode_px[sl], drivers.alumina_fwd_delta[sl], drivers.coal_idx[sl], drivers.fx[sl], drivers.eps_price[sl],
        drivers.demand_noise[sl], drivers.planned_go[sl], drivers.restart_lag[sl],
        drivers.curtail_threshold[sl],
        inputs.price0, inputs.stock0, inputs.exports0, inputs.arb0, inputs.par,
        out, asset_year, state_end)
    return out, asset_year, state_end


def simulate(scenario: Scenario, dataset: Dataset | None = None, *, paths: int | None = None,
             seed: int | None = None, progress: Callable[[int, int], None] | None = None,
             chunks: int = 8) -> SimulationResult:
    """Simulate ``scenario`` over its Monte Carlo paths and return the result.

    ``paths`` and ``seed`` override the scenario's; ``progress(done, total)`` is called after each
    chunk of paths (the CLI draws a progress bar with it). Results depend only on the scenario, the
    dataset and the seed — never on ``chunks`` or the number of threads.
    """
    if paths is not None or seed is not None:
        scenario = scenario.model_copy(update={k: v for k, v in (("paths", paths), ("seed", seed)) if v is not None})
    t0 = time.perf_counter()
    dataset, inputs = prepare(scenario, dataset)
    check_run_memory(scenario.paths, inputs.months, inputs.n_assets)
    drivers = draw_drivers(inputs, dataset, scenario.paths, scenario.seed)
    t1 = time.perf_counter()
    n = scenario.paths
    edges = np.linspace(0, n, min(chunks, n) + 1).astype(int)
    parts = []
    for i in range(len(edges) - 1):
        parts.append(run_kernel(inputs, drivers, slice(int(edges[i]), int(edges[i + 1]))))
        if progress is not None:
            progress(int(edges[i + 1]), n)
    out = np.concatenate([p[0] for p in parts])
    asset_year = np.concatenate([p[1] for p in parts])
    state_end = np.concatenate([p[2] for p in parts])
    t2 = time.perf_counter()
    timings = {"prepare_s": t1 - t0, "kernel_s": t2 - t1}
    with np.errstate(all="ignore"):
        result = SimulationResult.from_arrays(scenario, dataset, inputs, out, asset_year, state_end, drivers, timings)
    check_finite(result.data)
    return result
