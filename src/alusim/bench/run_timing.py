"""Wall time of ``alusim run`` (the baseline) as a user meets it: a new process each time, report written,
run stored. The first call is the cold start (imports, numba's cache, the OS file cache as found);
the best of the following calls is the warm figure.

``python -m alusim.bench.run_timing [--repeats N] [--paths N] [--json] [--src DIR]`` — with ``--src``
the same measurement is taken of another source tree (e.g. the main branch) in the same session, so
two versions are compared on the same machine state.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def time_run(paths: int = 1000, repeats: int = 3, src: Path | None = None) -> dict:
    """Cold and warm wall seconds of ``alusim run --paths N`` (the baseline; older trees do not know the
    catalogue name) in fresh processes."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(Path(src).resolve())
    walls, timings = [], []
    with tempfile.TemporaryDirectory() as tmp:
        env["ALUSIM_STORE"] = str(Path(tmp) / "store")
        for i in range(repeats + 1):
            argv = [sys.executable, "-m", "alusim", "run", "--paths", str(paths), "--out",
                    str(Path(tmp) / f"out{i}"), "--json"]
            t0 = time.perf_counter()
            done = subprocess.run(argv, env=env, cwd=tmp, capture_output=True, text=True, check=False)
            walls.append(time.perf_counter() - t0)
            if done.returncode != 0:
                raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "run failed")
            payload = json.loads(done.stdout)
            timings.append({"in_process_s": payload.get("elapsed_s"), **(payload.get("timings") or {})})
    warm = min(range(1, len(walls)), key=walls.__getitem__)
    # peak resident memory of the largest run so far in this process's children (Linux: KiB)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"paths": paths, "peak_rss_mb": peak_rss_mb, "cold_wall_s": walls[0], "warm_wall_s": walls[warm], "walls_s": walls,
            "warm_breakdown": timings[warm], "cold_breakdown": timings[0], "src": str(src) if src else "installed",
            "dont_write_bytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alusim.bench.run_timing")
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--src", type=Path, action="append", default=None,
                        help="source tree(s) to time in the same session (default: the importable alusim)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = [time_run(args.paths, args.repeats, src) for src in (args.src or [None])]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            print(f"{r['src']}: cold {r['cold_wall_s']:.2f} s, warm {r['warm_wall_s']:.2f} s wall "
                  f"(in process {r['warm_breakdown'].get('in_process_s') or float('nan'):.2f} s; "
                  f"PYTHONDONTWRITEBYTECODE={'set' if r['dont_write_bytecode'] else 'unset'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
