"""Cutting pages out of a PDF/A without losing its PDF/A identity."""

from __future__ import annotations

import io

import pikepdf

from services.errors import InvalidInputError


def keep_pages(pdf: bytes, first: int, last: int) -> bytes:
    """Return ``pdf`` reduced to pages ``first``..``last`` (1-based, inclusive).

    Unlike copying pages into a new file, this keeps the document catalog: the XMP
    metadata with its ``pdfaid`` claim and the output intent that PDF/A requires.
    """
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            count = len(document.pages)
            if not 1 <= first <= last <= count:
                raise ValueError(f"page range {first}-{last} outside 1-{count}")
            for index in reversed(range(count)):
                if not first - 1 <= index <= last - 1:
                    del document.pages[index]
            out = io.BytesIO()
            document.save(out)
            return out.getvalue()
    except pikepdf.PdfError as exc:
        raise InvalidInputError(f"damaged PDF: {exc}") from None
