"""``python -m alusim.engine.warm``: fill the caches a run reads at start, once, at install.

The kernel is compiled by numba with ``cache=True``: the first call after an install compiles it
(tens of seconds) and writes the machine code beside the sources; later runs load it. This runs a
two-path baseline so that the install step (``make install``) pays for compilation, the dataset's
validated tables, pint's parsed units and the run report's compiled templates — not the user's first
``alusim run``.
"""

from __future__ import annotations

import sys
import time


def warm(paths: int = 2) -> float:
    """Simulate the baseline on ``paths`` paths (compiling or loading the kernel); returns seconds."""
    from alusim.cli.run_cmd import load
    from alusim.engine.simulate import simulate
    from alusim.units import registry

    t0 = time.perf_counter()
    registry()          # pint's parsed definitions, for the runs that parse a unit (a baseline run does not)
    simulate(load(None, paths, None))
    from alusim.report.html import _environment

    for name in ("run.html", "base.html", "macros.html"):      # the run report's compiled templates
        _environment().get_template(name)
    return time.perf_counter() - t0


def main() -> int:
    seconds = warm()
    sys.stdout.write(f"alusim: kernel and data caches ready ({seconds:.1f} s)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
