"""Reading Akten and Vorgänge: the queries behind the API, the CLI and the web pages.

Every query takes the caller's :class:`Scope`; Akten it does not admit are reported as
not found and never counted.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from services.access.scope import Scope, not_found
from services.access.visibility import akte_visible, document_visible
from services.db.models import Akte, AkteSubjectKey, Document, Vorgang
from services.db.pagination import Page, paginate


def get_akte(session: Session, scope: Scope, akte_id: str) -> Akte:
    akte = session.scalar(
        select(Akte)
        .where(Akte.id == akte_id, akte_visible(scope))
        .options(selectinload(Akte.subject_keys), selectinload(Akte.vorgaenge))
    )
    if akte is None:
        raise not_found("Akte", akte_id)
    return akte


def akte_by_aktenzeichen(session: Session, scope: Scope, aktenzeichen: str) -> Akte | None:
    return session.scalar(
        select(Akte).where(Akte.aktenzeichen == aktenzeichen, akte_visible(scope))
    )


def get_vorgang(session: Session, scope: Scope, vorgang_id: str) -> Vorgang:
    vorgang = session.scalar(
        select(Vorgang)
        .join(Akte, Akte.id == Vorgang.akte_id)
        .where(Vorgang.id == vorgang_id, akte_visible(scope))
    )
    if vorgang is None:
        raise not_found("Vorgang", vorgang_id)
    return vorgang


def list_akten(
    session: Session,
    scope: Scope,
    *,
    limit: int,
    offset: int,
    code: str | None = None,
    status: str | None = None,
    org_unit: str | None = None,
    subject: tuple[str, str] | None = None,
    text: str | None = None,
) -> Page[Akte]:
    """Akten, newest first; ``subject`` is a normalised (kind, value) subject key.

    ``text`` (for typeahead) matches part of the Aktenzeichen, the title or a subject
    key as typed or normalised, ignoring case.
    """
    query = select(Akte).where(akte_visible(scope)).order_by(Akte.created_at.desc(), Akte.id)
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
    if text and text.strip():
        query = query.where(_text_matches(text.strip().lower()))
    query = query.options(selectinload(Akte.subject_keys))
    return paginate(session, query, limit=limit, offset=offset)


def _text_matches(term: str) -> ColumnElement[bool]:
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    keys = select(AkteSubjectKey.akte_id).where(
        or_(
            func.lower(AkteSubjectKey.value).like(pattern, escape="\\"),
            func.lower(AkteSubjectKey.display).like(pattern, escape="\\"),
        )
    )
    return or_(
        func.lower(Akte.aktenzeichen).like(pattern, escape="\\"),
        func.lower(Akte.title).like(pattern, escape="\\"),
        Akte.id.in_(keys),
    )


def akte_documents(
    session: Session,
    scope: Scope,
    akte: Akte,
    *,
    limit: int,
    offset: int,
    vorgang_id: str | None = None,
) -> Page[Document]:
    """The visible documents of an Akte the caller can see (its own levels still apply)."""
    query = select(Document).where(Document.akte_id == akte.id, document_visible(scope))
    if vorgang_id:
        query = query.where(Document.vorgang_id == vorgang_id)
    query = query.order_by(Document.filed_at, Document.id)
    return paginate(session, query, limit=limit, offset=offset)
