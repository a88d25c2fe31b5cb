"""``alusim data build`` without ``--raw``: which public datasets it reads and how to point it at them."""

from __future__ import annotations

from alusim.cli.common import console


def print_guide() -> None:
    from alusim.raw.guide import raw_sources

    sources = raw_sources()
    console.print("alusim data build joins public datasets into a local cache (outside the repository) that "
                  "`alusim backtest`, `calibrate` and the readers use. Put each dataset in a folder of the name "
                  "below (as published; nothing is downloaded) and run: alusim data build --raw DIR")
    console.print(f"\n{len(sources)} public datasets it reads:")
    for s in sources:
        console.print(f"\n[bold]{s.folder}/[/bold]", highlight=False)
        console.print(f"  from: {s.source}", markup=False, highlight=False)
        console.print(f"  licence: {s.licence}", markup=False, highlight=False)
    console.print("Each folder may hold a SOURCE.md with the download date and caveats; docs/raw-data.md "
                  "describes every reader. The embedded dataset needs none of this: alusim runs without it.")
