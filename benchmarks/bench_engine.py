"""Engine speed benchmark: ``python benchmarks/bench_engine.py [--paths N] [--json]``.

Runs :func:`alusim.bench.run_benchmark` on the fixed workload (baseline scenario, default dataset,
seed 7) and prints a small table, or the figures as JSON with ``--json``. See benchmarks/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    from alusim.bench.harness import main
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from alusim.bench.harness import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
