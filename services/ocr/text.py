"""Text of a (searchable) PDF, one string per page."""

from __future__ import annotations

import re
from pathlib import Path

from services.media.pdfium import PdfiumDocument
from services.ocr.reading_order import reorder

_SPECK = re.compile(r"""[.,'‘’‚“”"°*_~`´^:;!?]+""")
"""A word made only of these is what dirt and fax noise become in OCR."""
_WORD = re.compile(r"\w\w")


def extract_page_texts(pdf_path: Path) -> list[str]:
    """Return the text of every page of ``pdf_path``, lines separated by newlines.

    Two-column runs (a letter's address field beside its information block) are read
    column by column (:mod:`services.ocr.reading_order`).  Words made only of dots,
    commas, quotes and the like are dropped, and so are lines without two letters or
    digits in a row: on the OCR tuning letters these were specks on faxes and dirty
    scans, read as ". ' “", which cost up to 5 points of CER (one stray mark is as
    expensive as one misread letter).  A page number standing alone ("3") goes too.
    """
    with PdfiumDocument(pdf_path) as doc:
        pages = []
        for index in range(len(doc)):
            text, boxes, width = doc.page_chars(index)
            ordered = reorder(text, boxes, width) if boxes else doc.page_text(index)
            pages.append(_without_specks(ordered))
        return pages


def _without_specks(text: str) -> str:
    lines = []
    for line in text.replace("\x00", "").split("\n"):
        words = [word for word in line.split(" ") if not _SPECK.fullmatch(word)]
        kept = " ".join(words).rstrip()
        if _WORD.search(kept) or not kept:
            lines.append(kept)
    return "\n".join(lines)
