"""Reference matching: the existing Akten that a letter's references point to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from file_plan import AktenzeichenPattern, FilePlan
from services.classification.references import Reference, ReferenceKind, extract_references
from services.db.models import Akte, AkteSubjectKey


@dataclass(frozen=True)
class ReferenceMatch:
    akte: Akte
    references: tuple[Reference, ...]


def aktenzeichen_finder(plan: FilePlan) -> Callable[[str], list[tuple[str, int, int]]]:
    """Find Aktenzeichen of every pattern the plan uses, in their canonical printed form."""
    patterns = sorted(
        {plan.aktenzeichen_pattern} | {plan.effective_pattern(i.code) for i in plan.items}
    )
    compiled = [AktenzeichenPattern(pattern) for pattern in patterns]

    def find(text: str) -> list[tuple[str, int, int]]:
        found: list[tuple[str, int, int]] = []
        for pattern in compiled:
            for hit in pattern.find_all(text):
                found.append((pattern.canonical(hit.parsed), hit.start, hit.end))
        return found

    return find


def find_references(plan: FilePlan, text: str) -> list[Reference]:
    return extract_references(text, find_aktenzeichen=aktenzeichen_finder(plan))


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
            .where(
                tuple_(AkteSubjectKey.kind, AkteSubjectKey.value).in_(
                    [(r.kind.value, r.value) for r in keyed]
                )
            )
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
