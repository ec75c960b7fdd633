"""Image preflight with Pillow, reading headers only."""

from __future__ import annotations

from typing import IO

from PIL import Image, UnidentifiedImageError

from services.errors import InvalidInputError, LimitExceededError
from services.media.model import ContentInfo, MediaType
from services.settings import LimitSettings

PILLOW_FORMATS = {MediaType.TIFF: "TIFF", MediaType.JPEG: "JPEG", MediaType.PNG: "PNG"}

MIN_PLAUSIBLE_DPI = 50
"""Below this a "resolution" is an aspect ratio (JFIF unit 0) or junk, not a scan's DPI."""


CORRUPT_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, UserWarning)
"""What Pillow raises on damaged headers.  It warns before it fails; where warnings are
errors (the test suite), the ``UserWarning`` arrives instead of the error."""


def corrupt_image_error(media_type: MediaType, exc: BaseException) -> InvalidInputError:
    if isinstance(exc, UnidentifiedImageError):
        return InvalidInputError(f"damaged or unreadable {media_type.value} image")
    return InvalidInputError(f"damaged or unreadable {media_type.value} image: {exc}")


def claimed_dpi(image: Image.Image) -> float | None:
    """The smaller of the resolutions ``image`` claims, or ``None`` if it claims none plausible."""
    dpi = image.info.get("dpi")
    if not dpi:
        return None
    smaller = min(float(dpi[0]), float(dpi[1]))
    return smaller if smaller >= MIN_PLAUSIBLE_DPI else None


def align_pillow_bomb_limit(max_pixels: int) -> None:
    """Raise Pillow's process-wide decompression-bomb threshold to our pixel limit.

    Pillow warns above ``Image.MAX_IMAGE_PIXELS`` and refuses above twice that.  Its
    default (about 89 megapixels) is below eakte's default limit, so without this, valid
    images would warn (an error under ``filterwarnings = error``) or be refused with
    Pillow's message instead of ours.  The threshold is only ever raised, never lowered:
    it is global, and a lower value from one caller must not break another.  Images over
    our limit are rejected by our own check before anything decodes them.
    """
    current = Image.MAX_IMAGE_PIXELS
    if current is not None and current < max_pixels:
        Image.MAX_IMAGE_PIXELS = max_pixels


def inspect_image(file: IO[bytes], media_type: MediaType, limits: LimitSettings) -> ContentInfo:
    """Inspect the image in ``file`` (readable and seekable), reading headers frame by frame."""
    align_pillow_bomb_limit(limits.max_image_pixels)
    file.seek(0)
    try:
        with Image.open(file, formats=[PILLOW_FORMATS[media_type]]) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > limits.max_pages:
                raise LimitExceededError(
                    f"image has {frames} pages; at most {limits.max_pages} are allowed"
                )
            largest = 0
            for frame in range(frames):
                image.seek(frame)
                width, height = image.size
                largest = max(largest, width * height)
                if largest > limits.max_image_pixels:
                    raise LimitExceededError(
                        f"image page {frame + 1} has {width}x{height} = {width * height:,} "
                        f"pixels; at most {limits.max_image_pixels:,} are allowed"
                    )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise LimitExceededError(f"image is too large: {exc}") from None
    except CORRUPT_IMAGE_ERRORS as exc:
        raise corrupt_image_error(media_type, exc) from None
    return ContentInfo(
        media_type=media_type, page_count=frames, max_image_pixels=largest, has_text_layer=None
    )
