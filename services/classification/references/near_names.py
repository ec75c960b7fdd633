"""Whether two folded person names differ by no more than one OCR misreading."""

from __future__ import annotations

import re

# OCR's usual misreadings inside words: one glyph read as two, a letter read as a digit
_PAIRS = re.compile(r"rn|vv|cl|ii")
_PAIR_AS = {"rn": "m", "vv": "w", "cl": "d", "ii": "u"}
_DIGIT_AS = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "b", "6": "g", "3": "e"})


def _ocr_fold(name: str) -> str:
    return _PAIRS.sub(lambda m: _PAIR_AS[m.group()], name.translate(_DIGIT_AS))


def names_near(name: str, other: str) -> bool:
    """True when the names differ, but by one letter at most once OCR's confusions are folded.

    One letter: substituted, added, dropped, or swapped with its neighbour.
    """
    if name == other:
        return False
    return _within_one(name, other) or _within_one(_ocr_fold(name), _ocr_fold(other))


def _within_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return a[i + 2 :] == b[i + 2 :] and a[i] == b[i + 1] and a[i + 1] == b[i]
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    return b[i + 1 :] == a[i:]
