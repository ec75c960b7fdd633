"""Text of a (searchable) PDF, one string per page."""

from __future__ import annotations

from pathlib import Path

from services.media.pdfium import PdfiumDocument


def extract_page_texts(pdf_path: Path) -> list[str]:
    """Return the text of every page of ``pdf_path``, lines separated by newlines."""
    with PdfiumDocument(pdf_path) as doc:
        return [doc.page_text(index) for index in range(len(doc))]
