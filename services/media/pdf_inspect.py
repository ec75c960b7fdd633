"""PDF preflight with pikepdf (structure) and PDFium (text layer)."""

from __future__ import annotations

import re
from typing import IO, BinaryIO, cast

import pikepdf

from services.errors import InvalidInputError, LimitExceededError
from services.media.model import ContentInfo, MediaType
from services.media.pdfium import PdfiumDocument
from services.settings import LimitSettings

RENDER_DPI = 300
"""Resolution at which OCR typically rasterises a scanned page; bounds the page-size check."""

_TEXT_SAMPLE_PAGES = 12
_POINTS_PER_INCH = 72
_MAX_TREE_DEPTH = 64
_STREAM_PREFIX = re.compile(r"^stream <[^>]*>: ")


def inspect_pdf(file: IO[bytes], limits: LimitSettings) -> ContentInfo:
    """Inspect the PDF in ``file`` (readable and seekable); qpdf and PDFium read it in place."""
    file.seek(0)
    try:
        pdf = pikepdf.open(cast("BinaryIO", file))  # pikepdf needs read, seek and tell
    except pikepdf.PasswordError:
        raise InvalidInputError(
            "encrypted PDF: it can only be opened with a password; "
            "please upload an unencrypted scan"
        ) from None
    except pikepdf.PdfError as exc:
        raise InvalidInputError(f"damaged or truncated PDF: {_reason(exc)}") from None
    with pdf:
        try:
            page_count = len(pdf.pages)
            if page_count == 0:
                raise InvalidInputError("PDF has no pages")
            if page_count > limits.max_pages:
                raise LimitExceededError(
                    f"PDF has {page_count} pages; at most {limits.max_pages} are allowed"
                )
            max_pixels = _check_pages(pdf, limits.max_image_pixels)
        except pikepdf.PdfError as exc:
            raise InvalidInputError(f"damaged PDF: {_reason(exc)}") from None
    return ContentInfo(
        media_type=MediaType.PDF,
        page_count=page_count,
        max_image_pixels=max_pixels,
        has_text_layer=_has_text_layer(file, page_count),
    )


def _reason(exc: pikepdf.PdfError) -> str:
    """QPDF's message without the ``stream <_io.BytesIO object at 0x...>:`` prefix.

    The prefix names the Python stream (for a temporary file its path), which means
    nothing to the person who uploaded the file.
    """
    return _STREAM_PREFIX.sub("", str(exc))


def _check_pages(pdf: pikepdf.Pdf, max_pixels: int) -> int:
    """Return the largest image's pixel count; raise when a page or image is too big."""
    largest = 0
    seen: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, start=1):
        image_pixels = _largest_image(_inherited(page.obj, "/Resources"), seen)
        if image_pixels > max_pixels:
            raise LimitExceededError(
                f"page {number} contains an image of {image_pixels:,} pixels; "
                f"at most {max_pixels:,} are allowed"
            )
        page_pixels = _page_pixels(page)
        if page_pixels > max_pixels:
            raise LimitExceededError(
                f"page {number} is too large: {page_pixels:,} pixels at {RENDER_DPI} dpi; "
                f"at most {max_pixels:,} are allowed"
            )
        largest = max(largest, image_pixels)
    return largest


def _page_pixels(page: pikepdf.Page) -> int:
    """Pixels of the page rendered at ``RENDER_DPI``.

    Measured in default user space units like ocrmypdf's render canvas, that is without
    ``/UserUnit``: a page scaled up that way is rendered relative to its images' density.
    """
    box = page.mediabox
    width = abs(float(box[2]) - float(box[0])) / _POINTS_PER_INCH * RENDER_DPI
    height = abs(float(box[3]) - float(box[1])) / _POINTS_PER_INCH * RENDER_DPI
    return int(width) * int(height)


def _inherited(node: pikepdf.Dictionary, key: str) -> object:
    """Look up an inheritable page attribute, following ``/Parent`` up the page tree."""
    for _depth in range(_MAX_TREE_DEPTH):
        value = node.get(key)
        if value is not None:
            return value
        parent = node.get("/Parent")
        if not isinstance(parent, pikepdf.Dictionary):
            return None
        node = parent
    return None


def _largest_image(resources: object, seen: set[tuple[int, int]]) -> int:
    """Largest image XObject reachable from ``resources``, descending into form XObjects.

    Image dictionaries are read, never decoded.  ``seen`` skips objects shared between
    pages (and breaks reference cycles).  Inline images are ignored: they are small by
    convention and finding them would mean parsing every content stream.
    """
    if not isinstance(resources, pikepdf.Dictionary):
        return 0
    xobjects = resources.get("/XObject")
    if not isinstance(xobjects, pikepdf.Dictionary):
        return 0
    largest = 0
    for _name, xobject in xobjects.items():
        if not isinstance(xobject, pikepdf.Stream):
            continue
        if xobject.is_indirect:
            if xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
        subtype = xobject.get("/Subtype")
        if subtype == pikepdf.Name.Image:
            pixels = int(xobject.get("/Width", 0)) * int(xobject.get("/Height", 0))
            largest = max(largest, pixels)
        elif subtype == pikepdf.Name.Form:
            largest = max(largest, _largest_image(xobject.get("/Resources"), seen))
    return largest


def _has_text_layer(file: IO[bytes], page_count: int) -> bool:
    """Guess cheaply whether all of up to ``_TEXT_SAMPLE_PAGES`` evenly spread pages carry text.

    ``True`` means OCR is most likely unnecessary (born-digital or already OCRed); a mixed
    document answers ``False``.  The OCR engine decides per page anyway.
    """
    samples = min(page_count, _TEXT_SAMPLE_PAGES)
    sample = sorted({i * page_count // samples for i in range(samples)})
    with PdfiumDocument(file) as doc:
        return all(doc.page_text(index).strip() for index in sample)
