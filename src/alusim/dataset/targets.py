"""Which assets an event's target selects: the one matching rule every lever and the scenario
checks share (re-exported by :mod:`alusim.dataset.dataset`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.errors import InputError


def target_mask(table: pd.DataFrame, **target: object) -> np.ndarray:
    """Boolean mask over an asset table for a target: asset_id, owner, province, region, country,
    power_source, compliant. String matches ignore case; ``owner`` also matches ``parent``; a list
    matches any of its items; every given field must match."""
    mask = np.ones(len(table), dtype=bool)
    for key, wanted in target.items():
        if wanted is None:
            continue
        values = wanted if isinstance(wanted, list | tuple | set) else [wanted]
        if key == "compliant":
            mask &= table["compliant"].to_numpy() == bool(values[0])
            continue
        columns = {"owner": ("owner", "parent"), "asset": ("asset_id",)}.get(key, (key,))
        if key in ("asset", "asset_id") and "plant_id" in table.columns:
            columns = ("asset_id", "plant_id")      # history replays split plants into capacity layers
        if any(c not in table.columns for c in columns):
            raise InputError(f"unknown target field {key!r}",
                             fix="use asset_id, owner, province, region, country, power_source or compliant")
        lowered = {str(v).strip().lower() for v in values}
        hit = np.zeros(len(table), dtype=bool)
        for column in columns:
            hit |= table[column].fillna("").astype(str).str.strip().str.lower().isin(lowered).to_numpy()
        mask &= hit
    return mask
