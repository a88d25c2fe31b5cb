"""GLOMBO (Ryter et al. 2023): literature database of market elasticities and related parameters.

Source: GitHub ``johnryt/GLOMBO`` (Zenodo release v0.2), tables S28 (original) and S29 (updated after
the authors' processing): ``glombo_ryter/table_s28_literature_parameter_database_original.csv`` and
``table_s29_literature_parameter_database_updated.csv``.
Licence: CC BY 4.0 — cite Ryter et al., "Understanding key mineral supply chain dynamics using
economics-informed material flow analysis and Bayesian optimization".
Units: dimensionless elasticities (a few rows are rates, e.g. "Mine cost change per year").
Coverage: 738 literature estimates for nine metals; 207 for aluminium (93 demand-to-GDP-per-capita,
61 demand-to-price …). Heterogeneous (short/long run, region, method): read ``method`` and ``notes``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.errors import InputError
from alusim.raw._io import FIX_RAW, clean_text, read_csv_checked, require_columns, require_file, to_number

FOLDER = "glombo_ryter"
LICENCE = "CC BY 4.0 (GLOMBO, Ryter et al.)"
ORIGINAL_FILE = "table_s28_literature_parameter_database_original.csv"
UPDATED_FILE = "table_s29_literature_parameter_database_updated.csv"
METALS: tuple[str, ...] = ("Steel", "Al", "Cu", "Au", "Pb", "Ni", "Ag", "Sn", "Zn")
LABELS: tuple[str, ...] = ("Parameter", "Publication", "Method")
OTHER = ["Degrees of freedom", "Years", "Notes", "Paper notes"]
COLUMNS = ["metal", "parameter", "publication", "method", "value", "degrees_of_freedom", "years", "notes",
           "paper_notes"]


def read_elasticities(raw_dir: Path, metal: str = "Al", *, updated: bool = False) -> pd.DataFrame:
    """Literature estimates for one metal: ``metal, parameter, publication, method, value, …``.

    ``updated=True`` reads table S29, whose first three header cells are blank in the source; they
    are restored as Parameter, Publication, Method. Rows without a value for ``metal`` are dropped.
    """
    if metal not in METALS:
        raise InputError(f"unknown metal {metal!r}", where="alusim.raw.glombo.read_elasticities",
                         fix=f"use one of {', '.join(METALS)}")
    path = require_file(raw_dir, FOLDER, UPDATED_FILE if updated else ORIGINAL_FILE)
    raw = read_csv_checked(path, [*METALS, *OTHER])
    if updated and all(label not in raw.columns for label in LABELS):
        raw = raw.rename(columns=dict(zip(raw.columns[:3], LABELS, strict=True)))
    require_columns(raw, LABELS, path)
    out = pd.DataFrame(
        {
            "metal": metal,
            "parameter": clean_text(raw["Parameter"]),
            "publication": clean_text(raw["Publication"]),
            "method": clean_text(raw["Method"]),
            "value": to_number(raw[metal], path, metal),
            "degrees_of_freedom": clean_text(raw["Degrees of freedom"]),
            "years": clean_text(raw["Years"]),
            "notes": clean_text(raw["Notes"]),
            "paper_notes": clean_text(raw["Paper notes"]),
        }
    )
    if (out["parameter"] == "").any():
        raise InputError("column 'Parameter' has an empty value", where=str(path), fix=FIX_RAW)
    return out.dropna(subset=["value"]).reset_index(drop=True)[COLUMNS]
