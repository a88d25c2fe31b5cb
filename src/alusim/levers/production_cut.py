"""Ordered or agreed production cuts (Weiqiao cutting 250 kt in June 2017, seed 004; winter cuts of
≥30% in the "2+26" cities [R89]): the target's running capacity is reduced by a share, or by a tonnage
spread pro rata over its operating capacity, for the event's window."""

from __future__ import annotations

from alusim.levers.base import BUILT_STATES, LeverContext


def apply(ctx: LeverContext, index: int, event) -> None:
    # a share also binds plants that start up during the window (a history replay builds them later);
    # a tonnage is spread over what runs at the start
    states = BUILT_STATES + (0, 1) if event.share is not None else BUILT_STATES
    mask = ctx.select(event.target, index, states=states)
    operating = (ctx.inputs.capacity_kt * ctx.inputs.init_share)[mask].sum()
    if event.share is not None:
        share = event.share
    else:
        share = min(event.kt / operating, 1.0) if operating > 0 else 1.0
    window = ctx.window(event)
    for v in ctx.variants(index):
        ctx.inputs.avail_share[v, window, mask] *= 1.0 - share
    ctx.note(index, f"cuts {share:.1%} of {operating:,.0f} kt/yr operating ({ctx.describe_assets(mask)}) "
                    f"for months {window.start}–{window.stop - 1}")
