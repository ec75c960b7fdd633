"""Text features of the classifier: stemmed words and character n-grams.

OCR text of a letter is cleaned once (NFC, words split at a line break joined again,
digit runs reduced to one placeholder) and then seen twice:

* as **words**: Snowball stems without stop words, unigrams and bigrams (the same stems
  as the search index, :mod:`services.search.german_text`), so "Baugenehmigung" and
  "Baugenehmigungen" are one feature;
* as **character n-grams** (3 to 5, within words) of the lower-cased text with umlauts
  folded, so a word that OCR misspelled ("Baugenehrnigung", "Gebuhren") still shares
  most of its n-grams with the correct spelling.

Numbers are never features of their own: dates, amounts and Aktenzeichen vary from
letter to letter and would only let a model memorise its examples.  Each digit run
becomes ``0`` in the character n-grams ("Az. 0.0-0/0" keeps the shape) and number
tokens are left out of the words.  References are matched elsewhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from services.search.german_text import is_stopword, normalize_word, prepare, stem, words

_LINE_BREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u00ad\u2010]\s*\n\s*(?=[^\W\d_])")
"""A hyphen at the end of a line followed by the rest of the word: "Verwal-\\ntung"."""
_SOFT_HYPHEN = "\u00ad"
_DIGITS = re.compile(r"\d+")
_NON_WORD = re.compile(r"[\W_]+")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})

NUMBER = "0"
"""What every run of digits becomes."""

WORD_FEATURES = "words"
CHAR_FEATURES = "chars"
CHAR_NGRAM_RANGE = (3, 5)


def clean(text: str) -> str:
    r"""NFC text with hyphenated line breaks joined and digit runs replaced by ``0``.

    A hyphen at a line end is joined only when a lower-case letter follows, so the
    compound "Bau-\nGenehmigung" and "Ein- und Ausfahrt" keep their hyphen.
    """
    text = prepare(text)
    text = _LINE_BREAK_HYPHEN.sub(_join_if_lower, text).replace(_SOFT_HYPHEN, "")
    return _DIGITS.sub(NUMBER, text)


def _join_if_lower(match: re.Match[str]) -> str:
    following = match.string[match.end() : match.end() + 1]
    return "" if following.islower() else match.group()


def content_words(text: str) -> list[str]:
    """The words of cleaned text that carry meaning: no stop words, numbers or single letters."""
    return [
        word
        for word in words(text)
        if len(word) > 1 and not any(c.isdigit() for c in word)
        if not is_stopword(normalize_word(word))
    ]


def word_terms(text: str) -> list[str]:
    """The word features of a text: stems and pairs of neighbouring stems."""
    stems = [stem(word) for word in content_words(clean(text))]
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


def char_text(text: str) -> str:
    """Cleaned, lower-cased text with umlauts folded and punctuation as spaces."""
    return " ".join(fold(word) for word in _NON_WORD.split(clean(text)) if word)


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Lower case, "ae"/"oe"/"ue" and "ä"/"ö"/"ü" both to "a"/"o"/"u", "ß" to "ss"."""
    return normalize_word(word).translate(_FOLD)


def make_vectorizer() -> FeatureUnion:
    """The unfitted feature extractor: word TF-IDF beside character n-gram TF-IDF.

    Both halves use sublinear term frequency (a word repeated ten times is not ten
    times the evidence) and are L2-normalised on their own, so each contributes equally.
    """
    return FeatureUnion(
        [
            (
                WORD_FEATURES,
                TfidfVectorizer(analyzer=word_terms, sublinear_tf=True, dtype=np.float64),
            ),
            (
                CHAR_FEATURES,
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=CHAR_NGRAM_RANGE,
                    preprocessor=char_text,
                    lowercase=False,
                    sublinear_tf=True,
                    dtype=np.float64,
                ),
            ),
        ]
    )
