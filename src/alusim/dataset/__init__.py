"""The industry dataset: tables of smelters, parameters, prices, history and policy, with accessors."""

from alusim.dataset.dataset import BUILT_STATUSES, Dataset, DatasetStatistics, load_dataset
from alusim.dataset.loader import default_data_dir, read_table

__all__ = ["BUILT_STATUSES", "Dataset", "DatasetStatistics", "default_data_dir", "load_dataset", "read_table"]
