"""An article as plain text: read from a file or standard input, HTML reduced to its visible text.

Nothing in an article is executed or fetched: HTML is parsed with the standard library's
:class:`html.parser.HTMLParser`, the contents of ``<script>``, ``<style>``, ``<noscript>``,
``<template>``, ``<svg>`` and ``<iframe>`` are dropped, links are not followed and images are not
loaded. Character spans of the drafted events point into the text this module returns.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from alusim.errors import InputError

#: the largest article read, in bytes (a long feature story is ~50 kB; 5 MB is a book, or not text)
MAX_ARTICLE_BYTES = 5_000_000

_HIDDEN = {"script", "style", "noscript", "template", "svg", "iframe", "object", "head"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
          "article", "header", "footer", "blockquote", "pre", "hr"}


@dataclass(frozen=True)
class Article:
    """Plain text of an article and the name it is cited by in every event's ``source``."""

    name: str
    text: str


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: paragraphs separated by blank lines, scripts and styles dropped."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def markdown_to_text(markdown: str) -> str:
    """Markdown without its markup characters (headings, emphasis, link targets), same paragraphs."""
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", markdown, flags=re.M)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    return re.sub(r"^\s*[-*+>]\s+", "", text, flags=re.M)


def looks_like_html(text: str) -> bool:
    return bool(re.match(r"\s*(<!doctype html|<html|<head|<body|<article|<p[\s>]|<div[\s>])", text, re.I))


def decode_article(data: bytes, name: str, kind: str = "text") -> Article:
    """Bytes of an article → :class:`Article`; ``kind`` is ``text``, ``markdown`` or ``html``.

    Raises :class:`InputError` for empty, binary, oversized or non-UTF-8 input.
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(f"article is {len(data) / 1e6:.1f} MB, more than {MAX_ARTICLE_BYTES / 1e6:.0f} MB",
                         where=name, fix="give the text of one article (.txt, .md or .html)")
    if b"\x00" in data[:65536]:
        raise InputError("article is a binary file, not text", where=name,
                         fix="give the text of the article (.txt, .md or .html), e.g. copied from the page")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("article is not UTF-8 text", where=name, fix="save it as UTF-8 text") from None
    if kind == "html" or (kind == "text" and looks_like_html(raw)):
        text = html_to_text(raw)
    elif kind == "markdown":
        text = markdown_to_text(raw)
    else:
        text = raw.replace("\r\n", "\n")
    if not text.strip():
        raise InputError("article has no text", where=name, fix="give a file with the article's text in it")
    return Article(name=name, text=text)


def read_article(path: str | Path) -> Article:
    """Read an article from a file (``.txt``, ``.md``, ``.html``) or from standard input (``-``)."""
    if str(path) == "-":
        return decode_article(sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1), "<stdin>")
    file = Path(path)
    if not file.is_file():
        raise InputError("article file not found", where=str(file), fix="give the path of a .txt, .md or .html file")
    if file.stat().st_size > MAX_ARTICLE_BYTES:
        raise InputError(f"article is {file.stat().st_size / 1e6:.1f} MB, more than "
                         f"{MAX_ARTICLE_BYTES / 1e6:.0f} MB", where=str(file),
                         fix="give the text of one article (.txt, .md or .html)")
    suffix = file.suffix.lower()
    kind = "html" if suffix in (".html", ".htm") else "markdown" if suffix in (".md", ".markdown") else "text"
    return decode_article(file.read_bytes(), file.name, kind)
