"""Errors that reach the user as one clear line (exit code 2), never as a traceback."""

from __future__ import annotations


class InputError(Exception):
    """Bad input from the user: a scenario file, a data file, a command-line option or an upload.

    The message is one line that names the file and/or field and says how to fix it. The CLI prints
    it and exits with code 2; nothing is written.
    """

    def __init__(self, message: str, *, where: str | None = None, fix: str | None = None):
        parts = [f"{where}: {message}" if where else message]
        if fix:
            parts.append(f"fix: {fix}")
        super().__init__(" — ".join(parts))
        self.where = where
        self.fix = fix
