"""Everything about file contents: type detection, limits, conversion and splitting.

Nothing here touches the database; every function takes bytes (or a file, for uploads too
large to hold in memory) and returns bytes or facts.
"""

from __future__ import annotations

from services.media.convert import extract_pages, image_to_pdf
from services.media.detect import detect_file_media_type, detect_media_type
from services.media.inspect import inspect_content, inspect_file
from services.media.model import ContentInfo, MediaType
from services.media.separators import find_separator_pages, split_ranges

__all__ = [
    "ContentInfo",
    "MediaType",
    "detect_file_media_type",
    "detect_media_type",
    "extract_pages",
    "find_separator_pages",
    "image_to_pdf",
    "inspect_content",
    "inspect_file",
    "split_ranges",
]
