"""Restarts of idle or curtailed capacity (the ~5 Mt wave of new and restarted capacity that seed 001
warns against; Alcoa Warrick and Portland restarts [R105][R106]): the chosen assets restart at the
start month — after the restart lag and at the restart cost — whatever their margin."""

from __future__ import annotations

import numpy as np

from alusim.levers.base import LeverContext, pick_up_to

IDLE_OR_CURTAILED = (3, 4)


def apply(ctx: LeverContext, index: int, event) -> None:
    mask = ctx.select(event.target, index, states=IDLE_OR_CURTAILED)
    spare = ctx.inputs.capacity_kt * (1.0 - ctx.inputs.init_share)
    chosen = pick_up_to(mask, spare, event.kt)
    # without an end, the order holds for a year: long enough for the restart lag and the ramp-up
    start = ctx.start_month(event)
    window = ctx.window(event) if event.end is not None else slice(start, min(start + 12, ctx.inputs.months))
    for v in ctx.variants(index):
        ctx.inputs.force_restart[v, window, chosen] = True
    ctx.note(index, f"restarts {np.count_nonzero(chosen)} assets with {spare[chosen].sum():,.0f} kt/yr idle "
                    f"({ctx.describe_assets(chosen)})")
