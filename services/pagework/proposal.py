"""Proposing pages to drop: blank pages and separator sheets, found as the mail room finds them.

The same tests as :mod:`services.media.separators` (marker text in the text layer, a
barcode carrying the marker, a quick OCR of text-less pages, the blank-page ink ratio)
run page by page, but here each page gets its reason, and blank pages are always
reported: the person decides, nothing is dropped without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import zxingcpp
from sqlalchemy.orm import Session

from services.access.roles import Permission
from services.access.scope import Scope
from services.db.models import Document
from services.documents.queries import get_document
from services.documents.versions import Part, read_version
from services.errors import ConflictError
from services.media.pdfium import PdfiumDocument
from services.media.quick_ocr import quick_ocr
from services.media.separators import RENDER_DPI, is_blank, normalise
from services.ports import BlobStore
from services.settings import Settings


class ProposalKind(StrEnum):
    BLANK = "blank"
    SEPARATOR = "separator"


@dataclass(frozen=True)
class PageProposal:
    page: int
    kind: ProposalKind
    reason: str


def propose_drops(pdf: bytes, marker_text: str) -> list[PageProposal]:
    """The pages of ``pdf`` that look blank or like separator sheets, with the reason."""
    marker = normalise(marker_text)
    proposals: list[PageProposal] = []
    with PdfiumDocument(pdf) as document:
        for index in range(len(document)):
            found = _inspect(document, index, marker)
            if found is not None:
                kind, reason = found
                proposals.append(PageProposal(page=index + 1, kind=kind, reason=reason))
    return proposals


def _inspect(document: PdfiumDocument, index: int, marker: str) -> tuple[ProposalKind, str] | None:
    text = document.page_text(index)
    if marker and marker in normalise(text):
        return ProposalKind.SEPARATOR, "marker text in the page text"
    image = document.render_gray(index, RENDER_DPI)
    if marker and any(marker in normalise(code.text) for code in zxingcpp.read_barcodes(image)):
        return ProposalKind.SEPARATOR, "barcode with the marker"
    if text.strip():
        return None
    if is_blank(image):
        return ProposalKind.BLANK, "no ink inside the margins"
    if marker and marker in normalise(quick_ocr(image)):
        return ProposalKind.SEPARATOR, "marker text found by a quick OCR"
    return None


def proposals_for(
    session: Session, scope: Scope, store: BlobStore, document_id: str, *, settings: Settings
) -> tuple[Document, list[PageProposal]]:
    """The proposals for a document the caller sees, read from its rendition (a read only)."""
    scope.require(Permission.REVIEW)
    document = get_document(session, scope, document_id)
    if document.rendition_blob_key is None:
        raise ConflictError(f"document {document.id} has no searchable PDF yet")
    pdf = read_version(session, store, document, None, Part.RENDITION).data
    return document, propose_drops(pdf, settings.split.marker_text)
