"""How much memory a run needs, estimated before anything is allocated, and the refusal when the
machine cannot hold it.

The figure comes from measured peaks of ``alusim run`` on the embedded dataset (173 smelters,
132 months): 522 MB at 1,000 paths and 1,099 MB at 4,000 paths, i.e. ~1,450 bytes per path-month
(≈ 8 bytes per asset-path-month for the per-asset output and state arrays, plus the per-path
regional series) over a fixed ~330 MB of code and data. The estimate rounds both up.
"""

from __future__ import annotations

import os

from alusim.errors import InputError

#: bytes per asset-path-month (float64 per-asset arrays)
BYTES_PER_ASSET_PATH_MONTH = 8
#: bytes per path-month for the regional series, drivers and summaries
BYTES_PER_PATH_MONTH = 256
#: interpreter, libraries and dataset
BASE_BYTES = 400 * 2**20


def run_bytes(paths: int, months: int, assets: int) -> int:
    """Estimated peak bytes of a run of ``paths`` × ``months`` × ``assets``."""
    return int(paths) * int(months) * (int(assets) * BYTES_PER_ASSET_PATH_MONTH + BYTES_PER_PATH_MONTH) + BASE_BYTES


def available_bytes() -> int | None:
    """Memory the system can give without swapping (``MemAvailable``), or None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_run_memory(paths: int, months: int, assets: int, available: int | None = None,
                     runs_at_once: int = 1) -> None:
    """Refuse, with the figures, a run (or ``runs_at_once`` runs in parallel worker processes) whose
    estimated memory exceeds what is available."""
    need = run_bytes(paths, months, assets) * runs_at_once
    have = available if available is not None else available_bytes()
    if have is None or need <= have:
        return
    per_path = run_bytes(1, months, assets) - BASE_BYTES
    fits = max(int((have / runs_at_once - BASE_BYTES) // per_path), 0)
    times = f" in each of {runs_at_once} workers" if runs_at_once > 1 else ""
    raise InputError(f"{paths:,} paths × {months} months × {assets} assets{times} need about {need / 1e9:.1f} GB "
                     f"of memory; {have / 1e9:.1f} GB is available", where="paths",
                     fix=f"use --paths {fits:,} or fewer (or a shorter period)" if fits else "free memory first")
