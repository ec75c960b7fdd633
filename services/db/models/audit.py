"""The audit trail: one append-only row per state-changing action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("uq_audit_events_seq", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    """``key:<id> (<name>)`` for a person's API key, ``system`` for eakte itself."""
    action: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]]
    seq: Mapped[int | None] = mapped_column(Integer)
    """Position in the hash chain (1, 2, ...); None only for rows not yet chained."""
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    event_hash: Mapped[str | None] = mapped_column(String(64))


class AuditAnchor(Base):
    """A chain head written as a write-once object, so that rewritten history shows."""

    __tablename__ = "audit_anchors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    anchored_at: Mapped[datetime]
    blob_key: Mapped[str] = mapped_column(String(200))
    version_id: Mapped[str | None] = mapped_column(String(200))
