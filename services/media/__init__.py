"""Everything about file contents: type detection, limits, conversion and splitting.

Nothing here touches the database; every function takes bytes and returns bytes or facts.
"""

from __future__ import annotations

from services.media.convert import extract_pages, image_to_pdf
from services.media.detect import detect_media_type
from services.media.inspect import inspect_content
from services.media.model import ContentInfo, MediaType
from services.media.separators import find_separator_pages, split_ranges

__all__ = [
    "ContentInfo",
    "MediaType",
    "detect_media_type",
    "extract_pages",
    "find_separator_pages",
    "image_to_pdf",
    "inspect_content",
    "split_ranges",
]
