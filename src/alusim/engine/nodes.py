"""The regions outside China as the kernel sees them: small pure builders of the ``node_*`` arrays of
:class:`~alusim.engine.inputs.EngineInputs` (docs/model.md, "Regions and trade")."""

from __future__ import annotations

import numpy as np

from alusim.dataset import Dataset
from alusim.scenario.model import Scenario

#: the region that stands for the whole rest of the world when no regions are defined
WHOLE = "ROW"


def single_region(months: int, n_assets: int, demand_row: np.ndarray, secondary_row: np.ndarray) -> dict:
    """The rest of the world as one region: premium 0, no corridors — the two-market model."""
    return dict(
        node_names=[WHOLE], asset_node=np.zeros(n_assets, dtype=np.int64),
        node_demand=np.ascontiguousarray(demand_row.reshape(1, months, 1)),
        node_secondary=np.ascontiguousarray(secondary_row.reshape(months, 1)),
        node_base_flow=np.zeros((1, 1)), node_freight=np.zeros((1, 1)), node_tariff=np.zeros((1, months, 1, 1)),
        node_border=np.zeros((1, months, 1, 1)), node_open=np.ones((1, months, 1, 1)), node_premium0=np.zeros(1),
        node_cn_export_share=np.ones(1), node_cn_import_share=np.ones(1),
        node_cn_import_open=np.ones((1, months, 1)), node_cn_tariff=np.zeros((1, months, 1)),
        node_greenfield_share=np.ones(1))


def node_arrays(dataset: Dataset, scenario: Scenario, arrays: dict, demand: np.ndarray,
                secondary: np.ndarray) -> dict:
    """The ``node_*`` fields for a run: (M, 2) ``demand`` and ``secondary`` are the two markets' paths."""
    return single_region(scenario.months, len(arrays["capacity_kt"]), demand[:, 1], secondary[:, 1])
