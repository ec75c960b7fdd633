"""References in incoming letters: what points a letter at an existing Akte.

Pure text processing: :func:`extract_references` reads the OCR text of a letter and
returns the references it can read unambiguously; matching them against Akten is done
elsewhere.  The ``normalize_*`` functions and :func:`person_key` also normalise the
subject keys a case worker types, so that matching is an equality test.  Normal forms:

- Aktenzeichen: the canonical string of the injected finder.
- Kassenzeichen: the digits only, leading zeros kept
  ("5.0123.456789.0", "5 0123 456789 0" -> "501234567890").
- Bauantrag: the runs of letters and of digits, upper-case, leading zeros of digit runs
  dropped, joined by single "-" ("BA-2026-0173", "BA 2026/173", "ba2026.0173" ->
  "BA-2026-173"; "63/0173/2026" -> "63-173-2026").  The order of the parts is kept and
  nothing is expanded: "BA 173/2026" is "BA-173-2026", a year "26" stays "26".
- Sender reference: upper-case, whitespace removed, only letters, digits, "/", "-" and "."
  kept, and none of these three at either end ("ra-2026 / 0815" -> "RA-2026/0815",
  "815/26 KM/ks" -> "815/26KM/KS").
- Person: "family|given|YYYY-MM-DD" with folded names, see :func:`person_key`.

Precision comes before recall: a value is read only right after its label or below it in a
DIN 5008 Bezugszeichenzeile, and a snippet that reads two ways gives no reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from services.classification.references.folding import lone_letters_as_digits
from services.classification.references.labelled import (
    OUR_ROLES,
    Reading,
    attached_label,
    labels_of,
    read_inline,
    read_tables,
)
from services.classification.references.normal_forms import (
    Reference,
    ReferenceKind,
    normalize_bauantrag,
    normalize_kassenzeichen,
    normalize_sender_reference,
    person_key,
)
from services.classification.references.persons import read_persons

__all__ = [
    "AktenzeichenFinder",
    "Reference",
    "ReferenceKind",
    "extract_references",
    "normalize_bauantrag",
    "normalize_kassenzeichen",
    "normalize_sender_reference",
    "person_key",
]

AktenzeichenFinder = Callable[[str], Sequence[tuple[str, int, int]]]


# --- the whole letter ---------------------------------------------------------------------


def extract_references(text: str, *, find_aktenzeichen: AktenzeichenFinder) -> list[Reference]:
    """Every reference the letter names unambiguously, in text order, each (kind, value) once.

    ``find_aktenzeichen`` returns ``(canonical Aktenzeichen, start, end)`` for every
    Aktenzeichen of ours printed in a text.  One that stands under a label of the sender
    ("Unser Zeichen") is the sender's reference; under an invoice or customer number, or
    in a Bezugszeichenzeile that reads two ways, it is dropped.  One that the finder sees
    only once OCR's lone letters are taken for digits ("122.O4-1/2026") is given as
    ``AKTENZEICHEN_MISREAD``: a near miss to propose, never a match.
    """
    found = _read(text, find_aktenzeichen)
    folded = lone_letters_as_digits(text)
    misread = {start for _, start, _ in find_aktenzeichen(folded)} - {
        r.start for r in found if r.kind is ReferenceKind.AKTENZEICHEN
    }
    if misread:
        for ref in _read(folded, find_aktenzeichen):
            if ref.kind is ReferenceKind.AKTENZEICHEN and ref.start in misread:
                printed = text[ref.start : ref.start + len(ref.printed)]
                found.append(
                    Reference(
                        ReferenceKind.AKTENZEICHEN_MISREAD, ref.value, printed, ref.start, ref.label
                    )
                )
    unique: dict[tuple[ReferenceKind, str], Reference] = {}
    for ref in sorted(found, key=lambda r: r.start):
        unique.setdefault((ref.kind, ref.value), ref)
    return list(unique.values())


def _read(text: str, find_aktenzeichen: AktenzeichenFinder) -> list[Reference]:
    hits = {(start, end): value for value, start, end in find_aktenzeichen(text)}
    spans = sorted(hits)
    labels = labels_of(text)
    reading = Reading([], {}, set())
    read_tables(text, labels, spans, reading)
    read_inline(text, labels, spans, reading)
    for start, end in spans:
        if start in reading.blocked:
            continue
        label = reading.hit_labels.get(start)
        if label is None:
            attached = attached_label(text, labels, start)
            if attached is not None and attached.role not in OUR_ROLES:
                continue
            label = attached.printed if attached else None
        reading.references.append(
            Reference(ReferenceKind.AKTENZEICHEN, hits[start, end], text[start:end], start, label)
        )
    reading.references.extend(read_persons(text))
    return reading.references
