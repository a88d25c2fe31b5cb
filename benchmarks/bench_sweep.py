"""Sweep benchmark: ``python benchmarks/bench_sweep.py [--n 256] [--paths 100] [--executors local,dask] [--json]``.

The workload of issue 15: a Sobol design over 12 uncertain inputs of the baseline (parameters, a
scenario assumption, an event magnitude and an event probability) with N = 256 → N·(2D+2) = 6,656
runs of 100 paths each, 2025-01…2030-12, four outputs. It is run through the same executor path as
``alusim sweep``: local processes (forkserver, 2 workers), then a ``LocalCluster(n_workers=2,
threads_per_worker=1, processes=True)``. Reported per executor: runs per second, wall time, peak
resident memory of the whole process tree (coordinator, workers, nannies, scheduler) sampled every
0.2 s, and whether the outputs equal the first executor's. The bare kernel (``run_kernel`` on the
same inputs, 100 paths) is timed in the same session for the overhead figure. See docs/sweep.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

try:
    import alusim  # noqa: F401
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

VARY = ("market.price_adjust_per_month=0.2:0.8", "market.price_stock_elasticity=-1.0:-0.4",
        "market.cost_anchor_percentile=0.70:0.90", "supply.curtail_threshold_pct_of_cost=70:90",
        "supply.restart_hurdle_pct_of_cost.cn=0:15", "trade.cn_export_elasticity_per_pct_arb=0.2:1.0",
        "demand.cn.intensity_shift_pct_per_year=-1:3", "demand.cn.price_elasticity=-0.4:-0.1",
        "price.alumina.cn_long_run_cny_t=2500:3500", "fx.cny_per_usd=6.8:7.6",
        "events.0.limit_kt=44000:46000", "events.3.probability=0.1:0.9")
OUTPUTS = ("production_kt@CN:2030", "price_lme_usd_t@WORLD:2030", "price_shfe_cny_t@CN:2030", "net_exports_kt@CN:2030")


class PeakMemory:
    """Peak summed RSS of this process and all its descendants, sampled in a thread."""

    def __init__(self, every_s: float = 0.2):
        import psutil

        self.root, self.every_s, self.peak = psutil.Process(), every_s, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        total = 0
        for proc in [self.root, *self.root.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except Exception:  # noqa: BLE001 - a process may end between listing and reading
                pass
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self.every_s)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def bare_kernel_s(scenario, repeats: int = 20) -> float:
    """Median seconds of one kernel call (all paths) on the scenario's prepared inputs."""
    import numpy as np

    from alusim.engine.simulate import prepare, run_kernel
    from alusim.engine.stochastic import draw_drivers

    dataset, inputs = prepare(scenario)
    drivers = draw_drivers(inputs, dataset, scenario.paths, scenario.seed)
    run_kernel(inputs, drivers)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run_kernel(inputs, drivers)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def run(n: int, paths: int, executors: list[str], workers: int, keep: Path | None,
        n_by_executor: dict[str, int] | None = None) -> dict:
    from alusim.analysis.executors import dask_worker_config, make_executor
    from alusim.cli.run_cmd import baseline_path
    from alusim.scenario import load_scenario
    from alusim.sweep.inputs import parse_vary
    from alusim.sweep.outputs import parse_output
    from alusim.sweep.study import plan_sweep, run_sweep

    base = load_scenario(baseline_path())
    scenario = type(base).model_validate({**base.model_dump(mode="json", by_alias=True), "paths": paths,
                                          "end": "2030-12"})
    t0 = time.perf_counter()
    varies, outputs = [parse_vary(v) for v in VARY], [parse_output(o) for o in OUTPUTS]
    plan = plan_sweep(scenario, varies, outputs, design_name="sobol", n=n)
    report = {"runs": len(plan.x), "inputs": len(VARY), "n": n, "paths": paths, "period": "2025-01…2030-12",
              "plan_s": round(time.perf_counter() - t0, 2), "seconds_per_run_serial": round(plan.seconds_per_run, 4),
              "bare_kernel_s_per_run": round(bare_kernel_s(scenario), 5), "workers": workers, "executors": {}}
    reference = None
    root = keep or Path(tempfile.mkdtemp(prefix="alusim-bench-sweep-"))
    for name in executors:
        this_n = (n_by_executor or {}).get(name, n)
        this = plan if this_n == n else plan_sweep(scenario, varies, outputs, design_name="sobol", n=this_n)
        cluster = None
        if name == "dask":
            import dask
            from distributed import LocalCluster

            dask.config.set(dask_worker_config())
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        out_dir = root / f"{name}-n{this_n}"
        try:
            with PeakMemory() as memory:
                t1 = time.perf_counter()
                with make_executor(workers, cluster.scheduler_address if cluster else None) as executor:
                    outcome = run_sweep(this, out_dir, executor)
                wall = time.perf_counter() - t1
        finally:
            if cluster is not None:
                cluster.close()
        values = outcome.results          # run, inputs, outputs
        # the same seeds give the same runs: compare the runs both executors computed
        same = None if reference is None else bool(values.head(len(reference)).equals(reference.head(len(values))))
        reference = values if reference is None else reference
        stats = outcome.stats.as_dict()
        kernel_total = report["bare_kernel_s_per_run"] * stats["runs_computed"]
        report["executors"][name] = {
            "n": this_n, **stats, "wall_with_setup_s": round(wall, 2), "peak_rss_gb": round(memory.peak / 1e9, 3),
            "overhead_vs_bare_kernel": round(stats["wall_s"] * workers / kernel_total, 1) if kernel_total else None,
            "identical_to_first": same}
        print(json.dumps({name: report["executors"][name]}), file=sys.stderr, flush=True)
        st = outcome.indices[(outcome.indices["index"] == "ST") & (outcome.indices["output"] == plan.outputs[0].label)]
        report["executors"][name]["st_" + plan.outputs[0].label] = {
            r.input: [round(r.value, 3), round(r.conf, 3)] for r in st.itertuples()}
    report["sweep_folders"] = str(root)
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--paths", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--executors", default="local,dask")
    parser.add_argument("--n-dask", type=int, default=None, help="N for the Dask run (default: --n)")
    parser.add_argument("--keep", type=Path, default=None, help="folder for the sweep folders (default: a temp dir)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = run(args.n, args.paths, args.executors.split(","), args.workers, args.keep,
                 {"dask": args.n_dask} if args.n_dask else None)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
