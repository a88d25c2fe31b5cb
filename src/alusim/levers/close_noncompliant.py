"""Closure of non-compliant capacity (2017 clean-up: 3.9–5 Mt in Xinjiang, Shandong and Inner
Mongolia; Shandong 3.21 Mt ordered shut [R87][R88]; seed 004): the chosen assets close for good at the
start month; under a cap their capacity makes room for replacement projects (at the replacement ratio)."""

from __future__ import annotations

from alusim.levers.base import LeverContext, pick_up_to


def apply(ctx: LeverContext, index: int, event) -> None:
    mask = ctx.select(event.target, index, states=(0, 1, 2, 3, 4, 5))
    chosen = pick_up_to(mask, ctx.inputs.capacity_kt, event.kt)
    start = ctx.start_month(event)
    for v in ctx.variants(index):
        ctx.inputs.force_close[v, start, chosen] = True
    ctx.note(index, f"closes {ctx.describe_assets(chosen)} in month {start}")
