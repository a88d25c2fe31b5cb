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


def prepare(scenario: Scenario, dataset: Dataset | None = None, params=None) -> tuple[Dataset, EngineInputs]:
    """Dataset with the parameter set and the scenario's assumptions, and engine inputs with every
    event applied.

    ``params`` (:class:`~alusim.history.parameter_sets.ParameterSet`) defaults to the shipped
    calibration: its best fit is applied under the scenario's assumptions (they win), and its
    ensemble gives each path one member unless ``calibration.use_ensemble`` is 0
    (docs/history.md)."""
    from alusim.errors import InputError
    from alusim.levers import apply_events, extend_assets

    dataset = dataset if dataset is not None else load_dataset()
    try:
        params = _parameter_set(dataset, params)
        own = set(scenario.assumptions)
        if params.parameters:
            dataset = dataset.with_overrides({k: v for k, v in params.parameters.items() if k not in own})
        if scenario.assumptions:
            dataset = dataset.with_overrides(scenario.assumptions)
        dataset = extend_assets(dataset, scenario)
        inputs = build_inputs(dataset, scenario)
        if params.ensemble and dataset.param_or("calibration.use_ensemble", 1.0) > 0:
            inputs.par_sets = ensemble_fields(dataset, params.ensemble, exclude=own)
            inputs.notes.append(f"parameters: {len(inputs.par_sets)} members of {params.source}, one per path")
        inputs.lever_log = apply_events(inputs, scenario, dataset).log
    except InputError as exc:
        raise scenario.locate(exc) from None   # errors found after parsing still name file and line
    return dataset, inputs


def _parameter_set(dataset: Dataset, params):
    from alusim.history.parameter_sets import resolve

    return resolve(dataset, None) if params is None else params


def ensemble_fields(dataset: Dataset, members, exclude: set[str] = frozenset()) -> list[dict[str, float]]:
    """Each ensemble member as the kernel fields it sets (:data:`alusim.engine.params.FIELDS`), in the
    kernel's units; names the scenario sets itself (``exclude``) keep the scenario's value."""
    from alusim.engine.params import FIELDS, parameter_values
    from alusim.errors import InputError

    out = []
    for i, member in enumerate(members):
        member = {k: v for k, v in member.items() if k not in exclude}
        fields = {f for f, (source, _) in FIELDS.items() if source in member}
        unknown = set(member) - {source for source, _ in FIELDS.values()}
        if unknown:
            raise InputError(f"ensemble.{i}: {sorted(unknown)[0]} cannot differ from path to path (the kernel does "
                             "not read it)", fix="put it under 'parameters' instead")
        values = parameter_values(dataset.with_overrides(member))
        out.append({f: values[f] for f in fields})
    return out


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


def kernel_arguments(inputs: EngineInputs, drivers: Drivers, paths: slice | None = None) -> tuple:
    """The kernel's named inputs (assets, series, events, draws, parameters, start) for a slice of paths."""
    from alusim.engine.params import stack

    sl = paths or slice(0, drivers.z_price.shape[0])
    assets = K.Assets(market=inputs.market, capacity_kt=inputs.capacity_kt, init_share=inputs.init_share,
                      init_state=inputs.init_state, commission_m=inputs.commission_m, coal_share=inputs.coal_share,
                      co2_t_per_t=co2_intensity(inputs), is_cn=inputs.is_cn, counts_in_cap=inputs.counts_in_cap,
                      quota_transfer=inputs.quota_transfer, node=inputs.asset_node)
    series = K.Series(demand_base=inputs.demand_base, season_factor=inputs.season_factor,
                      secondary_kt=inputs.secondary_kt, season_days=inputs.season_days, export_tax=inputs.export_tax,
                      export_rebate=inputs.export_rebate, foreign_tariff=inputs.foreign_tariff,
                      cap_limit_cn=inputs.cap_limit_cn, import_cost_add=inputs.import_cost_add,
                      export_scale=inputs.export_scale, vat=inputs.vat,
                      years_from_ref=inputs.years_from_ref)
    shipments = inputs.node_base_flow.sum(axis=1) + inputs.start_state[K.S_IMPORTS] * inputs.node_cn_import_share
    if len(inputs.node_names) == 1:
        shipments = np.zeros(1)       # one region: its normal stock is the rest of the world's (no corridors)
    nodes = K.Nodes(demand=inputs.node_demand, secondary=inputs.node_secondary, shipments=shipments,
                    base_flow=inputs.node_base_flow,
                    freight=inputs.node_freight, tariff=inputs.node_tariff, border=inputs.node_border,
                    open_share=inputs.node_open, premium0=inputs.node_premium0,
                    cn_export_share=inputs.node_cn_export_share, cn_import_share=inputs.node_cn_import_share,
                    cn_import_open=inputs.node_cn_import_open, cn_tariff=inputs.node_cn_tariff,
                    greenfield_share=inputs.node_greenfield_share)
    power, fixed = cost_terms(inputs)
    events = K.Events(cost_power=power, cost_fixed=fixed, avail_share=inputs.avail_share,
                      force_close=inputs.force_close, force_restart=inputs.force_restart,
                      build_block=inputs.build_block,
                      flags_any=(inputs.force_close | inputs.force_restart | inputs.build_block).any(axis=2))
    draws = K.Draws(path_variant=drivers.path_variant[sl], path_set=drivers.path_set[sl],
                    alumina_px=drivers.alumina_px[sl], anode_px=drivers.anode_px[sl],
                    alumina_fwd_delta=drivers.alumina_fwd_delta[sl], coal_idx=drivers.coal_idx[sl],
                    fx=drivers.fx[sl], z_price=drivers.z_price[sl], demand_noise=drivers.demand_noise[sl],
                    planned_go=drivers.planned_go[sl], u_lag=drivers.u_lag[sl], u_threshold=drivers.u_threshold[sl])
    return assets, series, nodes, events, draws, stack(inputs.parameter_sets()), inputs.start_state


def kernel_outputs(inputs: EngineInputs, n_paths: int) -> tuple[np.ndarray, ...]:
    """The kernel's output arrays for ``n_paths`` paths, zeroed: (out, asset_year_prod, asset_state_end,
    region_out, flow_year), in :func:`run_kernel`'s order."""
    years = (inputs.months + 11) // 12
    n_nodes = len(inputs.node_names)
    return (np.zeros((n_paths, inputs.months, 2, K.N_OUT)), np.zeros((n_paths, inputs.n_assets, years)),
            np.zeros((n_paths, inputs.n_assets), dtype=np.int64),
            np.zeros((n_paths, inputs.months, n_nodes, K.N_REGION_OUT)),
            np.zeros((n_paths, years, n_nodes + 1, n_nodes + 1)))


def run_kernel(inputs: EngineInputs, drivers: Drivers, paths: slice | None = None, arguments: tuple | None = None,
               outputs: tuple[np.ndarray, ...] | None = None):
    """Step the kernel over a slice of paths; returns (out, asset_year_prod, asset_state_end, region_out,
    flow_year). ``arguments`` reuses :func:`kernel_arguments` of all paths (its draws are sliced here);
    ``outputs`` (:func:`kernel_outputs` of all paths) receives the slice's rows in place, and the
    returned arrays are views of them."""
    sl = paths or slice(0, drivers.z_price.shape[0])
    n = sl.stop - sl.start
    if outputs is None:
        out, asset_year, state_end, region_out, flow_year = kernel_outputs(inputs, n)
    else:   # rows of C-ordered arrays: C-ordered views, the kernel's compiled signature
        out, asset_year, state_end, region_out, flow_year = (a[sl] for a in outputs)
    if arguments is None:
        arguments = kernel_arguments(inputs, drivers, sl)
    else:
        assets, series, nodes, events, draws, par, start = arguments
        draws = K.Draws(*(np.ascontiguousarray(x[sl]) for x in draws))
        arguments = (assets, series, nodes, events, draws, par, start)
    K.simulate_kernel(*arguments, out, region_out, flow_year, asset_year, state_end)
    return out, asset_year, state_end, region_out, flow_year


def simulate(scenario: Scenario, dataset: Dataset | None = None, *, paths: int | None = None,
             seed: int | None = None, progress: Callable[[int, int], None] | None = None,
             chunks: int = 8, params=None) -> SimulationResult:
    """Simulate ``scenario`` over its Monte Carlo paths and return the result.

    ``paths`` and ``seed`` override the scenario's; ``progress(done, total)`` is called after each
    chunk of paths (the CLI draws a progress bar with it); ``params`` is a parameter set of
    ``alusim calibrate`` (default: the shipped calibration, :func:`prepare`). Results depend only on
    the scenario, the dataset, the parameter set and the seed — never on ``chunks`` or the number of
    threads.
    """
    if paths is not None or seed is not None:
        scenario = scenario.model_copy(update={k: v for k, v in (("paths", paths), ("seed", seed)) if v is not None})
    t0 = time.perf_counter()
    dataset, inputs = prepare(scenario, dataset, params)
    check_run_memory(scenario.paths, inputs.months, inputs.n_assets)
    drivers = draw_drivers(inputs, dataset, scenario.paths, scenario.seed)
    t1 = time.perf_counter()
    n = scenario.paths
    edges = np.linspace(0, n, min(chunks, n) + 1).astype(int)
    arguments = kernel_arguments(inputs, drivers)
    # every chunk writes its rows of one set of arrays (no concatenation: ~0.2 s of copying and
    # first-touch page faults at 1,000 paths)
    outputs = kernel_outputs(inputs, n)
    for i in range(len(edges) - 1):
        run_kernel(inputs, drivers, slice(int(edges[i]), int(edges[i + 1])), arguments, outputs)
        if progress is not None:
            progress(int(edges[i + 1]), n)
    if drivers.alumina_market is not None:
        # the alumina market's demand from the smelters that ran (alumina.market.demand_from_kernel 1):
        # the market once more on the kernel's output, then the kernel on its prices
        from alusim.alumina.engine import kernel_feedback

        again = kernel_feedback(inputs, dataset, drivers, outputs[0])
        if again is not None:
            drivers = again
            arguments = kernel_arguments(inputs, drivers)
            outputs = kernel_outputs(inputs, n)
            for i in range(len(edges) - 1):
                run_kernel(inputs, drivers, slice(int(edges[i]), int(edges[i + 1])), arguments, outputs)
    out, asset_year, state_end, region_out, flow_year = outputs
    t2 = time.perf_counter()
    timings = {"prepare_s": t1 - t0, "kernel_s": t2 - t1}
    with np.errstate(all="ignore"):
        result = SimulationResult.from_arrays(scenario, dataset, inputs, out, asset_year, state_end, drivers, timings)
    from alusim.engine.region_result import regions_dataset

    result.regions = regions_dataset(region_out, flow_year, inputs.node_names, result.data["month"].values)
    check_finite(result.data)
    return result
