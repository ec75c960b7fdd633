"""Register stored object versions in the database, next to the documents using them.

Blobs are written before their rows (and outside the transaction).  A crash in between
leaves an unregistered, write-once blob that nothing refers to: harmless, and never the
other way round (a row without its blob).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.db.models import FixityStatus, ObjectPurpose, StoredObject
from services.ports import BlobRef, BlobStore, Protection
from services.settings import RetentionSettings


def minimum_protection(settings: RetentionSettings, now: datetime) -> Protection:
    """The lock for new content whose retention end nobody knows yet."""
    return Protection(retain_until=now + timedelta(days=settings.minimum_days))


def store_content(
    store: BlobStore, data: bytes, *, media_type: str, settings: RetentionSettings, now: datetime
) -> BlobRef:
    """Write record content with the minimum lock; the real end is applied when known."""
    return store.put(data, protection=minimum_protection(settings, now), content_type=media_type)


def store_content_file(
    store: BlobStore,
    file: IO[bytes],
    *,
    sha256: str,
    size: int,
    media_type: str,
    settings: RetentionSettings,
    now: datetime,
) -> BlobRef:
    """:func:`store_content` for content in a file (an upload too large for memory).

    ``sha256`` and ``size`` are what the caller measured; the store checks them.
    """
    return store.put_file(
        file,
        sha256=sha256,
        size=size,
        protection=minimum_protection(settings, now),
        content_type=media_type,
    )


def register_object(
    session: Session,
    ref: BlobRef,
    *,
    media_type: str,
    purpose: ObjectPurpose,
    retain_until: datetime,
    now: datetime,
) -> StoredObject:
    """Return the live row of ``ref``'s key, inserting it on first sight.

    Content-addressed keys mean one live object per key: the same bytes stored twice
    (a letter that is also the whole upload) share one row.
    """
    existing = live_object(session, ref.key)
    if existing is not None:
        if existing.retain_until < retain_until:
            existing.retain_until = retain_until
        return existing
    row = StoredObject(
        blob_key=ref.key,
        version_id=ref.version_id,
        sha256=ref.sha256,
        size=ref.size,
        media_type=media_type,
        purpose=purpose,
        stored_at=now,
        retain_until=retain_until,
        legal_hold=False,
        fixity_status=FixityStatus.UNCHECKED,
    )
    session.add(row)
    session.flush()
    return row


def live_object(session: Session, key: str) -> StoredObject | None:
    return session.scalar(
        select(StoredObject).where(
            StoredObject.blob_key == key, StoredObject.destroyed_at.is_(None)
        )
    )
