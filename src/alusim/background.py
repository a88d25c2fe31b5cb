"""One call run on a daemon thread while the caller goes on; its value (or what it raised) handed over
when asked.

After the kernel a run is single-threaded Python (summaries, report, storing) and the machine's second
core idles. Work that spends its time in numpy with the GIL released — sorting every variable's paths
for its percentiles — can run beside Python work such as building the report: ``alusim run`` computes
the monthly summary this way (docs/performance.md, seventh pass). The call must not touch Python's
``warnings`` filters (``warnings.catch_warnings`` is not thread-safe before Python 3.14) nor state the
caller changes meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """``fn(*args)`` started on a daemon thread at once; :meth:`result` waits for it and returns its
    value or raises what it raised. A daemon thread does not keep the process alive (nor stop
    :func:`alusim.cli.process_exit.end_process` from ending it quickly) if the caller fails first."""

    def __init__(self, fn: Callable[..., T], *args: object, name: str = "alusim-background") -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._call, args=(fn, args), name=name, daemon=True)
        self._thread.start()

    def _call(self, fn: Callable[..., T], args: tuple) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread by result()
            self._error = exc

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
