"""Sentences of an article with their character spans, from spaCy's blank English pipeline.

The blank pipeline (tokenizer + rule-based ``sentencizer``) needs no model download. Lines are cut
first: translated industry news often runs paragraphs together without a full stop (``...250000
tons`` followed by a new paragraph in lower case), so a blank line always ends a sentence, and a
single line break does unless it merely wraps a long line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TERMINAL = ".!?:;\"”’)]"
_WRAP_MIN_CHARS = 60


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text and ``[start, end)`` offsets in the article text."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def blank_pipeline():
    """spaCy's blank English pipeline with the rule-based sentencizer (no model, no network)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 6_000_000
    return nlp


def blocks(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the text's lines, wrapped lines joined back together."""
    spans: list[tuple[int, int]] = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for i, (start, end) in enumerate(lines):
        line = text[start:end].rstrip()
        if spans and _continues(text, spans[-1], lines, i):
            spans[-1] = (spans[-1][0], end)
        elif line.strip():
            spans.append((start, end))
    return spans


def _continues(text: str, previous: tuple[int, int], lines: list[tuple[int, int]], i: int) -> bool:
    """True when line ``i`` wraps the previous one (no blank line, long line, no final punctuation)."""
    prev_end = previous[1]
    gap = text[prev_end:lines[i][0]]
    if gap.count("\n") != 1:
        return False
    prev_line = text[text.rfind("\n", 0, prev_end) + 1:prev_end].rstrip()
    nxt = text[lines[i][0]:lines[i][1]].lstrip()
    return (len(prev_line) >= _WRAP_MIN_CHARS and prev_line[-1:] not in _TERMINAL and nxt[:1].islower())


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, stripped, each with its span in ``text``."""
    nlp = blank_pipeline()
    out: list[Sentence] = []
    for start, end in blocks(text):
        doc = nlp(text[start:end])
        for sent in doc.sents:
            raw = sent.text
            lead = len(raw) - len(raw.lstrip())
            body = raw.strip()
            if body:
                s = start + sent.start_char + lead
                out.append(Sentence(body, s, s + len(body)))
    return out
