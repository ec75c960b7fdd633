"""Models of revision-safe storage.

Stored object versions, document versions, tombstones and the daily evidence trees over
new content.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.db.models.base import Base, new_id


class ObjectPurpose(StrEnum):
    ORIGINAL = "original"
    """An upload exactly as received (a whole batch, or a single letter)."""
    CONTENT = "content"
    """A document version's content (a letter cut from a batch, or a new version)."""
    RENDITION = "rendition"
    """The searchable PDF/A made from a version's content."""
    MODEL = "model"
    """A classifier model: working data, kept only for a short retention class."""
    ARCHIVE_MESSAGE = "archive_message"
    """An xdomea message exchanged with the archive, kept with its transfer process."""
    CERTIFICATE = "certificate"
    """A destruction certificate (PDF or JSON): the proof that outlives what it describes."""


class FixityStatus(StrEnum):
    UNCHECKED = "unchecked"
    OK = "ok"
    CORRUPT = "corrupt"
    MISSING = "missing"


class StoredObject(Base):
    """One object version in the blob store, with the protection eakte set on it.

    ``retain_until`` and ``legal_hold`` mirror what the store enforces; the database can
    only ask for longer retention, the store refuses anything else.
    """

    __tablename__ = "stored_objects"
    __table_args__ = (
        Index(
            "uq_stored_objects_live_key",
            "blob_key",
            unique=True,
            sqlite_where=text("destroyed_at IS NULL"),
            postgresql_where=text("destroyed_at IS NULL"),
        ),
        Index("ix_stored_objects_fixity", "fixity_checked_at"),
        Index("ix_stored_objects_unsealed", "evidence_tree_id", "stored_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    blob_key: Mapped[str] = mapped_column(String(200))
    version_id: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(30))
    stored_at: Mapped[datetime]
    retain_until: Mapped[datetime]
    legal_hold: Mapped[bool] = mapped_column(default=False)
    fixity_status: Mapped[str] = mapped_column(String(16), default=FixityStatus.UNCHECKED)
    fixity_checked_at: Mapped[datetime | None]
    fixity_detail: Mapped[str | None] = mapped_column(Text)
    destroyed_at: Mapped[datetime | None]
    evidence_tree_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_trees.id"))
    evidence_leaf_index: Mapped[int | None] = mapped_column(Integer)


class DocumentVersion(Base):
    """One immutable content version of a document; a new version never replaces an old one."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_object_id: Mapped[int] = mapped_column(ForeignKey("stored_objects.id"), index=True)
    rendition_object_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_objects.id"), index=True
    )
    media_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)

    content: Mapped[StoredObject] = relationship(foreign_keys=[content_object_id])
    rendition: Mapped[StoredObject | None] = relationship(foreign_keys=[rendition_object_id])


class DocumentTombstone(Base):
    """What remains of a destroyed document: who, when, why, and the hashes it had."""

    __tablename__ = "document_tombstones"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    destroyed_at: Mapped[datetime]
    destroyed_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    retention_until: Mapped[date]
    versions: Mapped[list[Any]]
    """Per version: number, media type, content and rendition SHA-256 and sizes."""


class EvidenceTree(Base):
    """The Merkle tree over one day's new content hashes (TR-ESOR style evidence)."""

    __tablename__ = "evidence_trees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(unique=True)
    leaf_count: Mapped[int] = mapped_column(Integer)
    root_hash: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime]
    anchor_key: Mapped[str | None] = mapped_column(String(200))
    anchor_version_id: Mapped[str | None] = mapped_column(String(200))
    timestamp_token: Mapped[bytes | None] = mapped_column(LargeBinary)
    """An RFC 3161 time-stamp token over the root, when a TSA is configured."""
    tsa_url: Mapped[str | None] = mapped_column(String(500))
