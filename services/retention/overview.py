"""What a records manager looks at: retention ends reached or near, and legal holds.

Every query takes the caller's scope and applies the one visibility rule, like the
queries in ``services/*/queries.py``.  A document's retention end is the later of its
own and its Akte's (:func:`services.storage.protection.retention_end`); a document is
due when both are known and reached by ``until``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import akte_visible, document_visible
from services.db.models import Akte, Document
from services.db.pagination import Page, paginate
from services.storage.protection import hold_reason, retention_end


@dataclass(frozen=True)
class DueAkte:
    akte: Akte
    documents: int
    """Documents of the Akte not yet destroyed (the caller may see fewer)."""


@dataclass(frozen=True)
class DueDocument:
    document: Document
    retention_end: date
    hold: str | None
    """Why the document may not be destroyed now (its own or its Akte's hold), if held."""


def disposable_conditions(until: date) -> list[ColumnElement[bool]]:
    """What keeps an Akte whose retention has ended from disposition (off the due list).

    An Akte on legal hold, with a live document on a hold of its own or retained beyond
    ``until`` by its own rule (the Akte can only leave whole), an Akte in a running
    archive transfer, and one that has already left.
    """
    held_document = exists().where(
        Document.akte_id == Akte.id,
        Document.disposed_at.is_(None),
        or_(Document.legal_hold.is_(True), Document.retention_until > until),
    )
    return [
        Akte.legal_hold.is_(False),
        ~held_document,
        Akte.transfer_process_id.is_(None),
        Akte.disposed_at.is_(None),
    ]


def due_akten(
    session: Session,
    scope: Scope,
    *,
    until: date,
    limit: int,
    offset: int,
    disposable_only: bool = False,
) -> Page[DueAkte]:
    """Akten whose retention ends on or before ``until``, earliest first.

    ``disposable_only`` leaves out what :func:`disposable_conditions` holds back.
    """
    live = (
        select(func.count(Document.id))
        .where(Document.akte_id == Akte.id, Document.disposed_at.is_(None))
        .scalar_subquery()
    )
    query = (
        select(Akte)
        .where(akte_visible(scope), Akte.retention_until <= until)
        .order_by(Akte.retention_until, Akte.aktenzeichen)
    )
    if disposable_only:
        query = query.where(*disposable_conditions(until))
    page = paginate(session, query, limit=limit, offset=offset)
    rows = session.execute(
        select(Akte.id, live).where(Akte.id.in_([akte.id for akte in page.items]))
    )
    counts = {akte_id: int(count) for akte_id, count in rows}
    return Page(
        items=[DueAkte(akte, counts.get(akte.id, 0)) for akte in page.items],
        total=page.total,
        limit=limit,
        offset=offset,
    )


def due_documents(
    session: Session, scope: Scope, *, until: date, limit: int, offset: int
) -> Page[DueDocument]:
    """Live documents whose retention end (own and Akte's) lies on or before ``until``."""
    query = (
        select(Document)
        .join(Akte, Akte.id == Document.akte_id)
        .where(
            document_visible(scope),
            Document.disposed_at.is_(None),
            Akte.retention_until <= until,
            or_(Document.retention_until.is_(None), Document.retention_until <= until),
        )
        .order_by(
            func.coalesce(Document.retention_until, Akte.retention_until),
            Akte.aktenzeichen,
            Document.id,
        )
    )
    page = paginate(session, query, limit=limit, offset=offset)
    items = []
    for document in page.items:
        end = retention_end(document)
        assert end is not None  # the query admits only documents with both ends known
        items.append(DueDocument(document, end, hold_reason(document)))
    return Page(items=items, total=page.total, limit=limit, offset=offset)


def held_akten(session: Session, scope: Scope, *, limit: int) -> list[Akte]:
    """Akten on legal hold, by Aktenzeichen."""
    query = (
        select(Akte)
        .where(akte_visible(scope), Akte.legal_hold.is_(True))
        .order_by(Akte.aktenzeichen)
        .limit(limit)
    )
    return list(session.scalars(query))


def held_documents(session: Session, scope: Scope, *, limit: int) -> list[Document]:
    """Live documents on a legal hold of their own (an Akte's hold is listed with the Akte)."""
    query = (
        select(Document)
        .where(
            and_(document_visible(scope), Document.disposed_at.is_(None)),
            Document.legal_hold.is_(True),
        )
        .order_by(Document.updated_at.desc(), Document.id)
        .limit(limit)
    )
    return list(session.scalars(query))
