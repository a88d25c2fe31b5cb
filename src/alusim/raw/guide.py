"""What ``alusim data build`` reads: each public dataset's folder, publisher and licence, taken from
the readers themselves (their ``*FOLDER``/``*LICENCE`` constants and the ``Source:`` paragraph of
their docstrings), so the guide cannot drift from the code."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from alusim.raw import (
    gem,
    genisim,
    glombo,
    iai,
    messageix,
    mpp,
    owid,
    registry,
    usgs,
    worldbank,
    worldbank_wdi,
)

READERS: tuple[ModuleType, ...] = (iai, worldbank, gem, mpp, genisim, registry, messageix, glombo, usgs, owid,
                                   worldbank_wdi)


@dataclass(frozen=True)
class RawSource:
    folder: str
    licence: str
    source: str
    reader: str


def _source_paragraph(doc: str) -> str:
    lines, keep = [], False
    for line in (doc or "").splitlines():
        if line.startswith("Source:"):
            keep = True
            line = line.removeprefix("Source:")
        elif keep and (not line.strip() or line.split(":", 1)[0] in ("Licence", "Units", "Coverage", "Caveats")):
            break
        if keep:
            lines.append(line.strip())
    return " ".join(lines).replace("``", "")


def raw_sources() -> list[RawSource]:
    """One entry per folder the readers expect under the raw-data directory."""
    out = []
    for module in READERS:
        source = _source_paragraph(module.__doc__ or "")
        for name in sorted(vars(module)):
            if name == "FOLDER" or name.endswith("_FOLDER"):
                prefix = name.removesuffix("FOLDER")
                licence = getattr(module, f"{prefix}LICENCE", getattr(module, "LICENCE", ""))
                out.append(RawSource(getattr(module, name), licence, source, module.__name__))
    return out
