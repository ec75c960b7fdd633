"""Archive transfer processes (xdomea Aussonderung), destruction certificates and alerts.

A process groups what was offered or transferred together under one ProzessID.  Each
offered Akte, Vorgang and document is an item with a ``xdomea_id`` that stays the same
from the 0501 to the 0503, so the archive's appraisal and import results name it.  An
Akte in a running process carries ``akten.transfer_process_id`` and is read-only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models.base import Base, new_id


class ProcessStatus(StrEnum):
    OFFERED = "offered"
    """0501 written; waiting for the archive's 0502."""
    APPRAISED = "appraised"
    """0502 read; the 0503 is written next (with the A items, if any)."""
    TRANSFER_SENT = "transfer_sent"
    """0503 written; waiting for 0507 and 0506."""
    TRANSFER_RECEIVED = "transfer_received"
    """0507 read: the archive has the 0503, but has not confirmed the import (0506)."""
    COMPLETED = "completed"
    """Nothing is waiting for the archive any more (destruction may still await approval)."""
    CANCELLED = "cancelled"

    @property
    def running(self) -> bool:
        return self not in (ProcessStatus.COMPLETED, ProcessStatus.CANCELLED)


class ItemKind(StrEnum):
    AKTE = "akte"
    VORGANG = "vorgang"
    DOCUMENT = "document"


class ItemState(StrEnum):
    OFFERED = "offered"
    TO_TRANSFER = "to_transfer"
    """Appraised A: goes into the 0503."""
    TRANSFERRED = "transferred"
    """In a 0503 that left; waiting for the 0506."""
    ARCHIVED = "archived"
    """The 0506 reported it ``Erfolgreich``; deleted here once no longer needed."""
    FAILED = "failed"
    """The 0506 reported a failure or left it out: it stays, an alert is raised."""
    TO_DESTROY = "to_destroy"
    """Appraised V (or the offer was waived): destroyed after approval."""
    DESTROYED = "destroyed"
    KEPT = "kept"
    """The archive left it out of its appraisal, or the process was cancelled: it stays."""


class ArchiveProcess(Base):
    __tablename__ = "archive_processes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    """The xdomea ProzessID."""
    flow: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32), index=True)
    xdomea_version: Mapped[str] = mapped_column(String(10))
    waived: Mapped[bool] = mapped_column(default=False)
    """Only Akten whose offer the archive waived: no message is exchanged at all."""
    approval_required: Mapped[bool] = mapped_column(default=True)
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[datetime]
    offer_sent_at: Mapped[datetime | None]
    appraisal_received_at: Mapped[datetime | None]
    receipt_requested: Mapped[bool] = mapped_column(default=False)
    """The archive's 0502 asked for our 0505 (sent before the 0503)."""
    transfer_sent_at: Mapped[datetime | None]
    transfer_received_at: Mapped[datetime | None]
    import_confirmed_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(String(300))
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class ArchiveProcessItem(Base):
    __tablename__ = "archive_process_items"
    __table_args__ = (Index("ix_archive_process_items_process_kind", "process_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_id: Mapped[str] = mapped_column(ForeignKey("archive_processes.id"))
    xdomea_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))
    akte_id: Mapped[str] = mapped_column(ForeignKey("akten.id"), index=True)
    vorgang_id: Mapped[str | None] = mapped_column(ForeignKey("vorgaenge.id"))
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    parent_xdomea_id: Mapped[str | None] = mapped_column(String(36))
    agency_value: Mapped[str | None] = mapped_column(String(1))
    """A, B or V: the plan's value (or the records manager's appraisal of B) at the offer."""
    archive_value: Mapped[str | None] = mapped_column(String(1))
    """A or V from the archive's 0502 (two-step and waived: the agency's own decision)."""
    state: Mapped[str] = mapped_column(String(16), index=True)
    archive_signature: Mapped[str | None] = mapped_column(String(300))
    result_message: Mapped[str | None] = mapped_column(Text)
    destroyed_at: Mapped[datetime | None]
    certificate_id: Mapped[str | None] = mapped_column(ForeignKey("destruction_certificates.id"))


class ArchiveMessage(Base):
    """A message written or read, with a write-once copy in the store."""

    __tablename__ = "archive_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_id: Mapped[str | None] = mapped_column(ForeignKey("archive_processes.id"), index=True)
    """None for a message that names no process of ours (kept for the record, refused)."""
    claimed_process_id: Mapped[str | None] = mapped_column(String(100))
    message_type: Mapped[str | None] = mapped_column(String(4))
    direction: Mapped[str] = mapped_column(String(8))
    """``out`` (eakte wrote it) or ``in`` (read from the transfer directory)."""
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    """The write-once copy; None while the zip was too large to keep (never for replies)."""
    accepted: Mapped[bool] = mapped_column(default=True)
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    """Outgoing: when the zip got its final name in the transfer directory (None: it
    waits in the staging directory; the next run renames it)."""


class ArchiveTransferFile(Base):
    """A file that left in a 0503, with the SHA-256 xdomea itself does not carry."""

    __tablename__ = "archive_transfer_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_id: Mapped[str] = mapped_column(ForeignKey("archive_processes.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("archive_process_items.id"))
    version_number: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)


class DestructionCertificate(Base):
    """A Vernichtungsprotokoll: PDF and JSON, stored write-once as long as the audit trail."""

    __tablename__ = "destruction_certificates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    process_id: Mapped[str | None] = mapped_column(ForeignKey("archive_processes.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    akten: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    approved_by: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    pdf_object_id: Mapped[int] = mapped_column(ForeignKey("stored_objects.id"))
    json_object_id: Mapped[int] = mapped_column(ForeignKey("stored_objects.id"))


class ArchiveAlert(Base):
    """Something a records manager must look at: a failed import, a missing 0506, a refusal."""

    __tablename__ = "archive_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_id: Mapped[str | None] = mapped_column(ForeignKey("archive_processes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    """One open alert per cause, however often the scheduled job sees it."""
    raised_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(300))
