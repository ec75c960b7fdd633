"""Preflight of accepted content: page count, image sizes, limits, text layer."""

from __future__ import annotations

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
    if media_type is MediaType.PDF:
        return inspect_pdf(data, limits)
    return inspect_image(data, media_type, limits)
