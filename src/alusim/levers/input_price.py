"""Shocks to input prices: alumina (the 2024 spike that lifted SMM's cost to 21,114 CNY/t in Dec 2024
[R43]), thermal coal for captive power (+US$1/t coal ≈ +US$6–7/t Al [R12]), carbon anodes [R47]; the CNY/USD exchange rate (``fx``, CNY per USD). A
``pct`` steps the price; a ``path`` of month → percent changes is interpolated and held after its last
month."""

from __future__ import annotations

import numpy as np

from alusim.levers.base import LeverContext
from alusim.scenario.model import month_index

INPUT_INDEX = {"alumina": 0, "coal": 1, "anode": 2, "fx": 3}
MARKETS = {"CN": [0], "ROW": [1], "WORLD": [0, 1]}


def apply(ctx: LeverContext, index: int, event) -> None:
    window = ctx.window(event)
    months = np.arange(window.start, window.stop)
    if event.pct is not None:
        change = np.full(len(months), event.pct)
    else:
        points = sorted((month_index(k, ctx.scenario.start), v) for k, v in event.path.items())
        xs = np.array([p[0] for p in points], dtype=float)
        ys = np.array([p[1] for p in points], dtype=float)
        change = np.interp(months, xs, ys)
    k = INPUT_INDEX[event.input]
    for v in ctx.variants(index):
        for mk in MARKETS[event.region]:
            ctx.inputs.input_mult[v, window, k, mk] *= 1.0 + change
    ctx.note(index, f"{event.input} price change {change.min():+.0%}…{change.max():+.0%} in {event.region}")
