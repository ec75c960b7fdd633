"""References printed in a letter: what the mail room can match against existing Akten.

Pure text in, references out; no database.  Values are normalised so that a reference
printed in a letter and the same reference typed by a case worker as a subject key of an
Akte compare equal.  Precision goes before recall: an ambiguous snippet yields nothing.

Normal forms:

- Aktenzeichen: whatever the injected finder returns (the plan pattern's canonical form).
- Sender reference: upper case, whitespace removed, only letters, digits and ``/ - .``.
- Kassenzeichen: digits only.
- Bauantrag number: upper-case alphanumeric groups joined by single ``-``
  (``BA 173/2026`` → ``BA-173-2026``); leading zeros of digit groups are dropped.
- Person: ``family|given|YYYY-MM-DD``, case-folded, umlauts written out (ä → ae, ß → ss),
  accents stripped, only the first given name (letters often drop middle names).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

AktenzeichenFinder = Callable[[str], Sequence[tuple[str, int, int]]]


class ReferenceKind(StrEnum):
    AKTENZEICHEN = "aktenzeichen"
    """Our own file reference, in any printed form."""
    SENDER_REFERENCE = "sender_reference"
    """The sender's own reference ("Unser Zeichen" in their letter)."""
    KASSENZEICHEN = "kassenzeichen"
    BAUANTRAG = "bauantrag"
    PERSON = "person"


@dataclass(frozen=True)
class Reference:
    kind: ReferenceKind
    value: str
    """Normalised, comparable."""
    printed: str
    """As found in the text."""
    start: int
    label: str | None
    """The printed label, e.g. "Ihr Zeichen", "Kassenzeichen"."""


_SENDER_LABEL = (
    r"(?:Unser(?:e)?\s+(?:Zeichen|Az\.?|Aktenzeichen|Referenz|Gesch(?:ä|ae)ftszeichen)"
    r"|Mein\s+Zeichen|Mandant(?:en)?[-\s]?(?:Nr\.?|Az\.?)?)"
)
_VALUE = r"[A-Za-z0-9ÄÖÜäöü][A-Za-z0-9ÄÖÜäöü./\-]*(?:[ ][A-Za-z0-9./\-]*\d[A-Za-z0-9./\-]*)?"
_SENDER = re.compile(rf"(?P<label>{_SENDER_LABEL})\s*[:.]?\s*(?P<value>{_VALUE})")

_KASSE_LABEL = r"(?:Kassen[-\s]?[Zz]eichen|Buchungszeichen|Personenkonto|KZ|Kz\.)"
_KASSE = re.compile(
    rf"(?<![A-Za-z])(?P<label>{_KASSE_LABEL})\s*(?:Nr\.?)?\s*[:.]?\s*"
    r"(?P<value>\d[\d.\s\-]{3,28}\d)(?![\d])"
)

_BAU_LABEL = (
    r"(?:Bauantrags?[-\s]?(?:Nr\.?|Nummer|nummer)|Bauantrag\s+Nr\.?|"
    r"Vorgangs[-\s]?Nr\.?(?:\s*\(Bauaufsicht\))?|Az\.?\s+der\s+Bauaufsicht)"
)
_BAU = re.compile(
    rf"(?P<label>{_BAU_LABEL})\s*[:.]?\s*"
    r"(?P<value>(?:[A-Z]{1,4}[\s\-]?)?\d{1,5}(?:\s*[/\-]\s*\d{1,5}){1,2})(?![\d/])"
)

_NAME_PART = r"[A-ZÄÖÜ][a-zäöüßéèáàçñ]+(?:-[A-ZÄÖÜ][a-zäöüßéèáàçñ]+)?"
_PARTICLE = r"(?:(?:von|van|de|der|den|zu|el|al)\s+)*"
_DATE_NUMERIC = r"(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>(?:19|20)\d{2})"
_MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5,
    "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
    "dezember": 12,
}  # fmt: skip
_DATE_WORDS = (
    r"(?P<wday>\d{1,2})\.\s?(?P<wmonth>" + "|".join(_MONTHS) + r")\s+(?P<wyear>(?:19|20)\d{2})"
)
_BORN = r"(?:geb\.|geboren|\*)\s*(?:am\s+)?"
_TITLE = r"(?:(?:Herr|Frau|Herrn)\s+)?(?:(?:Dr|Prof)\.\s+)?"
_PERSON_FORWARD = re.compile(
    rf"{_TITLE}(?P<given>{_NAME_PART}(?:\s+{_NAME_PART})?)\s+"
    rf"(?P<family>{_PARTICLE}{_NAME_PART}),?\s*\(?\s*{_BORN}"
    rf"(?:{_DATE_NUMERIC}|{_DATE_WORDS})",
    re.IGNORECASE,
)
_PERSON_REVERSED = re.compile(
    rf"(?P<family>{_PARTICLE}{_NAME_PART}),\s*(?P<given>{_NAME_PART}(?:\s+{_NAME_PART})?),?\s*"
    rf"{_BORN}(?:{_DATE_NUMERIC}|{_DATE_WORDS})"
)
_PERSON_FORM = re.compile(
    rf"Name\s*:\s*(?P<family>{_PARTICLE}{_NAME_PART})\s*,?\s*Vorname\s*:\s*"
    rf"(?P<given>{_NAME_PART}(?:\s+{_NAME_PART})?)\s*,?\s*Geburtsdatum\s*:\s*{_DATE_NUMERIC}"
)
_NOT_A_NAME = frozenset(
    {"herr", "herrn", "frau", "damen", "herren", "sehr", "geehrte", "mit", "und", "ich", "wir"}
)


def extract_references(text: str, *, find_aktenzeichen: AktenzeichenFinder) -> list[Reference]:
    """Every reference in ``text``, deduplicated by (kind, value), in text order."""
    found = [
        *_aktenzeichen(text, find_aktenzeichen),
        *_sender_references(text),
        *_kassenzeichen(text),
        *_bauantraege(text),
        *_persons(text),
    ]
    unique: dict[tuple[ReferenceKind, str], Reference] = {}
    for reference in sorted(found, key=lambda r: r.start):
        unique.setdefault((reference.kind, reference.value), reference)
    return list(unique.values())


def normalize_kassenzeichen(raw: str) -> str:
    return re.sub(r"\D", "", raw)


def normalize_bauantrag(raw: str) -> str:
    groups = re.findall(r"[A-Za-z]+|\d+", raw.upper())
    return "-".join(str(int(g)) if g.isdigit() else g for g in groups)


def normalize_sender_reference(raw: str) -> str:
    return re.sub(r"[^A-Z0-9ÄÖÜ/\-.]", "", raw.upper()).strip("./-")


def person_key(family_name: str, given_names: str, birth_date: date) -> str:
    given = given_names.split()[0] if given_names.split() else ""
    return f"{_fold_name(family_name)}|{_fold_name(given)}|{birth_date.isoformat()}"


def _fold_name(name: str) -> str:
    folded = name.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    folded = folded.replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", folded)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " - ").split()).replace(" - ", "-")


def _aktenzeichen(text: str, finder: AktenzeichenFinder) -> list[Reference]:
    return [
        Reference(
            kind=ReferenceKind.AKTENZEICHEN,
            value=canonical,
            printed=text[start:end],
            start=start,
            label=_label_before(text, start),
        )
        for canonical, start, end in finder(text)
    ]


def _label_before(text: str, start: int) -> str | None:
    before = text[max(0, start - 40) : start]
    match = re.search(
        r"(Ihr(?:e)?\s+(?:Zeichen|Az\.?|Aktenzeichen|Nachricht)|Aktenzeichen|Gesch(?:ä|ae)ftszeichen"
        r"|Az\.?|AZ|Gz\.?)\s*[:.]?\s*$",
        before,
    )
    return match.group(1) if match else None


def _sender_references(text: str) -> list[Reference]:
    references = [
        _reference(ReferenceKind.SENDER_REFERENCE, normalize_sender_reference, m)
        for m in _SENDER.finditer(text)
    ]
    references += _reference_line(text)
    return [r for r in references if len(r.value) >= 3 and any(c.isdigit() for c in r.value)]


def _reference_line(text: str) -> list[Reference]:
    """The DIN 5008 reference line: labels in one line, their values below in order."""
    lines = text.splitlines(keepends=True)
    offset = 0
    found: list[Reference] = []
    for index, line in enumerate(lines[:-1]):
        labels = re.findall(
            r"(Ihr(?:e)?\s+Zeichen|Unser(?:e)?\s+Zeichen|Datum|Ihre\s+Nachricht)", line
        )
        if len(labels) >= 2 and ":" not in line:
            below = lines[index + 1]
            values = [
                (m.group(0), m.start())
                for m in re.finditer(r"\S+(?:\s\S+)*?(?=\s{2,}|\s*$)", below)
            ]
            if len(values) == len(labels):
                start_of_below = offset + len(line)
                for label, (value, position) in zip(labels, values, strict=True):
                    if label.lower().startswith("unser"):
                        found.append(
                            Reference(
                                kind=ReferenceKind.SENDER_REFERENCE,
                                value=normalize_sender_reference(value),
                                printed=value,
                                start=start_of_below + position,
                                label=label,
                            )
                        )
        offset += len(line)
    return found


def _kassenzeichen(text: str) -> list[Reference]:
    references = []
    for match in _KASSE.finditer(text):
        value = normalize_kassenzeichen(match.group("value"))
        if 6 <= len(value) <= 20:
            references.append(
                Reference(
                    kind=ReferenceKind.KASSENZEICHEN,
                    value=value,
                    printed=match.group("value").strip(),
                    start=match.start("value"),
                    label=match.group("label"),
                )
            )
    return references


def _bauantraege(text: str) -> list[Reference]:
    return [
        _reference(ReferenceKind.BAUANTRAG, normalize_bauantrag, m) for m in _BAU.finditer(text)
    ]


def _reference(
    kind: ReferenceKind, normalise: Callable[[str], str], match: re.Match[str]
) -> Reference:
    printed = match.group("value").strip()
    return Reference(
        kind=kind,
        value=normalise(printed),
        printed=printed,
        start=match.start("value"),
        label=" ".join(match.group("label").split()),
    )


def _persons(text: str) -> list[Reference]:
    references = []
    for pattern in (_PERSON_FORWARD, _PERSON_REVERSED, _PERSON_FORM):
        for match in pattern.finditer(text):
            family, given = match.group("family"), match.group("given")
            if {family.casefold(), given.split()[0].casefold()} & _NOT_A_NAME:
                continue
            born = _birth_date(match)
            if born is None:
                continue
            references.append(
                Reference(
                    kind=ReferenceKind.PERSON,
                    value=person_key(family, given, born),
                    printed=" ".join(match.group(0).split()),
                    start=match.start(),
                    label=None,
                )
            )
    return references


def _birth_date(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups.get("day"):
            return date(int(groups["year"]), int(groups["month"]), int(groups["day"]))
        if groups.get("wday"):
            month = _MONTHS[groups["wmonth"].lower()]
            return date(int(groups["wyear"]), month, int(groups["wday"]))
    except ValueError:
        return None
    return None
