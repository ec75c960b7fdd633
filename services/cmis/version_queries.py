"""The version side of CMIS: labels (``major.minor``), version lists, check-outs.

Every function takes a document the caller was already allowed to see (resolved
through :mod:`services.cmis.queries` with the caller's scope).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from services.db.models import Document, DocumentCheckout, DocumentVersion, VersionLabel
from services.db.pagination import MAX_SQL_INT


@dataclass(frozen=True)
class Label:
    """A version's CMIS label: its own row, or ``<number>.0`` (major) without one."""

    major: int
    minor: int
    is_major: bool

    @property
    def text(self) -> str:
        return f"{self.major}.{self.minor}"


def labels_of(session: Session, versions: Iterable[DocumentVersion]) -> dict[str, Label]:
    """The labels of some versions of documents the caller can see, by version id."""
    versions = list(versions)
    rows = {
        row.version_id: row
        for row in session.scalars(
            select(VersionLabel).where(VersionLabel.version_id.in_([v.id for v in versions]))
        )
    }
    labels = {}
    for version in versions:
        row = rows.get(version.id)
        labels[version.id] = (
            Label(row.major, row.minor, row.is_major)
            if row is not None
            else Label(version.number, 0, True)
        )
    return labels


def version_by_label(
    session: Session, document: Document, major: int, minor: int
) -> DocumentVersion | None:
    """The version of a visible document labelled ``major.minor`` (the newest if two are)."""
    if not (0 <= major <= MAX_SQL_INT and 0 <= minor <= MAX_SQL_INT):
        return None
    labelled = and_(VersionLabel.major == major, VersionLabel.minor == minor)
    unlabelled = and_(VersionLabel.version_id.is_(None), DocumentVersion.number == major)
    condition = or_(labelled, unlabelled) if minor == 0 else labelled
    return session.scalar(
        select(DocumentVersion)
        .outerjoin(VersionLabel, VersionLabel.version_id == DocumentVersion.id)
        .where(DocumentVersion.document_id == document.id, condition)
        .order_by(DocumentVersion.number.desc())
        .limit(1)
    )


def versions_newest_first(session: Session, document: Document) -> list[DocumentVersion]:
    """Every version of a visible document, the newest first."""
    return list(
        session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == document.id)
            .order_by(DocumentVersion.number.desc())
        )
    )


def current_version(session: Session, document: Document) -> DocumentVersion | None:
    return session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id,
            DocumentVersion.number == document.current_version,
        )
    )


def checkout_of(session: Session, document: Document) -> DocumentCheckout | None:
    """The check-out of a visible document, if it is checked out."""
    return session.get(DocumentCheckout, document.id)


def latest_major_number(session: Session, document: Document) -> int | None:
    """The number of a visible document's latest major version (None: only minor ones)."""
    numbers = session.execute(
        select(DocumentVersion.number, VersionLabel.is_major)
        .outerjoin(VersionLabel, VersionLabel.version_id == DocumentVersion.id)
        .where(DocumentVersion.document_id == document.id)
        .order_by(DocumentVersion.number.desc())
    ).all()
    for number, is_major in numbers:
        if is_major is None or is_major:
            return int(number)
    return None
