"""Re-render a stored run: re-simulate its resolved scenario (same seed and paths give identical
results, DESIGN.md §5), check the result against the stored figures, and write the report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from alusim.errors import InputError

#: relative tolerance when checking re-simulated medians against the stored ones
RTOL = 1e-6


def differing_rows(stored: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """Rows of the annual summaries whose median differs (by more than RTOL) between two versions."""
    keys = ["variable", "region", "month"]
    both = stored.astype({"month": str}).merge(fresh.astype({"month": str}), on=keys, how="outer",
                                               suffixes=("_stored", "_fresh"), indicator=True)
    a, b = both["p50_stored"].to_numpy(float), both["p50_fresh"].to_numpy(float)
    same = np.isclose(a, b, rtol=RTOL, atol=1e-9, equal_nan=True) & (both["_merge"] == "both").to_numpy()
    return both.loc[~same, keys + ["p50_stored", "p50_fresh"]]


def rerender(store, run_id: str, target: Path, dataset=None) -> Path:
    """Write the report (``.html``) or workbook (``.xlsx``) of a stored run to ``target``."""
    from alusim.engine.simulate import simulate
    from alusim.report.deck import write_result
    from alusim.scenario import parse_scenario_text

    folder = store.path(run_id)
    manifest = store.get(run_id)
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    scenario = parse_scenario_text(text, where=str(folder / "scenario.yaml"))
    result = simulate(scenario, dataset)
    diff = differing_rows(store.load_summary(run_id, annual=True), result.summary("Y"))
    if len(diff):
        first = diff.iloc[0]
        raise InputError(
            f"run {run_id} (alusim {manifest.get('alusim_version', '?')}) no longer reproduces: {len(diff)} annual "
            f"figures differ, e.g. {first['variable']} {first['region']} {first['month']}", where="alusim report",
            fix=f"re-run its scenario (alusim run {folder / 'scenario.yaml'}); its original report is in {folder}")
    return write_result(result, target, dataset)
