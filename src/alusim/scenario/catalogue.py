"""The scenario catalogue: the scenarios shipped inside the package, addressable by name from any folder.

A catalogue name is the file's path under the package's ``scenarios/`` folder without ``.yaml``
(``baseline``, ``seeds/004_supply_side_cleanup``, ``policies/cbam``). A unique prefix of the file name
also works (``seeds/004``), and so does the repository path the README uses
(``scenarios/baseline.yaml``). A path to an existing file always wins over a catalogue name.

The event record in ``scenarios/history/`` is the backtest's input, not a runnable scenario, and is
not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alusim.errors import InputError

#: sub-folders of the packaged scenarios that hold no runnable scenario
NOT_SCENARIOS = ("history",)
LIST_HINT = "`alusim scenario list` shows the shipped scenarios"


@dataclass(frozen=True)
class CatalogueEntry:
    """One shipped scenario: its catalogue name, file, and the name and description inside it."""

    name: str
    path: Path
    scenario: str
    description: str


def catalogue_root() -> Path:
    """The folder of packaged scenarios (``src/alusim/scenarios`` in the repository)."""
    return Path(str(resources.files("alusim") / "scenarios"))


def catalogue_names() -> list[str]:
    """Every catalogue name, baseline first, then by folder and file name."""
    root = catalogue_root()
    names = []
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).with_suffix("")
        if rel.parts[0] in NOT_SCENARIOS:
            continue
        names.append(rel.as_posix())
    return sorted(names, key=lambda n: (n != "baseline", "/" in n, n))


def catalogue_path(name: str) -> Path:
    return catalogue_root() / f"{name}.yaml"


def list_catalogue() -> list[CatalogueEntry]:
    """The shipped scenarios with the name and description written in each file."""
    from alusim.scenario.io import load_scenario

    entries = []
    for name in catalogue_names():
        scenario = load_scenario(catalogue_path(name))
        entries.append(CatalogueEntry(name, catalogue_path(name), scenario.name,
                                      " ".join(scenario.description.split())))
    return entries


def _candidates(reference: str) -> list[str]:
    text = reference.strip().replace("\\", "/")
    for prefix in ("./", "scenarios/"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    if text.endswith((".yaml", ".yml")):
        text = text.rsplit(".", 1)[0]
    names = catalogue_names()
    if text in names:
        return [text]
    folder, _, stem = text.rpartition("/")
    return [n for n in names if n.rpartition("/")[0] == folder and n.rpartition("/")[2].startswith(stem)] if stem else []


def find_in_catalogue(reference: str | Path) -> Path | None:
    """The packaged file that ``reference`` names, None if it names none; ambiguous prefixes are an error."""
    hits = _candidates(str(reference))
    if len(hits) > 1:
        raise InputError(f"{str(reference)!r} matches {len(hits)} shipped scenarios ({', '.join(hits)})",
                         where="scenario", fix="give more of the name")
    return catalogue_path(hits[0]) if hits else None


def resolve_scenario(reference: str | Path) -> Path:
    """A scenario file path from a path or a catalogue name; :class:`InputError` if neither exists."""
    path = Path(reference)
    if path.is_file():
        return path
    found = find_in_catalogue(reference)
    if found is not None:
        return found
    raise InputError("scenario file not found and not a shipped scenario", where=str(reference),
                     fix=f"give the path of a .yaml file or a catalogue name such as baseline; {LIST_HINT}")


def new_scenario_text(source: str | Path, name: str | None = None) -> str:
    """The text of a new scenario file copied from ``source`` (path or catalogue name).

    The comments of the source are kept (they carry its sources); when ``name`` is given the
    ``name:`` line is replaced. The result is validated before it is returned.
    """
    from ruamel.yaml import YAML

    from alusim.scenario.io import parse_scenario_text

    path = resolve_scenario(source)
    text = path.read_text(encoding="utf-8")
    if name is not None:
        import io

        yaml = YAML(typ="rt")
        yaml.version = (1, 2)
        yaml.preserve_quotes = True
        root = yaml.load(text)
        root["name"] = name
        buffer = io.StringIO()
        yaml.dump(root, buffer)
        text = buffer.getvalue()
        if text.startswith("%YAML"):
            text = text.split("---\n", 1)[-1]
    parse_scenario_text(text, where=str(path))
    return text
