"""Adopt content stored before revision-safe storage existed (schema before 0005).

Such blobs have no lock, no ledger row and no version row.  Adopting one re-reads it
(checking its hash), stores it again with the minimum lock, which registers it with the
store's retention (a new, locked version on S3), and gives its document version 1.
Runs at start-up; once everything is adopted it is a single empty query.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.audit.trail import SYSTEM_ACTOR, record_event
from services.db.models import Document, DocumentVersion, IntakeItem, ObjectPurpose, StoredObject
from services.documents.versions import first_version
from services.ports import BlobStore, Clock
from services.settings import RetentionSettings
from services.storage.objects import live_object, register_object, store_content
from services.storage.protection import mark_pending


def adopt_legacy_content(
    session: Session, store: BlobStore, *, clock: Clock, settings: RetentionSettings
) -> int:
    """Give every unversioned document its version 1 and lock its content; return the count."""
    has_version = select(DocumentVersion.id).where(DocumentVersion.document_id == Document.id)
    documents = session.scalars(
        select(Document).where(~has_version.exists()).order_by(Document.created_at)
    ).all()
    for document in documents:
        content = _adopt(
            session,
            store,
            document.content_blob_key,
            document.content_media_type,
            ObjectPurpose.CONTENT,
            clock,
            settings,
        )
        rendition = (
            _adopt(
                session,
                store,
                document.rendition_blob_key,
                "application/pdf",
                ObjectPurpose.RENDITION,
                clock,
                settings,
            )
            if document.rendition_blob_key
            else None
        )
        session.add(
            first_version(document, content, rendition, actor=SYSTEM_ACTOR, now=clock.now())
        )
        mark_pending([document])
    originals = session.scalars(
        select(IntakeItem).where(
            ~select(StoredObject.id).where(StoredObject.blob_key == IntakeItem.blob_key).exists()
        )
    ).all()
    for item in originals:
        _adopt(
            session, store, item.blob_key, item.media_type, ObjectPurpose.ORIGINAL, clock, settings
        )
    if documents or originals:
        record_event(
            session,
            actor=SYSTEM_ACTOR,
            action="storage.legacy_adopted",
            object_type="storage",
            object_id="legacy",
            details={"documents": len(documents), "originals": len(originals)},
            clock=clock,
        )
    return len(documents)


def _adopt(
    session: Session,
    store: BlobStore,
    key: str,
    media_type: str,
    purpose: ObjectPurpose,
    clock: Clock,
    settings: RetentionSettings,
) -> StoredObject:
    existing = live_object(session, key)
    if existing is not None:
        return existing
    now = clock.now()
    ref = store_content(store, store.get(key), media_type=media_type, settings=settings, now=now)
    return register_object(
        session,
        ref,
        media_type=media_type,
        purpose=purpose,
        retain_until=store.protection(ref.key, ref.version_id).retain_until,
        now=now,
    )
