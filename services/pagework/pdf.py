"""Building a new PDF from pages of existing ones with pikepdf; the sources stay as they are."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pikepdf

from services.errors import InvalidInputError
from services.pagework.plan import PagePick


def build_pdf(sources: Sequence[bytes], picks: Sequence[PagePick]) -> bytes:
    """A PDF of the picked pages, in order, each turned by its ``rotated`` degrees.

    The first source's document catalog (XMP metadata with the ``pdfaid`` claim, the
    output intent) is kept, as :func:`services.media.pdfa_pages.keep_pages` does, so a
    PDF/A rendition stays one.  Pages of the other sources are copied in.
    """
    opened: list[pikepdf.Pdf] = []
    try:
        opened = [pikepdf.open(io.BytesIO(data)) for data in sources]
        base = opened[0]
        # Pages are appended in order first, then the base's own pages removed.
        original_count = len(base.pages)
        for pick in picks:
            pages = opened[pick.source].pages
            if not 1 <= pick.page <= len(pages):
                raise InvalidInputError(f"source {pick.source + 1} has no page {pick.page}")
            base.pages.append(pages[pick.page - 1])
            if pick.rotated:
                base.pages[-1].rotate(pick.rotated, relative=True)
        for index in reversed(range(original_count)):
            del base.pages[index]
        out = io.BytesIO()
        base.save(out)
        return out.getvalue()
    except pikepdf.PdfError as exc:
        raise InvalidInputError(f"damaged PDF: {exc}") from None
    finally:
        for pdf in opened:
            pdf.close()


def page_rotations(pdf: bytes) -> list[int]:
    """Each page's /Rotate in degrees (0, 90, 180, 270)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [int(page.obj.get("/Rotate", 0)) % 360 for page in document.pages]


def page_count(pdf: bytes) -> int | None:
    """The number of pages, or None if ``pdf`` cannot be read as a PDF."""
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            return len(document.pages)
    except pikepdf.PdfError:
        return None
