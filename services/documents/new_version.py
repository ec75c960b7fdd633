"""Receiving a new version of a document, and making its searchable PDF in the background."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from services.audit.trail import SYSTEM_ACTOR, record_event
from services.db.models import (
    Document,
    DocumentPage,
    DocumentStatus,
    DocumentVersion,
    ObjectPurpose,
)
from services.db.session import unit_of_work
from services.documents.search_entry import search_entry
from services.documents.versions import add_version, get_version
from services.errors import PermanentJobError
from services.intake.filenames import clean_filename
from services.intake.receive import IncomingFile, preflight
from services.jobs.queue import enqueue
from services.media.convert import image_to_pdf
from services.ocr.workdir import ocr_workdir
from services.ports import (
    BlobRef,
    BlobStore,
    Clock,
    OcrEngine,
    OcrResult,
    SearchIndex,
)
from services.settings import Settings
from services.storage.objects import (
    minimum_protection,
    register_object,
    store_content,
)
from services.storage.protection import mark_pending

RENDER_VERSION = "render_version"


def receive_version(
    session: Session,
    store: BlobStore,
    document: Document,
    *,
    data: bytes,
    filename: str | None,
    comment: str | None,
    actor: str,
    settings: Settings,
    clock: Clock,
) -> DocumentVersion:
    """Check, store and register new content as the next version; enqueue its OCR.

    The same checks as the mail room apply (real type, limits).  The new object gets the
    document's current protection through ``mark_pending``: a held document's new
    version is held too.  The file name is kept only in its clean form.
    """
    filename = clean_filename(filename)
    prepared = preflight(IncomingFile(filename=filename, data=data), settings)
    now = clock.now()
    ref = store_content(
        store, data, media_type=prepared.media_type, settings=settings.retention, now=now
    )
    stored = register_object(
        session,
        ref,
        media_type=prepared.media_type,
        purpose=ObjectPurpose.CONTENT,
        retain_until=minimum_protection(settings.retention, now).retain_until,
        now=now,
    )
    version = add_version(session, document, stored, actor=actor, comment=comment, now=now)
    mark_pending([document])
    record_event(
        session,
        actor=actor,
        action="version.added",
        object_type="document",
        object_id=document.id,
        details={
            "version": version.number,
            "sha256": ref.sha256,
            "size": ref.size,
            "media_type": prepared.media_type,
            "filename": filename,
            "comment": comment,
        },
        clock=clock,
    )
    enqueue(
        session,
        RENDER_VERSION,
        {"document_id": document.id, "version": version.number},
        clock=clock,
        settings=settings.jobs,
        dedupe_key=f"{RENDER_VERSION}:{document.id}:{version.number}",
    )
    return version


class RenderVersionHandler:
    """OCR a new version into its searchable PDF/A, page texts and search entry."""

    kind = RENDER_VERSION

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
        document_id, number = str(payload["document_id"]), int(payload["version"])
        with unit_of_work(self._factory, write=False) as session:
            document = session.get(Document, document_id)
            if document is None:
                raise PermanentJobError(f"document {document_id} does not exist")
            version = get_version(session, document, number)
            if version.rendition_object_id is not None or document.disposed_at is not None:
                return
            content = version.content
            key, version_id, media_type = content.blob_key, content.version_id, content.media_type
        with ocr_workdir() as tmp:
            source_path, output_path = tmp / "source.pdf", tmp / "searchable.pdf"
            if media_type == "application/pdf":
                self._copy_blob(key, version_id, source_path)
            else:
                source_path.write_bytes(
                    image_to_pdf(
                        self._store.get(key, version_id),
                        media_type,
                        fallback_dpi=self._settings.ocr.image_dpi_fallback,
                    )
                )
            result = self._ocr.make_searchable(source_path, output_path, self._settings.ocr_options)
            rendition = output_path.read_bytes()
        now = self._clock.now()
        ref = store_content(
            self._store,
            rendition,
            media_type="application/pdf",
            settings=self._settings.retention,
            now=now,
        )
        with unit_of_work(self._factory) as session:
            document = session.get(Document, document_id)
            if document is None or document.disposed_at is not None:
                return
            version = get_version(session, document, number)
            if version.rendition_object_id is not None:
                return
            stored = register_object(
                session,
                ref,
                media_type="application/pdf",
                purpose=ObjectPurpose.RENDITION,
                retain_until=minimum_protection(self._settings.retention, now).retain_until,
                now=now,
            )
            version.rendition_object_id = stored.id
            mark_pending([document])
            if document.current_version == number:
                self._make_current(session, document, ref, result, now)
            record_event(
                session,
                actor=SYSTEM_ACTOR,
                action="ocr.done",
                object_type="document",
                object_id=document.id,
                details={
                    "version": number,
                    "rendition_sha256": ref.sha256,
                    "pdfa": result.pdfa,
                    "ocr_performed": result.ocr_performed,
                    "engine": self._ocr.name,
                },
                clock=self._clock,
            )

    def _copy_blob(self, key: str, version_id: str | None, target: Path) -> None:
        """Write a stored PDF to ``target`` chunk by chunk: a large PDF never sits in memory."""
        with self._store.open_range(key, version_id) as chunks, target.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        with unit_of_work(self._factory) as session:
            document = session.get(Document, str(payload["document_id"]))
            if document is not None and document.current_version == int(payload["version"]):
                document.status = DocumentStatus.FAILED
                document.failure_reason = reason
                document.updated_at = self._clock.now()

    def _make_current(
        self,
        session: Session,
        document: Document,
        rendition: BlobRef,
        result: OcrResult,
        now: datetime,
    ) -> None:
        """The document's text, pages and search entry now describe this version."""
        document.rendition_blob_key = rendition.key
        document.rendition_sha256 = rendition.sha256
        document.rendition_size = rendition.size
        document.rendition_is_pdfa = result.pdfa
        document.page_count = len(result.pages)
        document.first_page, document.last_page = 1, len(result.pages)
        document.text_chars = sum(len(text) for text in result.pages)
        document.ocr_performed = result.ocr_performed
        document.ocr_engine = self._ocr.name
        document.status = DocumentStatus.OCR_DONE
        document.updated_at = now
        session.execute(delete(DocumentPage).where(DocumentPage.document_id == document.id))
        session.expire(document, ["pages"])
        session.add_all(
            DocumentPage(document_id=document.id, page_number=number, text=text)
            for number, text in enumerate(result.pages, start=1)
        )
        self._search.index_document(
            session,
            search_entry(document, result.pages),
        )
