"""``alusim news ARTICLE``: draft scenario events from an industry article, each beside its quote."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from alusim.cli.common import console, load_data, out_path, print_json
from alusim.errors import InputError


def news(
    article: Annotated[str, typer.Argument(help="The article: a .txt, .md or .html file, or - for standard input.")],
    published: Annotated[str | None, typer.Option("--published", help="Publication date YYYY-MM-DD (default: "
                                                  "the date the article states).")] = None,
    out: Annotated[Path | None, typer.Option("--out", parser=out_path, help="Write the draft scenario YAML here.")] = None,
    accept: Annotated[str, typer.Option("--accept", help="Pre-accept events: none, all, or statuses such as "
                                        "enacted,announced.")] = "none",
    as_json: Annotated[bool, typer.Option("--json", help="Print events, observations and spans as JSON.")] = False,
) -> None:
    """Draft dated, sourced scenario events from a news article (offline, rule-based; docs/news.md)."""
    missing = [m for m in ("spacy", "ahocorasick", "dateparser") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(f"`alusim news` needs {', '.join(missing)}", where="news",
                         fix="install the news extra: pip install 'alusim[news]'")
    from alusim.news import draft_from_text, read_article
    from alusim.news.draft_yaml import accepted_statuses
    from alusim.scenario import parse_scenario_text

    statuses = accepted_statuses(accept)
    if out is not None and out.exists() and out.is_dir():
        raise InputError("is a folder", where=f"--out {out}", fix="give a file path such as draft.yaml")
    text = read_article(article)
    draft = draft_from_text(text.text, published, article=text.name)
    yaml_text = draft.scenario_yaml(accept=accept)
    if all(e.status in statuses for e in draft.events):
        parse_scenario_text(yaml_text, where=str(out or "draft"))     # an accepted draft must validate
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(yaml_text, encoding="utf-8")
    problem = runnable_problem(draft.scenario_yaml(accept=accept, only_accepted=True)) \
        if any(e.status in statuses for e in draft.events) else None
    if as_json:
        print_json(draft.as_dict() | {"out": str(out) if out else None, "accepted_do_not_run": problem})
        return
    console.print(events_table(draft))
    if draft.observations:
        console.print(f"{len(draft.observations)} observations (facts to check, not levers) are listed "
                      "in the draft's header" if out else f"{len(draft.observations)} observations (use --out "
                      "or --json to see them)")
    if not draft.events:
        console.print("no event found that alusim can represent; the draft is the baseline")
    if problem:
        console.print(f"note: the accepted events do not run as drafted: {problem}", markup=False)
    if out is not None:
        waiting = sum(1 for e in draft.events if e.status not in statuses)
        then = "edit the events named in the note, then" if problem else "then"
        console.print(f"wrote {out}" + (f": accept or delete its {waiting} proposed events (source.accepted), "
                                        f"{then} `alusim run {out}`" if waiting else
                                        f"; {then} `alusim run {out}`" if problem else f"; run it with `alusim run {out}`"))


def runnable_problem(yaml_text: str) -> str | None:
    """Why a draft of accepted events only would not run (a target that selects no plant, too many
    probabilistic events), or None: the levers are resolved against the dataset as a run does."""
    from alusim.engine.simulate import prepare
    from alusim.scenario import parse_scenario_text

    scenario = parse_scenario_text(yaml_text)
    try:
        prepare(scenario, load_data(None))
    except InputError as exc:
        return str(exc)
    return None


def events_table(draft) -> Table:
    """Each proposed event beside the words it comes from."""
    table = Table(title=f"{draft.article}, published {draft.published.isoformat()}: "
                        f"{len(draft.events)} proposed events", title_justify="left", header_style="bold",
                  show_lines=True)
    for column, kwargs in (("#", {"justify": "right"}), ("event", {"ratio": 2}), ("when", {"ratio": 1}),
                           ("status", {"ratio": 1}), ("quote", {"ratio": 4})):
        table.add_column(column, **kwargs)
    for i, e in enumerate(draft.events):
        target = ", ".join(f"{k}={'/'.join(v) if isinstance(v, list) else v}" for k, v in e.target.items())
        size = "" if e.magnitude is None else (f"{e.magnitude:,.0f} kt" if e.unit == "kt" else
                                               f"{e.magnitude:+.1%}" if e.basis == "change" and e.unit == "fraction"
                                               else f"{e.magnitude:.1%}" if e.unit == "fraction"
                                               else f"{e.magnitude:g} {e.unit}")
        if e.previous is not None and e.unit == "fraction":
            size = f"{e.previous:.0%} → {size}"
        when = e.start + (f"…{e.end}" if e.end else "")
        table.add_row(str(i), f"[bold]{e.event_type}[/bold]\n{target}\n{size}", when,
                      f"{e.status}\np={e.probability:g}\nconf {e.confidence:.2f}",
                      _highlight(e.quote, e.trigger))
    return table


def _highlight(quote: str, trigger: str) -> str:
    from rich.markup import escape

    at = quote.find(trigger)
    if at < 0:
        return escape(quote)
    return escape(quote[:at]) + "[reverse]" + escape(trigger) + "[/reverse]" + escape(quote[at + len(trigger):])
