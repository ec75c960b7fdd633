"""What a routed letter proposes: an existing Akte of its code, or a new one with its keys.

A letter is *routed* when the classifier is sure of a code that keeps one Akte per person
or object (:mod:`services.classification.policy`) but no reference identified the Akte.
The responsible unit then gets the letter with a proposal it can accept in one step:

* an **existing Akte** of that code whose subject keys the letter names less strictly
  than reference matching demands: a Kassenzeichen, Bauantrag number or reference of the
  Akte printed without a label, else a person's given and family name side by side
  without a birth date, or the plot (Flurstück) the Akte is kept for.  Exactly one candidate is
  proposed; several are listed as further suggestions and a new Akte is proposed instead,
  because choosing among namesakes is the case worker's call;
* else a **new Akte** with the subject keys read from the letter (a person with birth
  date, Kassenzeichen, Bauantrag number, the sender's reference, the plot), titled after
  its first key, else after the letter's subject line.

Nothing here files anything: the proposal is stored with the classification and carried
out only when a person accepts it (:mod:`services.classification.review`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from file_plan import FilePlan
from services.classification.matching import keys_in
from services.classification.references import (
    Reference,
    ReferenceKind,
    normalize_bauantrag,
    normalize_kassenzeichen,
    normalize_sender_reference,
    person_key,
)
from services.db.models import Akte, AkteStatus, AkteSubjectKey
from services.errors import InvalidInputError
from services.records.subject_keys import SubjectKey, SubjectKeyKind, subject_key

MAX_CANDIDATES = 5
_CONDITION_CHUNK = 200
_MIN_KEY_DIGITS = 3
_MIN_KASSENZEICHEN_DIGITS = 8
_FULL_PLOT = 3
_TOKEN = re.compile(r"(?<![\w/.-])\w[\w/.-]*\w")
_DIGIT_RUN = re.compile(r"(?<![\d.])\d[\d .]{6,22}\d(?![\d])")
_ANY_DAY = date(2000, 1, 1)
_NAME = r"[A-ZÄÖÜ][^\W\d_]+(?:-[A-ZÄÖÜ][^\W\d_]+)?"
_NAME_PAIR = re.compile(rf"(?=(?<![^\W\d_])({_NAME})[ \t]+({_NAME})(?![^\W\d_]))")
_NAME_COMMA = re.compile(rf"(?<![^\W\d_])({_NAME}),[ \t]*({_NAME})(?![^\W\d_])")
_FLURSTUECK = re.compile(
    r"Flurst(?:ück|ueck|\.)s?(?:nummer|[ \t]*-?[ \t]*Nr\.?)?[ \t]*:?[ \t]*(\d{1,5}(?:/\d{1,4})?)"
)
_FLUR = re.compile(r"(?<![^\W\d_])Flur[ \t]*:?[ \t]*(\d{1,3})(?!\d)")
_GEMARKUNG = re.compile(r"Gemarkung[ \t]*:?[ \t]*([A-ZÄÖÜ][^\W\d_]+(?:[ -][A-ZÄÖÜ][^\W\d_]+)?)")
_SUBJECT_LINE = re.compile(r"^[ \t]*(?:Betreff|Betr\.|Betrifft)[ \t]*:[ \t]*(\S.*)$", re.M)
_KEYED_KINDS = (
    ReferenceKind.PERSON,
    ReferenceKind.KASSENZEICHEN,
    ReferenceKind.BAUANTRAG,
    ReferenceKind.SENDER_REFERENCE,
)


@dataclass(frozen=True)
class NewAkteProposal:
    """An Akte to open: its title and the subject keys read from the letter."""

    title: str
    subject_keys: tuple[SubjectKey, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "subject_keys": [
                {"kind": k.kind, "value": k.value, "display": k.display} for k in self.subject_keys
            ],
        }


@dataclass(frozen=True)
class Proposal:
    """Where a routed letter should go: ``akte`` (existing) or ``new_akte``, never both."""

    akte: Akte | None
    new_akte: NewAkteProposal | None
    reason: str
    others: tuple[Akte, ...] = ()
    """Further existing candidates, listed for the case worker."""
    printed_key: bool = False
    """The candidates were found by a Kassenzeichen, Bauantrag number or reference of
    theirs that the letter prints (not just by a name or a plot)."""


def propose(
    session: Session, plan: FilePlan, code: str, text: str, references: Sequence[Reference]
) -> Proposal:
    """The existing Akte of ``code`` the letter points to, else a new one (module doc)."""
    keys = letter_subject_keys(text, references)
    candidates, printed_key = find_candidates(session, code, text, keys, references)
    if len(candidates) == 1:
        akte = candidates[0]
        return Proposal(
            akte=akte,
            new_akte=None,
            reason=f"the letter names what Akte {akte.aktenzeichen} ({akte.title}) is kept for",
            printed_key=printed_key,
        )
    new = NewAkteProposal(title=_title(plan, code, text, keys), subject_keys=tuple(keys))
    listed = ", ".join(k.display for k in keys) or "none read from the letter"
    reason = f"a new Akte ({listed})"
    if candidates:
        reason += f"; {len(candidates)} existing Akten fit the letter equally, listed below"
    return Proposal(
        akte=None, new_akte=new, reason=reason, others=tuple(candidates), printed_key=printed_key
    )


def letter_subject_keys(text: str, references: Sequence[Reference]) -> list[SubjectKey]:
    """The subject keys a new Akte for this letter would carry, persons first."""
    keys: list[SubjectKey] = []
    for kind in _KEYED_KINDS:
        for reference in references:
            if reference.kind is not kind:
                continue
            display = _person_display(reference) if kind is ReferenceKind.PERSON else None
            key = _key(kind.value, display or reference.printed)
            if key is not None and key.value == reference.value:
                keys.append(key)
    plot = flurstueck_display(text)
    if plot is not None and (key := _key(SubjectKeyKind.FLURSTUECK.value, plot)) is not None:
        keys.append(key)
    unique: dict[tuple[str, str], SubjectKey] = {}
    for key in keys:
        unique.setdefault((key.kind, key.value), key)
    return list(unique.values())


def find_candidates(
    session: Session,
    code: str,
    text: str,
    keys: Sequence[SubjectKey],
    references: Sequence[Reference] = (),
) -> tuple[list[Akte], bool]:
    """Open Akten of ``code`` the letter names, and whether it names them firmly.

    Firm: a Kassenzeichen, Bauantrag number or reference of the Akte printed anywhere in
    the letter (unlabelled, so reference matching did not read it); the person of the Akte
    with the same birth date and the same names in another order ("Nguyen Thi Thu Ha");
    its plot with Gemarkung, Flur and Flurstück all agreeing.  Only when nothing is firm,
    persons named without birth date (a namesake with another birth date in the letter is
    not the same person) and plots given in part are looked at.
    """
    persons = [r for r in references if r.kind is ReferenceKind.PERSON]
    firm_conditions = _birth_conditions(persons) + _plot_conditions(keys)
    if printed := _printed_keys(text):
        firm_conditions.append(keys_in(AkteSubjectKey.value, printed))
    loose: list[Akte] = []
    firm: list[Akte] = []
    for kind, value, akte in _rows(session, code, firm_conditions):
        if kind == SubjectKeyKind.PERSON:
            if _same_person(value, persons):
                firm.append(akte)
        elif kind == SubjectKeyKind.FLURSTUECK:
            agreement = _plot_agreement(value, keys)
            (firm if agreement == _FULL_PLOT else loose if agreement else []).append(akte)
        else:
            firm.append(akte)
    if firm:
        return _first(firm), True
    born = {r.value.rsplit("|", 1)[0]: r.value for r in persons}
    for _, value, akte in _rows(session, code, _name_conditions(text)):
        if born.get(value.rsplit("|", 1)[0], value) == value:
            loose.append(akte)
    return _first(loose), False


def _birth_conditions(persons: Sequence[Reference]) -> list[Any]:
    return [
        and_(
            AkteSubjectKey.kind == SubjectKeyKind.PERSON.value,
            AkteSubjectKey.near_key == r.value.rsplit("|", 1)[1],
        )
        for r in persons
    ]


def _same_person(value: str, persons: Sequence[Reference]) -> bool:
    """The Akte's person key names a letter's person: same birth date, all its names printed."""
    family, given, born = value.split("|")
    for person in persons:
        if not person.value.endswith("|" + born):
            continue
        printed = {_person_fold(word) for word in re.findall(r"[^\W\d_]+", person.printed)}
        printed |= {part for word in printed for part in word.split(" ")}
        if given in printed and set(family.split(" ")) <= printed:
            return True
    return False


def _rows(session: Session, code: str, conditions: Sequence[Any]) -> list[tuple[str, str, Akte]]:
    """(kind, value, Akte) of the subject keys meeting any condition, open Akten of ``code``.

    The keys are looked up first and their Akten second, so that the subject key indexes
    drive the search: joined in one query, SQLite without statistics starts from the
    Akten's status index and reads every open Akte.
    """
    keys: list[tuple[str, str, str]] = []
    for start in range(0, len(conditions), _CONDITION_CHUNK):
        chunk = conditions[start : start + _CONDITION_CHUNK]
        found = select(AkteSubjectKey.kind, AkteSubjectKey.value, AkteSubjectKey.akte_id)
        keys += [
            (kind, value, akte_id)
            for kind, value, akte_id in session.execute(found.where(or_(*chunk)))
        ]
    if not keys:
        return []
    wanted = sorted({akte_id for _, _, akte_id in keys})
    akten: dict[str, Akte] = {}
    for start in range(0, len(wanted), _CONDITION_CHUNK):
        open_akten = select(Akte).where(
            Akte.id.in_(wanted[start : start + _CONDITION_CHUNK]),
            Akte.file_plan_code == code,
            Akte.status == AkteStatus.OPEN,
        )
        akten.update((akte.id, akte) for akte in session.scalars(open_akten))
    return [(kind, value, akten[akte_id]) for kind, value, akte_id in keys if akte_id in akten]


def _first(akten: Iterable[Akte]) -> list[Akte]:
    unique = {akte.id: akte for akte in akten}
    return sorted(unique.values(), key=lambda a: a.aktenzeichen)[:MAX_CANDIDATES]


def _printed_keys(text: str) -> list[tuple[str, str]]:
    """(kind, value) of every token that reads as a Kassenzeichen, Bauantrag or reference."""
    found: set[tuple[str, str]] = set()
    for token in _TOKEN.findall(text):
        if sum(c.isdigit() for c in token) < _MIN_KEY_DIGITS:
            continue
        found.add((SubjectKeyKind.SENDER_REFERENCE.value, normalize_sender_reference(token)))
        found.add((SubjectKeyKind.BAUANTRAG.value, normalize_bauantrag(token)))
    for run in _DIGIT_RUN.findall(text):
        digits = normalize_kassenzeichen(run)
        if len(digits) >= _MIN_KASSENZEICHEN_DIGITS:
            found.add((SubjectKeyKind.KASSENZEICHEN.value, digits))
    return sorted(key for key in found if key[1])


def flurstueck_display(text: str) -> str | None:
    """The plot as "Gemarkung X, Flur 3, Flurstück 123/4" with the parts printed, or None."""
    plot = _FLURSTUECK.search(text)
    if plot is None:
        return None
    window = text[max(0, plot.start() - 120) : plot.end() + 60]
    parts = []
    if gemarkung := _GEMARKUNG.search(window):
        parts.append(f"Gemarkung {gemarkung.group(1)}")
    if flur := _FLUR.search(window):
        parts.append(f"Flur {flur.group(1)}")
    parts.append(f"Flurstück {plot.group(1)}")
    return ", ".join(parts)


# --- helpers ------------------------------------------------------------------------------


def _key(kind: str, display: str) -> SubjectKey | None:
    try:
        return subject_key(kind, display)
    except InvalidInputError:
        return None


def _person_display(reference: Reference) -> str | None:
    """The person as "Family, Given, DD.MM.YYYY", names as printed (the value is folded)."""
    family, given, born = reference.value.split("|")
    printed = re.findall(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", reference.printed)
    folded = {_person_fold(word): word for word in printed}
    family_words = (
        [folded[family]]
        if family in folded
        else [folded.get(part, part.title()) for part in family.split(" ")]
    )
    given_word = next((w for w in printed if _person_fold(w).split(" ")[0] == given), given.title())
    day = date.fromisoformat(born)
    return f"{' '.join(family_words)}, {given_word}, {day:%d.%m.%Y}"


def _name_conditions(text: str) -> list[Any]:
    """Person keys starting ``family|given|`` for each two adjacent capitalised words."""
    pairs: set[tuple[str, str]] = set()
    for first, second in _NAME_PAIR.findall(text):
        pairs.add((second, first))  # "Ayşe Yılmaz"
        pairs.add((first, second))  # "Nguyen Thi", "Yılmaz Ayşe" in a list of names
    for first, second in _NAME_COMMA.findall(text):
        pairs.add((first, second))  # "Yılmaz, Ayşe"
    conditions = []
    for family, given in sorted(pairs):
        prefix = f"{_person_fold(family)}|{_person_fold(given).split(' ')[0]}|"
        if prefix.startswith("|") or "||" in prefix:
            continue
        conditions.append(
            and_(
                AkteSubjectKey.kind == SubjectKeyKind.PERSON.value,
                AkteSubjectKey.value >= prefix,
                AkteSubjectKey.value < prefix + "~",
            )
        )
    return conditions


def _person_fold(name: str) -> str:
    """A name folded as in person keys ("Yılmaz" -> "yilmaz"); "" without letters."""
    return person_key(name, "x", _ANY_DAY).split("|")[0]


def _plot_conditions(keys: Sequence[SubjectKey]) -> list[Any]:
    numbers = [_plot_parts(k.value)[2] for k in keys if k.kind == SubjectKeyKind.FLURSTUECK]
    return [
        and_(
            AkteSubjectKey.kind == SubjectKeyKind.FLURSTUECK.value,
            AkteSubjectKey.near_key == number,
        )
        for number in numbers
        if number
    ]


def _plot_parts(value: str) -> tuple[str | None, str | None, str | None]:
    """(Gemarkung, Flur, Flurstück) of a plot key's value, each None when not given.

    Reads the labelled form ("gemarkung x, flur 3, flurstück 12/4") and the short one a
    case worker types ("x 3 12/4", "3 12/4", "12/4").
    """
    gemarkung = re.search(r"gemarkung[ \t]*:?[ \t]*([^\W\d_]+(?:[ -][^\W\d_]+)?)", value)
    flur = re.search(r"(?<![^\W\d_])flur[ \t]*:?[ \t]*(\d{1,3})(?!\d)", value)
    plot = re.search(r"flurst\S*[ \t]*(?:nr\.?)?[ \t]*:?[ \t]*(\d{1,5}(?:/\d{1,4})?)", value)
    if gemarkung or flur or plot:
        return (
            gemarkung.group(1) if gemarkung else None,
            flur.group(1).lstrip("0") if flur else None,
            plot.group(1) if plot else None,
        )
    short = re.fullmatch(
        r"(?:([^\W\d_][^\d]*?)[ ,]+)?(?:(\d{1,3})[ ,]+)?(\d{1,5}(?:/\d{1,4})?)", value.strip()
    )
    if short is None:
        return (None, None, None)
    name, flur_number, number = short.groups()
    return (
        name.strip() if name else None,
        flur_number.lstrip("0") if flur_number else None,
        number,
    )


def _plot_agreement(value: str, keys: Sequence[SubjectKey]) -> int:
    """How many parts the Akte's plot shares with one the letter names (0: another plot).

    The Flurstück numbers must be equal, and no part that both give may differ.
    """
    theirs = _plot_parts(value)
    best = 0
    for key in keys:
        if key.kind != SubjectKeyKind.FLURSTUECK:
            continue
        ours = _plot_parts(key.value)
        pairs = list(zip(ours, theirs, strict=True))
        if not ours[2] or ours[2] != theirs[2]:
            continue
        if any(a is not None and b is not None and a != b for a, b in pairs):
            continue
        best = max(best, sum(a is not None and a == b for a, b in pairs))
    return best


def _title(plan: FilePlan, code: str, text: str, keys: Sequence[SubjectKey]) -> str:
    if keys:
        key = keys[0]
        if key.kind == SubjectKeyKind.PERSON:
            family, given, born = key.display.split(", ")
            return f"{family}, {given} (geb. {born})"
        return key.display
    line = _SUBJECT_LINE.search(text)
    if line:
        return line.group(1).strip()[:200]
    return f"{plan.get(code).title}: neuer Vorgang"
