"""Receiving an e-invoice: check the file, store it, queue its processing.

The same durability rules as the mail room: the bytes are stored (write-once, locked)
first, then the invoice row and its job are written in one transaction, so an invoice
that was acknowledged can never be lost.  A byte-identical file that arrived before is
answered with the earlier invoice and not processed again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import magic
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.audit.trail import record_event
from services.db.models import EInvoice, EInvoiceStatus, IntakeItem, ItemStatus, ObjectPurpose
from services.errors import InvalidInputError, LimitExceededError, UnsupportedMediaTypeError
from services.jobs.queue import enqueue
from services.ports import BlobRef, BlobStore, Clock
from services.settings import Settings
from services.storage.objects import minimum_protection, register_object, store_content

PROCESS_EINVOICE = "einvoice.process"
XML = "application/xml"
PDF = "application/pdf"
_XML_TYPES = frozenset({"text/xml", "application/xml"})


@dataclass(frozen=True)
class InvoiceReceipt:
    invoice: EInvoice
    duplicate: bool


def invoice_media_type(data: bytes) -> str:
    """``application/xml`` or ``application/pdf``, judged by the content, else refused."""
    if not data:
        raise InvalidInputError("the file is empty (0 bytes)")
    detected = magic.from_buffer(data[: 1 << 16], mime=True)
    if detected in _XML_TYPES or data.lstrip()[:5] == b"<?xml":
        return XML
    if detected == PDF:
        return PDF
    raise UnsupportedMediaTypeError(
        f"content is {detected}; an e-invoice is XML (XRechnung, UBL, CII) or a PDF with an "
        "embedded invoice (ZUGFeRD, Factur-X)"
    )


def receive_einvoice(
    session: Session,
    store: BlobStore,
    data: bytes,
    *,
    filename: str | None,
    source: str,
    actor: str,
    settings: Settings,
    clock: Clock,
    item_id: str | None = None,
) -> InvoiceReceipt:
    """Store the file and queue its validation in the caller's transaction."""
    limit = settings.einvoice.max_bytes
    if len(data) > limit:
        raise LimitExceededError(f"the invoice has {len(data)} bytes; the limit is {limit}")
    media_type = invoice_media_type(data)
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = session.scalar(
        select(EInvoice).where(EInvoice.received_sha256 == sha256).order_by(EInvoice.created_at)
    )
    if earlier is not None:
        return InvoiceReceipt(invoice=earlier, duplicate=True)
    now = clock.now()
    ref = store_content(store, data, media_type=media_type, settings=settings.retention, now=now)
    stored = register_object(
        session,
        ref,
        media_type=media_type,
        purpose=ObjectPurpose.ORIGINAL,
        retain_until=minimum_protection(settings.retention, now).retain_until,
        now=now,
    )
    if item_id is None:
        item_id = _item_for(session, ref, media_type, filename, now).id
    invoice = EInvoice(
        received_object_id=stored.id,
        received_sha256=sha256,
        received_media_type=media_type,
        item_id=item_id,
        source=source,
        filename=filename,
        status=EInvoiceStatus.RECEIVED,
        created_at=now,
        updated_at=now,
    )
    session.add(invoice)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="einvoice.received",
        object_type="einvoice",
        object_id=invoice.id,
        details={
            "sha256": sha256,
            "media_type": media_type,
            "filename": filename,
            "source": source,
        },
        clock=clock,
    )
    enqueue(
        session,
        PROCESS_EINVOICE,
        {"einvoice_id": invoice.id},
        clock=clock,
        settings=settings.jobs,
        dedupe_key=f"{PROCESS_EINVOICE}:{invoice.id}",
    )
    return InvoiceReceipt(invoice=invoice, duplicate=False)


def _item_for(
    session: Session, ref: BlobRef, media_type: str, filename: str | None, now: datetime
) -> IntakeItem:
    """The received file as an intake item (documents hang off items), reusing a known one."""
    known = session.scalar(select(IntakeItem).where(IntakeItem.sha256 == ref.sha256))
    if known is not None:
        return known
    item = IntakeItem(
        sha256=ref.sha256,
        blob_key=ref.key,
        size=ref.size,
        media_type=media_type,
        original_filename=filename,
        page_count=0,
        received_at=now,
        sender_hint="E-Rechnung",
        status=ItemStatus.DONE,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    return item
