"""Restarts of idle or curtailed capacity (the ~5 Mt wave of new and restarted capacity that seed 001
warns against; Alcoa Warrick and Portland restarts [R105][R106]): the chosen assets restart at the
start month — after the restart lag and at the restart cost — whatever their margin. A plant held back
by power, equipment or policy (``curtailment_cause``, :mod:`alusim.engine.availability`) is eligible
too: the restart lifts its ceiling, the lines coming back after the restart lag a ramp step a month."""

from __future__ import annotations

import numpy as np

from alusim.engine.availability import lift, lifted_share
from alusim.levers.base import LeverContext, pick_up_to

IDLE_OR_CURTAILED = (3, 4)


def apply(ctx: LeverContext, index: int, event) -> None:
    inputs = ctx.inputs
    start = ctx.start_month(event)
    ceiling = inputs.run_ceiling if inputs.run_ceiling.size else np.ones((inputs.months, inputs.n_assets))
    held = ceiling[min(start, inputs.months - 1)] < 1.0
    mask = ctx.select(event.target, index) & (np.isin(inputs.init_state, IDLE_OR_CURTAILED) | held)
    if not mask.any():
        ctx.select(event.target, index, states=IDLE_OR_CURTAILED)      # raises: nothing to restart
    allowed = np.where(held, ceiling[min(start, inputs.months - 1)], 1.0)
    spare = inputs.capacity_kt * (1.0 - inputs.init_share * allowed)
    chosen = pick_up_to(mask, spare, event.kt)
    # without an end, the order holds for a year: long enough for the restart lag and the ramp-up
    window = ctx.window(event) if event.end is not None else slice(start, min(start + 12, inputs.months))
    lag = int(round(inputs.par["restart_lag_row"]))
    for v in ctx.variants(index):
        inputs.force_restart[v, window, chosen] = True
    for a in np.flatnonzero(chosen & held):
        allowed_share = lift(ceiling, a, start, lag, inputs.par["ramp_step"])
        for v in ctx.variants(index):
            inputs.avail_share[v, :, a] = lifted_share(inputs.avail_share[v, :, a], ceiling[:, a], allowed_share)
    ctx.note(index, f"restarts {np.count_nonzero(chosen)} assets with {spare[chosen].sum():,.0f} kt/yr idle "
                    f"({ctx.describe_assets(chosen)})")
