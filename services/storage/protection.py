"""Bring the store's locks in line with what the records say.

The database decides *what* must be protected: a document's retention end is the later
of its own and its Akte's, and it is held while it or its Akte is on legal hold.  The
store *enforces* it: COMPLIANCE retention and legal holds on S3, the ledger on the fs
store.  Content shared by several documents (a letter that is also the whole upload)
gets the longest retention of any of them and is held while any of them is held.

Every sync reads the store's current lock first, so a transaction that rolled back
after extending a lock leaves nothing to repair: the store is never asked to shorten.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.backends.blob_keys import retention_instant
from services.db.models import Document, DocumentVersion, IntakeItem, ObjectPurpose, StoredObject
from services.ports import BlobStore
from services.settings import RetentionSettings


def lock_until(retention_end: date) -> datetime:
    """The lock for a retention end date: the content is kept through that whole day."""
    return datetime.combine(retention_end + timedelta(days=1), time(0), tzinfo=UTC)


def retention_end(document: Document) -> date | None:
    """When the document may be destroyed; None while that is unknown.

    A filed document waits for its Akte's end (unknown while the Akte is open or its
    trigger event is not recorded); its own end (an invoice rule, an extension) can only
    make that later.  An unfiled document (new mail, in review) has no end yet: the file
    plan decides it only once the document is filed, and an extension cannot stand in
    for the plan.
    """
    own = document.retention_until
    if document.akte is None:
        return None
    akte_end = document.akte.retention_until
    if akte_end is None:
        return None
    return max(akte_end, own) if own is not None else akte_end


def is_held(document: Document) -> bool:
    return document.legal_hold or (document.akte is not None and document.akte.legal_hold)


def hold_reason(document: Document) -> str | None:
    if document.legal_hold:
        return f"legal hold on the document: {document.legal_hold_reason or 'no reason given'}"
    if document.akte is not None and document.akte.legal_hold:
        reason = document.akte.legal_hold_reason or "no reason given"
        return f"legal hold on Akte {document.akte.aktenzeichen}: {reason}"
    return None


def objects_of_document(session: Session, document: Document) -> list[StoredObject]:
    """Every live object version the document consists of, including a shared original."""
    versions = session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id == document.id)
    ).all()
    ids = {version.content_object_id for version in versions}
    ids |= {version.rendition_object_id for version in versions if version.rendition_object_id}
    original = session.scalar(
        select(StoredObject.id)
        .join(IntakeItem, IntakeItem.blob_key == StoredObject.blob_key)
        .where(IntakeItem.id == document.item_id, StoredObject.destroyed_at.is_(None))
    )
    if original is not None:
        ids.add(original)
    if not ids:
        return []
    return list(
        session.scalars(
            select(StoredObject)
            .where(StoredObject.id.in_(ids), StoredObject.destroyed_at.is_(None))
            .order_by(StoredObject.id)
        )
    )


def documents_of_object(session: Session, stored: StoredObject) -> list[Document]:
    """The documents that still need ``stored``: by a version, or as their item's original."""
    by_version = select(DocumentVersion.document_id).where(
        or_(
            DocumentVersion.content_object_id == stored.id,
            DocumentVersion.rendition_object_id == stored.id,
        )
    )
    by_original = (
        select(Document.id)
        .join(IntakeItem, IntakeItem.id == Document.item_id)
        .where(IntakeItem.blob_key == stored.blob_key)
    )
    return list(
        session.scalars(
            select(Document).where(
                or_(Document.id.in_(by_version), Document.id.in_(by_original)),
                Document.disposed_at.is_(None),
            )
        )
    )


def required_lock(documents: Iterable[Document]) -> datetime | None:
    """The lock all these documents need, or None while any retention end is unknown."""
    ends = [retention_end(document) for document in documents]
    if not ends or any(end is None for end in ends):
        return None
    return lock_until(max(end for end in ends if end is not None))


def sync_object(
    session: Session,
    store: BlobStore,
    stored: StoredObject,
    *,
    settings: RetentionSettings,
    now: datetime,
) -> None:
    """Extend the object's lock to what its documents need and set or release its hold.

    While some retention end is unknown the object keeps a minimum lock, renewed before it
    runs out.  A hold is released only when no document using the object is held.
    """
    current = store.protection(stored.blob_key, stored.version_id)
    if stored.purpose == ObjectPurpose.MODEL:
        target = current.retain_until
        held = False
    else:
        documents = documents_of_object(session, stored)
        target = required_lock(documents) or _renewed_minimum(current.retain_until, settings, now)
        extended = [lock_until(d.retention_until) for d in documents if d.retention_until]
        target = max([target, *extended])  # an extension of unfiled mail holds too
        held = any(is_held(document) for document in documents)
    target = retention_instant(target)  # the store keeps whole seconds
    if target > current.retain_until:
        store.extend_retention(stored.blob_key, stored.version_id, target)
    stored.retain_until = max(target, current.retain_until)
    if held != current.legal_hold:
        store.set_legal_hold(stored.blob_key, stored.version_id, held)
    stored.legal_hold = held


def sync_document(
    session: Session,
    store: BlobStore,
    document: Document,
    *,
    settings: RetentionSettings,
    now: datetime,
) -> None:
    for stored in objects_of_document(session, document):
        sync_object(session, store, stored, settings=settings, now=now)
    document.protection_pending = False


def mark_pending(documents: Iterable[Document]) -> None:
    """Note that these documents' locks or holds must be brought to the store."""
    for document in documents:
        document.protection_pending = True


def _renewed_minimum(current: datetime, settings: RetentionSettings, now: datetime) -> datetime:
    if current - now >= timedelta(days=settings.renewal_window_days):
        return current
    return now + timedelta(days=settings.minimum_days)
