"""Power rationing that forces smelters to cut load (Yunnan dry seasons 2021, 2022–23, 2023–24;
Sichuan August 2022 [R95]–[R104]): the target runs at ``1 − share`` of its capacity in the window,
optionally only in listed calendar months (e.g. the Yunnan dry season November–April)."""

from __future__ import annotations

import pandas as pd

from alusim.levers.base import BUILT_STATES, LeverContext


def apply(ctx: LeverContext, index: int, event) -> None:
    mask = ctx.select(event.target, index, states=BUILT_STATES + (0, 1))
    window = ctx.window(event)
    calendar = pd.period_range(ctx.scenario.start, periods=ctx.inputs.months, freq="M").month.to_numpy()
    months = [m for m in range(window.start, window.stop) if event.months is None or calendar[m] in event.months]
    for v in ctx.variants(index):
        for m in months:
            ctx.inputs.avail_share[v, m, mask] *= 1.0 - event.share
    ctx.note(index, f"curtails {event.share:.0%} of {ctx.describe_assets(mask)} in {len(months)} months")
