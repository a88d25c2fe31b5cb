"""A ban on new capacity (State Council, 8 Oct 2016: "no new capacity" in electrolytic aluminium,
seed 002; no new capacity in key air-pollution regions under the 2025–27 plan [R53][R92]): projects
in the target do not start while the ban lasts."""

from __future__ import annotations

from alusim.levers.base import LeverContext

PIPELINE = (0, 1)   # planned, construction


def apply(ctx: LeverContext, index: int, event) -> None:
    mask = ctx.select(event.target, index)
    pipeline = mask & (ctx.inputs.init_state <= 1)
    window = ctx.window(event)
    for v in ctx.variants(index):
        ctx.inputs.build_block[v, window, pipeline] = True
    if pipeline.any():
        ctx.note(index, f"blocks {ctx.describe_assets(pipeline)} from month {window.start}")
    else:
        ctx.note(index, "no project in the pipeline matches the target: the ban has nothing to stop")
