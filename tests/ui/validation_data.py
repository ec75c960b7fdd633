"""Documents with a real PDF (so page images render) and known text, created without OCR."""

from __future__ import annotations

import hashlib

from fpdf import FPDF

from services.bootstrap import Container
from services.db.models import (
    Document,
    DocumentPage,
    DocumentStatus,
    IntakeItem,
    ItemStatus,
    ObjectPurpose,
)
from services.db.session import unit_of_work
from services.documents.versions import first_version
from services.storage.objects import minimum_protection, register_object, store_content
from tests.fixtures.documents import letter_image, letter_pdf, png_bytes


def insert_scanned_document(
    container: Container,
    *pages: list[str],
    org_unit: str | None = None,
    title: str = "Brief",
    as_png: bool = False,
    searchable: bool = False,
) -> str:
    """A processed document: an image-only PDF of ``pages``, whose text is the lines.

    Like ``tests.fixtures.records.insert_document``, but the content is a real PDF (or,
    ``as_png``, a PNG of the first page; ``searchable``, a PDF with a text layer).
    """
    media_type = "image/png" if as_png else "application/pdf"
    if as_png:
        data = png_bytes(letter_image(pages[0]))
    elif searchable:
        data = text_pdf(*pages)
    else:
        data = letter_pdf(*pages)
    now = container.clock.now()
    retention = container.settings.retention
    blob = store_content(container.store, data, media_type=media_type, settings=retention, now=now)
    with unit_of_work(container.session_factory) as session:
        stored = register_object(
            session,
            blob,
            media_type=media_type,
            purpose=ObjectPurpose.ORIGINAL,
            retain_until=minimum_protection(retention, now).retain_until,
            now=now,
        )
        item = IntakeItem(
            sha256=hashlib.sha256(data).hexdigest(),
            blob_key=blob.key,
            size=len(data),
            media_type=media_type,
            original_filename="brief.pdf",
            page_count=len(pages),
            received_at=now,
            target_org_unit=org_unit,
            status=ItemStatus.DONE,
            created_at=now,
            updated_at=now,
        )
        session.add(item)
        session.flush()
        texts = ["\n".join(lines) for lines in pages]
        document = Document(
            item_id=item.id,
            part_index=0,
            first_page=1,
            last_page=len(pages),
            title=title,
            status=DocumentStatus.OCR_DONE,
            org_unit=org_unit,
            content_blob_key=blob.key,
            content_sha256=blob.sha256,
            content_size=blob.size,
            content_media_type=media_type,
            page_count=len(pages),
            text_chars=sum(len(t) for t in texts),
            created_at=now,
            updated_at=now,
            pages=[DocumentPage(page_number=n, text=t) for n, t in enumerate(texts, start=1)],
        )
        session.add(document)
        session.flush()
        session.add(first_version(document, stored, None, actor="test", now=now))
        return document.id


def text_pdf(*pages: list[str]) -> bytes:
    """A PDF whose pages carry the lines as text (as OCR's searchable PDF does)."""
    pdf = FPDF(format="A4")
    pdf.set_font("helvetica", size=12)
    for lines in pages:
        pdf.add_page()
        for number, line in enumerate(lines):
            pdf.text(25, 40 + 8 * number, line)
    return bytes(pdf.output())
