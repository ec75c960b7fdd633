"""Text of a (searchable) PDF, one string per page."""

from __future__ import annotations

from pathlib import Path

from services.media.pdfium import PdfiumDocument
from services.ocr.reading_order import reorder


def extract_page_texts(pdf_path: Path) -> list[str]:
    """Return the text of every page of ``pdf_path``, lines separated by newlines.

    Two-column runs (a letter's address field beside its information block) are read
    column by column (:mod:`services.ocr.reading_order`).
    """
    with PdfiumDocument(pdf_path) as doc:
        pages = []
        for index in range(len(doc)):
            text, boxes, width = doc.page_chars(index)
            if boxes:
                pages.append(_tidy(reorder(text, boxes, width)))
            else:
                pages.append(doc.page_text(index))
        return pages


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\x00", "").split("\n"))
