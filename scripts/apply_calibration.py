"""Make a calibration the dataset's defaults: copy its parameters (except history-only ones) into
``src/alusim/data/default/parameters.csv`` with a source that names the calibration file, and keep a
copy of the file in ``src/alusim/data/calibration/``.

    python scripts/apply_calibration.py out/calibration.yaml
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
PARAMETERS = ROOT / "src/alusim/data/default/parameters.csv"
TARGET = ROOT / "src/alusim/data/calibration/history_2015_2019.yaml"


def main(path: str) -> None:
    document = YAML(typ="safe").load(Path(path).read_text(encoding="utf-8"))
    fit = document["fit"]
    window = f"{fit['window']['from'][:4]}–{fit['window']['to'][:4]}"
    source = (f"alusim calibrate {window} (src/alusim/data/calibration/{TARGET.name}): "
              f"mean in-sample MAPE {100 * fit['objective_mape_mean']:.1f}%, {fit['evaluations']} candidates")
    table = pd.read_csv(PARAMETERS, keep_default_na=False, dtype=str)
    for name, value in document["parameters"].items():
        if name in document.get("history_only", []):
            continue
        hit = table["name"] == name
        if not hit.any():
            raise SystemExit(f"{name} is not in parameters.csv")
        table.loc[hit, "value"] = f"{float(value):.6g}"
        table.loc[hit, "source"] = source
        table.loc[hit, "confidence"] = "medium"
        table.loc[hit, "date"] = fit.get("date", "")
        table.loc[hit, "note"] = (f"calibrated on the {window} record (bounds {document['bounds'].get(name, 'grid')}); "
                                  "see docs/history.md")
    table.to_csv(PARAMETERS, index=False)
    if Path(path).resolve() != TARGET.resolve():
        shutil.copyfile(path, TARGET)
    print(f"applied {len(document['parameters'])} parameters from {path}; copy at {TARGET}")


if __name__ == "__main__":
    main(sys.argv[1])
