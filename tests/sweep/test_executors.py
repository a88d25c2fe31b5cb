"""One executor path: the analytical check (Ishigami) and a real Dask cluster against local processes
for sweeps, sensitivity and calibration."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from alusim.analysis.executors import make_executor
from alusim.analysis.sensitivity import parse_vary as tornado_vary
from alusim.analysis.sensitivity import run_sensitivity
from alusim.sweep import checkpoint, design
from alusim.sweep.inputs import parse_event_probability, parse_vary
from alusim.sweep.models import Ishigami
from alusim.sweep.outputs import parse_output
from alusim.sweep.runner import evaluate
from alusim.sweep.study import plan_sweep, run_sweep
from tests.sweep.conftest import short_scenario


def test_ishigami_sobol_indices_match_the_analytical_values_within_their_intervals(tmp_path):
    model = Ishigami()
    prob = design.problem(["x1", "x2", "x3"], [(-np.pi, np.pi)] * 3)
    x = design.sample("sobol", prob, 1024, seed=11)
    checkpoint.start_or_resume(tmp_path, {"format": checkpoint.FORMAT, "key": "ishigami"}, x, prob["names"])
    with make_executor(2) as executor:               # local processes, forkserver: the sweep's default path
        stats = evaluate(model, x, tmp_path, 2048, executor)
    assert stats.chunks == 4 and stats.runs == len(x) == 1024 * 8
    y = checkpoint.collect(tmp_path, len(x), model.labels)["ishigami"].to_numpy()
    assert np.allclose(y, model(x)[0][:, 0])          # the parts hold every run, in order
    table = design.analyse("sobol", prob, x, y, seed=11, output="ishigami")
    truth = model.indices()
    for index in ("S1", "ST"):
        rows = table[table["index"] == index].set_index("input").loc[["x1", "x2", "x3"]]
        assert np.all(np.abs(rows["value"].to_numpy() - truth[index]) <= rows["conf"].to_numpy()), (index, rows)
    s2 = table[(table["index"] == "S2")].set_index(["input", "input_b"])
    # the only interaction is x1 × x3 (V13 / V ≈ 0.244): its interval holds it, the others' hold 0
    assert abs(s2.loc[("x1", "x3"), "value"] - (truth["ST"][2] - truth["S1"][2])) <= s2.loc[("x1", "x3"), "conf"]
    assert abs(s2.loc[("x1", "x2"), "value"]) <= s2.loc[("x1", "x2"), "conf"]


def _tiny_plan():
    varies = [parse_vary("demand.cn.intensity_shift_pct_per_year=0:4"), parse_vary("events.0.limit_kt=44000:46000"),
              parse_event_probability("1=0.1:0.9")]
    outputs = [parse_output("production_kt@CN:2025"), parse_output("price_shfe_cny_t@CN:2025~mean")]
    return plan_sweep(short_scenario(), varies, outputs, design_name="sobol", n=2)


def test_a_sweep_on_a_local_dask_cluster_equals_the_local_executor(tmp_path, dask_cluster):
    plan = _tiny_plan()
    with make_executor(2) as executor:
        local = run_sweep(plan, tmp_path / "local", executor, chunk_runs=3)
        assert executor.submit(os.getenv, "NUMBA_NUM_THREADS").result() == "1"
    with make_executor(dask_address=dask_cluster) as executor:
        cluster = run_sweep(plan, tmp_path / "dask", executor, chunk_runs=3)
        # one numba thread per Dask worker too, and no MALLOC_TRIM_THRESHOLD_ from the nanny
        assert executor.submit(os.getenv, "NUMBA_NUM_THREADS").result() == "1"
        assert executor.submit(os.getenv, "MALLOC_TRIM_THRESHOLD_").result() is None
    assert local.stats.chunks == cluster.stats.chunks == 6 and len(local.results) == 16
    pd.testing.assert_frame_equal(local.results, cluster.results)
    labels = [o.label for o in plan.outputs]
    assert local.results[labels].nunique().min() > 1       # the inputs moved the outputs
    pd.testing.assert_frame_equal(local.indices, cluster.indices)


def test_sensitivity_and_calibration_run_on_the_dask_cluster(dask_cluster):
    from alusim.history.calibrate import BOUNDS, calibrate

    sc = short_scenario(paths=4)
    varies = [tornado_vary("demand.cn.intensity_shift_pct_per_year=0:4")]
    local = run_sensitivity(sc, varies, output="price_shfe_cny_t", region="CN")          # in this process
    with make_executor(dask_address=dask_cluster) as executor:
        remote = run_sensitivity(sc, varies, output="price_shfe_cny_t", region="CN", executor=executor)
        fit = calibrate(executor, start="2015-01", end="2015-12", paths=4, maxiter=1, popsize=1)
    pd.testing.assert_frame_equal(local, remote)
    assert local["swing"].iloc[0] > 0
    assert fit.fit["evaluations"] > len(BOUNDS) and np.isfinite(fit.fit["objective_mape_mean"])
    assert all(BOUNDS[k][0] <= v <= BOUNDS[k][1] for k, v in fit.parameters.items() if k in BOUNDS)


def test_an_unreachable_scheduler_is_one_input_error(monkeypatch):
    pytest.importorskip("distributed")
    from alusim.errors import InputError

    monkeypatch.setenv("ALUSIM_DASK_CONNECT_TIMEOUT_S", "1")
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        with make_executor(dask_address="tcp://127.0.0.1:9"):
            pass
