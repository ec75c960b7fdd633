"""German compounds split into their parts, so "Genehmigung" finds "Baugenehmigung".

Dictionary decompounding as Lucene's ``DictionaryCompoundWordTokenFilter`` does it, with
the word list of the Debian package ``wngerman`` (igerman98, the list behind the
hunspell ``de_DE`` dictionary: about 350,000 full forms, inflected forms included, so
"Bauanträge" splits into "bau" + "anträge").  A word is split into the fewest known
words, allowing the linking elements (Fugen) German puts between parts ("Hunde-s-...",
"Ordnung-s-amt") and a dropped final "e" ("Schul-straße").  Parts are shorter than
three letters never, and stop words are never a part ("Beitrag" is not "bei" + "trag").

Backends index :func:`index_parts` as a separate lower-weighted field; the query side
does not split anything.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from services.errors import ConfigurationError
from services.search.german_stopwords import GERMAN_STOPWORDS
from services.search.german_text import normalize_word, words

WORD_LIST = Path("/usr/share/dict/ngerman")
"""Installed by the Debian package ``wngerman`` (see the Makefile)."""

MIN_PART = 3
MIN_COMPOUND = 6
"""Shorter words are never split."""
MAX_COMPOUND = 40
"""Longer "words" are OCR noise; splitting them costs time and finds nothing."""
LINKS = ("s", "es", "n", "en", "e", "er", "ens")
"""Linking elements that may follow a part that is not the last."""
MAX_SPLITS = 8

VOCABULARY_MIN, VOCABULARY_MAX = 3, 40


@cache
def dictionary() -> frozenset[str]:
    """The word list, lower-cased and normalised like indexed words."""
    try:
        lines = WORD_LIST.read_text(encoding="utf-8").split()
    except OSError as exc:
        raise ConfigurationError(
            f"German word list {WORD_LIST} missing: install the Debian package wngerman"
        ) from exc
    known = set()
    for line in lines:
        if len(line) >= MIN_PART:
            word = line.lower()
            if "ae" in word or "oe" in word or "ue" in word:
                word = normalize_word(word)
            known.add(word)
    return frozenset(known)


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The parts of ``word`` (normalised, unstemmed), or ``()`` when it is no compound.

    Where several splits need equally few parts, the parts of all of them are given
    ("ordnungsamt" -> ordnung, amt, samt), as Lucene's dictionary filter gives every
    subword: the parts field is weighted low, and a missed part would be a missed hit.
    Parts that are compounds themselves are split too ("hundesteuer" -> hunde, steuer).
    """
    normalized = normalize_word(word)
    if not (MIN_COMPOUND <= len(normalized) <= MAX_COMPOUND) or not normalized.isalpha():
        return ()
    found: dict[str, None] = {}
    for split in _splits(normalized, dictionary()):
        for start, end in split:
            part = normalized[start:end]
            found[part] = None
            found.update(dict.fromkeys(compound_parts(part)))
    return tuple(found)


def _splits(word: str, known: frozenset[str]) -> list[list[tuple[int, int]]]:
    """Every split of ``word`` into the fewest known parts (two or more), as spans.

    Linking elements lie between the spans.  At most ``MAX_SPLITS`` are returned.
    """
    size = len(word)
    fewest: dict[int, int | None] = {size: 0}

    def steps(start: int) -> list[tuple[int, int]]:
        """(end of a part starting at ``start``, start of the next part) pairs."""
        found = []
        for end in range(start + MIN_PART, size + 1):
            piece = word[start:end]
            if end == size:
                if start > 0 and _known_last(piece, known):
                    found.append((end, end))
            elif _known_part(piece, known):
                found.extend(
                    (end, end + len(link))
                    for link in ("", *LINKS)
                    if word.startswith(link, end) and size - end - len(link) >= MIN_PART
                )
        return found

    def count(start: int) -> int | None:
        if start not in fewest:
            counts = [c for _, nxt in steps(start) if (c := count(nxt)) is not None]
            fewest[start] = 1 + min(counts) if counts else None
        return fewest[start]

    def paths(start: int) -> list[list[tuple[int, int]]]:
        if start == size:
            return [[]]
        found: list[list[tuple[int, int]]] = []
        target = fewest[start]
        for end, nxt in steps(start):
            if target is not None and count(nxt) == target - 1:
                found.extend([(start, end), *tail] for tail in paths(nxt))
            if len(found) >= MAX_SPLITS:
                break
        return found[:MAX_SPLITS]

    if count(0) is None:
        return []
    return paths(0)


def _known_part(piece: str, known: frozenset[str]) -> bool:
    if len(piece) < MIN_PART or piece in GERMAN_STOPWORDS:
        return False
    return piece in known or piece + "e" in known or piece.replace("ss", "ß") in known


def _known_last(piece: str, known: frozenset[str]) -> bool:
    return piece not in GERMAN_STOPWORDS and (piece in known or piece.replace("ss", "ß") in known)


def index_parts(text: str) -> str:
    """The parts of every compound in ``text``, space-separated, in text order."""
    return " ".join(part for word in words(text) for part in compound_parts(word))


def vocabulary(text: str) -> set[str]:
    """The normalised words of ``text`` that "did you mean" may suggest."""
    found = set()
    for word in words(text):
        if VOCABULARY_MIN <= len(word) <= VOCABULARY_MAX and word.isalpha():
            normalized = normalize_word(word)
            if normalized not in GERMAN_STOPWORDS:
                found.add(normalized)
    return found
