"""Filing a document into an Akte (or a Vorgang of it), and moving it, with audit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.audit.trail import record_event
from services.db.models import Akte, AkteStatus, Document, FilingStatus, Vorgang
from services.errors import ConflictError, InvalidInputError
from services.ports import Clock
from services.storage.protection import mark_pending


def file_document(
    session: Session,
    document: Document,
    akte: Akte,
    vorgang: Vorgang | None = None,
    *,
    status: FilingStatus,
    reason: str,
    actor: str,
    clock: Clock,
) -> Document:
    """Put ``document`` into ``akte``; a document already filed elsewhere is moved."""
    if akte.status != AkteStatus.OPEN:
        raise ConflictError(f"Akte {akte.aktenzeichen} is closed; reopen it first")
    if vorgang is not None and vorgang.akte_id != akte.id:
        raise InvalidInputError(f"Vorgang {vorgang.id} does not belong to Akte {akte.aktenzeichen}")
    previous = document.akte
    previous_vorgang_id = document.vorgang_id
    now = clock.now()
    document.akte_id = akte.id
    document.akte = akte
    document.vorgang_id = vorgang.id if vorgang else None
    document.org_unit = akte.org_unit
    document.filing_status = status
    document.filed_at = now
    document.updated_at = now
    mark_pending([document])  # the Akte's retention end and hold now apply to it
    session.flush()
    moved = previous is not None
    record_event(
        session,
        actor=actor,
        action="document.moved" if moved else "document.filed",
        object_type="document",
        object_id=document.id,
        details={
            "to": akte.aktenzeichen,
            "to_vorgang": vorgang.number if vorgang else None,
            "from": previous.aktenzeichen if previous else None,
            "from_vorgang_id": previous_vorgang_id,
            "status": status.value,
            "reason": reason,
        },
        clock=clock,
    )
    return document
