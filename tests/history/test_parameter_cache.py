"""Parsed parameter-set files are kept by content in the cache folder: the second read does not parse
the YAML, gives the same set bit for bit, and an edited, bad or planted file is never served from it."""

from __future__ import annotations

import json
import os
import struct

import pytest

from alusim.errors import InputError
from alusim.history import parameter_cache, parameter_sets
from alusim.history.parameter_sets import read_parameter_set, shipped_path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ALUSIM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / parameter_cache.FOLDER


def _bits(params) -> list:
    members = [params.parameters, *params.ensemble]
    return [[(k, struct.pack("<d", v)) for k, v in m.items()] for m in members]


def _no_parsing(monkeypatch):
    def refuse(raw, where):
        raise AssertionError("parsed the YAML again")

    monkeypatch.setattr(parameter_sets, "_parse", refuse)


def test_the_second_read_comes_from_the_cache_and_is_identical(cache, monkeypatch):
    first = read_parameter_set(shipped_path(), "shipped calibration")
    assert [p.suffix for p in cache.iterdir()] == [".json"]
    _no_parsing(monkeypatch)
    second = read_parameter_set(shipped_path(), "shipped calibration")
    assert second == first and _bits(second) == _bits(first)


def test_an_edited_file_is_read_again(cache, tmp_path, monkeypatch):
    path = tmp_path / "p.yaml"
    path.write_text("parameters:\n  price.vol_pct_per_month: 5.0\n", encoding="utf-8")
    assert read_parameter_set(path).parameters == {"price.vol_pct_per_month": 5.0}
    stat = path.stat()
    path.write_text("parameters:\n  price.vol_pct_per_month: 6.0\n", encoding="utf-8")   # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert read_parameter_set(path).parameters == {"price.vol_pct_per_month": 6.0}
    assert len(list(cache.iterdir())) == 2


def test_a_bad_file_is_refused_each_time_and_never_kept(cache, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("parameters:\n  a: [1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError, match="not YAML/JSON"):
            read_parameter_set(path)
    path.write_text("parameters:\n  a: text\n", encoding="utf-8")
    with pytest.raises(InputError, match="is not a number"):
        read_parameter_set(path)
    assert not cache.exists() or list(cache.iterdir()) == []


@pytest.mark.parametrize("planted", ["{not json", json.dumps([1, 2]),
                                     json.dumps({"format": 1, "key": "?", "parameters": {"a": 1.0}}),
                                     "<key>"])
def test_a_damaged_or_planted_entry_is_ignored(cache, tmp_path, planted):
    path = tmp_path / "p.yaml"
    path.write_text("parameters:\n  price.vol_pct_per_month: 5.0\n", encoding="utf-8")
    read_parameter_set(path)
    (entry,) = cache.iterdir()
    if planted == "<key>":      # the right key, but values that are not numbers
        planted = json.dumps({"format": parameter_cache.FORMAT, "key": entry.stem, "parameters": {"a": "x"}})
    entry.write_text(planted, encoding="utf-8")
    assert read_parameter_set(path).parameters == {"price.vol_pct_per_month": 5.0}


def test_an_unwritable_cache_is_not_used(tmp_path, monkeypatch):
    (tmp_path / "blocker").write_text("")
    monkeypatch.setenv("ALUSIM_CACHE", str(tmp_path / "blocker" / "cache"))
    assert read_parameter_set(shipped_path()).ensemble
