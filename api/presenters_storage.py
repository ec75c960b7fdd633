"""ORM rows -> API models for versions, retention and storage health."""

from __future__ import annotations

from api.schemas.storage import (
    FixityFailureOut,
    RetentionOut,
    StorageHealthOut,
    StoredPartOut,
    TombstoneOut,
    VersionOut,
)
from api.urls import document_url
from services.db.models import Document, DocumentTombstone, DocumentVersion, StoredObject
from services.storage.fixity import StorageHealth
from services.storage.protection import hold_reason, is_held, retention_end


def version_out(document: Document, version: DocumentVersion) -> VersionOut:
    url = f"{document_url(document.id)}/versions/{version.number}"
    return VersionOut(
        number=version.number,
        current=version.number == document.current_version,
        created_at=version.created_at,
        created_by=version.created_by,
        comment=version.comment,
        content=_part(version.content, version.media_type, f"{url}/content"),
        rendition=_part(version.rendition, "application/pdf", f"{url}/rendition")
        if version.rendition is not None
        else None,
    )


def retention_out(document: Document, objects: list[StoredObject]) -> RetentionOut:
    return RetentionOut(
        document_id=document.id,
        retention_until=retention_end(document),
        own_retention_until=document.retention_until,
        legal_hold=is_held(document),
        legal_hold_reason=hold_reason(document),
        locked_until=min((stored.retain_until for stored in objects), default=None),
        disposed_at=document.disposed_at,
    )


def tombstone_out(tombstone: DocumentTombstone) -> TombstoneOut:
    return TombstoneOut(
        document_id=tombstone.document_id,
        destroyed_at=tombstone.destroyed_at,
        destroyed_by=tombstone.destroyed_by,
        reason=tombstone.reason,
        retention_until=tombstone.retention_until,
        versions=tombstone.versions,
    )


def storage_health_out(health: StorageHealth, backend: str, object_lock: str) -> StorageHealthOut:
    return StorageHealthOut(
        status="alert" if health.alert or object_lock != "ok" else "ok",
        backend=backend,
        object_lock=object_lock,
        objects=health.objects,
        never_checked=health.never_checked,
        oldest_check=health.oldest_check,
        failures=[
            FixityFailureOut(
                object_id=failure.object_id,
                key=failure.key,
                version_id=failure.version_id,
                status=failure.status.value,
                detail=failure.detail,
            )
            for failure in health.failures
        ],
    )


def _part(stored: StoredObject, media_type: str, url: str) -> StoredPartOut:
    return StoredPartOut(sha256=stored.sha256, size=stored.size, media_type=media_type, url=url)
