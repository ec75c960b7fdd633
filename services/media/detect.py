"""Content type detection from the bytes, never from the file name."""

from __future__ import annotations

import magic

from services.errors import InvalidInputError, UnsupportedMediaTypeError
from services.media.model import MediaType

_SNIFF_BYTES = 1 << 20
"""libmagic looks at the start of a file only; handing it a slice avoids copying huge uploads."""

_ACCEPTED = ", ".join(t.value for t in MediaType)


def detect_media_type(data: bytes) -> MediaType:
    """Return the media type of ``data`` as libmagic sees it.

    Raises :class:`InvalidInputError` for empty input and
    :class:`UnsupportedMediaTypeError` for anything but PDF, TIFF, JPEG and PNG.
    """
    if not data:
        raise InvalidInputError("empty file")
    detected = magic.from_buffer(data[:_SNIFF_BYTES], mime=True)
    try:
        return MediaType(detected)
    except ValueError:
        raise UnsupportedMediaTypeError(
            f"content is {detected}, which is not accepted; accepted are {_ACCEPTED}"
        ) from None
