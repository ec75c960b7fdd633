"""The ``einvoice.process`` job: analyse a received invoice and record the outcome.

The heavy part (PDF extraction, validation, rendering) runs outside any transaction;
its results are written to the store first and then recorded in one transaction.  The
job is safe to run twice: an invoice that already has an outcome is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from services.db.models import EInvoice, EInvoiceStatus, StoredObject
from services.db.session import unit_of_work
from services.einvoice.analysis import Analysis, analyse
from services.einvoice.intake import PROCESS_EINVOICE
from services.einvoice.outcome import StoredAttachment, StoredParts, record_outcome
from services.errors import PermanentJobError
from services.ports import BlobRef, BlobStore, Clock, SearchIndex
from services.settings import Settings
from services.storage.objects import store_content

_OCTET = "application/octet-stream"


class ProcessEInvoiceHandler:
    kind = PROCESS_EINVOICE

    def __init__(
        self,
        factory: sessionmaker[Session],
        store: BlobStore,
        search: SearchIndex,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self._factory = factory
        self._store = store
        self._search = search
        self._settings = settings
        self._clock = clock

    def run(self, payload: Mapping[str, Any]) -> None:
        invoice_id = str(payload["einvoice_id"])
        with unit_of_work(self._factory, write=False) as session:
            invoice = session.get(EInvoice, invoice_id)
            if invoice is None:
                raise PermanentJobError(f"e-invoice {invoice_id} does not exist")
            if invoice.status != EInvoiceStatus.RECEIVED:
                return
            received = session.get(StoredObject, invoice.received_object_id)
            assert received is not None
            media_type = invoice.received_media_type
            received_ref = BlobRef(
                key=received.blob_key,
                sha256=received.sha256,
                size=received.size,
                version_id=received.version_id,
            )
        data = self._store.get(received_ref.key, received_ref.version_id)
        analysis = analyse(data, media_type, self._settings.einvoice)
        parts = self._store_parts(analysis, received_ref, media_type)
        with unit_of_work(self._factory) as session:
            invoice = session.get(EInvoice, invoice_id)
            if invoice is None or invoice.status != EInvoiceStatus.RECEIVED:
                return
            record_outcome(
                session,
                invoice,
                analysis,
                parts,
                search=self._search,
                settings=self._settings,
                clock=self._clock,
            )

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        with unit_of_work(self._factory) as session:
            invoice = session.get(EInvoice, str(payload["einvoice_id"]))
            if invoice is not None and invoice.status == EInvoiceStatus.RECEIVED:
                invoice.status = EInvoiceStatus.FAILED
                invoice.failure_reason = reason
                invoice.updated_at = self._clock.now()

    def _store_parts(self, analysis: Analysis, received: BlobRef, media_type: str) -> StoredParts:
        xml: BlobRef | None = None
        if analysis.xml is not None:
            xml = (
                received
                if media_type != "application/pdf"
                else self._put(analysis.xml, "application/xml")
            )
        attachments = [
            StoredAttachment(
                ref=self._put(a.content, a.mime_code or _OCTET),
                filename=a.filename or a.id or "Anlage",
                media_type=a.mime_code or _OCTET,
            )
            for a in (analysis.invoice.attachments if analysis.invoice else ())
            if a.content
        ]
        attachments += [
            StoredAttachment(
                ref=self._put(a.data, a.mime_type or _OCTET),
                filename=a.filename,
                media_type=a.mime_type or _OCTET,
            )
            for a in analysis.hybrid_attachments
        ]
        return StoredParts(
            xml=xml,
            html=self._put(analysis.html.encode(), "text/html"),
            pdf=self._put(analysis.pdf, "application/pdf"),
            attachments=tuple(attachments),
        )

    def _put(self, data: bytes, media_type: str) -> BlobRef:
        return store_content(
            self._store,
            data,
            media_type=media_type,
            settings=self._settings.retention,
            now=self._clock.now(),
        )
