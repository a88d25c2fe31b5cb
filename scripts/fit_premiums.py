"""Fit the regional premium parameters on the in-sample years (alusim.history.premium_fit) and write
the best candidate into ``src/alusim/data/default/parameters.csv`` with a source naming the fit; the
whole grid goes to ``src/alusim/data/calibration/premiums_2015_2019.csv``.

    python scripts/fit_premiums.py [--paths 60] [--seed 7] [--split 2019]
"""

from __future__ import annotations

import argparse
import csv
import io
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAMETERS = ROOT / "src/alusim/data/default/parameters.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--split", type=int, default=2019)
    args = parser.parse_args()
    from alusim.dataset import load_dataset
    from alusim.history.premium_fit import GRID, fit_premiums

    dataset = load_dataset()
    fit = fit_premiums(dataset, split=args.split, paths=args.paths, seed=args.seed)
    table_path = ROOT / f"src/alusim/data/calibration/premiums_{fit.start[:4]}_{args.split}.csv"
    fit.table.to_csv(table_path, index=False, float_format="%.6g")
    print(fit.table.sort_values("loss").head(10).to_string(index=False))
    source = (f"alusim premium fit {fit.start[:4]}–{args.split} (alusim.history.premium_fit, scripts/fit_premiums.py; "
              f"grid in src/alusim/data/calibration/{table_path.name}): in-sample loss {100 * fit.loss:.1f}% "
              f"(mean MAPE of the Midwest, MJP and Rotterdam duty-paid records), {len(fit.table)} candidates, "
              f"{args.paths} paths, seed {args.seed}")
    # only the fitted rows are rewritten: every other line stays byte for byte as it is
    lines = PARAMETERS.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    for i, line in enumerate(lines[1:], start=1):
        row = dict(zip(header, next(csv.reader([line])), strict=True))
        name = row["name"]
        if name not in fit.best:
            continue
        row.update(value=f"{fit.best[name]:.6g}", source=source, confidence="low", date=date.today().strftime("%Y-%m"),
                   note=(f"fitted on the {fit.start[:4]}–{args.split} premium record (grid {list(GRID[name])}); "
                         "see docs/history.md, Regional premiums"))
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([row[h] for h in header])
        lines[i] = buffer.getvalue()
    PARAMETERS.write_text("".join(lines), encoding="utf-8")
    print(f"best {fit.best}, loss {fit.loss:.4f}; wrote {PARAMETERS.name} and {table_path.name}")


if __name__ == "__main__":
    main()
