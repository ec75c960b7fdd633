"""Models of the mail room: API keys, uploaded items, documents, pages and jobs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.db.models.base import Base, new_id

if TYPE_CHECKING:
    from services.db.models.records import Akte, Vorgang


class ItemStatus(StrEnum):
    """Lifecycle of an uploaded file (the original as received)."""

    RECEIVED = "received"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class DocumentStatus(StrEnum):
    """Lifecycle of a document's processing (OCR); filing has its own :class:`FilingStatus`."""

    RECEIVED = "received"
    PROCESSING = "processing"
    OCR_DONE = "ocr_done"
    FAILED = "failed"


class FilingStatus(StrEnum):
    """Where a document stands in the file plan."""

    UNFILED = "unfiled"
    """Not yet classified (OCR still running, or classification pending)."""
    IN_REVIEW = "in_review"
    """Waiting in a unit's review queue (Postkorb) for a human decision."""
    AUTO_FILED = "auto_filed"
    """Filed by eakte: a reference matched, or the classifier was confident enough."""
    FILED = "filed"
    """Filed or moved by a person."""


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    """Public, non-secret part of the key, used to find the row."""
    secret_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the whole key; keys are 256-bit random, so a slow hash adds nothing."""
    role: Mapped[str] = mapped_column(String(32))
    org_unit: Mapped[str | None] = mapped_column(String(100))
    clearance: Mapped[str] = mapped_column(String(3), default="003")
    """xdomea code of the highest confidentiality level the key may read."""
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class IntakeItem(Base):
    """One uploaded file, kept exactly as received."""

    __tablename__ = "intake_items"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    blob_key: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    original_filename: Mapped[str | None] = mapped_column(String(500))
    page_count: Mapped[int] = mapped_column(Integer)
    station_id: Mapped[str | None] = mapped_column(String(100))
    batch_id: Mapped[str | None] = mapped_column(String(100), index=True)
    received_at: Mapped[datetime]
    sender_hint: Mapped[str | None] = mapped_column(String(500))
    target_org_unit: Mapped[str | None] = mapped_column(String(100))
    split_batch: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(32), default=ItemStatus.RECEIVED, index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[str | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    documents: Mapped[list[Document]] = relationship(
        back_populates="item", order_by="Document.part_index"
    )


class Document(Base):
    """A letter: the whole upload, or one part of a split batch."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("item_id", "part_index"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    item_id: Mapped[str] = mapped_column(ForeignKey("intake_items.id"), index=True)
    part_index: Mapped[int] = mapped_column(Integer)
    first_page: Mapped[int] = mapped_column(Integer)
    last_page: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(32), default=DocumentStatus.RECEIVED, index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    org_unit: Mapped[str | None] = mapped_column(String(100), index=True)
    content_blob_key: Mapped[str] = mapped_column(String(200))
    """The document's original content: the upload itself, or its pages cut from a batch."""
    content_sha256: Mapped[str] = mapped_column(String(64))
    content_size: Mapped[int] = mapped_column(BigInteger)
    content_media_type: Mapped[str] = mapped_column(String(100))
    rendition_blob_key: Mapped[str | None] = mapped_column(String(200))
    rendition_sha256: Mapped[str | None] = mapped_column(String(64))
    rendition_size: Mapped[int | None] = mapped_column(BigInteger)
    rendition_is_pdfa: Mapped[bool | None]
    page_count: Mapped[int] = mapped_column(Integer)
    text_chars: Mapped[int] = mapped_column(Integer, default=0)
    ocr_performed: Mapped[bool | None]
    ocr_engine: Mapped[str | None] = mapped_column(String(50))
    filing_status: Mapped[str] = mapped_column(String(32), default=FilingStatus.UNFILED, index=True)
    confidentiality: Mapped[str] = mapped_column(String(3), default="003")
    """The document's own xdomea level; an Akte's higher level applies on top of it."""
    akte_id: Mapped[str | None] = mapped_column(ForeignKey("akten.id"), index=True)
    vorgang_id: Mapped[str | None] = mapped_column(ForeignKey("vorgaenge.id"), index=True)
    folder_id: Mapped[str | None] = mapped_column(ForeignKey("record_folders.id"), index=True)
    """A folder below the Akte or Vorgang (CMIS clients nest them); None directly in it."""
    filed_at: Mapped[datetime | None]
    letter_date: Mapped[date | None]
    """The date printed on the letter (or of the decision sent), when known."""
    received_on: Mapped[date | None]
    """The day the letter was received (Eingangsdatum); for legacy files the real one."""
    direction: Mapped[str | None] = mapped_column(String(16))
    """``incoming``, ``outgoing`` or ``internal`` (xdomea Eingang/Ausgang/intern)."""
    sender: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(300))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    retention_until: Mapped[date | None]
    """The document's own retention end (e.g. an invoice rule); the Akte's may be later."""
    legal_hold: Mapped[bool] = mapped_column(default=False)
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)
    protection_pending: Mapped[bool] = mapped_column(default=False, index=True)
    """Retention or hold changed (filing, closing, holds); the store has not caught up yet."""
    disposed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    item: Mapped[IntakeItem] = relationship(back_populates="documents")
    pages: Mapped[list[DocumentPage]] = relationship(
        order_by="DocumentPage.page_number", cascade="all, delete-orphan"
    )
    akte: Mapped[Akte | None] = relationship()
    vorgang: Mapped[Vorgang | None] = relationship()


class DocumentPage(Base):
    __tablename__ = "document_pages"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    page_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class Job(Base):
    """A durable unit of background work, enqueued in the same transaction as its data."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_claim", "status", "run_after"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict[str, Any]]
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    run_after: Mapped[datetime]
    lease_expires_at: Mapped[datetime | None]
    locked_by: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
