"""Why a linear model scored a code: the words of the letter that pushed it up most.

A linear model's score for a class is the sum over features of the feature's value in
the letter times the class's weight for it.  The weights used here are centred over the
classes (the softmax only sees differences between classes), so a word that is
frequent in every class explains nothing.  Features are mapped back to the words of the
letter as written:

* a stem counts for every word with that stem, a pair of stems half for each word;
* a character n-gram is shared among the words it occurs in, per occurrence.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from numpy.typing import NDArray
from sklearn.pipeline import FeatureUnion

from services.classification.features import (
    CHAR_FEATURES,
    CHAR_NGRAM_RANGE,
    WORD_FEATURES,
    clean,
    content_words,
    fold,
)
from services.search.german_text import stem


def top_words(
    vectorizer: FeatureUnion, class_weights: NDArray[np.float64], text: str, n: int
) -> list[str]:
    """The ``n`` words of ``text`` that contribute most to a class's score, best first.

    ``class_weights`` has one centred weight per feature of ``vectorizer``.  Only words
    with a positive contribution are listed, in their first spelling in the letter.
    """
    written = content_words(clean(text))
    if not written or n <= 0:
        return []
    scores: dict[str, float] = defaultdict(float)
    offset = 0
    for name, part in vectorizer.transformer_list:
        row = part.transform([text]).tocsr()
        size = len(part.vocabulary_)
        weights = class_weights[offset : offset + size]
        offset += size
        terms = part.get_feature_names_out()
        contributions = {
            str(terms[j]): float(value * weights[j])
            for j, value in zip(row.indices, row.data, strict=True)
        }
        if name == WORD_FEATURES:
            _add_word_contributions(scores, written, contributions)
        elif name == CHAR_FEATURES:
            _add_char_contributions(scores, written, contributions)
    ranked = sorted(
        ((score, word) for word, score in scores.items() if score > 0),
        key=lambda item: (-item[0], item[1]),
    )
    spelling: dict[str, str] = {}
    for word in written:
        spelling.setdefault(fold(word), word)
    return [spelling[word] for _, word in ranked[:n]]


def _add_word_contributions(
    scores: dict[str, float], written: list[str], contributions: dict[str, float]
) -> None:
    words_by_stem: dict[str, set[str]] = defaultdict(set)
    for word in written:
        words_by_stem[stem(word)].add(fold(word))
    for term, contribution in contributions.items():
        stems = term.split(" ")
        share = contribution / len(stems)
        for part in stems:
            for word in words_by_stem.get(part, ()):
                scores[word] += share / len(words_by_stem[part])


def _add_char_contributions(
    scores: dict[str, float], written: list[str], contributions: dict[str, float]
) -> None:
    occurrences: dict[str, Counter[str]] = defaultdict(Counter)
    for word in written:
        folded = fold(word)
        padded = f" {folded} "
        low, high = CHAR_NGRAM_RANGE
        for size in range(low, high + 1):
            for start in range(len(padded) - size + 1):
                gram = padded[start : start + size]
                if gram in contributions:
                    occurrences[gram][folded] += 1
    for gram, holders in occurrences.items():
        total = sum(holders.values())
        for word, count in holders.items():
            scores[word] += contributions[gram] * count / total
