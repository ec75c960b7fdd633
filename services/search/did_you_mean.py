"""Did you mean: a better query from the index's own vocabulary when one finds little.

Scanned letters are full of OCR slips ("Genehrnigung" for "Genehmigung", "B0gen"), and
people mistype.  For every word of a query that the index does not know, or that finds
few documents, the candidates are its OCR confusions (rn/m, cl/d, 0/o, 1/l, ...) and
every word at edit distance 1.  Those the vocabulary holds (``search_words``, filled at
indexing) are tried as queries under the caller's scope; the one finding the most
documents wins if it finds more than the original.  Words of documents the caller may not
see are never suggested, since a suggestion must find something visible.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from services.search.query import SearchQuery

FEW_HITS = 3
"""A query with at most this many hits is offered a suggestion."""
MIN_WORD = 4
"""Shorter words have too many neighbours to guess from."""
MAX_TRIED = 8
"""Candidate queries counted at most per search (each is one bounded count)."""

OCR_CONFUSIONS = (
    ("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("vv", "w"), ("ii", "ü"),
    ("ri", "n"), ("li", "h"), ("0", "o"), ("1", "l"), ("1", "i"), ("l", "i"), ("i", "l"),
    ("5", "s"), ("8", "b"), ("c", "e"), ("e", "c"), ("u", "ü"), ("ü", "u"), ("a", "ä"),
    ("ä", "a"), ("o", "ö"), ("ö", "o"), ("ß", "b"), ("b", "ß"), ("f", "t"), ("t", "f"),
)  # fmt: skip
"""(seen, meant) pairs that OCR engines confuse in German print."""

LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"


def ocr_variants(word: str) -> set[str]:
    """``word`` with one OCR confusion undone, at each place it could have happened."""
    found = set()
    for seen, meant in OCR_CONFUSIONS:
        start = word.find(seen)
        while start != -1:
            found.add(word[:start] + meant + word[start + len(seen) :])
            start = word.find(seen, start + 1)
    found.discard(word)
    return found


def edits1(word: str) -> set[str]:
    """Every word one deletion, transposition, replacement or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {left + right[1:] for left, right in splits if right}
    found |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    found |= {left + c + right[1:] for left, right in splits if right for c in LETTERS}
    found |= {left + c + right for left, right in splits for c in LETTERS}
    found.discard(word)
    return found


def suggest(
    query: SearchQuery,
    total: int,
    known: Callable[[Collection[str]], set[str]],
    count: Callable[[SearchQuery], int],
) -> str | None:
    """A query that finds more than ``query`` (which found ``total``), or None.

    ``known(words)`` returns the words the index's vocabulary holds; ``count(query)``
    counts a query's visible hits (a bounded count is enough).
    """
    if total > FEW_HITS:
        return None
    words = sorted(
        {w for group in query.groups for w in group if len(w) >= MIN_WORD and w.isalpha()}
    )
    if not words:
        return None
    tried: list[tuple[int, str, str]] = []  # (preference, word, candidate)
    for word in words:
        ocr = ocr_variants(word)
        candidates = ocr | edits1(word)
        held = known(candidates)
        tried += [(0 if c in ocr else 1, word, c) for c in held]
    best: tuple[int, SearchQuery] | None = None
    for _, word, candidate in sorted(tried)[:MAX_TRIED]:
        changed = _replace(query, word, candidate)
        found = count(changed)
        if found > total and (best is None or found > best[0]):
            best = (found, changed)
    return None if best is None else as_text(best[1])


def _replace(query: SearchQuery, word: str, candidate: str) -> SearchQuery:
    return SearchQuery(
        tuple(tuple(candidate if w == word else w for w in group) for group in query.groups)
    )


def as_text(query: SearchQuery) -> str:
    """The query as a person would type it again: phrases in quotes."""
    return " ".join(
        group[0] if len(group) == 1 else '"' + " ".join(group) + '"' for group in query.groups
    )
