"""Reading Akten and Vorgänge: the queries behind the API and the CLI."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.db.models import Akte, AkteSubjectKey, Document, Vorgang
from services.db.pagination import Page, paginate
from services.errors import NotFoundError


def get_akte(session: Session, akte_id: str) -> Akte:
    akte = session.scalar(
        select(Akte)
        .where(Akte.id == akte_id)
        .options(selectinload(Akte.subject_keys), selectinload(Akte.vorgaenge))
    )
    if akte is None:
        raise NotFoundError(f"no Akte {akte_id}")
    return akte


def akte_by_aktenzeichen(session: Session, aktenzeichen: str) -> Akte | None:
    return session.scalar(select(Akte).where(Akte.aktenzeichen == aktenzeichen))


def get_vorgang(session: Session, vorgang_id: str) -> Vorgang:
    vorgang = session.get(Vorgang, vorgang_id)
    if vorgang is None:
        raise NotFoundError(f"no Vorgang {vorgang_id}")
    return vorgang


def list_akten(
    session: Session,
    *,
    limit: int,
    offset: int,
    code: str | None = None,
    status: str | None = None,
    org_unit: str | None = None,
    subject: tuple[str, str] | None = None,
) -> Page[Akte]:
    """Akten, newest first; ``subject`` is a normalised (kind, value) subject key."""
    query = select(Akte).order_by(Akte.created_at.desc(), Akte.id)
    if code:
        query = query.where(Akte.file_plan_code == code)
    if status:
        query = query.where(Akte.status == status)
    if org_unit:
        query = query.where(Akte.org_unit == org_unit)
    if subject:
        kind, value = subject
        query = query.where(
            Akte.id.in_(
                select(AkteSubjectKey.akte_id).where(
                    AkteSubjectKey.kind == kind, AkteSubjectKey.value == value
                )
            )
        )
    query = query.options(selectinload(Akte.subject_keys))
    return paginate(session, query, limit=limit, offset=offset)


def akte_documents(
    session: Session, akte_id: str, *, limit: int, offset: int, vorgang_id: str | None = None
) -> Page[Document]:
    query = select(Document).where(Document.akte_id == akte_id)
    if vorgang_id:
        query = query.where(Document.vorgang_id == vorgang_id)
    query = query.order_by(Document.filed_at, Document.id)
    return paginate(session, query, limit=limit, offset=offset)
