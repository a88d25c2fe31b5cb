"""A guard for numba's on-disk cache of the kernel (see :func:`drop_stale_cache`)."""

from __future__ import annotations

#: modules whose functions numba inlines into the kernel: its on-disk cache is keyed on this file's
#: timestamp alone, so an edit to one of them would leave a stale compiled kernel in place
INLINED_MODULES = ("kernel", "layout", "supply", "regions", "market", "plants", "curves")


def drop_stale_cache() -> None:
    """Remove the cached compiled kernel when any inlined module changed since it was compiled (a
    SHA-256 of their sources kept beside numba's cache files); silent where the folder is not ours
    to write (an installed package: its files change only on reinstall, which renews this file too)."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).resolve().parent
    cache = here / "__pycache__"
    try:
        digest = hashlib.sha256(b"".join((here / f"{name}.py").read_bytes() for name in INLINED_MODULES)).hexdigest()
        stamp = cache / "kernel_sources.sha256"
        if stamp.is_file() and stamp.read_text().strip() == digest:
            return
        for stale in cache.glob("kernel.simulate_kernel-*.nb*"):
            stale.unlink()
        cache.mkdir(exist_ok=True)
        stamp.write_text(digest)
    except OSError:
        return


