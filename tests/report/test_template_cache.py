"""Compiled report templates from ``$ALUSIM_CACHE/templates``: the same HTML, renewed when a template
changes, and never a failure when the cache cannot be used."""

from __future__ import annotations

import os

import jinja2

from alusim.report.template_cache import QuietBytecodeCache, template_cache


def _environment(templates: dict[str, str], cache) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(templates), bytecode_cache=cache, autoescape=True)


def test_a_cached_template_renders_as_the_compiled_one_and_an_edit_renews_it(tmp_path):
    cache = QuietBytecodeCache(str(tmp_path))
    templates = {"page.html": "{% for x in xs %}<b>{{ x }}</b>{% endfor %}"}
    first = _environment(templates, cache).get_template("page.html").render(xs=[1, "<i>"])
    assert len(list(tmp_path.iterdir())) == 1                      # compiled and stored
    again = _environment(templates, cache).get_template("page.html").render(xs=[1, "<i>"])
    assert again == first == "<b>1</b><b>&lt;i&gt;</b>"
    templates["page.html"] = "{% for x in xs %}<em>{{ x }}</em>{% endfor %}"
    assert _environment(templates, cache).get_template("page.html").render(xs=[2]) == "<em>2</em>"


def test_a_damaged_or_unwritable_cache_only_means_compiling(tmp_path):
    cache = QuietBytecodeCache(str(tmp_path))
    templates = {"page.html": "{{ 1 + 1 }}"}
    _environment(templates, cache).get_template("page.html")
    for entry in tmp_path.iterdir():
        entry.write_bytes(entry.read_bytes()[:40])                 # truncated mid-entry
    assert _environment(templates, cache).get_template("page.html").render() == "2"
    gone = QuietBytecodeCache(str(tmp_path / "missing"))           # a folder that is not there
    assert _environment(templates, gone).get_template("page.html").render() == "2"


def test_the_cache_folder_follows_alusim_cache_and_is_skipped_when_not_writable(tmp_path, monkeypatch):
    monkeypatch.setenv("ALUSIM_CACHE", str(tmp_path / "cache"))
    cache = template_cache()
    assert cache is not None and (tmp_path / "cache" / "templates").is_dir()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ALUSIM_CACHE", str(blocker))
    assert template_cache() is None
    if os.geteuid() != 0:                                          # root may write anywhere
        locked = tmp_path / "locked"
        (locked / "templates").mkdir(parents=True)
        (locked / "templates").chmod(0o500)
        monkeypatch.setenv("ALUSIM_CACHE", str(locked))
        assert template_cache() is None


def test_a_run_report_from_cached_templates_is_the_same_page(dataset, tmp_path, monkeypatch):
    import re

    from alusim.engine.simulate import simulate
    from alusim.report import html
    from alusim.scenario.model import Scenario

    result = simulate(Scenario(name="cached", start="2025-01", end="2026-12", paths=8, seed=3), dataset)
    monkeypatch.setenv("ALUSIM_CACHE", str(tmp_path / "cache"))
    pages = []
    for _ in range(2):                                    # compiled and stored, then loaded from the cache
        html._environment.cache_clear()
        pages.append(html.write_run_report(result, tmp_path / f"r{len(pages)}.html", dataset).read_text())
    html._environment.cache_clear()
    assert len(list((tmp_path / "cache" / "templates").iterdir())) == 3      # run, base and macros
    def undated(page):
        return re.sub(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2} UTC)?", "", page)
    assert undated(pages[0]) == undated(pages[1])
