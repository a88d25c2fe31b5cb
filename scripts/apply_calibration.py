"""Make a calibration the dataset's defaults: copy its best fit into
``src/alusim/data/default/parameters.csv`` with a source that names the calibration file, and keep
the file (with its ensemble, which runs draw from by default) in ``src/alusim/data/calibration/``.

    python scripts/apply_calibration.py out/calibration.yaml
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
PARAMETERS = ROOT / "src/alusim/data/default/parameters.csv"
TARGET = ROOT / "src/alusim/data/calibration/history_2015_2019.yaml"


def main(path: str) -> None:
    document = YAML(typ="safe").load(Path(path).read_text(encoding="utf-8"))
    fit = document["fit"]
    window = f"{fit['window']['from'][:4]}–{fit['window']['to'][:4]}"
    source = (f"alusim calibrate {window} (src/alusim/data/calibration/{TARGET.name}): in-sample loss "
              f"{100 * fit['objective_mape_mean']:.1f}% (weighted MAPE), {fit['evaluations']} candidates, "
              f"{len(document.get('ensemble') or [])} ensemble members")
    with PARAMETERS.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = {row["name"]: row for row in rows}
    dropped = fit.get("screening", {}).get("dropped_at_prior", {})
    for name, value in document["parameters"].items():
        if name not in names:
            raise SystemExit(f"{name} is not in parameters.csv")
        if name in dropped:
            continue                    # not identified by the record: its prior (and source) stays
        row = names[name]
        row["value"] = f"{float(value):.6g}"
        row["source"] = source
        row["confidence"] = "medium"
        row["date"] = fit.get("date", "")
        spread = fit.get("ensemble", {}).get("spread", {}).get(name)
        span = f"; ensemble {spread['min']:.4g}…{spread['max']:.4g}" if spread else ""
        row["note"] = (f"calibrated on the {window} record (bounds {document['bounds'].get(name, 'grid')}{span}); "
                       "see docs/history.md")
    with PARAMETERS.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    if Path(path).resolve() != TARGET.resolve():
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, TARGET)
    print(f"applied {len(document['parameters']) - len(dropped)} parameters from {path}; copy at {TARGET}")


if __name__ == "__main__":
    main(sys.argv[1])
