"""Reading page-work history: where a document came from, what replaced it, what fits.

Every query takes the caller's scope; documents it does not admit are left out (a
successor in another unit's queue is not named).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import document_visible, review_task_visible
from services.db.models import (
    DerivedPage,
    Document,
    DocumentSupersession,
    FilingStatus,
    ReviewStatus,
    ReviewTask,
)
from services.documents.queries import get_document


@dataclass(frozen=True)
class Lineage:
    document: Document
    supersession: DocumentSupersession | None
    successors: list[Document]
    """The visible results of the page work that replaced the document."""
    origin: list[DerivedPage]
    """Per page of a document made by page work: its source page (else empty)."""
    sources: list[Document]
    """The visible documents its pages came from."""


def not_superseded() -> ColumnElement[bool]:
    """SQL condition: the document has not been replaced by page work (open work only)."""
    return ~exists(
        select(DocumentSupersession.document_id).where(
            DocumentSupersession.document_id == Document.id
        )
    )


def replaced_among(session: Session, scope: Scope, document_ids: list[str]) -> set[str]:
    """Those of ``document_ids`` (visible to the caller) that page work has replaced."""
    if not document_ids:
        return set()
    return set(
        session.scalars(
            select(DocumentSupersession.document_id)
            .join(Document, Document.id == DocumentSupersession.document_id)
            .where(DocumentSupersession.document_id.in_(document_ids), document_visible(scope))
        )
    )


def lineage(session: Session, scope: Scope, document_id: str) -> Lineage:
    document = get_document(session, scope, document_id)
    supersession = session.get(DocumentSupersession, document.id)
    successors: list[Document] = []
    if supersession is not None:
        made = select(DerivedPage.document_id).where(
            DerivedPage.operation_id == supersession.operation_id
        )
        successors = list(
            session.scalars(
                select(Document)
                .where(Document.id.in_(made), document_visible(scope))
                .order_by(Document.part_index)
            )
        )
    origin = list(
        session.scalars(
            select(DerivedPage)
            .where(DerivedPage.document_id == document.id)
            .order_by(DerivedPage.page_number)
        )
    )
    source_ids = {page.source_document_id for page in origin}
    sources = (
        list(
            session.scalars(
                select(Document)
                .where(Document.id.in_(source_ids), document_visible(scope))
                .order_by(Document.created_at, Document.part_index)
            )
        )
        if source_ids
        else []
    )
    return Lineage(document, supersession, successors, origin, sources)


def open_task_ids(session: Session, scope: Scope, document_ids: list[str]) -> dict[str, str]:
    """Document id -> id of its open review task, for the tasks the caller may see."""
    if not document_ids:
        return {}
    rows = session.execute(
        select(ReviewTask.document_id, ReviewTask.id).where(
            ReviewTask.document_id.in_(document_ids),
            ReviewTask.status == ReviewStatus.OPEN,
            review_task_visible(scope),
        )
    )
    return {document_id: task_id for document_id, task_id in rows}


def merge_candidates(session: Session, scope: Scope, document: Document) -> list[Document]:
    """Other parts of the same upload that wait for review and can still be reworked."""
    return list(
        session.scalars(
            select(Document)
            .where(
                Document.item_id == document.item_id,
                Document.id != document.id,
                Document.akte_id.is_(None),
                Document.filing_status == FilingStatus.IN_REVIEW,
                not_superseded(),
                document_visible(scope),
            )
            .order_by(Document.part_index)
            .limit(50)
        )
    )
