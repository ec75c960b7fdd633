"""Destroying a document after its retention period.

This is the mechanism; the workflow and the rules for choosing documents come with the
disposition issue.
Destruction is refused while the retention end is unknown or not yet reached, and
while the document or its Akte is on legal hold.  What remains is a tombstone with the
hashes of every version, the reason and the actor, and an audit event.  The content is
removed from the store by a job enqueued in the same transaction, so a crash between
the decision and the deletion only delays the deletion; the store itself refuses the
deletion if its lock disagrees with the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from services.access.scope import Scope
from services.audit.trail import SYSTEM_ACTOR, record_event
from services.db.models import (
    Document,
    DocumentPage,
    DocumentTombstone,
    DocumentVersion,
    StoredObject,
)
from services.db.session import unit_of_work
from services.documents.page_images import forget_page_images
from services.documents.queries import get_document
from services.documents.versions import ensure_not_disposed, versions_of
from services.errors import NotFoundError, PermanentJobError, RetentionViolationError
from services.jobs.queue import enqueue
from services.ports import BlobStore, Clock, SearchIndex
from services.settings import Settings
from services.storage.protection import (
    documents_of_object,
    hold_reason,
    objects_of_document,
    retention_end,
)

PURGE_OBJECTS = "storage.purge_objects"


def destroy_document(
    session: Session,
    search: SearchIndex,
    document: Document,
    *,
    reason: str,
    actor: str,
    clock: Clock,
    settings: Settings,
) -> DocumentTombstone:
    """Replace the document's content by a tombstone; its objects are purged by a job."""
    ensure_not_disposed(document)
    now = clock.now()
    end = retention_end(document)
    if end is None:
        raise RetentionViolationError(
            f"document {document.id} has no known retention end yet (unfiled, its Akte is "
            "open, or the event that starts its retention was not recorded)"
        )
    if now.date() <= end:
        raise RetentionViolationError(
            f"document {document.id} is retained until {end.isoformat()}; "
            "it cannot be destroyed before then"
        )
    held = hold_reason(document)
    if held is not None:
        raise RetentionViolationError(f"document {document.id} is under {held}")
    objects = objects_of_document(session, document)
    tombstone = DocumentTombstone(
        document_id=document.id,
        destroyed_at=now,
        destroyed_by=actor,
        reason=reason,
        retention_until=end,
        versions=[_version_hashes(version) for version in versions_of(session, document.id)],
    )
    session.add(tombstone)
    document.disposed_at = now
    document.updated_at = now
    session.execute(delete(DocumentPage).where(DocumentPage.document_id == document.id))
    session.expire(document, ["pages"])
    search.remove_document(session, document.id)
    session.flush()
    # Objects another live document still needs (a shared original) stay.
    unshared = [stored.id for stored in objects if not documents_of_object(session, stored)]
    record_event(
        session,
        actor=actor,
        action="document.destroyed",
        object_type="document",
        object_id=document.id,
        details={
            "reason": reason,
            "retention_until": end.isoformat(),
            "versions": tombstone.versions,
            "objects": unshared,
        },
        clock=clock,
    )
    if unshared:
        enqueue(
            session,
            PURGE_OBJECTS,
            {"object_ids": unshared, "document_id": document.id},
            clock=clock,
            settings=settings.jobs,
            dedupe_key=f"{PURGE_OBJECTS}:{document.id}",
        )
    return tombstone


class PurgeObjectsHandler:
    """Delete destroyed documents' object versions from the store, then mark the rows."""

    kind = PURGE_OBJECTS

    def __init__(
        self,
        factory: sessionmaker[Session],
        store: BlobStore,
        clock: Clock,
        *,
        page_image_cache: Path,
    ) -> None:
        self._factory = factory
        self._store = store
        self._clock = clock
        self._page_image_cache = page_image_cache
        """Pages drawn from a purged object are deleted with it (services.documents.page_images)."""

    def run(self, payload: Mapping[str, Any]) -> None:
        for object_id in payload["object_ids"]:
            self._purge(int(object_id), str(payload["document_id"]))

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        with unit_of_work(self._factory) as session:
            record_event(
                session,
                actor=SYSTEM_ACTOR,
                action="object.purge_failed",
                object_type="document",
                object_id=str(payload["document_id"]),
                details={"objects": list(payload["object_ids"]), "reason": reason},
                clock=self._clock,
            )

    def _purge(self, object_id: int, document_id: str) -> None:
        with unit_of_work(self._factory) as session:
            stored = session.get(StoredObject, object_id)
            if stored is None:
                raise PermanentJobError(f"stored object {object_id} does not exist")
            if stored.destroyed_at is not None:
                return
            if documents_of_object(session, stored):
                return  # a document filed since then needs it after all
            try:
                self._store.delete(stored.blob_key, stored.version_id)
            except NotFoundError:
                pass  # deleted by an earlier attempt that crashed before committing
            except RetentionViolationError as exc:
                raise PermanentJobError(f"the store refused the deletion: {exc.detail}") from exc
            stored.destroyed_at = self._clock.now()
            forget_page_images(self._page_image_cache, stored.sha256)
            record_event(
                session,
                actor=SYSTEM_ACTOR,
                action="object.purged",
                object_type="stored_object",
                object_id=str(stored.id),
                details={
                    "document_id": document_id,
                    "key": stored.blob_key,
                    "version_id": stored.version_id,
                    "sha256": stored.sha256,
                    "size": stored.size,
                },
                clock=self._clock,
            )


def _version_hashes(version: DocumentVersion) -> dict[str, Any]:
    rendition = version.rendition
    return {
        "number": version.number,
        "media_type": version.media_type,
        "content_sha256": version.content.sha256,
        "content_size": version.content.size,
        "rendition_sha256": rendition.sha256 if rendition else None,
        "rendition_size": rendition.size if rendition else None,
        "created_at": version.created_at.isoformat(),
    }


def tombstone_of(session: Session, scope: Scope, document_id: str) -> DocumentTombstone:
    """The tombstone of a destroyed document the caller may see."""
    document = get_document(session, scope, document_id)
    found = session.scalar(
        select(DocumentTombstone).where(DocumentTombstone.document_id == document.id)
    )
    if found is None:
        raise NotFoundError(f"document {document_id} has not been destroyed")
    return found
