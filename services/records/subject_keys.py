"""What a case file is about, normalised exactly as references found in letters are.

A case worker types "Mustermann, Max, 03.04.1985" or "Kassenzeichen 5.0123.456789.0";
a letter prints them in a dozen ways.  Both go through the same normalisation, so that
reference matching is an equality lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from services.classification.references import (
    ReferenceKind,
    normalize_bauantrag,
    normalize_kassenzeichen,
    normalize_sender_reference,
    person_key,
)
from services.errors import InvalidInputError


class SubjectKeyKind(StrEnum):
    PERSON = ReferenceKind.PERSON.value
    KASSENZEICHEN = ReferenceKind.KASSENZEICHEN.value
    BAUANTRAG = ReferenceKind.BAUANTRAG.value
    SENDER_REFERENCE = ReferenceKind.SENDER_REFERENCE.value
    FLURSTUECK = "flurstueck"
    LEGACY_REFERENCE = "legacy_reference"
    """The Aktenzeichen printed on an old file taken over by ``eakte import``."""
    OTHER = "other"


@dataclass(frozen=True)
class SubjectKey:
    kind: str
    value: str
    display: str


def subject_key(kind: str, raw: str) -> SubjectKey:
    """Normalise a typed subject key; raise :class:`InvalidInputError` when it cannot be."""
    try:
        key_kind = SubjectKeyKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in SubjectKeyKind)
        raise InvalidInputError(
            f"unknown subject key kind {kind!r}; use one of {allowed}"
        ) from None
    display = " ".join(raw.split())
    if not display:
        raise InvalidInputError(f"the {kind} subject key is empty")
    value = _normalise(key_kind, display)
    if not value:
        raise InvalidInputError(f"{display!r} is not a valid {kind} subject key")
    return SubjectKey(kind=key_kind.value, value=value, display=display)


def _normalise(kind: SubjectKeyKind, display: str) -> str:
    if kind is SubjectKeyKind.PERSON:
        return _person(display)
    if kind is SubjectKeyKind.KASSENZEICHEN:
        return normalize_kassenzeichen(display)
    if kind is SubjectKeyKind.BAUANTRAG:
        return normalize_bauantrag(display)
    if kind is SubjectKeyKind.SENDER_REFERENCE:
        return normalize_sender_reference(display)
    return re.sub(r"\s+", " ", display).casefold()


def _person(display: str) -> str:
    parts = [part.strip() for part in display.split(",")]
    if len(parts) != 3 or not all(parts):
        raise InvalidInputError(
            f"a person key is 'family name, given names, birth date', not {display!r}"
        )
    family, given, born = parts
    return person_key(family, given, _birth_date(born))


def _birth_date(text: str) -> date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise InvalidInputError(f"birth date {text!r} is neither DD.MM.YYYY nor YYYY-MM-DD")
