"""Regenerate docs/scenario-effects.md: paired differences of every seed and policy scenario against
the baseline (same seed and paths), medians and p05–p95 for 2026, 2030 and 2035.

    .venv/bin/python scripts/scenario_effects.py [--paths 300]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from alusim.dataset import load_dataset
from alusim.engine.simulate import simulate
from alusim.report import paired_differences
from alusim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "src" / "alusim" / "scenarios"
VARIABLES = [("price_shfe_cny_t", "CN"), ("price_lme_usd_t", "WORLD"), ("production_kt", "CN"),
             ("net_exports_kt", "CN"), ("capacity_built_kt", "CN"), ("co2_t_per_t", "CN")]
YEARS = (2026, 2030, 2035)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", type=int, default=300)
    args = parser.parse_args()
    dataset = load_dataset()
    base = load_scenario(SCENARIOS / "baseline.yaml").model_copy(update={"paths": args.paths})
    baseline = simulate(base, dataset)
    lines = ["# Measured effects of the seed and policy scenarios", "",
             f"Paired differences against `baseline.yaml` ({args.paths} paths, seed {base.seed}; medians with "
             "p05…p95 of the per-path difference of annual values). Regenerate with "
             "`.venv/bin/python scripts/scenario_effects.py`.", "",
             "| scenario | variable | " + " | ".join(str(y) for y in YEARS) + " |",
             "| --- | --- | " + " | ".join("---" for _ in YEARS) + " |"]
    for path in sorted((SCENARIOS / "seeds").glob("*.yaml")) + sorted((SCENARIOS / "policies").glob("*.yaml")):
        sc = load_scenario(path).model_copy(update={"paths": args.paths, "seed": base.seed})
        diff = paired_differences(baseline, simulate(sc, dataset), VARIABLES)
        for variable, region in VARIABLES:
            rows = diff[(diff["variable"] == variable) & (diff["region"] == region)].set_index("year")
            cells = []
            for year in YEARS:
                r = rows.loc[year]
                fmt = "{:+,.2f}" if variable == "co2_t_per_t" else "{:+,.0f}"
                cells.append(f"{fmt.format(r.diff_p50)} ({fmt.format(r.diff_p05)} … {fmt.format(r.diff_p95)})")
            lines.append(f"| `{path.parent.name}/{path.name}` | {variable} ({region}) | " + " | ".join(cells) + " |")
    (ROOT / "docs" / "scenario-effects.md").write_text("\n".join(lines) + "\n")
    print(f"wrote docs/scenario-effects.md ({len(lines) - 6} rows)")


if __name__ == "__main__":
    main()
