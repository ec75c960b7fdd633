"""Content type detection from the bytes, never from the file name."""

from __future__ import annotations

import re
from typing import IO

import magic

from services.errors import InvalidInputError, UnsupportedMediaTypeError
from services.media.model import MediaType

_SNIFF_BYTES = 1 << 20
"""libmagic looks at the start of a file only; handing it a slice avoids copying huge uploads."""

_ACCEPTED = ", ".join(t.value for t in MediaType)

PDF_HEADER = b"%PDF-"
PDF_HEADER_WINDOW = 1024
"""PDF readers look for the header within the first 1024 bytes (PDF 32000-1, annex H)."""
_MARKUP = re.compile(rb"<\s*[a-z!?/]|javascript:", re.IGNORECASE)
"""What a browser would take for HTML, SVG, XML or script."""


def detect_media_type(data: bytes) -> MediaType:
    """Return the media type of ``data`` as libmagic sees it.

    Raises :class:`InvalidInputError` for empty input and
    :class:`UnsupportedMediaTypeError` for anything but PDF, TIFF, JPEG and PNG, and for
    a PDF behind markup (see :func:`check_pdf_header`).
    """
    if not data:
        raise InvalidInputError("empty file")
    detected = magic.from_buffer(data[:_SNIFF_BYTES], mime=True)
    try:
        media_type = MediaType(detected)
    except ValueError:
        raise UnsupportedMediaTypeError(
            f"content is {detected}, which is not accepted; accepted are {_ACCEPTED}"
        ) from None
    if media_type is MediaType.PDF:
        check_pdf_header(data)
    return media_type


def detect_file_media_type(file: IO[bytes]) -> MediaType:
    """:func:`detect_media_type` for content in a readable, seekable binary file.

    Every check looks at the start only, so the first ``_SNIFF_BYTES`` decide exactly as
    the whole content would.
    """
    file.seek(0)
    return detect_media_type(file.read(_SNIFF_BYTES))


def check_pdf_header(data: bytes) -> None:
    """Refuse a PDF whose header PDF readers would not find, or that follows markup.

    libmagic calls ``<html><script>...</script>`` followed by a PDF a PDF, and PDF
    readers open it; a browser given the same bytes runs the script.  Such an HTML/PDF
    polyglot has no business in a records store.  A few bytes of other junk before the
    header (a mail gateway's line, say) are accepted as PDF readers accept them.
    """
    offset = data.find(PDF_HEADER, 0, PDF_HEADER_WINDOW + len(PDF_HEADER))
    if offset == 0:
        return
    if offset < 0 or offset > PDF_HEADER_WINDOW:
        raise UnsupportedMediaTypeError(
            f"the PDF header ({PDF_HEADER.decode()}) is not within the first "
            f"{PDF_HEADER_WINDOW} bytes, so PDF readers would not open the file"
        )
    if _MARKUP.search(data[:offset]):
        raise UnsupportedMediaTypeError(
            f"the file starts with {offset} bytes of HTML or script before its PDF header: "
            "a web page with a PDF inside (polyglot), which a browser would run; "
            "upload the PDF itself"
        )
