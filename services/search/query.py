"""Parse a user's search string into backend-neutral terms and phrases.

The grammar is deliberately small and cannot fail on odd input: words separated by
spaces must all occur (AND); text in double quotes is a phrase; a word written with
punctuation inside ("Bau-Antrag", "12.03.2024") is a phrase of its parts.  Everything
that is not a letter or digit (operators, brackets, ``*``, an unclosed quote) is
ignored, so backends never see user-controlled query syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.db.pagination import check_window
from services.errors import InvalidInputError
from services.search.german_text import is_stopword, normalize_word, stem, words

MAX_QUERY_LENGTH = 1000
MAX_QUERY_WORDS = 32
TOTAL_BOUND = 1000
"""Hits are counted up to here (or to the end of the page asked for, if further); past
it the total is reported as "more than N", as search engines do, and the SQL backends
rank a bounded set of candidates (see docs/search.md)."""
RANK_ALL_UP_TO = 200
"""Queries with at most this many hits are ranked exactly, all hits compared."""
RANK_CANDIDATES = 200
"""With more hits, the SQL backends rank this many of the newest matches (and as many
of the newest title/metadata matches): ranking every hit of a word found in most letters
is what made common words slow."""


@dataclass(frozen=True)
class SearchQuery:
    """What to look for; every word is normalised (see :func:`normalize_word`)."""

    groups: tuple[tuple[str, ...], ...]
    """Each group must match; a group of several words is a phrase.  Stop words are
    dropped from single-word groups and from the ends of phrases, but kept inside a
    phrase, where they stand for one word position."""

    @property
    def is_empty(self) -> bool:
        """True when only stop words were given: nothing can match."""
        return not self.groups

    @property
    def stems(self) -> frozenset[str]:
        """Stems of the words to highlight in snippets (stop words excluded)."""
        return frozenset(
            stem(word) for group in self.groups for word in group if not is_stopword(word)
        )


def parse_query(raw: str) -> SearchQuery:
    """Parse ``raw``; raise :class:`InvalidInputError` when it contains no word at all."""
    if len(raw) > MAX_QUERY_LENGTH:
        raise InvalidInputError(f"search query longer than {MAX_QUERY_LENGTH} characters")
    segments = raw.split('"')
    if len(segments) % 2 == 0:  # an unclosed quote: treat its text as unquoted words
        segments[-2:] = [segments[-2] + " " + segments[-1]]
    chunks: list[list[str]] = []
    for index, segment in enumerate(segments):
        if index % 2:
            chunks.append(words(segment))
        else:
            chunks.extend(words(part) for part in segment.split())
    chunks = [chunk for chunk in chunks if chunk]
    if not chunks:
        raise InvalidInputError("search query contains no words")
    if sum(len(chunk) for chunk in chunks) > MAX_QUERY_WORDS:
        raise InvalidInputError(f"search query has more than {MAX_QUERY_WORDS} words")
    groups: list[tuple[str, ...]] = []
    for chunk in chunks:
        group = _strip_stopwords([normalize_word(word) for word in chunk])
        if group and group not in groups:
            groups.append(group)
    return SearchQuery(tuple(groups))


def check_page(limit: int, offset: int) -> None:
    check_window(limit=limit, offset=offset)


def bounded_total(page_end: int) -> int:
    """The count above which a total is reported as "more than" it.

    A page ending past :data:`TOTAL_BOUND` (at ``page_end``) moves the bound, so that it
    still learns whether it has a successor.
    """
    return max(TOTAL_BOUND, page_end)


def _strip_stopwords(group: list[str]) -> tuple[str, ...]:
    start, end = 0, len(group)
    while start < end and is_stopword(group[start]):
        start += 1
    while end > start and is_stopword(group[end - 1]):
        end -= 1
    return tuple(group[start:end])


def candidates_to_rank(found: int, page_end: int) -> int | None:
    """How many candidates to rank for a query with ``found`` hits, or None for all.

    ``found`` is counted up to the bound; the page ending at ``page_end`` always fits.
    """
    if found <= RANK_ALL_UP_TO:
        return None
    return max(RANK_CANDIDATES, page_end)
