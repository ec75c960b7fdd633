"""Character error rates with and without reading order, and the distinctive-word check.

* ``cer``: Levenshtein distance between the whitespace-normalised OCR text and truth
  (all pages joined), divided by the length of the normalised truth.  Text read in the
  wrong order (an information block interleaved with the address) counts as errors.
* ``bag_cer``: every line of the truth is looked up at its best place anywhere in the
  OCR text (approximate substring search: the smallest edit distance between the line and
  any substring of the OCR text, Myers' bit-parallel algorithm), and the distances are
  summed and divided by the total length of the lines.  Order and line merges do not
  count, and neither does extra OCR text (stamps, signatures read as letters), so it is
  a lower bound that isolates recognition errors: ``cer`` minus ``bag_cer`` is roughly
  what reading order costs.
* ``word_found``: whether the letter's distinctive word (:func:`distinctive_word`)
  occurs in the OCR text exactly, as a search for it would need.
"""

from __future__ import annotations

import re

from benchmarks.ocr_eval.corpus import Letter
from benchmarks.ocr_quality import levenshtein, myers_distance, normalise

_WORD = re.compile(r"[\wÄÖÜäöüß./-]+")


def cer(ocr: str, truth: str) -> float:
    expected = normalise(truth)
    return levenshtein(normalise(ocr), expected) / max(1, len(expected))


def bag_cer(ocr: str, truth: str) -> float:
    text = normalise(ocr)
    lines = [normalise(line) for line in truth.splitlines()]
    lines = [line for line in lines if line]
    total = sum(len(line) for line in lines)
    return sum(best_substring_distance(line, text) for line in lines) / max(1, total)


def best_substring_distance(pattern: str, text: str) -> int:
    """Smallest edit distance between ``pattern`` and any substring of ``text``."""
    return myers_distance(pattern, text, anywhere=True)


def distinctive_word(letter: Letter, truth: str) -> str:
    """The longest token of the first printed reference (a name, a Kassenzeichen), else
    the longest word of the subject, else of the whole text; at least 4 characters."""
    for source in (*letter.references, letter.subject, truth):
        words: list[str] = [word.strip(".-/") for word in _WORD.findall(source)]
        words = [word for word in words if len(word) >= 4]
        if words:
            return max(words, key=len)
    return ""


def word_found(ocr: str, word: str) -> bool:
    return not word or word in normalise(ocr)
