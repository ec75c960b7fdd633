"""Reading items and documents: the queries behind the API, the CLI and the web pages.

Every query takes the caller's :class:`Scope`; what it does not admit is reported as not
found and never counted.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.access.scope import Scope, not_found
from services.access.visibility import document_visible, item_visible
from services.db.models import Document, IntakeItem
from services.db.pagination import Page, paginate


def get_item(session: Session, scope: Scope, item_id: str) -> IntakeItem:
    item = session.scalar(
        select(IntakeItem)
        .where(IntakeItem.id == item_id, item_visible(scope))
        .options(selectinload(IntakeItem.documents))
    )
    if item is None:
        raise not_found("intake item", item_id)
    return item


def list_items(
    session: Session, scope: Scope, *, limit: int, offset: int, status: str | None = None
) -> Page[IntakeItem]:
    query = (
        select(IntakeItem)
        .where(item_visible(scope))
        .order_by(IntakeItem.created_at.desc(), IntakeItem.id)
    )
    if status:
        query = query.where(IntakeItem.status == status)
    query = query.options(selectinload(IntakeItem.documents))
    return paginate(session, query, limit=limit, offset=offset)


def visible_documents_of(session: Session, scope: Scope, item: IntakeItem) -> list[Document]:
    """The parts of an upload the caller may see (a stack may hold several units' mail)."""
    if scope.sees_everything:
        return list(item.documents)
    ids = set(
        session.scalars(
            select(Document.id).where(Document.item_id == item.id, document_visible(scope))
        )
    )
    return [d for d in item.documents if d.id in ids]


def get_document(session: Session, scope: Scope, document_id: str) -> Document:
    document = session.scalar(
        select(Document).where(Document.id == document_id, document_visible(scope))
    )
    if document is None:
        raise not_found("document", document_id)
    return document


def list_documents(
    session: Session, scope: Scope, *, limit: int, offset: int, status: str | None = None
) -> Page[Document]:
    query = (
        select(Document)
        .where(document_visible(scope))
        .order_by(Document.created_at.desc(), Document.id)
    )
    if status:
        query = query.where(Document.status == status)
    return paginate(session, query, limit=limit, offset=offset)


def document_text(document: Document) -> str:
    """The document's text, pages separated by form feeds (as pdftotext does)."""
    return "\f".join(page.text for page in document.pages)
