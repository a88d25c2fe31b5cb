"""Resource limits on YAML input, checked on the parser's event stream before any Python object is
built: file size, nesting depth, the number of aliases and the number of nodes the aliases expand to.

A "billion laughs" file of one kilobyte (anchors that alias anchors, nine deep) would otherwise expand
to ~10⁹ nodes in the loader; 400 levels of nesting would end in a ``RecursionError``. Both are
refused here with one line naming the file and line. The event stream costs time and memory
proportional to the text, never to its expansion (aliases are single events).
"""

from __future__ import annotations

import io

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

from alusim.errors import InputError

#: largest scenario (or parameter) file, bytes; the largest shipped scenario is ~5 kB
MAX_BYTES = 1_000_000
#: deepest nesting of mappings and sequences (a scenario needs 4: events → event → target → list)
MAX_DEPTH = 32
#: most aliases (``*name``) in one file
MAX_ALIASES = 64
#: most nodes after aliases are expanded
MAX_NODES = 200_000


def check_size(size_bytes: int, where: str) -> None:
    """Refuse a file larger than :data:`MAX_BYTES` (before reading it)."""
    if size_bytes > MAX_BYTES:
        raise InputError(f"file is {size_bytes:,} bytes, more than the {MAX_BYTES:,} a scenario may have",
                         where=where, fix="split it, or remove the bulk (a scenario is a few kB)")


def check_yaml_budget(text: str, where: str) -> None:
    """Raise :class:`InputError` (``where:line``) when ``text`` exceeds a limit of this module.

    Syntax errors are left to the loader, which reports them with their line."""
    check_size(len(text.encode("utf-8", "surrogatepass")), where)
    stack: list[list] = []          # per open collection: [nodes so far, anchor]
    sizes: dict[str, int] = {}      # anchor → nodes it expands to
    aliases = total = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(io.StringIO(text)):
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            place = f"{where}:{line}" if line else where
            if isinstance(event, CollectionStartEvent):
                stack.append([1, event.anchor])
                if len(stack) > MAX_DEPTH:
                    raise InputError(f"nesting deeper than {MAX_DEPTH} levels", where=place,
                                     fix="flatten the structure (a scenario needs 4 levels)")
                continue
            if isinstance(event, CollectionEndEvent):
                nodes, anchor = stack.pop()
                if anchor is not None:
                    sizes[anchor] = nodes
            elif isinstance(event, AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise InputError(f"more than {MAX_ALIASES} aliases", where=place,
                                     fix="write the values out instead of repeating *aliases")
                nodes = sizes.get(event.anchor, 1)
            elif isinstance(event, ScalarEvent):
                nodes = 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            else:
                continue
            total += nodes
            if stack:
                stack[-1][0] += nodes
            if total > MAX_NODES:
                raise InputError(f"aliases expand to more than {MAX_NODES:,} values", where=place,
                                 fix="remove the nested aliases (an alias bomb?)")
    except YAMLError:
        return
    except RecursionError:  # pragma: no cover - the parser is not recursive; belt and braces
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", where=where, fix="flatten the structure") from None
