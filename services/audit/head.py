"""The head of the hash chain, and the lock that serialises everyone who moves it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.db.models import AuditEvent

CHAIN_LOCK = 0x65616B7465_0A
"""PostgreSQL advisory lock key held by whoever appends to the chain ("eakte", 10)."""

ANCHOR_LOCK = 0x65616B7465_0B
"""Held by whoever anchors the head, so that two anchor jobs never race for one seq."""


@dataclass(frozen=True)
class ChainHead:
    seq: int
    event_hash: str


def take_lock(session: Session, key: int) -> None:
    """Hold an advisory lock until the transaction ends (PostgreSQL).

    SQLite needs none: a writing unit of work holds the database write lock from BEGIN.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def chain_head(session: Session) -> ChainHead | None:
    """The last chained event, including ones this session flushed but has not committed."""
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.event_hash)
        .where(AuditEvent.seq.is_not(None))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    seq, event_hash = row
    assert seq is not None and event_hash is not None
    return ChainHead(seq=seq, event_hash=event_hash)
