"""Documents with a real PDF (so page images render) and known text, created without OCR."""

from __future__ import annotations

from fpdf import FPDF

from services.bootstrap import Container
from tests.fixtures.documents import letter_image, letter_pdf, png_bytes
from tests.fixtures.records import insert_stored_document


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
    texts = ["\n".join(lines) for lines in pages]
    return insert_stored_document(
        container, data, media_type, texts, org_unit=org_unit, title=title
    )


def text_pdf(*pages: list[str]) -> bytes:
    """A PDF whose pages carry the lines as text (as OCR's searchable PDF does)."""
    pdf = FPDF(format="A4")
    pdf.set_font("helvetica", size=12)
    for lines in pages:
        pdf.add_page()
        for number, line in enumerate(lines):
            pdf.text(25, 40 + 8 * number, line)
    return bytes(pdf.output())
