"""A legacy document filed straight into its Akte, with its own dates and versions.

The mail room creates a document only after OCR and sends it to classification and
review; an imported document already knows its place and its dates.  It enters eakte
as CMIS documents do (:func:`services.cmis.documents.create_filed_document`): an intake
item for the received bytes (station ``legacy-import``), the document with version 1
(and its later versions), filed with :func:`services.records.filing.file_document`, and
one ``render_version`` job per version, which makes the searchable PDF/A and the text
in the workers.  Everything here runs in the caller's transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality
from services.audit.trail import record_event
from services.db.models import (
    Akte,
    Document,
    DocumentStatus,
    FilingStatus,
    IntakeItem,
    ItemStatus,
    ObjectPurpose,
    StoredObject,
    Vorgang,
)
from services.documents.new_version import RENDER_VERSION
from services.documents.search_entry import search_entry
from services.documents.versions import add_version, first_version
from services.jobs.queue import enqueue
from services.legacy_import.files import CheckedFile
from services.legacy_import.model import LegacyDocument
from services.ports import BlobRef, Clock, SearchIndex
from services.records.akten import at_day
from services.records.filing import file_document
from services.settings import Settings
from services.storage.objects import minimum_protection, register_object

IMPORT_STATION = "legacy-import"
"""``station_id`` of the intake items imported documents arrive as."""


def create_imported_document(
    session: Session,
    search: SearchIndex,
    akte: Akte,
    vorgang: Vorgang | None,
    entry: LegacyDocument,
    files: list[tuple[CheckedFile, BlobRef]],
    *,
    source_key: str,
    run_id: str,
    actor: str,
    settings: Settings,
    clock: Clock,
) -> Document:
    """The document of ``entry`` with one version per stored file (oldest first), filed."""
    now = clock.now()
    retain_until = minimum_protection(settings.retention, now).retain_until
    objects = [
        register_object(
            session,
            ref,
            media_type=checked.prepared.media_type,
            purpose=ObjectPurpose.ORIGINAL if number == 0 else ObjectPurpose.CONTENT,
            retain_until=retain_until,
            now=now,
        )
        for number, (checked, ref) in enumerate(files)
    ]
    first, _ = files[0]
    item, part_index = _intake_item(session, akte, entry, first, objects[0], run_id, now)
    document = Document(
        item_id=item.id,
        part_index=part_index,
        first_page=1,
        last_page=first.prepared.page_count,
        title=entry.title,
        description=entry.description,
        letter_date=entry.letter_date,
        received_on=entry.received_on,
        direction=entry.direction,
        sender=entry.sender,
        created_by=actor,
        status=DocumentStatus.PROCESSING,
        org_unit=akte.org_unit,
        content_blob_key=objects[0].blob_key,
        content_sha256=objects[0].sha256,
        content_size=objects[0].size,
        content_media_type=first.prepared.media_type,
        page_count=first.prepared.page_count,
        text_chars=0,
        filing_status=FilingStatus.FILED,
        confidentiality=Confidentiality.OFFEN.value,
        current_version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    session.flush()
    session.add(first_version(document, objects[0], None, actor=actor, now=now))
    session.flush()
    for (checked, _), stored in zip(files[1:], objects[1:], strict=True):
        add_version(session, document, stored, actor=actor, comment="imported", now=now)
        document.page_count = document.last_page = checked.prepared.page_count
    file_document(
        session,
        document,
        akte,
        vorgang,
        status=FilingStatus.FILED,
        reason="legacy import",
        actor=actor,
        clock=clock,
    )
    record_event(
        session,
        actor=actor,
        action="document.imported",
        object_type="document",
        object_id=document.id,
        details={
            "source_key": source_key,
            "run_id": run_id,
            "title": document.title,
            "akte": akte.aktenzeichen,
            "vorgang": vorgang.number if vorgang else None,
            "item_id": item.id,
            "letter_date": _day(entry.letter_date),
            "received_on": _day(entry.received_on),
            "versions": [
                {
                    "file": checked.file.name,
                    "sha256": ref.sha256,
                    "size": ref.size,
                    "media_type": checked.prepared.media_type,
                }
                for checked, ref in files
            ],
        },
        clock=clock,
    )
    search.index_document(session, search_entry(document, []))
    for number in range(1, len(files) + 1):
        enqueue(
            session,
            RENDER_VERSION,
            {"document_id": document.id, "version": number},
            clock=clock,
            settings=settings.jobs,
            dedupe_key=f"{RENDER_VERSION}:{document.id}:{number}",
        )
    return document


def _intake_item(
    session: Session,
    akte: Akte,
    entry: LegacyDocument,
    checked: CheckedFile,
    stored: StoredObject,
    run_id: str,
    now: datetime,
) -> tuple[IntakeItem, int]:
    """The intake item of the received bytes; the same bytes received before share theirs."""
    existing = session.scalar(select(IntakeItem).where(IntakeItem.sha256 == stored.sha256))
    if existing is not None:
        last = session.scalar(
            select(func.max(Document.part_index)).where(Document.item_id == existing.id)
        )
        return existing, (-1 if last is None else last) + 1
    item = IntakeItem(
        sha256=stored.sha256,
        blob_key=stored.blob_key,
        size=stored.size,
        media_type=checked.prepared.media_type,
        original_filename=checked.prepared.filename,
        page_count=checked.prepared.page_count,
        station_id=IMPORT_STATION,
        batch_id=run_id,
        received_at=at_day(entry.received_on, now) if entry.received_on else now,
        sender_hint=entry.sender,
        target_org_unit=akte.org_unit,
        status=ItemStatus.DONE,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    return item, 0


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
