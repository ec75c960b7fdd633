"""Near misses: existing Akten whose subject key a letter's reference nearly names.

A near miss is a proposal for the mail room, never a filing: OCR may have misread a
digit of a Kassenzeichen, but so may the sender have meant another file.  Exact matches
are :func:`~services.classification.matching.match_references`' job; an Akte it finds for
the same references is never proposed here.

Every lookup is an equality lookup on an index, the near key of the subject keys (see
:mod:`services.classification.references.folding`) or the Aktenzeichen:

- Aktenzeichen: one the letter prints with OCR's letters for digits ("122.O4-1/2026",
  read as ``AKTENZEICHEN_MISREAD``) names the Akte with that Aktenzeichen.
- Kassenzeichen, Bauantrag, sender reference: the near key of the letter's value, and of
  the value read again after OCR's letters between digits were taken for digits
  ("S.0123.456789.0", "BA 2O26/0173"); separators never count.
- Person: the birth date and a bounded set of dates OCR or a typist makes of it (day and
  month swapped, two adjacent digits transposed, one digit wrong).  A candidate born on
  another date must carry the same names; one born on the same date may differ by one
  letter of the names (after OCR's typical confusions).

A reference that nearly names more than ``limit`` Akten at its best distance is
ambiguous and proposes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.classification.matching import keys_in, match_references
from services.classification.references import (
    Reference,
    ReferenceKind,
    normalize_bauantrag,
    normalize_kassenzeichen,
    normalize_sender_reference,
)
from services.classification.references.folding import (
    bauantrag_near,
    fold,
    lone_letters_as_digits,
    near_key,
)
from services.classification.references.near_names import names_near
from services.db.models import Akte, AkteSubjectKey

_MISREAD = ReferenceKind.AKTENZEICHEN_MISREAD.value

_KIND_LABEL = {
    ReferenceKind.AKTENZEICHEN_MISREAD: "Aktenzeichen",
    ReferenceKind.KASSENZEICHEN: "Kassenzeichen",
    ReferenceKind.BAUANTRAG: "Bauantrag",
    ReferenceKind.SENDER_REFERENCE: "sender reference",
    ReferenceKind.PERSON: "person",
}


@dataclass(frozen=True)
class NearMiss:
    akte: Akte
    """An existing Akte whose subject key nearly matches."""
    reference: Reference
    """What the letter printed."""
    akte_value: str
    """The Akte's subject key (as displayed) that the reference nearly matches."""
    reason: str


@dataclass(frozen=True)
class _Want:
    """A near key to look up for a reference, and how far that reading is from it."""

    reference: Reference
    kind: str
    key: str
    distance: int
    why: str


def find_near_misses(
    session: Session, references: Sequence[Reference], *, limit: int = 3
) -> list[NearMiss]:
    """Akten the references nearly name, best first, at most ``limit``; never an exact match."""
    wants = [w for r in references if r.kind in _KIND_LABEL for w in _wants(r)]
    if not wants or limit <= 0:
        return []
    exact = {m.akte.id for m in match_references(session, references)}
    candidates = _candidates(session, wants, exact)
    chosen: list[tuple[int, int, str, _Want, str]] = []
    for order, reference in enumerate(references):
        found: dict[str, tuple[int, _Want, str]] = {}
        for want in (w for w in wants if w.reference is reference):
            for value, display, akte_id in candidates.get((want.kind, want.key), ()):
                distance = _distance(want, value)
                best = found.get(akte_id)
                if distance is not None and (best is None or distance < best[0]):
                    found[akte_id] = (distance, want, display)
        if not found:
            continue
        nearest = min(distance for distance, _, _ in found.values())
        tier = [(a, w, d) for a, (distance, w, d) in found.items() if distance == nearest]
        if len(tier) <= limit:  # more at the same distance: ambiguous, propose none
            chosen.extend((nearest, order, akte_id, want, d) for akte_id, want, d in tier)
    akten = {
        akte.id: akte
        for akte in session.scalars(select(Akte).where(Akte.id.in_({c[2] for c in chosen})))
    }
    chosen.sort(key=lambda c: (c[0], c[1], akten[c[2]].aktenzeichen))
    proposals: list[NearMiss] = []
    for _, _, akte_id, want, display in chosen:
        if len(proposals) < limit and all(p.akte.id != akte_id for p in proposals):
            reference = want.reference
            reason = f"{_KIND_LABEL[reference.kind]} {reference.printed!r} {want.why} {display!r}"
            proposals.append(NearMiss(akten[akte_id], reference, display, reason))
    return proposals


def _candidates(
    session: Session, wants: Sequence[_Want], exact: set[str]
) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """(value, display, Akte id) of the keys with a wanted near key, by (kind, near key).

    A misread Aktenzeichen's candidate is the Akte with that Aktenzeichen.
    """
    found: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    keyed = [(w.kind, w.key) for w in wants if w.kind != _MISREAD]
    if keyed:
        for kind, key, value, display, akte_id in session.execute(
            select(
                AkteSubjectKey.kind,
                AkteSubjectKey.near_key,
                AkteSubjectKey.value,
                AkteSubjectKey.display,
                AkteSubjectKey.akte_id,
            ).where(keys_in(AkteSubjectKey.near_key, keyed))
        ):
            if akte_id not in exact and key is not None:
                found.setdefault((kind, key), []).append((value, display, akte_id))
    numbers = [w.key for w in wants if w.kind == _MISREAD]
    if numbers:
        query = select(Akte.aktenzeichen, Akte.id).where(Akte.aktenzeichen.in_(numbers))
        for number, akte_id in session.execute(query):
            if akte_id not in exact:
                found.setdefault((_MISREAD, number), []).append((number, number, akte_id))
    return found


def _distance(want: _Want, value: str) -> int | None:
    """How near the Akte's value is to the reference, None when it is not a near miss."""
    reference = want.reference
    if reference.kind is ReferenceKind.AKTENZEICHEN_MISREAD:
        return want.distance
    if value == reference.value:
        return None
    if reference.kind is ReferenceKind.BAUANTRAG:
        # the printed form: the normal form drops zeros after a misread letter ("1Z02" -> "1-Z-2")
        readings = (reference.printed, _reread(reference))
        return want.distance if any(bauantrag_near(value, r) for r in readings) else None
    if reference.kind is not ReferenceKind.PERSON:
        return want.distance if fold(value) == want.key else None
    family, given, born = reference.value.split("|")
    other_family, other_given, other_born = value.split("|")
    if other_born != born:
        same_names = (other_family, other_given) == (family, given)
        return want.distance if other_born == want.key and same_names else None
    return 3 if names_near(f"{family}|{given}", f"{other_family}|{other_given}") else None


def _wants(reference: Reference) -> list[_Want]:
    kind = reference.kind.value
    if reference.kind is ReferenceKind.AKTENZEICHEN_MISREAD:
        return [_Want(reference, kind, reference.value, 1, "reads with OCR's letters as digits as")]
    if reference.kind is ReferenceKind.PERSON:
        born = reference.value.rsplit("|", 1)[-1]
        wants = [_Want(reference, kind, born, 3, "has a name one letter off from")]
        for variant, distance, why in _date_variants(date.fromisoformat(born)):
            wants.append(_Want(reference, kind, variant.isoformat(), distance, why))
        return wants
    keys = {near_key(kind, reference.value), near_key(kind, _reread(reference))}
    return [
        _Want(reference, kind, key, 1, "differs by OCR confusions or separators from")
        for key in sorted(keys)
        if key
    ]


def _reread(reference: Reference) -> str:
    """The printed reference normalised again, its lone OCR letters taken for digits."""
    digits = lone_letters_as_digits(reference.printed)
    if reference.kind is ReferenceKind.KASSENZEICHEN:
        return normalize_kassenzeichen(digits)
    if reference.kind is ReferenceKind.BAUANTRAG:
        return normalize_bauantrag(digits)
    return normalize_sender_reference(digits)


def _date_variants(born: date) -> list[tuple[date, int, str]]:
    """Dates OCR or a typist makes of a birth date, with their distance (smaller is likelier)."""
    text = born.strftime("%d%m%Y")
    found: dict[date, tuple[int, str]] = {}

    def add(digits: str, distance: int, why: str) -> None:
        try:
            variant = date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
        except ValueError:
            return
        if variant != born and (variant not in found or found[variant][0] > distance):
            found[variant] = (distance, why)

    add(text[2:4] + text[:2] + text[4:], 1, "has day and month swapped against")
    for i in range(len(text) - 1):
        if text[i] != text[i + 1]:
            add(
                text[:i] + text[i + 1] + text[i] + text[i + 2 :],
                1,
                "has two digits of the birth date transposed against",
            )
    for i, digit in enumerate(text):
        for other in "0123456789":
            if other != digit:
                add(
                    text[:i] + other + text[i + 1 :],
                    2,
                    "has one digit of the birth date wrong against",
                )
    return [(d, distance, why) for d, (distance, why) in found.items()]
