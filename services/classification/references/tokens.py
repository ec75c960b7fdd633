"""Tokens and lines of OCR text, shared by the label reader and the person reader."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

Spans = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    finder: bool  # exactly an Aktenzeichen the finder found
    closed: bool  # ended in "," ";" ":" or a full stop after a digit: the value ends here
    spaced: bool  # more than one space before it: a new column


def split_tokens(text: str, start: int, end: int, hits: Spans) -> list[Token]:
    """Whitespace-separated tokens of ``text[start:end]``; each finder hit is one token."""
    spans: list[tuple[int, int, bool]] = []
    pos = start
    for hit_start, hit_end in hits:
        if hit_start < pos or hit_end > end:
            continue
        spans += [
            (pos + m.start(), pos + m.end(), False) for m in WORD.finditer(text[pos:hit_start])
        ]
        spans.append((hit_start, hit_end, True))
        pos = hit_end
    spans += [(pos + m.start(), pos + m.end(), False) for m in WORD.finditer(text[pos:end])]
    found: list[Token] = []
    previous_end = start
    for span_start, span_end, finder in spans:
        raw = text[span_start:span_end]
        word = raw if finder else _strip_closing(raw)
        gap = text[previous_end:span_start].lstrip(",;:.")
        spaced = len(gap) > 1 or "\t" in gap
        found.append(Token(word, span_start, span_start + len(word), finder, word != raw, spaced))
        previous_end = span_start + len(word)
    return found


WORD = re.compile(r"\S+")
WIDE_GAP = re.compile(r"[ ]{2,}|\t")


def _strip_closing(raw: str) -> str:
    word = raw.rstrip(",;:")
    if word.endswith(".") and word[-2:-1].isdigit():
        word = word[:-1]
    return word or raw


def text_lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end
