"""Build the snippet shown with a search hit, identically for every backend.

The snippet is cut from the original (unstemmed) text around the first matching word;
a compound matches when one of its parts does ("Baugenehmigung" for "Genehmigung").
All of the text is HTML-escaped and only the ``<mark>`` tags are ours, so a client may
insert the snippet into a page as HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from services.search.compounds import compound_parts
from services.search.german_text import is_stopword, iter_words, normalize_word, prepare, stem

SNIPPET_CHARS = 240
SNIPPET_SOURCE_CHARS = 20_000
"""Backends read at most this much of a body for its snippet: a match further in is not
shown (the snippet is then the letter's beginning), but a 300-page scan is not read
for every search."""
LEAD_CHARS = 60
"""Context shown before the first match."""
ELLIPSIS = "…"
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def make_snippet(texts: Sequence[str], stems: frozenset[str]) -> str:
    """Snippet from the first of ``texts`` that contains a word with one of ``stems``.

    Without any match (e.g. the hit is in the title only) the snippet is the beginning of
    the first non-empty text.
    """
    prepared = [" ".join(prepare(text).split()) for text in texts]
    for text in prepared:
        first = next((m for m in iter_words(text) if _matches(m.group(), stems)), None)
        if first is not None:
            return _window(text, first.start(), stems)
    return next((_window(text, 0, stems) for text in prepared if text), "")


def _matches(word: str, stems: frozenset[str]) -> bool:
    normalized = normalize_word(word)
    # Stop words are not indexed, so they are never a match, whatever their stem.
    if is_stopword(normalized):
        return False
    # A Snowball stem is a prefix of its word with umlauts folded and ß as ss, so a word
    # (or a part of it) can only match a stem it contains; most words are ruled out here,
    # before the costlier stemming and splitting.
    folded = normalized.translate(_FOLD)
    if not any(wanted in folded for wanted in stems):
        return False
    return stem(word) in stems or any(stem(part) in stems for part in compound_parts(word))


def _window(text: str, anchor: int, stems: frozenset[str]) -> str:
    start = max(0, anchor - LEAD_CHARS)
    if start > 0:  # begin at a word boundary after the cut
        space = text.find(" ", start, anchor)
        start = space + 1 if space != -1 else anchor
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", anchor, end)
        end = space if space > anchor else end
    parts = [ELLIPSIS] if start > 0 else []
    cursor = start
    for match in iter_words(text[start:end]):
        if _matches(match.group(), stems):
            parts.append(html.escape(text[cursor : start + match.start()]))
            parts.append(f"<mark>{html.escape(match.group())}</mark>")
            cursor = start + match.end()
    parts.append(html.escape(text[cursor:end]))
    if end < len(text):
        parts.append(ELLIPSIS)
    return "".join(parts)
