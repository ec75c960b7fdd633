"""Retention extensions and legal holds, as records managers set them.

Each change is written to the records, applied to the store at once (the store must
refuse deletion from the moment the request returns) and recorded in the audit trail.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.audit.trail import record_event
from services.db.models import Akte, Document
from services.documents.versions import ensure_not_disposed
from services.errors import InvalidInputError, RetentionViolationError
from services.ports import BlobStore, Clock
from services.settings import RetentionSettings
from services.storage.protection import retention_end, sync_document


def extend_retention(
    session: Session,
    store: BlobStore,
    document: Document,
    until: date,
    *,
    reason: str,
    actor: str,
    clock: Clock,
    settings: RetentionSettings,
) -> Document:
    """Keep the document at least until ``until``; a shorter retention is refused."""
    ensure_not_disposed(document)
    if until <= clock.now().date():
        raise InvalidInputError(
            f"an extension must lie in the future (asked for {until.isoformat()}); retention "
            "ends come from the file plan and the Akte, never from an earlier date"
        )
    known = [end for end in (retention_end(document), document.retention_until) if end]
    if known and until < max(known):
        raise RetentionViolationError(
            f"document {document.id} is retained until {max(known).isoformat()}; retention can be "
            f"extended, never shortened (asked for {until.isoformat()})"
        )
    previous = document.retention_until
    document.retention_until = until
    document.updated_at = clock.now()
    session.flush()
    sync_document(session, store, document, settings=settings, now=clock.now())
    record_event(
        session,
        actor=actor,
        action="retention.extended",
        object_type="document",
        object_id=document.id,
        details={
            "from": previous.isoformat() if previous else None,
            "to": until.isoformat(),
            "effective_end": _iso(retention_end(document)),
            "reason": reason,
        },
        clock=clock,
    )
    return document


def set_document_hold(
    session: Session,
    store: BlobStore,
    document: Document,
    *,
    active: bool,
    reason: str,
    actor: str,
    clock: Clock,
    settings: RetentionSettings,
) -> Document:
    ensure_not_disposed(document)
    document.legal_hold = active
    document.legal_hold_reason = reason if active else None
    document.updated_at = clock.now()
    session.flush()
    sync_document(session, store, document, settings=settings, now=clock.now())
    _record_hold(session, "document", document.id, active, reason, actor, clock)
    return document


def set_akte_hold(
    session: Session,
    store: BlobStore,
    akte: Akte,
    *,
    active: bool,
    reason: str,
    actor: str,
    clock: Clock,
    settings: RetentionSettings,
) -> int:
    """Hold (or release) the Akte and every document in it; returns how many documents.

    Documents filed into a held Akte later are held when filed (see ``mark_pending``).
    """
    akte.legal_hold = active
    akte.legal_hold_reason = reason if active else None
    akte.updated_at = clock.now()
    session.flush()
    documents = session.scalars(
        select(Document).where(Document.akte_id == akte.id, Document.disposed_at.is_(None))
    ).all()
    for document in documents:
        sync_document(session, store, document, settings=settings, now=clock.now())
    _record_hold(session, "akte", akte.id, active, reason, actor, clock)
    return len(documents)


def _record_hold(
    session: Session,
    object_type: str,
    object_id: str,
    active: bool,
    reason: str,
    actor: str,
    clock: Clock,
) -> None:
    record_event(
        session,
        actor=actor,
        action="legal_hold.set" if active else "legal_hold.released",
        object_type=object_type,
        object_id=object_id,
        details={"reason": reason},
        clock=clock,
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
