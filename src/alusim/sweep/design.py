"""Sampling designs and their analyses, with SALib (Herman & Usher 2017, JOSS 2(9) 97; Iwanaga et al.
2022, Socio-Environmental Systems Modelling 4, 18155).

* ``sobol``: Saltelli's extension of the Sobol' sequence, N·(2D+2) runs; first-order (S1), total
  (ST) and second-order (S2) indices with bootstrap 95% confidence intervals (Saltelli et al. 2010,
  Computer Physics Communications 181, 259–270). N should be a power of 2.
* ``morris``: N trajectories of D+1 runs on a 4-level grid; μ* (mean absolute elementary effect,
  with a bootstrap 95% interval) and σ (Morris 1991, Technometrics 33, 161–174; Campolongo et al. 2007).
* ``lhs``: N Latin-hypercube runs; first-order indices by RBD-FAST (Plischke 2010; Tarantola et al.
  2006), which any random design supports — the design for scenario discovery.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from alusim.errors import InputError

DESIGNS = ("sobol", "morris", "lhs")
MORRIS_LEVELS = 4
CONF_LEVEL = 0.95
#: RBD-FAST needs more runs than twice its harmonics; below 41 runs fewer harmonics are used
LHS_MIN_RUNS = 20


def rbd_harmonics(runs: int) -> int:
    """Harmonics M of RBD-FAST: SALib's default 10, fewer for small designs (at most (runs − 1) / 4)."""
    return int(min(10, max(1, (runs - 1) // 4)))


def problem(names: Sequence[str], bounds: Sequence[tuple[float, float]]) -> dict:
    return {"num_vars": len(names), "names": list(names), "bounds": [list(map(float, b)) for b in bounds]}


def run_count(design: str, n: int, d: int) -> int:
    """Runs a design needs for ``n`` base samples and ``d`` inputs."""
    return {"sobol": n * (2 * d + 2), "morris": n * (d + 1), "lhs": n}[design]


def check_design(design: str, n: int, d: int) -> None:
    if design not in DESIGNS:
        raise InputError(f"unknown design {design!r}", where="--design", fix="use sobol, morris or lhs")
    if design == "sobol" and (n < 2 or n & (n - 1)):
        raise InputError(f"N = {n} is not a power of 2", where="--n",
                         fix="Sobol' sequences need a power of 2: 64, 128, 256, 512 …")
    if design == "sobol" and d < 2:
        raise InputError("a Sobol design needs at least 2 inputs", where="--vary", fix="vary two or more inputs")
    if design == "morris" and n < 2:
        raise InputError("a Morris design needs at least 2 trajectories", where="--n", fix="give --n 2 or more")
    if design == "lhs" and n < LHS_MIN_RUNS:
        raise InputError(f"an LHS design needs at least {LHS_MIN_RUNS} runs", where="--n",
                         fix=f"give --n {LHS_MIN_RUNS} or more (a few hundred for scenario discovery)")


def sample(design: str, prob: dict, n: int, seed: int) -> np.ndarray:
    """The design matrix (runs × inputs)."""
    if design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(prob, n, calc_second_order=True, scramble=True, seed=seed)
    if design == "morris":
        from SALib.sample import morris

        return morris.sample(prob, n, num_levels=MORRIS_LEVELS, seed=seed)
    from SALib.sample import latin

    return latin.sample(prob, n, seed=seed)


def analyse(design: str, prob: dict, x: np.ndarray, y: np.ndarray, seed: int, output: str) -> pd.DataFrame:
    """Long table of indices for one output: ``output, input, input_b, index, value, conf``
    (``conf`` is the half-width of the 95% interval; ``input_b`` names the second input of S2)."""
    names = prob["names"]
    rows: list[dict] = []

    def add(index: str, values, confs):
        for i, name in enumerate(names):
            rows.append({"output": output, "input": name, "input_b": None, "index": index,
                         "value": float(values[i]), "conf": float(confs[i]) if confs is not None else np.nan})

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if design == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(prob, y, calc_second_order=True, num_resamples=1000, conf_level=CONF_LEVEL,
                                seed=seed)
            add("S1", res["S1"], res["S1_conf"])
            add("ST", res["ST"], res["ST_conf"])
            for i in range(len(names)):
                for j in range(i + 1, len(names)):
                    rows.append({"output": output, "input": names[i], "input_b": names[j], "index": "S2",
                                 "value": float(res["S2"][i, j]), "conf": float(res["S2_conf"][i, j])})
        elif design == "morris":
            from SALib.analyze import morris

            res = morris.analyze(prob, x, y, num_levels=MORRIS_LEVELS, num_resamples=1000, conf_level=CONF_LEVEL,
                                 seed=seed)
            add("mu_star", res["mu_star"], res["mu_star_conf"])
            add("sigma", res["sigma"], None)
            add("mu", res["mu"], None)
        else:
            from SALib.analyze import rbd_fast

            res = rbd_fast.analyze(prob, x, y, M=rbd_harmonics(len(y)), num_resamples=1000, conf_level=CONF_LEVEL,
                                   seed=seed)
            add("S1", res["S1"], res["S1_conf"])
    return pd.DataFrame(rows, columns=["output", "input", "input_b", "index", "value", "conf"])


def analyse_all(design: str, prob: dict, x: np.ndarray, outputs: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, list[str]]:
    """Indices for every output column; outputs that do not vary or are not finite in every run are
    skipped with a note (their indices would be 0/0)."""
    frames, notes = [], []
    for column in outputs.columns:
        y = outputs[column].to_numpy(float)
        bad = int((~np.isfinite(y)).sum())
        if bad:
            notes.append(f"{column}: {bad} runs give no finite value; no indices computed")
            continue
        if np.ptp(y) <= 1e-12 * max(1.0, float(np.abs(y).max())):
            notes.append(f"{column}: the same value ({y[0]:,.4g}) in every run; no indices computed")
            continue
        frames.append(analyse(design, prob, x, y, seed, column))
    empty = pd.DataFrame(columns=["output", "input", "input_b", "index", "value", "conf"])
    return (pd.concat(frames, ignore_index=True) if frames else empty), notes
