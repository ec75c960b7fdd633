"""Value types shared by the media functions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MediaType(StrEnum):
    """The content types eakte accepts, as MIME types."""

    PDF = "application/pdf"
    TIFF = "image/tiff"
    JPEG = "image/jpeg"
    PNG = "image/png"

    @property
    def is_image(self) -> bool:
        return self is not MediaType.PDF


@dataclass(frozen=True)
class ContentInfo:
    """What inspection found out about accepted content."""

    media_type: MediaType
    page_count: int
    """Pages of a PDF, frames of a TIFF, 1 for other images."""
    max_image_pixels: int
    """Pixel count of the largest raster image (0 for a PDF without images)."""
    has_text_layer: bool | None
    """For PDFs: every sampled page carries extractable text. ``None`` for images."""
