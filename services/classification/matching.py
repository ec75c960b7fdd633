"""Reference matching: the existing Akten that a letter's references point to."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from file_plan import AktenzeichenPattern, FilePlan
from services.classification.references import Reference, ReferenceKind, extract_references
from services.db.models import Akte, AkteSubjectKey


@dataclass(frozen=True)
class ReferenceMatch:
    akte: Akte
    references: tuple[Reference, ...]


def aktenzeichen_finder(plan: FilePlan) -> Callable[[str], list[tuple[str, int, int]]]:
    """Find Aktenzeichen of every pattern the plan uses, in their canonical printed form."""
    patterns = {plan.aktenzeichen_pattern} | {plan.effective_pattern(i.code) for i in plan.items}
    compiled = _compiled(tuple(sorted(patterns)))

    def find(text: str) -> list[tuple[str, int, int]]:
        found: list[tuple[str, int, int]] = []
        for pattern in compiled:
            for hit in pattern.find_all(text):
                found.append((pattern.canonical(hit.parsed), hit.start, hit.end))
        return found

    return find


@lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> list[AktenzeichenPattern]:
    return [AktenzeichenPattern(pattern) for pattern in patterns]


def find_references(plan: FilePlan, text: str) -> list[Reference]:
    return extract_references(text, find_aktenzeichen=aktenzeichen_finder(plan))


def keys_in(
    column: InstrumentedAttribute[Any], pairs: Iterable[tuple[str, str]]
) -> ColumnElement[bool]:
    """``(AkteSubjectKey.kind, column) IN pairs`` written so that both databases use the index.

    SQLite scans the whole table for a row-value ``IN``; one ``kind = ? AND column IN (...)``
    per kind is an index search each.
    """
    by_kind: dict[str, set[str]] = {}
    for kind, value in pairs:
        by_kind.setdefault(kind, set()).add(value)
    return or_(
        *(
            and_(AkteSubjectKey.kind == kind, column.in_(sorted(values)))
            for kind, values in sorted(by_kind.items())
        )
    )


def match_references(session: Session, references: Sequence[Reference]) -> list[ReferenceMatch]:
    """The Akten the references identify, each with the references pointing to it."""
    by_akte: dict[str, list[Reference]] = {}
    akten: dict[str, Akte] = {}
    numbers = [r.value for r in references if r.kind is ReferenceKind.AKTENZEICHEN]
    if numbers:
        for akte in session.scalars(select(Akte).where(Akte.aktenzeichen.in_(numbers))):
            akten[akte.id] = akte
            by_akte[akte.id] = [
                r
                for r in references
                if r.kind is ReferenceKind.AKTENZEICHEN and r.value == akte.aktenzeichen
            ]
    keyed = [r for r in references if r.kind is not ReferenceKind.AKTENZEICHEN]
    if keyed:
        rows = session.execute(
            select(AkteSubjectKey.kind, AkteSubjectKey.value, Akte)
            .join(Akte, Akte.id == AkteSubjectKey.akte_id)
            .where(keys_in(AkteSubjectKey.value, [(r.kind.value, r.value) for r in keyed]))
        )
        for kind, value, akte in rows:
            akten[akte.id] = akte
            by_akte.setdefault(akte.id, []).extend(
                r for r in keyed if r.kind.value == kind and r.value == value
            )
    return [
        ReferenceMatch(akte=akten[akte_id], references=tuple(refs))
        for akte_id, refs in sorted(by_akte.items(), key=lambda kv: akten[kv[0]].aktenzeichen)
    ]
