"""The adversarial harness: run a command in-process in a scratch folder and check the promise of
bad input — exit code 2, exactly one line on stderr naming the field, nothing written."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from alusim.cli import main
from alusim.textsafe import printable


def listing(root: Path) -> dict[str, tuple]:
    """Every entry under ``root`` with its kind, size and modification time (symlinks not followed)."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            st = path.lstat()
            out[str(path.relative_to(root))] = (st.st_mode >> 12, st.st_size, st.st_mtime_ns)
    return out


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    before: dict
    after: dict

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


class Cli:
    """``cli(*args)`` runs ``alusim args`` with the scratch folder as working directory and store."""

    def __init__(self, root: Path, capsys):
        self.root = root
        self.capsys = capsys

    def __call__(self, *args: str) -> Outcome:
        self.capsys.readouterr()
        before = listing(self.root)
        code = main([str(a) for a in args])
        captured = self.capsys.readouterr()
        return Outcome(code, captured.out, captured.err, before, listing(self.root))

    def file(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys) -> Cli:
    root = tmp_path / "scratch"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("ALUSIM_STORE", str(root / "store"))
    return Cli(root, capsys)


def assert_refused(outcome: Outcome, field: str) -> None:
    """Exit 2, one line on stderr that names ``field`` and has no control characters, nothing written."""
    assert outcome.code == 2, (outcome.code, outcome.err)
    assert len(outcome.err_lines) == 1, outcome.err
    line = outcome.err_lines[0]
    assert line.startswith("error: ") and field.lower() in line.lower(), line
    assert printable(line) == line and len(line) < 1500, line
    assert "Traceback" not in outcome.err
    assert outcome.after == outcome.before, set(outcome.after) ^ set(outcome.before)


SHORT = "start: 2025-01\nend: 2025-12\npaths: 2\n"


def scenario_text(name: str = "t", extra: str = "") -> str:
    """A small valid scenario (two paths, one year) plus ``extra`` YAML."""
    return f"name: {name}\n{SHORT}{extra}"
