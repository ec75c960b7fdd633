"""Near keys: what a subject key value looks like once OCR's confusions are folded away.

Two values with the same near key differ at most by characters OCR confuses (O/0, I/l/1,
S/5, B/8, Z/2, G/6) or by separators (dashes, dots, slashes, blanks), so a lookup for near
misses stays an equality lookup on an indexed column.  A person's near key is the birth
date alone: near misses of a person (a date misread, a letter of the name misread) are
told apart by comparing the few Akten born on the candidate dates.  A plot's is its
Flurstück number, for the same reason.
"""

from __future__ import annotations

import re

PERSON = "person"
BAUANTRAG = "bauantrag"
FLURSTUECK = "flurstueck"
_PLOT_LABELLED = re.compile(r"flurst\S*[ \t]*(?:nr\.?)?[ \t]*:?[ \t]*(\d{1,5}(?:/\d{1,4})?)")
_PLOT_NUMBER = re.compile(r"(?<![\d/])\d{1,5}(?:/\d{1,4})?(?![\d/])")
# letters (upper-case) OCR makes of digits, and the digit each stands for
_TO_DIGIT = str.maketrans("OQIL|SBZG", "001115826")
_NOT_ALNUM = re.compile(r"[\W_]+")


# a letter OCR makes of a digit, standing alone between digits (separators may stand between)
LONE_LETTER = re.compile(
    r"(?<![^\W\d_])(?:(?<=\d)|(?<=\d[ .\-/]))[OoQIl|SBZG](?![^\W\d_])"
    r"|(?<![^\W\d_])[OoQIl|SBZG](?=[ .\-/]?\d)(?![^\W\d_])"
)


def lone_letters_as_digits(text: str) -> str:
    """The text with each letter OCR makes of a digit read as that digit where it stands alone.

    Alone: next to a digit, not next to another letter ("S.0123.456789.0" ->
    "5.0123.456789.0", "BA-2O26" -> "BA-2026").
    """
    return LONE_LETTER.sub(lambda m: m.group().upper().translate(_TO_DIGIT), text)


def fold(value: str) -> str:
    """Upper-case, confusable letters as digits, separators dropped."""
    return _NOT_ALNUM.sub("", value.upper().translate(_TO_DIGIT))


def near_key(kind: str, value: str) -> str:
    """The value near misses of a subject key of ``kind`` are looked up by.

    A person's is the birth date, a plot's the Flurstück number ("40/3" of "hagenbeck 11
    40/3" or "gemarkung hagenbeck, flur 11, flurstück 40/3"): the few Akten with it are
    then compared in full.

    A Bauantrag's near key drops its zeros: its normal form drops the leading zeros of each
    number ("BA-2026-0173" -> "BA-2026-173"), which a letter that runs two numbers together
    ("BA-20260173") keeps.  :func:`bauantrag_near` then tells the true near misses apart.
    """
    if kind == PERSON:
        return value.rsplit("|", 1)[-1]
    if kind == FLURSTUECK:
        labelled = _PLOT_LABELLED.search(value)
        numbers = _PLOT_NUMBER.findall(value)
        return labelled.group(1) if labelled else numbers[-1] if numbers else fold(value)[:300]
    if kind == BAUANTRAG:
        return fold(value).replace("0", "")[:300]
    return fold(value)[:300]


def bauantrag_near(normal_form: str, reading: str) -> bool:
    """Whether a letter's reading is the Bauantrag ``normal_form`` but for OCR and separators.

    Also leading zeros of its numbers may be there or not.
    """
    parts = normal_form.split("-")
    pattern = "".join("0*" + p if p.isdigit() else re.escape(fold(p)) for p in parts)
    return re.fullmatch(pattern, fold(reading)) is not None
