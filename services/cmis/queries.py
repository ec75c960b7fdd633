"""The scoped record queries behind CMIS: single records, children, names, pages.

Every function that can reveal a record takes the caller's :class:`Scope` (without a
default) and applies :mod:`services.access.visibility`; what the scope does not admit
is answered exactly like what does not exist (None).  Children are listed a page at a
time in SQL (one UNION of Vorgänge, folders and documents, ordered and cut there), so
that a folder of 10,000 documents costs a page, not 10,000 objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from services.access.scope import Scope
from services.access.visibility import akte_visible, document_visible
from services.cmis.version_queries import Label
from services.db.models import (
    Akte,
    Document,
    DocumentCheckout,
    DocumentVersion,
    FilePlanVersion,
    RecordFolder,
    VersionLabel,
    Vorgang,
)
from services.db.pagination import MAX_SQL_INT


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


@dataclass(frozen=True)
class Place:
    """Where children sit: an Akte, a Vorgang of it, or a folder below either."""

    akte_id: str
    vorgang_id: str | None = None
    folder_id: str | None = None


@dataclass(frozen=True)
class ChildRow:
    kind: str
    """``vorgang``, ``folder`` or ``document``."""
    id: str


def folder_chain(session: Session, folder: RecordFolder) -> list[RecordFolder]:
    """A visible folder and the folders above it, the topmost first."""
    chain = [folder]
    seen = {folder.id}
    while chain[0].parent_id is not None and chain[0].parent_id not in seen:
        parent = session.get(RecordFolder, chain[0].parent_id)
        if parent is None:
            break
        seen.add(parent.id)
        chain.insert(0, parent)
    return chain


def vorgang_of_folder(session: Session, folder: RecordFolder) -> Vorgang:
    """The Vorgang a visible folder sits in (``vorgang_id`` set)."""
    vorgang = session.get(Vorgang, folder.vorgang_id)
    assert vorgang is not None, "record_folders.vorgang_id is a foreign key"
    return vorgang


def akte_named(session: Session, scope: Scope, code: str, segment: str) -> Akte | None:
    """The oldest visible Akte of plan item ``code`` named ``segment`` (title or Aktenzeichen)."""
    named = or_(
        func.replace(Akte.title, "/", "-") == segment,
        func.replace(Akte.aktenzeichen, "/", "-") == segment,
    )
    return session.scalar(
        select(Akte)
        .where(Akte.file_plan_code == code, named, akte_visible(scope))
        .order_by(Akte.created_at, Akte.id)
        .limit(1)
    )


def child_named(
    session: Session, scope: Scope, place: Place, segment: str
) -> Vorgang | RecordFolder | Document | None:
    """The oldest visible child of ``place`` whose CMIS name is ``segment``."""
    found: list[tuple[datetime, Vorgang | RecordFolder | Document]] = []
    if place.vorgang_id is None and place.folder_id is None:
        vorgang = session.scalar(
            select(Vorgang)
            .where(Vorgang.akte_id == place.akte_id, _named(Vorgang.title, segment))
            .order_by(Vorgang.opened_at, Vorgang.number)
            .limit(1)
        )
        if vorgang is not None:
            found.append((vorgang.opened_at, vorgang))
    folder = session.scalar(
        select(RecordFolder)
        .where(_folders_in(place), _named(RecordFolder.name, segment))
        .order_by(RecordFolder.created_at, RecordFolder.id)
        .limit(1)
    )
    if folder is not None:
        found.append((folder.created_at, folder))
    document = session.scalar(
        select(Document)
        .where(_documents_in(place), _named(Document.title, segment), cmis_document_visible(scope))
        .order_by(Document.created_at, Document.id)
        .limit(1)
    )
    if document is not None:
        found.append((document.created_at, document))
    if not found:
        return None
    return min(found, key=lambda pair: pair[0])[1]


def _named(column: InstrumentedAttribute[str], segment: str) -> ColumnElement[bool]:
    return func.replace(column, "/", "-") == segment


def _folders_in(place: Place) -> ColumnElement[bool]:
    if place.folder_id is not None:
        return RecordFolder.parent_id == place.folder_id
    if place.vorgang_id is not None:
        return and_(RecordFolder.vorgang_id == place.vorgang_id, RecordFolder.parent_id.is_(None))
    return and_(
        RecordFolder.akte_id == place.akte_id,
        RecordFolder.vorgang_id.is_(None),
        RecordFolder.parent_id.is_(None),
    )


def _documents_in(place: Place) -> ColumnElement[bool]:
    if place.folder_id is not None:
        return Document.folder_id == place.folder_id
    if place.vorgang_id is not None:
        return and_(Document.vorgang_id == place.vorgang_id, Document.folder_id.is_(None))
    return and_(
        Document.akte_id == place.akte_id,
        Document.vorgang_id.is_(None),
        Document.folder_id.is_(None),
    )


SORT_COLUMNS = (
    "cmis:name",
    "cmis:creationDate",
    "cmis:lastModificationDate",
    "cmis:createdBy",
    "cmis:lastModifiedBy",
    "cmis:baseTypeId",
    "cmis:objectId",
)
"""The properties children can be ordered by (orderBy); others are refused."""

Order = Sequence[tuple[str, bool]]
"""(property id from SORT_COLUMNS, descending)."""


def children_page(
    session: Session,
    scope: Scope,
    place: Place,
    *,
    order: Order,
    limit: int | None,
    offset: int,
    folders_only: bool = False,
) -> tuple[list[ChildRow], int]:
    """One page of the visible children of ``place``, and how many there are in all.

    One UNION ALL of the three kinds carries the sort columns, so the database orders
    and cuts it; the caller loads only the page's records (:func:`load_documents` …).
    Documents are joined with their current version only when the order needs its date
    or author.  (A window count in the same query measured slower than a second one.)
    """
    parts = []
    counts = [select(RecordFolder.id).where(_folders_in(place))]
    if place.vorgang_id is None and place.folder_id is None:
        counts.append(select(Vorgang.id).where(Vorgang.akte_id == place.akte_id))
        parts.append(
            select(
                literal("vorgang").label("kind"),
                Vorgang.id.label("id"),
                func.replace(Vorgang.title, "/", "-").label("name"),
                Vorgang.opened_at.label("created"),
                func.coalesce(Vorgang.updated_at, Vorgang.closed_at, Vorgang.opened_at).label(
                    "modified"
                ),
                func.coalesce(Vorgang.created_by, "").label("created_by"),
                literal(0).label("base"),
            ).where(Vorgang.akte_id == place.akte_id)
        )
    parts.append(
        select(
            literal("folder").label("kind"),
            RecordFolder.id.label("id"),
            func.replace(RecordFolder.name, "/", "-").label("name"),
            RecordFolder.created_at.label("created"),
            RecordFolder.updated_at.label("modified"),
            RecordFolder.created_by.label("created_by"),
            literal(0).label("base"),
        ).where(_folders_in(place))
    )
    if not folders_only:
        parts.append(_documents_part(scope, place, order))
        counts.append(select(Document.id).where(_documents_in(place), cmis_document_visible(scope)))
    union = union_all(*parts).subquery()
    columns = {
        "cmis:name": union.c.name,
        "cmis:creationDate": union.c.created,
        "cmis:lastModificationDate": union.c.modified,
        "cmis:createdBy": union.c.created_by,
        "cmis:lastModifiedBy": union.c.created_by,
        "cmis:baseTypeId": union.c.base,
        "cmis:objectId": union.c.id,
    }
    keys = [columns[p].desc() if desc else columns[p].asc() for p, desc in order]
    query = (
        select(union.c.kind, union.c.id)
        .order_by(*keys, union.c.base, union.c.id)
        .offset(min(offset, MAX_SQL_INT))
    )
    if limit is not None:
        query = query.limit(limit)
    rows = [ChildRow(row.kind, row.id) for row in session.execute(query)]
    return rows, sum(_count(session, counted) for counted in counts)


def _documents_part(scope: Scope, place: Place, order: Order) -> Select[Any]:
    visible = and_(_documents_in(place), cmis_document_visible(scope))
    by_version = {"cmis:creationDate", "cmis:createdBy", "cmis:lastModifiedBy"}
    if not any(p in by_version for p, _ in order):
        return select(
            literal("document").label("kind"),
            Document.id.label("id"),
            func.replace(Document.title, "/", "-").label("name"),
            Document.created_at.label("created"),
            Document.updated_at.label("modified"),
            func.coalesce(Document.created_by, "").label("created_by"),
            literal(1).label("base"),
        ).where(visible)
    current = and_(
        DocumentVersion.document_id == Document.id,
        DocumentVersion.number == Document.current_version,
    )
    return (
        select(
            literal("document").label("kind"),
            Document.id.label("id"),
            func.replace(Document.title, "/", "-").label("name"),
            DocumentVersion.created_at.label("created"),
            Document.updated_at.label("modified"),
            DocumentVersion.created_by.label("created_by"),
            literal(1).label("base"),
        )
        .join(DocumentVersion, current)
        .where(visible)
    )


def akten_page(
    session: Session, scope: Scope, code: str, *, order: Order, limit: int | None, offset: int
) -> tuple[list[Akte], int]:
    """One page of the visible Akten of plan item ``code``, and how many there are."""
    where = and_(Akte.file_plan_code == code, akte_visible(scope))
    columns = {
        "cmis:name": func.replace(Akte.title, "/", "-"),
        "cmis:creationDate": Akte.created_at,
        "cmis:lastModificationDate": Akte.updated_at,
        "cmis:createdBy": Akte.created_by,
        "cmis:lastModifiedBy": Akte.created_by,
        "cmis:baseTypeId": literal(0),
        "cmis:objectId": Akte.id,
    }
    keys = [columns[p].desc() if desc else columns[p].asc() for p, desc in order]
    query = (
        select(Akte)
        .where(where)
        .order_by(*keys, Akte.created_at, Akte.id)
        .options(selectinload(Akte.subject_keys))
    )
    query = query.offset(min(offset, MAX_SQL_INT))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query)), _count(session, select(Akte.id).where(where))


def _count(session: Session, query: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


@dataclass(frozen=True)
class DocumentRow:
    """A document with the version shown, its label and its check-out (if any)."""

    document: Document
    version: DocumentVersion
    label: Label
    checkout: DocumentCheckout | None


def load_vorgaenge(session: Session, scope: Scope, ids: Sequence[str]) -> dict[str, Vorgang]:
    """Visible Vorgänge by id (a page of :func:`children_page`)."""
    if not ids:
        return {}
    query = (
        select(Vorgang)
        .join(Akte, Akte.id == Vorgang.akte_id)
        .where(Vorgang.id.in_(ids), akte_visible(scope))
    )
    return {v.id: v for v in session.scalars(query)}


def load_folders(session: Session, scope: Scope, ids: Sequence[str]) -> dict[str, RecordFolder]:
    """Visible folders by id (a page of :func:`children_page`)."""
    if not ids:
        return {}
    query = (
        select(RecordFolder)
        .join(Akte, Akte.id == RecordFolder.akte_id)
        .where(RecordFolder.id.in_(ids), akte_visible(scope))
    )
    return {f.id: f for f in session.scalars(query)}


def load_documents(session: Session, scope: Scope, ids: Sequence[str]) -> dict[str, DocumentRow]:
    """Visible documents with their current version, label and check-out, in 3 queries."""
    if not ids:
        return {}
    rows = session.execute(
        select(Document, DocumentVersion, VersionLabel, DocumentCheckout)
        .join(
            DocumentVersion,
            and_(
                DocumentVersion.document_id == Document.id,
                DocumentVersion.number == Document.current_version,
            ),
        )
        .outerjoin(VersionLabel, VersionLabel.version_id == DocumentVersion.id)
        .outerjoin(DocumentCheckout, DocumentCheckout.document_id == Document.id)
        .where(Document.id.in_(ids), cmis_document_visible(scope))
        .options(
            selectinload(DocumentVersion.content),
            selectinload(DocumentVersion.rendition),
        )
    ).all()
    loaded = {}
    for document, version, label, checkout in rows:
        shown = (
            Label(label.major, label.minor, label.is_major)
            if label is not None
            else Label(version.number, 0, True)
        )
        loaded[document.id] = DocumentRow(document, version, shown, checkout)
    return loaded


def checked_out_page(
    session: Session, scope: Scope, place: Place | None, *, limit: int | None, offset: int
) -> tuple[list[str], int]:
    """Ids of the visible checked-out documents (in ``place`` if given), oldest check-out first."""
    where = [cmis_document_visible(scope)]
    if place is not None:
        where.append(_documents_in(place))
    base = (
        select(Document.id)
        .join(DocumentCheckout, DocumentCheckout.document_id == Document.id)
        .where(*where)
    )
    query = base.order_by(DocumentCheckout.checked_out_at, Document.id).offset(
        min(offset, MAX_SQL_INT)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query)), _count(session, base)


def plan_imported_at(session: Session) -> datetime | None:
    """When the active file plan was imported (the root's and plan items' dates)."""
    return session.scalar(
        select(FilePlanVersion.imported_at).order_by(FilePlanVersion.id.desc()).limit(1)
    )
