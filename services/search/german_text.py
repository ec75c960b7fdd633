"""German word handling shared by every search backend.

Both backends see the same words: text is split into words here (letters and digits,
NFC-normalised, lower-cased), never by the database's own parser.  SQLite FTS5 has no
German stemmer, so it indexes the Snowball stems computed here; PostgreSQL gets the
normalised words and stems them with its ``german`` configuration, which runs the same
Snowball algorithm.

One difference is bridged by hand: the Snowball German stemmer of the ``snowballstemmer``
package (Snowball 3) treats ``ae``/``oe``/``ue`` as ``ä``/``ö``/``ü``, the one built into
PostgreSQL 15 (Snowball 2.2) does not.  :func:`normalize_word` applies that rule before
either stemmer sees a word, so "Gebuehren" finds "Gebühren" on both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer

from services.search.german_stopwords import GERMAN_STOPWORDS

WORD = re.compile(r"[^\W_]+")
"""A word: a run of letters and digits.  The underscore is excluded on purpose: the
SQLite index uses ``_`` as the placeholder for a stop word."""

MAX_WORD_LENGTH = 100
"""Longer "words" are OCR noise; PostgreSQL would refuse them anyway (2 KiB limit)."""

STOPWORD_PLACEHOLDER = "_"

_VOWELS = frozenset("aeiouyäöü")
_stemmer = snowballstemmer.stemmer("german")


def prepare(text: str) -> str:
    """Text as the index stores it: NFC and without NUL characters.

    NFC makes "a" + combining diaeresis one letter "ä"; NUL characters may come from OCR
    and PostgreSQL refuses them.
    """
    return unicodedata.normalize("NFC", text.replace("\x00", ""))


def iter_words(text: str) -> Iterator[re.Match[str]]:
    """Yield the indexable words of prepared text with their positions."""
    for match in WORD.finditer(text):
        if len(match.group()) <= MAX_WORD_LENGTH:
            yield match


def words(text: str) -> list[str]:
    return [match.group() for match in iter_words(prepare(text))]


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """Lower-case and turn the transliterations ae/oe/ue into umlauts, as Snowball 3 does.

    Mirrors the Snowball German prelude: a "u" or "y" between vowels is a consonant and is
    protected first (so "Feuer" and "Mauer" keep their "ue"), and "ue" after "q" stays.
    """
    chars = list(word.lower())
    for i in range(len(chars) - 2):
        if chars[i] in _VOWELS and chars[i + 1] in "uy" and chars[i + 2] in _VOWELS:
            chars[i + 1] = chars[i + 1].upper()
    folded: list[str] = []
    i = 0
    while i < len(chars):
        pair = "".join(chars[i : i + 2])
        if pair == "qu":
            folded.extend(chars[i : i + 2])
            i += 2
            continue
        umlaut = {"ae": "ä", "oe": "ö", "ue": "ü"}.get(pair)
        if umlaut is not None:
            folded.append(umlaut)
            i += 2
            continue
        folded.append(chars[i])
        i += 1
    return "".join(folded).lower()


def is_stopword(normalized: str) -> bool:
    return normalized in GERMAN_STOPWORDS


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball German stem of a word (any case, umlauts or their transliteration)."""
    stemmed: str = _stemmer.stemWord(normalize_word(word))
    return stemmed


def stemmed_text(text: str) -> str:
    """Text as the SQLite index stores it: stems, with stop words as a placeholder.

    Keeping a placeholder instead of dropping stop words keeps word positions intact,
    as PostgreSQL does, so phrases with a stop word in the middle match the same way.
    """
    return " ".join(
        STOPWORD_PLACEHOLDER if is_stopword(normalize_word(word)) else stem(word)
        for word in words(text)
    )


def normalized_words(text: str) -> list[str]:
    """The words as PostgreSQL receives them (joined by spaces): normalised, in order."""
    return [normalize_word(word) for word in words(text)]
