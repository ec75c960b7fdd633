"""Conversion of images to PDF and extraction of page ranges."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import img2pdf
import pikepdf
from PIL import Image, ImageSequence

from services.errors import InvalidInputError
from services.media.image_inspect import (
    CORRUPT_IMAGE_ERRORS,
    PILLOW_FORMATS,
    claimed_dpi,
    corrupt_image_error,
)
from services.media.model import MediaType

DEFAULT_FALLBACK_DPI = 300

_Layout = Callable[..., object]

_CONVERSION_ERRORS = (
    img2pdf.AlphaChannelError,
    img2pdf.ExifOrientationError,
    img2pdf.ImageOpenError,
    img2pdf.JpegColorspaceError,
    img2pdf.NegativeDimensionError,
    img2pdf.PdfTooLargeError,
    img2pdf.UnsupportedColorspaceError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    TypeError,
)


def image_to_pdf(
    data: bytes, media_type: MediaType | str, *, fallback_dpi: int = DEFAULT_FALLBACK_DPI
) -> bytes:
    """Wrap an image (every frame of a TIFF) into a PDF, one page per frame.

    img2pdf embeds JPEG, PNG and CCITT/TIFF data losslessly without re-encoding.  Images
    it refuses (more than 8 bits per sample, unusual colour spaces) are converted
    losslessly to 8-bit PNG frames with Pillow first.  Images without a plausible DPI
    are laid out at ``fallback_dpi``, so that an A4 scan becomes an A4 page.
    """
    media_type = MediaType(media_type)
    if not media_type.is_image:
        raise ValueError(f"image_to_pdf needs an image, not {media_type.value}")
    layout = _layout_for(data, media_type, fallback_dpi)
    try:
        return _img2pdf(data, layout)
    except _CONVERSION_ERRORS:
        pass  # retry below with frames img2pdf is known to accept
    try:
        frames = list(_normalised_frames(data, media_type))
        return _img2pdf(frames, layout)
    except _CONVERSION_ERRORS as exc:
        raise InvalidInputError(f"image cannot be converted to PDF: {exc}") from None


def extract_pages(pdf: bytes, first: int, last: int) -> bytes:
    """Return a new PDF holding pages ``first`` to ``last`` (1-based, inclusive) of ``pdf``."""
    try:
        with pikepdf.open(io.BytesIO(pdf)) as source, pikepdf.new() as part:
            count = len(source.pages)
            if not 1 <= first <= last <= count:
                raise ValueError(f"page range {first}-{last} outside 1-{count}")
            part.pages.extend(source.pages[first - 1 : last])
            out = io.BytesIO()
            part.save(out)
            return out.getvalue()
    except pikepdf.PdfError as exc:
        raise InvalidInputError(f"damaged PDF: {exc}") from None


def _img2pdf(images: bytes | list[bytes], layout: _Layout | None) -> bytes:
    kwargs: dict[str, object] = {"rotation": img2pdf.Rotation.ifvalid}
    if layout is not None:
        kwargs["layout_fun"] = layout
    result = img2pdf.convert(images, **kwargs)
    if not isinstance(result, bytes):
        raise TypeError("img2pdf returned no bytes")
    return result


def _layout_for(data: bytes, media_type: MediaType, fallback_dpi: int) -> _Layout | None:
    """Fixed-DPI layout when the (first) image claims no plausible DPI, else img2pdf's own."""
    try:
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[media_type]]) as image:
            if claimed_dpi(image) is not None:
                return None
    except CORRUPT_IMAGE_ERRORS as exc:
        raise corrupt_image_error(media_type, exc) from None
    layout: _Layout = img2pdf.get_fixed_dpi_layout_fun((fallback_dpi, fallback_dpi))
    return layout


def _normalised_frames(data: bytes, media_type: MediaType) -> Iterator[bytes]:
    with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[media_type]]) as image:
        for frame in ImageSequence.Iterator(image):
            out = io.BytesIO()
            dpi = frame.info.get("dpi")
            _to_8bit(frame).save(out, "PNG", **({"dpi": dpi} if dpi else {}))
            yield out.getvalue()


def _to_8bit(frame: Image.Image) -> Image.Image:
    """Convert a frame to 1, L or RGB: drop alpha onto white, scale deep samples to 8 bits."""
    if frame.mode in {"1", "L", "RGB"}:
        return frame.copy()
    if frame.mode.startswith(("I", "F")):
        wide = frame.convert("F")
        _low, high = wide.getextrema()
        scale = 255.0 / _full_scale(frame.mode, float(high))  # type: ignore[arg-type]
        return wide.point(lambda v: v * scale).convert("L")
    if "A" in frame.mode or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        background = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(background, rgba).convert("RGB")
    return frame.convert("RGB")


def _full_scale(mode: str, high: float) -> float:
    """The sample value meaning "white": 16-bit modes use their range, wider modes their data."""
    if mode.startswith("I;16"):
        return 65535.0
    candidates = (1.0, 255.0, 65535.0) if mode == "F" else (255.0, 65535.0)
    return next((scale for scale in candidates if high <= scale), high)
