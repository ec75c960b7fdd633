"""Preflight of accepted content: page count, image sizes, limits, text layer."""

from __future__ import annotations

import io
from typing import IO

from services.media.image_inspect import inspect_image
from services.media.model import ContentInfo, MediaType
from services.media.pdf_inspect import inspect_pdf
from services.settings import LimitSettings


def inspect_content(data: bytes, media_type: MediaType, limits: LimitSettings) -> ContentInfo:
    """Check ``data`` of the (already detected) ``media_type`` against ``limits``.

    Reads structure and headers only, never decodes page images, so it stays fast for
    large documents.  Raises :class:`services.errors.InvalidInputError` for corrupt or
    encrypted content and :class:`services.errors.LimitExceededError` for content over a
    limit.
    """
    return inspect_file(io.BytesIO(data), media_type, limits)


def inspect_file(file: IO[bytes], media_type: MediaType, limits: LimitSettings) -> ContentInfo:
    """:func:`inspect_content` for content in a readable, seekable binary file.

    The parsers read what they need where they need it (a PDF's cross-reference table
    and page tree, an image's headers), so a large upload is never held in memory.  The
    file's position is left anywhere.
    """
    if media_type is MediaType.PDF:
        return inspect_pdf(file, limits)
    return inspect_image(file, media_type, limits)
