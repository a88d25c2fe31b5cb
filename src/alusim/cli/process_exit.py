"""How a one-shot command (``alusim run``, ``alusim compare``) spends its process: without Python's
cyclic garbage collector while it works, and ending without tearing the interpreter down.

Measured on the 2-vCPU development machine (docs/performance.md, December 2026, warm
``alusim run baseline``): the collector ran ~500 times during a run, four of them full passes over the
~1,700 imported modules' objects, ~0.3 s in all; a run makes no reference cycles worth collecting
(peak RSS is the same without it). After the command had returned, the interpreter's teardown — a
last full collection, then every module's namespace cleared and freed — took another ~0.4 s. Neither
changes anything the run wrote: by then its files are written, fsynced and renamed into place, and
its catalog connection is closed.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_QUICK = {"allowed": False}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (reference counting still frees every
    array and frame as soon as it is unused); the collector's former state is restored after.

    While it is off, Python still counts allocations: on re-enabling, the next allocation would
    collect the young generation — every object the block made that is still alive (~75 ms after a
    1,000-path run, ~20 ms after the command line's imports). Those objects are moved to the old
    generation instead (``gc.freeze`` then ``gc.unfreeze``, which also resets the count), as a
    collection would have promoted them; cycles among them are collected with the old generation."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def allow_quick_exit() -> None:
    """Called by a command once everything it writes is committed: the process may then end without
    interpreter teardown (:func:`end_process`)."""
    _QUICK["allowed"] = True


def end_process(code: int) -> None:
    """End the program with exit code ``code``. After a command that allowed it, and with no other
    thread than daemons left (a worker still running is waited for by the normal exit), the exit
    handlers run (logging, temporary folders, numba's and llvmlite's), stdout and stderr are flushed,
    and the process ends at once (``os._exit``) instead of clearing every module first. Otherwise it
    is ``sys.exit(code)``."""
    if _QUICK["allowed"] and not any(t.is_alive() and not t.daemon for t in threading.enumerate()
                                     if t is not threading.main_thread()):
        atexit._run_exitfuncs()      # the handlers a normal exit runs (CPython's own entry to them)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            sys.exit(code)           # a closed or broken stream: let the normal exit report it
        os._exit(code)
    sys.exit(code)
