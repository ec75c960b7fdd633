"""Documents that CMIS clients create, and the versions they add.

A CMIS document is filed where the client puts it: no classification, no review
queue.  It still enters eakte as mail does: an intake item for the received bytes
(checked like a mail-room upload), a document with version 1, and the job that makes the
searchable PDF/A and the text of each version.  Every version carries its CMIS label
(:class:`VersionLabel`, ``major.minor``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality
from services.audit.trail import record_event
from services.cmis.folders import Place
from services.cmis.model import IncomingContent
from services.cmis.version_queries import Label
from services.db.models import (
    Document,
    DocumentCheckout,
    DocumentStatus,
    DocumentVersion,
    FilingStatus,
    IntakeItem,
    ItemStatus,
    ObjectPurpose,
    StoredObject,
    VersionLabel,
)
from services.documents.new_version import RENDER_VERSION
from services.documents.search_entry import search_entry
from services.documents.versions import add_version, first_version
from services.intake.filenames import clean_filename
from services.intake.spooled_upload import SpooledUpload, preflight_upload, store_upload
from services.jobs.queue import enqueue
from services.ports import BlobRef, BlobStore, Clock, SearchIndex
from services.records.filing import file_document
from services.settings import Settings
from services.storage.objects import minimum_protection, register_object
from services.storage.protection import mark_pending

CMIS_STATION = "cmis"
"""``station_id`` of the intake items CMIS documents arrive as."""


@dataclass(frozen=True)
class DocumentFields:
    """What a client may set on a document (besides client-defined properties)."""

    title: str
    description: str | None = None
    letter_date: date | None = None
    direction: str | None = None
    sender: str | None = None
    confidentiality: Confidentiality | None = None


@dataclass(frozen=True)
class AcceptedContent:
    """Content that passed the mail room's checks and is in the store (not yet registered)."""

    ref: BlobRef
    media_type: str
    page_count: int
    filename: str | None


def accept_content(
    store: BlobStore, content: IncomingContent, *, settings: Settings, clock: Clock
) -> AcceptedContent:
    """Check content like a mail-room upload (real type, limits, structure), then store it.

    The bytes stay in the client's spooled file: checked and hashed from it, and written
    to the store from it, before and outside any row (a failed transaction leaves a
    harmless write-once blob, never a row without its blob).
    """
    upload = SpooledUpload(
        filename=content.filename, file=cast("BinaryIO", content.file), size=content.size
    )
    prepared = preflight_upload(upload, settings)
    ref = store_upload(store, upload, prepared, settings=settings, now=clock.now())
    return AcceptedContent(
        ref=ref,
        media_type=prepared.media_type,
        page_count=prepared.page_count,
        filename=prepared.filename,
    )


def register_content(
    session: Session,
    accepted: AcceptedContent,
    *,
    purpose: ObjectPurpose,
    settings: Settings,
    now: datetime,
) -> StoredObject:
    return register_object(
        session,
        accepted.ref,
        media_type=accepted.media_type,
        purpose=purpose,
        retain_until=minimum_protection(settings.retention, now).retain_until,
        now=now,
    )


def next_label(current: Label, *, major: bool) -> Label:
    """The label after ``current``: ``major+1.0`` for a major version, else ``major.minor+1``."""
    if major:
        return Label(current.major + 1, 0, True)
    return Label(current.major, current.minor + 1, False)


def first_label(*, major: bool) -> Label:
    return Label(1, 0, True) if major else Label(0, 1, False)


def create_filed_document(
    session: Session,
    search: SearchIndex,
    place: Place,
    fields: DocumentFields,
    accepted: AcceptedContent,
    *,
    label: Label,
    actor: str,
    key_id: str | None,
    settings: Settings,
    clock: Clock,
) -> Document:
    """A new document with version 1 at ``place``, filed there, its PDF/A job enqueued.

    The caller has checked the place (open, writable) and the name.  The same bytes
    received before (by the mail room or another client) keep their one intake item:
    the new document becomes its next part.
    """
    now = clock.now()
    stored = register_content(
        session, accepted, purpose=ObjectPurpose.ORIGINAL, settings=settings, now=now
    )
    item, part_index = _intake_item(session, place, accepted, key_id=key_id, now=now)
    document = Document(
        item_id=item.id,
        part_index=part_index,
        first_page=1,
        last_page=accepted.page_count,
        title=fields.title,
        description=fields.description,
        letter_date=fields.letter_date,
        direction=fields.direction,
        sender=fields.sender,
        created_by=actor,
        status=DocumentStatus.PROCESSING,
        org_unit=place.akte.org_unit,
        content_blob_key=accepted.ref.key,
        content_sha256=accepted.ref.sha256,
        content_size=accepted.ref.size,
        content_media_type=accepted.media_type,
        page_count=accepted.page_count,
        text_chars=0,
        filing_status=FilingStatus.FILED,
        confidentiality=(fields.confidentiality or Confidentiality.OFFEN).value,
        folder_id=place.folder.id if place.folder else None,
        current_version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    session.flush()
    version = first_version(document, stored, None, actor=actor, now=now)
    session.add(version)
    session.flush()
    _save_label(session, version, label)
    file_document(
        session,
        document,
        place.akte,
        place.vorgang,
        status=FilingStatus.FILED,
        reason="CMIS createDocument",
        actor=actor,
        clock=clock,
    )
    record_event(
        session,
        actor=actor,
        action="cmis.created",
        object_type="document",
        object_id=document.id,
        details={
            "via": "cmis",
            "title": document.title,
            "item_id": item.id,
            "sha256": accepted.ref.sha256,
            "size": accepted.ref.size,
            "media_type": accepted.media_type,
            "filename": accepted.filename,
            "version_label": label.text,
            "akte": place.akte.aktenzeichen,
            "folder_id": document.folder_id,
        },
        clock=clock,
    )
    index_document(session, search, document)
    _enqueue_render(session, document, version.number, settings=settings, clock=clock)
    return document


def add_labelled_version(
    session: Session,
    document: Document,
    stored: StoredObject,
    *,
    label: Label,
    comment: str | None,
    filename: str | None,
    actor: str,
    settings: Settings,
    clock: Clock,
) -> DocumentVersion:
    """``stored`` becomes the next version, labelled; audited like any new version.

    When the content is the current version's (a check-in that changed only
    properties), the new version keeps that version's searchable PDF instead of
    running OCR again.
    """
    previous = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id,
            DocumentVersion.number == document.current_version,
        )
    )
    previous_state = (
        document.status,
        document.rendition_blob_key,
        document.rendition_sha256,
        document.rendition_size,
        document.rendition_is_pdfa,
    )
    now = clock.now()
    version = add_version(session, document, stored, actor=actor, comment=comment, now=now)
    _save_label(session, version, label)
    reused = (
        previous is not None
        and previous.content_object_id == stored.id
        and previous.rendition_object_id is not None
    )
    if reused and previous is not None:
        version.rendition_object_id = previous.rendition_object_id
        (
            document.status,
            document.rendition_blob_key,
            document.rendition_sha256,
            document.rendition_size,
            document.rendition_is_pdfa,
        ) = previous_state
    mark_pending([document])
    record_event(
        session,
        actor=actor,
        action="version.added",
        object_type="document",
        object_id=document.id,
        details={
            "via": "cmis",
            "version": version.number,
            "version_label": label.text,
            "sha256": stored.sha256,
            "size": stored.size,
            "media_type": stored.media_type,
            "filename": clean_filename(filename),
            "comment": comment,
        },
        clock=clock,
    )
    if not reused:
        _enqueue_render(session, document, version.number, settings=settings, clock=clock)
    return version


def index_document(session: Session, search: SearchIndex, document: Document) -> None:
    """(Re-)index title, metadata and the recognised pages (none until OCR has run)."""
    search.index_document(session, search_entry(document, [page.text for page in document.pages]))


def _intake_item(
    session: Session,
    place: Place,
    accepted: AcceptedContent,
    *,
    key_id: str | None,
    now: datetime,
) -> tuple[IntakeItem, int]:
    existing = session.scalar(select(IntakeItem).where(IntakeItem.sha256 == accepted.ref.sha256))
    if existing is not None:
        last = session.scalar(
            select(func.max(Document.part_index)).where(Document.item_id == existing.id)
        )
        return existing, (-1 if last is None else last) + 1
    item = IntakeItem(
        sha256=accepted.ref.sha256,
        blob_key=accepted.ref.key,
        size=accepted.ref.size,
        media_type=accepted.media_type,
        original_filename=accepted.filename,
        page_count=accepted.page_count,
        station_id=CMIS_STATION,
        received_at=now,
        target_org_unit=place.akte.org_unit,
        status=ItemStatus.DONE,
        uploaded_by=key_id,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    return item, 0


def _save_label(session: Session, version: DocumentVersion, label: Label) -> None:
    session.add(
        VersionLabel(
            version_id=version.id, major=label.major, minor=label.minor, is_major=label.is_major
        )
    )
    session.flush()


def _enqueue_render(
    session: Session, document: Document, number: int, *, settings: Settings, clock: Clock
) -> None:
    enqueue(
        session,
        RENDER_VERSION,
        {"document_id": document.id, "version": number},
        clock=clock,
        settings=settings.jobs,
        dedupe_key=f"{RENDER_VERSION}:{document.id}:{number}",
    )


def start_checkout(
    session: Session, document: Document, *, actor: str, clock: Clock
) -> DocumentCheckout:
    """Check ``document`` out: its private working copy starts as the current version."""
    version = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id,
            DocumentVersion.number == document.current_version,
        )
    )
    checkout = DocumentCheckout(
        document_id=document.id,
        checked_out_by=actor,
        checked_out_at=clock.now(),
        content_object_id=version.content_object_id if version else None,
        content_filename=None,
        content_changed=False,
        properties={},
    )
    session.add(checkout)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="cmis.checked_out",
        object_type="document",
        object_id=document.id,
        details={"via": "cmis", "version": document.current_version},
        clock=clock,
    )
    return checkout
