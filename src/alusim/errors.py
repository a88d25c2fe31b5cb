"""Errors that reach the user as one clear line (exit code 2), never as a traceback."""

from __future__ import annotations

from alusim.textsafe import clip, printable

#: longest part (message, place or fix) of an error line, in characters
MAX_PART = 400


class InputError(Exception):
    """Bad input from the user: a scenario file, a data file, a command-line option or an upload.

    The message is one line that names the file and/or field and says how to fix it. The CLI prints
    it and exits with code 2; nothing is written. Every part is stripped of control characters and
    clipped (:mod:`alusim.textsafe`), so an error never echoes a megabyte of input or an escape code.
    """

    def __init__(self, message: str, *, where: str | None = None, fix: str | None = None):
        message, where, fix = (None if p is None else clip(printable(p), MAX_PART) for p in (message, where, fix))
        parts = [f"{where}: {message}" if where else str(message)]
        if fix:
            parts.append(f"fix: {fix}")
        super().__init__(" — ".join(parts))
        self.message = message
        self.where = where
        self.fix = fix
