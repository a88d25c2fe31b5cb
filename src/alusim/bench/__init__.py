"""Speed benchmark of the engine, and a reference implementation of its model in Mesa.

``run_benchmark()`` times the compiled kernel on a fixed workload and compares it with
:mod:`alusim.bench.mesa_reference` (imported lazily: Mesa is a benchmark-only dependency).
"""

from alusim.bench.harness import run_benchmark

__all__ = ["run_benchmark"]
