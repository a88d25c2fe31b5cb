"""The run-timing harness times `alusim run` in fresh processes and states cold and warm figures."""

from __future__ import annotations

from alusim.bench.run_timing import time_run


def test_time_run_reports_cold_warm_and_memory():
    timing = time_run(paths=10, repeats=1)
    assert timing["paths"] == 10 and len(timing["walls_s"]) == 2
    assert timing["cold_wall_s"] == timing["walls_s"][0] and timing["warm_wall_s"] == timing["walls_s"][1]
    assert timing["warm_rss_mb"] > 50 and timing["cold_rss_mb"] > 50
    assert timing["warm_breakdown"]["in_process_s"] > 0
