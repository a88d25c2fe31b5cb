"""Ordered suspension of projects under construction (Xinjiang, 14 Apr 2017: 2 Mt ordered to stop,
seed 004): the chosen projects stay unfinished for the event's window (for good when it has no end)."""

from __future__ import annotations

from alusim.levers.base import LeverContext, pick_up_to


def apply(ctx: LeverContext, index: int, event) -> None:
    mask = ctx.select(event.target, index, states=(0, 1))
    chosen = pick_up_to(mask, ctx.inputs.capacity_kt, event.kt)
    window = ctx.window(event)
    for v in ctx.variants(index):
        ctx.inputs.build_block[v, window, chosen] = True
    got = ctx.inputs.capacity_kt[chosen].sum()
    short = f" (asked {event.kt:,.0f} kt; the pipeline in the target holds {got:,.0f})" if event.kt and got < event.kt - 1e-6 else ""
    ctx.note(index, f"suspends {ctx.describe_assets(chosen)}{short}")
