"""The Mesa reference model agrees with the compiled kernel, and the benchmark harness reports its
figures. No timing is asserted here: speed targets belong to ``benchmarks/``, not to tests."""

from __future__ import annotations

import numpy as np
import pytest

from alusim.engine import kernel as K
from alusim.engine.simulate import prepare, run_kernel
from alusim.engine.stochastic import draw_drivers
from alusim.scenario.model import Scenario

pytest.importorskip("mesa")

from alusim.bench.harness import compare, run_benchmark  # noqa: E402
from alusim.bench.mesa_reference import MarketModel, Smelter, run_reference  # noqa: E402

TOL = 1e-9

EVENTS = Scenario.model_validate({
    "name": "e", "paths": 3, "end": "2026-12",
    "events": [
        {"type": "production_cut", "target": {"province": "Shandong"}, "share": 0.3, "start": "2025-03",
         "end": "2025-09"},
        {"type": "demand_shock", "region": "CN", "pct": -0.3, "start": "2025-06"},
    ],
})
DEFAULT = Scenario(name="d", paths=3, end="2026-12")
#: forced closures and a relocation under China's cap: the replacement quota, the quota handed
#: from a relocated plant to its new site, a scenario-added asset and the closed-plant paths
CLOSURES = Scenario.model_validate({
    "name": "c", "paths": 3, "end": "2026-12",
    "events": [
        {"type": "capacity_cap", "limit_kt": 45000, "start": "2025-01"},
        {"type": "relocate", "from": {"province": "Shandong"}, "to_province": "Yunnan", "kt": 1000,
         "start": "2025-02", "lag_months": 6},
        {"type": "close_noncompliant", "target": {"province": "Shandong"}, "start": "2025-06"},
    ],
})

#: greenfield capacity on line within the run: it counts in the operating total the curves' quantiles
#: are read against but is not on the curves, so the walk's direction changes the answer
GREENFIELD = Scenario.model_validate({
    "name": "g", "paths": 3, "end": "2026-12",
    "assumptions": {"market.incentive_price_usd_t": 1200, "supply.greenfield_build_months": 6},
})


def _both(scenario: Scenario, dataset):
    ds, inputs = prepare(scenario, dataset)
    drivers = draw_drivers(inputs, ds, scenario.paths, scenario.seed)
    return inputs, run_kernel(inputs, drivers), run_reference(inputs, drivers)


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)))


@pytest.mark.parametrize("scenario", [DEFAULT, EVENTS, CLOSURES, GREENFIELD],
                         ids=["default", "events", "closures", "greenfield"])
def test_reference_agrees_with_kernel(scenario, dataset):
    inputs, (k_out, k_year, k_state, *_), (r_out, r_year, r_state) = _both(scenario, dataset)
    assert k_out.shape == r_out.shape == (3, 24, 2, K.N_OUT)
    for idx in (K.O_PRICE, K.O_PRODUCTION):
        assert _rel(k_out[..., idx], r_out[..., idx]) < TOL
    # a stock that rationing empties is a residual of flows the size of the month's demand
    inv_k, inv_r = k_out[..., K.O_INVENTORY], r_out[..., K.O_INVENTORY]
    scale = np.maximum(np.maximum(np.abs(inv_k), np.abs(inv_r)), k_out[..., K.O_DEMAND])
    assert float(np.max(np.abs(inv_k - inv_r) / scale)) < TOL
    assert max(compare(k_out, r_out).values()) < TOL
    np.testing.assert_allclose(r_year, k_year, rtol=TOL, atol=1e-9)
    np.testing.assert_array_equal(r_state, k_state)
    assert np.all(k_out[..., K.O_PRODUCTION] > 0)
    if scenario is GREENFIELD:
        assert np.all(k_out[:, -1, 1, K.O_GREENFIELD] > 0)


def test_events_change_the_reference_too(dataset):
    """The event scenario really exercises the levers (otherwise the second case proves nothing)."""
    _, (base_out, *_), _ = _both(DEFAULT, dataset)
    _, _, (ev_out, _, _) = _both(EVENTS, dataset)
    cn = (slice(None), slice(3, 9), 0, K.O_PRODUCTION)
    assert np.all(ev_out[cn] < base_out[cn])


def test_model_is_a_mesa_model(dataset):
    import mesa

    ds, inputs = prepare(DEFAULT, dataset)
    drivers = draw_drivers(inputs, ds, 1, 7)
    model = MarketModel(inputs, drivers, 0)
    assert isinstance(model, mesa.Model)
    assert len(model.agents) == inputs.n_assets
    assert all(isinstance(a, Smelter) for a in model.agents)
    assert [a.index for a in model.agents] == list(range(inputs.n_assets))
    model.step()
    assert model.steps == 1 and model.month == 1
    assert model.out[0, 0, K.O_PRICE] == inputs.price0[0]


def test_run_benchmark_reports_its_figures():
    result = run_benchmark(paths=20, repeats=1, mesa_paths=2, end="2025-12")
    for key in ("asset_path_months_per_s", "asset_path_months_per_s_1thread", "mesa_ratio",
                "mesa_asset_path_months_per_s", "kernel_seconds", "end_to_end_seconds", "compile_seconds",
                "assets", "paths", "months", "threads"):
        assert result[key] > 0, key
    assert result["paths"] == 20 and result["months"] == 12
    assert result["targets"] == {"asset_path_months_per_s": 1e8, "mesa_ratio": 300}
    assert result["machine"]["cpu_count"] >= 1 and result["machine"]["platform"]
    agreement = result["agreement"]
    assert agreement["available"] and agreement["paths"] == 2
    assert agreement["max_rel_diff"] < TOL and agreement["within_tolerance"]
    assert agreement["end_states_differ"] == 0
