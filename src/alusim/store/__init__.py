"""The run store: saved runs as Parquet directories, indexed by a small DuckDB catalogue."""

from alusim.store.atomic import write_dir_atomically
from alusim.store.paths import default_store_root
from alusim.store.runstore import RunStore

__all__ = ["RunStore", "default_store_root", "write_dir_atomically"]
