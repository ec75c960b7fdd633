"""Records in a running archive transfer are read-only until the process ends.

One guard on every session, not a check in each write path: whatever way a change comes
in (REST, web pages, CMIS, the CLI, a job), it is refused at flush time when it touches
an Akte in transfer.  Legal holds and the store's protection bookkeeping stay possible
(a hold stops everything, also a transfer).  The archive process itself marks its
session with :func:`acting_for_process` to record what the archive decided.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from services.db.models import (
    Akte,
    AkteEvent,
    AkteSubjectKey,
    Document,
    DocumentCheckout,
    DocumentVersion,
    RecordFolder,
    Vorgang,
)
from services.errors import ConflictError

_PROCESS_FLAG = "eakte_archive_process"

_RECORD_ATTRIBUTES: dict[type, tuple[str, ...]] = {
    Akte: (
        "title",
        "description",
        "status",
        "closed_at",
        "org_unit",
        "file_plan_code",
        "confidentiality",
        "retention_trigger_date",
        "retention_until",
        "appraisal",
        "disposed_at",
    ),
    Vorgang: ("title", "status", "closed_at", "details", "akte_id"),
    Document: (
        "title",
        "akte_id",
        "vorgang_id",
        "folder_id",
        "letter_date",
        "received_on",
        "direction",
        "sender",
        "description",
        "confidentiality",
        "current_version",
        "retention_until",
        "filing_status",
        "disposed_at",
    ),
}
"""What a change to a row of these types may not touch; other columns (holds, the
protection bookkeeping, the rendition made by a job) stay writable."""

_GUARDED_ROWS = (AkteEvent, AkteSubjectKey, RecordFolder, DocumentVersion, DocumentCheckout)
"""Types whose every new, changed or deleted row changes the record."""


class InTransferError(ConflictError):
    """A change to a record that is in a running archive transfer."""


def acting_for_process(session: Session) -> None:
    """Let this session change records of a process (the process services only)."""
    session.info[_PROCESS_FLAG] = True


def install_transfer_guard(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _refuse_changes_in_transfer)


def _refuse_changes_in_transfer(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_PROCESS_FLAG):
        return
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            for akte_id in _touched_akten(session, obj):
                _refuse_if_in_transfer(session, akte_id)


def _touched_akten(session: Session, obj: object) -> set[str]:
    state = inspect(obj)
    if isinstance(obj, _GUARDED_ROWS):
        return _akten_of_row(session, obj)
    watched = _RECORD_ATTRIBUTES.get(type(obj))
    if watched is None:
        return set()
    if (
        not state.pending
        and not state.deleted
        and not any(state.attrs[name].history.has_changes() for name in watched)
    ):
        return set()
    if isinstance(obj, Akte):
        return set() if state.pending else {obj.id}
    ids = {value for value in state.attrs.akte_id.history.sum() if value}
    return {str(value) for value in ids}


def _akten_of_row(session: Session, obj: object) -> set[str]:
    if isinstance(obj, AkteEvent | AkteSubjectKey | RecordFolder):
        return {obj.akte_id} if obj.akte_id else set()
    if isinstance(obj, DocumentVersion | DocumentCheckout):
        document = session.get(Document, obj.document_id)
        return {document.akte_id} if document is not None and document.akte_id else set()
    return set()


def _refuse_if_in_transfer(session: Session, akte_id: str | None) -> None:
    if not akte_id:
        return
    akte = session.get(Akte, akte_id)
    if akte is None:
        return
    history = inspect(akte).attrs.transfer_process_id.history
    committed = (history.deleted or history.unchanged or [None])[0]
    if committed:
        raise InTransferError(
            f"Akte {akte.aktenzeichen} is in archive transfer process {committed}; "
            "it is read-only until the process ends or is cancelled"
        )
