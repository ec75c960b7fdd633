"""ORM rows -> API schemas."""

from __future__ import annotations

from api.schemas.documents import (
    BlobOut,
    DocumentOut,
    DocumentSummaryOut,
    ItemOut,
    PageTextOut,
    RenditionOut,
)
from api.urls import document_url, item_url
from services.db.models import Document, IntakeItem
from services.storage.protection import is_held


def document_summary(document: Document) -> DocumentSummaryOut:
    return DocumentSummaryOut(
        id=document.id,
        title=document.title,
        status=document.status,
        pages=document.page_count,
        text_chars=document.text_chars,
        url=document_url(document.id),
    )


def item_out(item: IntakeItem, documents: list[Document], *, duplicate: bool = False) -> ItemOut:
    """An upload with the parts of it the caller may see."""
    return ItemOut(
        id=item.id,
        status=item.status,
        failure_reason=item.failure_reason,
        duplicate=duplicate,
        filename=item.original_filename,
        media_type=item.media_type,
        sha256=item.sha256,
        size=item.size,
        pages=item.page_count,
        station_id=item.station_id,
        batch_id=item.batch_id,
        received_at=item.received_at,
        sender_hint=item.sender_hint,
        target_org_unit=item.target_org_unit,
        split=item.split_batch,
        status_url=item_url(item.id),
        documents=[document_summary(d) for d in documents],
    )


def document_out(document: Document) -> DocumentOut:
    url = document_url(document.id)
    rendition = None
    if document.rendition_blob_key and document.rendition_sha256:
        rendition = RenditionOut(
            sha256=document.rendition_sha256,
            size=document.rendition_size or 0,
            media_type="application/pdf",
            url=f"{url}/rendition",
            pdfa=document.rendition_is_pdfa,
        )
    return DocumentOut(
        id=document.id,
        title=document.title,
        status=document.status,
        failure_reason=document.failure_reason,
        org_unit=document.org_unit,
        item_id=document.item_id,
        part_index=document.part_index,
        first_page=document.first_page,
        last_page=document.last_page,
        pages=document.page_count,
        text_chars=document.text_chars,
        ocr_performed=document.ocr_performed,
        ocr_engine=document.ocr_engine,
        content=BlobOut(
            sha256=document.content_sha256,
            size=document.content_size,
            media_type=document.content_media_type,
            url=f"{url}/content",
        ),
        rendition=rendition,
        page_texts=[PageTextOut(number=p.page_number, chars=len(p.text)) for p in document.pages],
        text_url=f"{url}/text",
        filing_status=document.filing_status,
        confidentiality=document.confidentiality,
        akte_id=document.akte_id,
        aktenzeichen=document.akte.aktenzeichen if document.akte else None,
        vorgang_id=document.vorgang_id,
        filing_url=f"{url}/filing",
        classification_url=f"{url}/classification",
        current_version=document.current_version,
        versions_url=f"{url}/versions",
        retention_url=f"{url}/retention",
        legal_hold=is_held(document),
        disposed_at=document.disposed_at,
        letter_date=document.letter_date,
        received_on=document.received_on,
        direction=document.direction,
        sender=document.sender,
        created_at=document.created_at,
        updated_at=document.updated_at,
    )
