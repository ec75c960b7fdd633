"""The ``process_item`` job: OCR an upload once, split it at separator sheets, file the parts.

OCR runs on the whole upload before splitting, so a batch is recognised once and the
separator sheets are found in the recognised text (marker text) or on the page image
(QR code).  The original is never changed: each part's content is cut from the original
pages, its searchable PDF/A from the OCR output.  All rows of one item are written in
one transaction at the end, which makes the job safe to run again after a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from services.audit.trail import SYSTEM_ACTOR, record_event
from services.classification.jobs import enqueue_classification
from services.db.models import (
    Document,
    DocumentPage,
    DocumentStatus,
    IntakeItem,
    ItemStatus,
    ObjectPurpose,
)
from services.db.session import unit_of_work
from services.documents.search_entry import search_entry
from services.documents.versions import first_version
from services.einvoice.hybrid import find_embedded_invoice
from services.einvoice.intake import receive_einvoice
from services.errors import EAkteError, NotFoundError, PermanentJobError
from services.intake.receive import PROCESS_ITEM
from services.media.convert import extract_pages, image_to_pdf
from services.media.pdfa_pages import keep_pages
from services.media.separators import find_separator_pages, split_ranges
from services.ocr.workdir import ocr_workdir
from services.ports import BlobRef, BlobStore, Clock, OcrEngine, SearchIndex
from services.settings import Settings
from services.storage.objects import (
    live_object,
    minimum_protection,
    register_object,
    store_content,
)


@dataclass(frozen=True)
class _Part:
    index: int
    first_page: int
    last_page: int
    content: BlobRef
    content_media_type: str
    rendition: BlobRef
    texts: list[str]
    ocr_performed: bool
    pdfa: bool


@dataclass(frozen=True)
class _ItemSnapshot:
    id: str
    blob_key: str
    media_type: str
    filename: str | None
    split: bool
    original: BlobRef


class ProcessItemHandler:
    kind = PROCESS_ITEM

    def __init__(
        self,
        factory: sessionmaker[Session],
        store: BlobStore,
        search: SearchIndex,
        ocr: OcrEngine,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self._factory = factory
        self._store = store
        self._search = search
        self._ocr = ocr
        self._settings = settings
        self._clock = clock

    def run(self, payload: Mapping[str, Any]) -> None:
        snapshot = self._start(str(payload["item_id"]))
        if snapshot is None:
            return
        if snapshot.media_type == "application/pdf" and self._hand_over_einvoice(snapshot):
            return
        parts = self._recognise_and_split(snapshot)
        self._finish(snapshot.id, parts)

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        with unit_of_work(self._factory) as session:
            item = session.get(IntakeItem, str(payload["item_id"]))
            if item is not None and item.status != ItemStatus.DONE:
                item.status = ItemStatus.FAILED
                item.failure_reason = reason
                item.updated_at = self._clock.now()

    def _hand_over_einvoice(self, item: _ItemSnapshot) -> bool:
        """A PDF with an embedded e-invoice goes to the e-invoice pipeline, not to OCR."""
        original = self._store.get(item.blob_key, item.original.version_id)
        try:
            if (
                find_embedded_invoice(original, max_xml_bytes=self._settings.einvoice.max_bytes)
                is None
            ):
                return False
        except EAkteError:
            return False  # a damaged PDF: the OCR path reports it with its own reason
        with unit_of_work(self._factory) as session:
            row = session.get(IntakeItem, item.id)
            if row is None or row.status == ItemStatus.DONE:
                return True
            receive_einvoice(
                session,
                self._store,
                original,
                filename=item.filename,
                source="mailroom",
                actor=SYSTEM_ACTOR,
                settings=self._settings,
                clock=self._clock,
                item_id=item.id,
            )
            row.status = ItemStatus.DONE
            row.updated_at = self._clock.now()
        return True

    def _start(self, item_id: str) -> _ItemSnapshot | None:
        with unit_of_work(self._factory) as session:
            item = session.get(IntakeItem, item_id)
            if item is None:
                raise PermanentJobError(f"intake item {item_id} does not exist")
            if item.status in (ItemStatus.DONE, ItemStatus.FAILED):
                return None
            item.status = ItemStatus.PROCESSING
            item.updated_at = self._clock.now()
            return _ItemSnapshot(
                id=item.id,
                blob_key=item.blob_key,
                media_type=item.media_type,
                filename=item.original_filename,
                split=item.split_batch,
                original=_original_ref(session, item),
            )

    def _recognise_and_split(self, item: _ItemSnapshot) -> list[_Part]:
        try:
            original = self._store.get(item.blob_key, item.original.version_id)
        except NotFoundError as exc:
            raise PermanentJobError(f"the stored original is missing: {exc.detail}") from exc
        is_pdf = item.media_type == "application/pdf"
        source_pdf = (
            original
            if is_pdf
            else image_to_pdf(
                original, item.media_type, fallback_dpi=self._settings.ocr.image_dpi_fallback
            )
        )
        with ocr_workdir() as tmp:  # locked while in use; swept after a crash
            source_path = tmp / "source.pdf"
            output_path = tmp / "searchable.pdf"
            source_path.write_bytes(source_pdf)
            result = self._ocr.make_searchable(source_path, output_path, self._settings.ocr_options)
            rendition = output_path.read_bytes()
        page_count = len(result.pages)
        ranges = [(1, page_count)]
        if item.split:
            separators = find_separator_pages(
                rendition,
                self._settings.split.marker_text,
                self._settings.split.split_on_blank_pages,
            )
            ranges = split_ranges(page_count, separators)
            if not ranges:
                raise PermanentJobError("the scan contains only separator sheets")
        if len(ranges) == 1 and ranges[0] == (1, page_count):
            whole = _Part(
                index=0,
                first_page=1,
                last_page=page_count,
                content=item.original,
                content_media_type=item.media_type,
                rendition=self._put_pdf(rendition),
                texts=result.pages,
                ocr_performed=result.ocr_performed,
                pdfa=result.pdfa,
            )
            return [whole]
        return [
            _Part(
                index=index,
                first_page=first,
                last_page=last,
                content=self._put_pdf(extract_pages(source_pdf, first, last)),
                content_media_type="application/pdf",
                rendition=self._put_pdf(keep_pages(rendition, first, last)),
                texts=result.pages[first - 1 : last],
                ocr_performed=result.ocr_performed,
                pdfa=result.pdfa,
            )
            for index, (first, last) in enumerate(ranges)
        ]

    def _put_pdf(self, data: bytes) -> BlobRef:
        return store_content(
            self._store,
            data,
            media_type="application/pdf",
            settings=self._settings.retention,
            now=self._clock.now(),
        )

    def _finish(self, item_id: str, parts: list[_Part]) -> None:
        with unit_of_work(self._factory) as session:
            item = session.get(IntakeItem, item_id)
            if item is None or item.status == ItemStatus.DONE:
                return
            now = self._clock.now()
            for part in parts:
                document = self._new_document(item, part, len(parts), now)
                session.add(document)
                session.flush()
                self._add_first_version(session, item, document, part, now)
                self._search.index_document(session, search_entry(document, part.texts))
                enqueue_classification(
                    session, document.id, clock=self._clock, settings=self._settings
                )
            item.status = ItemStatus.DONE
            item.failure_reason = None
            item.updated_at = now

    def _add_first_version(
        self, session: Session, item: IntakeItem, document: Document, part: _Part, now: datetime
    ) -> None:
        """Register the part's objects as version 1 and record that OCR is done."""
        retain_until = minimum_protection(self._settings.retention, now).retain_until
        content = register_object(
            session,
            part.content,
            media_type=part.content_media_type,
            purpose=ObjectPurpose.ORIGINAL
            if part.content.key == item.blob_key
            else ObjectPurpose.CONTENT,
            retain_until=retain_until,
            now=now,
        )
        rendition = register_object(
            session,
            part.rendition,
            media_type="application/pdf",
            purpose=ObjectPurpose.RENDITION,
            retain_until=retain_until,
            now=now,
        )
        session.add(first_version(document, content, rendition, actor=SYSTEM_ACTOR, now=now))
        record_event(
            session,
            actor=SYSTEM_ACTOR,
            action="ocr.done",
            object_type="document",
            object_id=document.id,
            details={
                "item_id": document.item_id,
                "pages": f"{part.first_page}-{part.last_page}",
                "content_sha256": part.content.sha256,
                "rendition_sha256": part.rendition.sha256,
                "pdfa": part.pdfa,
                "ocr_performed": part.ocr_performed,
                "engine": self._ocr.name,
            },
            clock=self._clock,
        )

    def _new_document(
        self, item: IntakeItem, part: _Part, part_count: int, now: datetime
    ) -> Document:
        return Document(
            item_id=item.id,
            part_index=part.index,
            first_page=part.first_page,
            last_page=part.last_page,
            title=_title(item, part.index, part_count),
            status=DocumentStatus.OCR_DONE,
            org_unit=item.target_org_unit,
            content_blob_key=part.content.key,
            content_sha256=part.content.sha256,
            content_size=part.content.size,
            content_media_type=part.content_media_type,
            rendition_blob_key=part.rendition.key,
            rendition_sha256=part.rendition.sha256,
            rendition_size=part.rendition.size,
            rendition_is_pdfa=part.pdfa,
            page_count=len(part.texts),
            text_chars=sum(len(text) for text in part.texts),
            ocr_performed=part.ocr_performed,
            ocr_engine=self._ocr.name,
            created_at=now,
            updated_at=now,
            pages=[
                DocumentPage(page_number=number, text=text)
                for number, text in enumerate(part.texts, start=1)
            ],
        )


def _original_ref(session: Session, item: IntakeItem) -> BlobRef:
    """The upload's pinned object version (the key alone may name a newer S3 version)."""
    stored = live_object(session, item.blob_key)
    version_id = stored.version_id if stored is not None else None
    return BlobRef(key=item.blob_key, sha256=item.sha256, size=item.size, version_id=version_id)


def _title(item: IntakeItem, index: int, part_count: int) -> str:
    base = PurePath(item.original_filename).stem if item.original_filename else "Scan"
    base = f"{base} ({item.received_at:%Y-%m-%d})"
    return f"{base} – Teil {index + 1}/{part_count}" if part_count > 1 else base
