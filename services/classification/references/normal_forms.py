"""What a reference is, and the normal forms that make matching an equality test.

The normal forms are described in the package docstring (:mod:`services.classification.references`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.classification.references.folding import LONE_LETTER

# How a building application number is labelled: the label reader looks for it, and the
# normal form strips it when a case worker types it along with the number.
NR = r"(?:Nr\.?|Nummer|nummer)"
BAU_LABEL = (
    rf"Bauantrags?[ \t]?-?[ \t]?{NR}"
    r"|Bauantrag(?=[ \t]+[A-ZÄÖÜ]{1,4}[ \t]?-?[ \t]?\d)"  # "Bauantrag BA-2025-0988"
    r"|Vorgangs[ \t]?-?[ \t]?Nr\.?[ \t]?\(Bauaufsicht\)"
    r"|(?:Az\.?|Aktenzeichen)[ \t]+der[ \t]+Bauaufsicht"
)
_BAU_PREFIX = re.compile(rf"^\s*(?:{BAU_LABEL})[\s:.]*")


class ReferenceKind(StrEnum):
    """What a reference names; the values double as subject key kinds."""

    AKTENZEICHEN = "aktenzeichen"
    AKTENZEICHEN_MISREAD = "aktenzeichen_misread"
    """One of our Aktenzeichen, but only once OCR's lone letters are taken for digits
    ("122.O4-1/2026"): a near miss, never matched."""
    SENDER_REFERENCE = "sender_reference"
    KASSENZEICHEN = "kassenzeichen"
    BAUANTRAG = "bauantrag"
    PERSON = "person"


@dataclass(frozen=True)
class Reference:
    """A reference found in a text.

    ``value`` is the normal form (see the module docstring), ``printed`` the text as found
    at offset ``start``, ``label`` the printed label it stands under ("Ihr Zeichen",
    "Kassenzeichen"), if any.
    """

    kind: ReferenceKind
    value: str
    printed: str
    start: int
    label: str | None


# --- normal forms -------------------------------------------------------------------------


def normalize_kassenzeichen(raw: str) -> str:
    """The digits of a Kassenzeichen, leading zeros kept; "" when there are none.

    O, I, l and | between digits are OCR's misreadings of 0 and 1 ("5.0612.0I0988.2").
    Other letters OCR makes of digits (S, B, Z, G), standing alone among them, are kept
    upper-case: 5 or 8 is a guess, so "S.0123.456789.0" matches no Kassenzeichen exactly and
    is left to the near-miss proposals.
    """
    value = "".join(m.group().upper() for m in _KASSE_CHAR.finditer(ocr_digits(raw)))
    return value if any(c.isdigit() for c in value) else ""


def ocr_digits(raw: str) -> str:
    return _OCR_DIGIT.sub(lambda m: "0" if m.group() in "Oo" else "1", raw)


_KASSE_CHAR = re.compile(rf"\d|{LONE_LETTER.pattern}")
_OCR_DIGIT = re.compile(r"(?<=[\d.])[OoIl|](?=\d)|(?<=\d)[OoIl|](?=[\d.])")


def normalize_bauantrag(raw: str) -> str:
    """Letter and digit runs joined by "-", digit runs without leading zeros.

    A leading label ("Bauantrag Nr.") is ignored; "" when there is no digit.
    """
    number = _BAU_PREFIX.sub("", raw, count=1)
    parts = re.findall(r"[0-9]+|[^\W\d_]+", number.upper())
    if not any(part.isdigit() for part in parts):
        return ""
    return "-".join(part.lstrip("0") or "0" if part.isdigit() else part for part in parts)


def normalize_sender_reference(raw: str) -> str:
    """Upper-case; only letters, digits, "/", "-" and "." are kept, none of these at the ends."""
    return re.sub(r"[^\w/.\-]|_", "", raw.upper()).strip("/.-")


def person_key(family_name: str, given_names: str, birth_date: date) -> str:
    """``family|given|YYYY-MM-DD``; "" when either name has no letters.

    Names are folded: case, umlauts (ä -> ae, ß -> ss), accents and apostrophes are
    dropped, hyphens and spaces become one space ("El-Sayed" -> "el sayed").  Abbreviations
    such as "Dr." or an initial are skipped.  Only the first given name counts, and of a
    hyphenated one only its first part ("Hans-Peter Max" -> "hans"), because letters drop
    or shorten further given names.
    """
    family = _fold(" ".join(w for w in family_name.split() if not w.endswith(".")))
    given_words = [w for w in given_names.split() if not w.endswith(".")]
    given = _fold(given_words[0]).split(" ")[0] if given_words else ""
    if not family or not given:
        return ""
    return f"{family}|{given}|{birth_date.isoformat()}"


_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l"}
    | {"đ": "d", "ı": "i", "'": "", "’": "", "`": "", "´": ""}
)


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFC", name).lower().translate(_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", text))
