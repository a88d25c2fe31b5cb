"""Compiled report templates kept in ``$ALUSIM_CACHE/templates`` (default ``~/.cache/alusim``), so that a
run does not compile its three templates again (~17 ms of every report; loading them takes ~1 ms).

jinja2's own bytecode cache: a template's entry is named by its name and file, and used only while its
source is unchanged (jinja2 keeps a checksum of the source in it) and for the same jinja2 and Python
(its header). Like alusim's other caches it is a convenience: a folder that cannot be made, read or
written, or an entry that cannot be read, means the template is compiled, as without a cache.
"""

from __future__ import annotations

import os

import jinja2

from alusim.dataset.cache import cache_root


class QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """jinja2's file-system bytecode cache, which compiles instead of failing on any I/O or format error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a damaged entry (truncated, not jinja2's): compile instead
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:   # read-only or full: the next report compiles again
            pass


def template_cache() -> QuietBytecodeCache | None:
    """The cache in ``$ALUSIM_CACHE/templates``, or None when that folder cannot be made or written."""
    folder = cache_root() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        return None
    return QuietBytecodeCache(str(folder))
