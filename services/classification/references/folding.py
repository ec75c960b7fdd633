"""Near keys: what a subject key value looks like once OCR's confusions are folded away.

Two values with the same near key differ at most by characters OCR confuses (O/0, I/l/1,
S/5, B/8, Z/2, G/6) or by separators (dashes, dots, slashes, blanks), so a lookup for near
misses stays an equality lookup on an indexed column.  A person's near key is the birth
date alone: near misses of a person (a date misread, a letter of the name misread) are
told apart by comparing the few Akten born on the candidate dates.
"""

from __future__ import annotations

import re

PERSON = "person"
_TO_DIGIT = str.maketrans(
    {"O": "0", "Q": "0", "I": "1", "L": "1", "|": "1"}
    | {
        "S": "5",
        "B": "8",
        "Z": "2",
        "G": "6",
    }
)
_NOT_ALNUM = re.compile(r"[\W_]+")


def fold(value: str) -> str:
    """Upper-case, confusable letters as digits, separators dropped."""
    return _NOT_ALNUM.sub("", value.upper().translate(_TO_DIGIT))


def near_key(kind: str, value: str) -> str:
    """The value near misses of a subject key of ``kind`` are looked up by."""
    if kind == PERSON:
        return value.rsplit("|", 1)[-1]
    return fold(value)[:300]
