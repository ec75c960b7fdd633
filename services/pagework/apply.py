"""Applying a page work: new documents from existing pages, in one audited transaction.

The sources are never changed: their stored content and renditions stay byte for byte
as they are.  Each result gets new PDFs built from the sources' pages (content from the
content as received where it is a PDF of the same pages, else from the rendition), its
page texts copied from the sources' recognised text, a row per page saying where it came
from, and what people already corrected on the sources (title, unit, confidentiality,
legal hold, earlier rotations, which live in the pages themselves).  The sources are
marked superseded and leave the review queue; the results are classified again by the
same job the mail room's processing enqueues.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality
from services.access.scope import Scope
from services.audit.trail import record_event
from services.classification.jobs import enqueue_classification
from services.db.models import (
    DerivedPage,
    Document,
    DocumentPage,
    DocumentStatus,
    DocumentSupersession,
    FilingStatus,
    IntakeItem,
    ObjectPurpose,
    PageworkOperation,
    ReviewStatus,
    ReviewTask,
)
from services.documents.search_entry import search_entry
from services.documents.versions import Part, first_version, get_version, read_version
from services.errors import InvalidInputError
from services.pagework.access import reworkable_document
from services.pagework.pdf import build_pdf, page_count
from services.pagework.plan import PagePick, PageworkRequest, plan_results
from services.ports import BlobStore, Clock, SearchIndex
from services.settings import Settings
from services.storage.objects import minimum_protection, register_object, store_content
from services.storage.protection import mark_pending

SUPERSEDED = "superseded"
"""Status of a review task whose document was replaced by page work (not a decision)."""

_PART_SUFFIX = re.compile(r"\s+–\s+Teil \d+/\d+$")


@dataclass(frozen=True)
class Applied:
    operation: PageworkOperation
    sources: list[Document]
    results: list[Document]
    derived: list[DerivedPage]
    """Where each page of the results came from."""


@dataclass(frozen=True)
class _Source:
    document: Document
    content: bytes
    rendition: bytes
    texts: dict[int, str]


def apply_pagework(
    session: Session,
    scope: Scope,
    store: BlobStore,
    search: SearchIndex,
    document_id: str,
    request: PageworkRequest,
    *,
    settings: Settings,
    clock: Clock,
) -> Applied:
    """Carry out ``request`` on ``document_id`` (and the documents it appends)."""
    _lock(session, [document_id, *request.append])
    first = reworkable_document(session, scope, document_id)
    if len({document_id, *request.append}) != len(request.append) + 1:
        raise InvalidInputError("append: each document may appear only once, itself excluded")
    documents = [first, *(reworkable_document(session, scope, each) for each in request.append)]
    parts = plan_results(request, [d.page_count for d in documents])
    sources = [_load(session, store, document) for document in documents]
    now = clock.now()
    operation = PageworkOperation(
        kinds=",".join(request.kinds),
        request=request.as_dict(),
        created_at=now,
        created_by=scope.actor,
    )
    session.add(operation)
    session.flush()
    results = [
        _make_result(
            session,
            store,
            search,
            sources,
            operation,
            picks,
            index,
            len(parts),
            settings=settings,
            now=now,
        )
        for index, picks in enumerate(parts)
    ]
    _supersede(session, search, documents, results, operation, actor=scope.actor, now=now)
    for result in results:
        enqueue_classification(session, result.id, clock=clock, settings=settings)
    _audit(session, scope, operation, documents, results, clock=clock)
    derived = list(
        session.scalars(
            select(DerivedPage)
            .where(DerivedPage.operation_id == operation.id)
            .order_by(DerivedPage.document_id, DerivedPage.page_number)
        )
    )
    return Applied(operation=operation, sources=documents, results=results, derived=derived)


def _lock(session: Session, document_ids: Sequence[str]) -> None:
    """Serialise page work on the same documents and uploads (PostgreSQL row locks).

    A second page work on a source waits, then finds it superseded; two on parts of one
    upload cannot take the same part number.  Rows are locked in id order (no deadlock).
    SQLite already serialises writing transactions.
    """
    items = select(Document.item_id).where(Document.id.in_(document_ids))
    session.execute(
        select(IntakeItem.id)
        .where(IntakeItem.id.in_(items))
        .order_by(IntakeItem.id)
        .with_for_update()
    ).all()
    session.execute(
        select(Document.id)
        .where(Document.id.in_(document_ids))
        .order_by(Document.id)
        .with_for_update()
    ).all()


def _load(session: Session, store: BlobStore, document: Document) -> _Source:
    rendition = read_version(session, store, document, None, Part.RENDITION).data
    content = rendition
    if get_version(session, document, None).media_type == "application/pdf":
        received = read_version(session, store, document, None, Part.CONTENT).data
        if page_count(received) == document.page_count:
            content = received
    texts = {page.page_number: page.text for page in document.pages}
    return _Source(document=document, content=content, rendition=rendition, texts=texts)


def _make_result(
    session: Session,
    store: BlobStore,
    search: SearchIndex,
    sources: Sequence[_Source],
    operation: PageworkOperation,
    picks: Sequence[PagePick],
    index: int,
    count: int,
    *,
    settings: Settings,
    now: datetime,
) -> Document:
    first = sources[0].document
    used = [sources[i].document for i in sorted({pick.source for pick in picks})]
    content = store_content(
        store,
        build_pdf([s.content for s in sources], picks),
        media_type="application/pdf",
        settings=settings.retention,
        now=now,
    )
    rendition = store_content(
        store,
        build_pdf([s.rendition for s in sources], picks),
        media_type="application/pdf",
        settings=settings.retention,
        now=now,
    )
    texts = [sources[pick.source].texts.get(pick.page, "") for pick in picks]
    held = [d for d in used if d.legal_hold]
    document = Document(
        item_id=first.item_id,
        part_index=_next_part_index(session, first.item_id),
        first_page=1,
        last_page=len(picks),
        title=_title(first.title, index, count),
        status=DocumentStatus.OCR_DONE,
        org_unit=first.org_unit,
        content_blob_key=content.key,
        content_sha256=content.sha256,
        content_size=content.size,
        content_media_type="application/pdf",
        rendition_blob_key=rendition.key,
        rendition_sha256=rendition.sha256,
        rendition_size=rendition.size,
        rendition_is_pdfa=all(s.document.rendition_is_pdfa for s in sources),
        page_count=len(picks),
        text_chars=sum(len(text) for text in texts),
        ocr_performed=any(d.ocr_performed for d in used),
        ocr_engine=first.ocr_engine,
        filing_status=FilingStatus.UNFILED,
        confidentiality=_strictest(d.confidentiality for d in used),
        retention_until=_latest(d.retention_until for d in used),
        legal_hold=bool(held),
        legal_hold_reason="; ".join(d.legal_hold_reason or "" for d in held) or None,
        created_at=now,
        updated_at=now,
        pages=[
            DocumentPage(page_number=number, text=text)
            for number, text in enumerate(texts, start=1)
        ],
    )
    session.add(document)
    session.flush()
    retain_until = minimum_protection(settings.retention, now).retain_until
    stored = [
        register_object(
            session,
            ref,
            media_type="application/pdf",
            purpose=purpose,
            retain_until=retain_until,
            now=now,
        )
        for ref, purpose in ((content, ObjectPurpose.CONTENT), (rendition, ObjectPurpose.RENDITION))
    ]
    session.add(first_version(document, stored[0], stored[1], actor=operation.created_by, now=now))
    session.add_all(
        DerivedPage(
            document_id=document.id,
            page_number=number,
            operation_id=operation.id,
            source_document_id=sources[pick.source].document.id,
            source_page=pick.page,
            rotated=pick.rotated,
        )
        for number, pick in enumerate(picks, start=1)
    )
    mark_pending([document])  # a held source's hold holds the result's objects too
    search.index_document(
        session,
        search_entry(document, texts),
    )
    return document


def _supersede(
    session: Session,
    search: SearchIndex,
    sources: Sequence[Document],
    results: Sequence[Document],
    operation: PageworkOperation,
    *,
    actor: str,
    now: datetime,
) -> None:
    """The sources leave the queues and the search; they stay readable by their id."""
    successors = [result.id for result in results]
    for source in sources:
        session.add(
            DocumentSupersession(
                document_id=source.id,
                operation_id=operation.id,
                superseded_at=now,
                superseded_by=actor,
            )
        )
        search.remove_document(session, source.id)
        source.updated_at = now
    tasks = session.scalars(
        select(ReviewTask).where(
            ReviewTask.document_id.in_([s.id for s in sources]),
            ReviewTask.status == ReviewStatus.OPEN,
        )
    )
    for task in tasks:
        task.status = SUPERSEDED
        task.decided_at = now
        task.decided_by = actor
        task.outcome = {
            "action": SUPERSEDED,
            "operation_id": operation.id,
            "successors": successors,
        }
    session.flush()


def _audit(
    session: Session,
    scope: Scope,
    operation: PageworkOperation,
    sources: Sequence[Document],
    results: Sequence[Document],
    *,
    clock: Clock,
) -> None:
    """One event on every source and every result, so each document's trail tells it."""
    for source in sources:
        record_event(
            session,
            actor=scope.actor,
            action="pagework.superseded",
            object_type="document",
            object_id=source.id,
            details={
                "operation_id": operation.id,
                "kinds": operation.kinds,
                "request": operation.request,
                "successors": [r.id for r in results],
                "content_sha256": source.content_sha256,
                "rendition_sha256": source.rendition_sha256,
            },
            clock=clock,
        )
    for result in results:
        record_event(
            session,
            actor=scope.actor,
            action="pagework.created",
            object_type="document",
            object_id=result.id,
            details={
                "operation_id": operation.id,
                "kinds": operation.kinds,
                "sources": [s.id for s in sources],
                "pages": result.page_count,
                "content_sha256": result.content_sha256,
                "rendition_sha256": result.rendition_sha256,
            },
            clock=clock,
        )


def _next_part_index(session: Session, item_id: str) -> int:
    highest = session.scalar(
        select(func.max(Document.part_index)).where(Document.item_id == item_id)
    )
    return 0 if highest is None else highest + 1


def _title(title: str, index: int, count: int) -> str:
    """The source's (possibly corrected) title; parts numbered anew."""
    if count == 1:
        return title
    base = _PART_SUFFIX.sub("", title)
    return f"{base} – Teil {index + 1}/{count}"[:500]


def _strictest(levels: Iterable[str]) -> str:
    return max((Confidentiality.parse(level) for level in levels), key=lambda lvl: lvl.rank).value


def _latest(dates: Iterable[date | None]) -> date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None
