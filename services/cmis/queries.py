"""The scoped record queries behind CMIS: single records, versions, labels, check-outs.

Every function that can reveal a record takes the caller's :class:`Scope` (without a
default) and applies :mod:`services.access.visibility`; what the scope does not admit
is answered exactly like what does not exist (None). Lists of children live in
:mod:`services.cmis.listing`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import akte_visible, document_visible
from services.db.models import (
    Akte,
    Document,
    DocumentCheckout,
    DocumentVersion,
    RecordFolder,
    VersionLabel,
    Vorgang,
)
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


def visible_akte(session: Session, scope: Scope, akte_id: str) -> Akte | None:
    return session.scalar(select(Akte).where(Akte.id == akte_id, akte_visible(scope)))


def visible_vorgang(session: Session, scope: Scope, vorgang_id: str) -> tuple[Vorgang, Akte] | None:
    row = session.execute(
        select(Vorgang, Akte)
        .join(Akte, Akte.id == Vorgang.akte_id)
        .where(Vorgang.id == vorgang_id, akte_visible(scope))
    ).first()
    return None if row is None else (row[0], row[1])


def visible_folder(
    session: Session, scope: Scope, folder_id: str
) -> tuple[RecordFolder, Akte] | None:
    row = session.execute(
        select(RecordFolder, Akte)
        .join(Akte, Akte.id == RecordFolder.akte_id)
        .where(RecordFolder.id == folder_id, akte_visible(scope))
    ).first()
    return None if row is None else (row[0], row[1])


def cmis_document_visible(scope: Scope) -> ColumnElement[bool]:
    """What CMIS shows of documents: visible, filed in an Akte, not destroyed."""
    return and_(
        document_visible(scope), Document.akte_id.is_not(None), Document.disposed_at.is_(None)
    )


def visible_document(session: Session, scope: Scope, document_id: str) -> Document | None:
    """A filed, not destroyed document the caller may see (CMIS shows no unfiled mail)."""
    return session.scalar(
        select(Document).where(Document.id == document_id, cmis_document_visible(scope))
    )


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
    """The version of a visible document labelled ``major.minor``."""
    if not (0 <= major <= MAX_SQL_INT and 0 <= minor <= MAX_SQL_INT):
        return None
    labelled = and_(VersionLabel.major == major, VersionLabel.minor == minor)
    unlabelled = and_(VersionLabel.version_id.is_(None), DocumentVersion.number == major)
    condition = or_(labelled, unlabelled) if minor == 0 else labelled
    return session.scalar(
        select(DocumentVersion)
        .outerjoin(VersionLabel, VersionLabel.version_id == DocumentVersion.id)
        .where(DocumentVersion.document_id == document.id, condition)
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
