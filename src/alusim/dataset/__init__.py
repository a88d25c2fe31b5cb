"""The industry dataset: tables of smelters, parameters, prices, history and policy, with accessors."""

from alusim.dataset.dataset import BUILT_STATUSES, Dataset, load_dataset
from alusim.dataset.paths import default_data_dir
from alusim.dataset.statistics import DatasetStatistics


def read_table(path):
    """Read and validate one table file (see :func:`alusim.dataset.loader.read_table`)."""
    from alusim.dataset.loader import read_table as _read

    return _read(path)


__all__ = ["BUILT_STATUSES", "Dataset", "DatasetStatistics", "default_data_dir", "load_dataset", "read_table"]
