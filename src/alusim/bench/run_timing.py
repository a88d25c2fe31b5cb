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
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(argv: list[str], env: dict, cwd: Path) -> tuple[str, str, int, float, float]:
    """Run ``argv``; (stdout, stderr, exit code, peak RSS in MB of that process, wall seconds). Output
    goes to files (no pipe to fill) so that the process can be reaped with its own resource usage."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return out.read(), err.read(), proc.returncode, usage.ru_maxrss / 1024, wall   # Linux: KiB


def time_run(paths: int = 1000, repeats: int = 3, src: Path | None = None) -> dict:
    """Cold and warm wall seconds of ``alusim run --paths N`` (the baseline; older trees do not know the
    catalogue name) in fresh processes."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(Path(src).resolve())
    walls, timings, rss = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        env["ALUSIM_STORE"] = str(Path(tmp) / "store")
        for i in range(repeats + 1):
            argv = [sys.executable, "-m", "alusim", "run", "--paths", str(paths), "--out",
                    str(Path(tmp) / f"out{i}"), "--json"]
            stdout, stderr, code, rss_mb, wall = _timed(argv, env, Path(tmp))
            walls.append(wall)
            rss.append(rss_mb)
            if code != 0:
                raise RuntimeError(stderr.strip().splitlines()[-1] if stderr.strip() else "run failed")
            payload = json.loads(stdout)
            timings.append({"in_process_s": payload.get("elapsed_s"), **(payload.get("timings") or {})})
    warm = min(range(1, len(walls)), key=walls.__getitem__)
    return {"paths": paths, "warm_rss_mb": rss[warm], "cold_rss_mb": rss[0], "cold_wall_s": walls[0], "warm_wall_s": walls[warm], "walls_s": walls,
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
