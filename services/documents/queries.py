"""Reading items and documents: the queries behind the API and the CLI."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.db.models import Document, IntakeItem
from services.db.pagination import Page, paginate
from services.errors import NotFoundError


def get_item(session: Session, item_id: str) -> IntakeItem:
    item = session.scalar(
        select(IntakeItem)
        .where(IntakeItem.id == item_id)
        .options(selectinload(IntakeItem.documents))
    )
    if item is None:
        raise NotFoundError(f"no intake item {item_id}")
    return item


def list_items(
    session: Session, *, limit: int, offset: int, status: str | None = None
) -> Page[IntakeItem]:
    query = select(IntakeItem).order_by(IntakeItem.created_at.desc(), IntakeItem.id)
    if status:
        query = query.where(IntakeItem.status == status)
    query = query.options(selectinload(IntakeItem.documents))
    return paginate(session, query, limit=limit, offset=offset)


def get_document(session: Session, document_id: str) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"no document {document_id}")
    return document


def list_documents(
    session: Session, *, limit: int, offset: int, status: str | None = None
) -> Page[Document]:
    query = select(Document).order_by(Document.created_at.desc(), Document.id)
    if status:
        query = query.where(Document.status == status)
    return paginate(session, query, limit=limit, offset=offset)


def document_text(document: Document) -> str:
    """The document's text, pages separated by form feeds (as pdftotext does)."""
    return "\f".join(page.text for page in document.pages)
