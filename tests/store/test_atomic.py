from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from alusim.errors import InputError
from alusim.store import write_dir_atomically
from alusim.store.atomic import TMP_PREFIX, clean_stale


class Boom(Exception):
    pass


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _fail(dest: Path) -> None:
    dest.write_bytes(b"half")
    raise Boom("writer failed")


def test_new_directory_with_bytes_text_and_writer(tmp_path):
    target = tmp_path / "a" / "out"

    def writer(dest: Path) -> None:
        assert dest.parent.name.startswith(TMP_PREFIX)  # written in the temporary directory
        assert (dest.parent / "one.txt").read_text() == "héllo"  # earlier files already exist
        dest.write_bytes(b"\x00\x01")

    assert write_dir_atomically(target, {"one.txt": "héllo", "two.bin": b"abc", "three": writer}) == target
    assert _snapshot(target) == {"one.txt": "héllo".encode(), "three": b"\x00\x01", "two.bin": b"abc"}
    assert [p.name for p in target.parent.iterdir()] == ["out"]


def test_existing_directory_replaces_only_named_files(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    (target / "summary.csv").write_text("old")
    write_dir_atomically(target, {"summary.csv": "new", "report.html": "<html/>"})
    assert _snapshot(target) == {"keep.txt": b"mine", "report.html": b"<html/>", "summary.csv": b"new"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("exc", [Boom, KeyboardInterrupt])
def test_failing_writer_leaves_existing_directory_byte_identical(tmp_path, exc):
    target = tmp_path / "out"
    target.mkdir()
    (target / "summary.csv").write_bytes(b"old summary\n")
    (target / "report.html").write_bytes(b"<old/>")
    before = _snapshot(target)

    def fail(dest: Path) -> None:
        dest.write_bytes(b"partial")
        raise exc()

    with pytest.raises(exc):
        write_dir_atomically(target, {"summary.csv": "new", "report.html": fail, "late.txt": "x"})
    assert _snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary directory left


def test_failing_writer_leaves_no_new_directory(tmp_path):
    with pytest.raises(Boom):
        write_dir_atomically(tmp_path / "out", {"a.txt": "a", "b.parquet": _fail})
    assert list(tmp_path.iterdir()) == []


def test_writer_that_creates_nothing_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="did not create"):
        write_dir_atomically(tmp_path / "out", {"a.txt": lambda dest: None})
    assert list(tmp_path.iterdir()) == []


def test_replace_false_refuses_an_existing_directory(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(FileExistsError):
        write_dir_atomically(tmp_path / "out", {"a.txt": "a"}, replace=False)
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("name", ["", "..", "a/b", TMP_PREFIX + "x"])
def test_bad_names(tmp_path, name):
    with pytest.raises(ValueError):
        write_dir_atomically(tmp_path / "out", {name: "x"})


def test_target_that_is_a_file_or_a_named_directory(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        write_dir_atomically(tmp_path / "file", {"a.txt": "a"})
    (tmp_path / "out" / "a.txt").mkdir(parents=True)
    with pytest.raises(InputError, match="is a directory"):
        write_dir_atomically(tmp_path / "out", {"a.txt": "a"})


def test_stale_temporary_directories_are_cleaned(tmp_path):
    old = tmp_path / f"{TMP_PREFIX}out-1-dead"
    fresh = tmp_path / f"{TMP_PREFIX}out-2-live"
    other = tmp_path / ".not-ours"
    for d in (old, fresh, other):
        d.mkdir()
    hours_ago = time.time() - 7200
    os.utime(old, (hours_ago, hours_ago))
    os.utime(other, (hours_ago, hours_ago))
    write_dir_atomically(tmp_path / "out", {"a.txt": "a"})
    assert not old.exists() and fresh.exists() and other.exists()
    assert clean_stale(tmp_path, max_age_s=0.0) == 1 and not fresh.exists()
