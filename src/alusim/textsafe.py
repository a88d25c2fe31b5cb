"""Text that is safe to print and to use as a file name.

Scenario names, descriptions, file paths and values quoted in error lines come from users and files.
Before they reach a terminal they lose every control character (ANSI escape sequences, carriage
returns, bells: Unicode category ``C*`` except the ordinary space), and long values are clipped so
that an error never echoes a megabyte of input. Folder names derived from a scenario ``name`` are
slugs (ASCII letters, digits, ``.``, ``_`` and ``-``, no leading dot), so that ``name: ../../x`` or
an absolute path can never place output outside ``out/``.
"""

from __future__ import annotations

import re
import unicodedata

#: longest quoted value kept in one error line (characters)
MAX_QUOTED = 200
#: longest folder name derived from a scenario name
MAX_SLUG = 80

_SLUG_BAD = re.compile(r"[^A-Za-z0-9._-]+")
#: ANSI/VT escape sequences (CSI ``ESC [ … final``, OSC ``ESC ] … BEL|ST``, two-character ``ESC x``)
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")


def printable(text: object) -> str:
    """``text`` without control, format or unassigned characters (newlines and tabs become spaces)."""
    out = []
    for char in _ESCAPES.sub("", str(text)):
        if char in "\n\r\t":
            out.append(" ")
        elif unicodedata.category(char).startswith("C"):
            continue
        else:
            out.append(char)
    return "".join(out)


def clip(text: str, limit: int = MAX_QUOTED) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def slug(name: object, fallback: str = "scenario") -> str:
    """A file-name-safe form of ``name``: NFKD-folded to ASCII, every other character run becomes
    ``-``, no leading dots or dashes, at most :data:`MAX_SLUG` characters; ``fallback`` when nothing
    is left. ``slug("../../x") == "x"``, ``slug("/etc/passwd") == "etc-passwd"``."""
    folded = unicodedata.normalize("NFKD", printable(name)).encode("ascii", "ignore").decode("ascii")
    text = _SLUG_BAD.sub("-", folded)
    text = re.sub(r"\.{2,}", ".", text)
    text = text.strip(".-_")[:MAX_SLUG].strip(".-_")
    return text or fallback
