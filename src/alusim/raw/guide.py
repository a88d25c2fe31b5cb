"""What ``alusim data build`` reads: each public dataset's folder, publisher and licence, taken from
the build's own table list (:data:`alusim.raw.build.TABLES`: folder and licence per table) and the
``Source:`` paragraph of each reader module's docstring, so the guide cannot drift from the code."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from alusim.raw.build import TABLES


@dataclass(frozen=True)
class RawSource:
    folder: str
    licence: str
    source: str
    tables: tuple[str, ...]


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
    """One entry per folder the build reads (tables joined from several folders list each of them)."""
    by_folder: dict[str, RawSource] = {}
    for table in TABLES:
        for folder in (f.strip() for f in str(table.folder).replace("+", ",").split(",")):
            module = sys.modules.get(getattr(table.reader, "__module__", ""))
            source = _source_paragraph(getattr(module, "__doc__", "") or "")
            known = by_folder.get(folder)
            if known is None:
                licence = table.licence if "," not in str(table.folder) else ""
                by_folder[folder] = RawSource(folder, licence, source, (table.name,))
            else:
                by_folder[folder] = RawSource(folder, known.licence or table.licence, known.source or source,
                                              (*known.tables, table.name))
    return list(by_folder.values())
