"""An ocrmypdf plugin that whitens the background of the image tesseract reads.

Loaded with ``--plugin services.ocr.ocr_image_plugin`` when ``OcrTuning.whiten_background``
is on.  It changes only what OCR sees, never the page image in the output PDF.

Pixels lighter than the page's Otsu threshold (between ink and paper), at most 150,
become white; ink keeps its grey levels, so tesseract's own thresholding (Sauvola) still
sees the shape of the strokes.  What goes: the ruling of lined and squared note paper
(light blue, which Sauvola's local threshold turns into black lines through the
handwriting), grey background noise and the paper tone.  Bilevel images are passed on
unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from ocrmypdf import hookimpl
from PIL import Image

TESSERACT_MAX_SIDE = 32767
MAX_THRESHOLD = 150
"""Otsu alone splits paper from ruling on squared paper (threshold 203 on a noisy 200 dpi
note, which then came out empty); ruling paper is about 175 in grey, ink below 100."""


@hookimpl
def filter_ocr_image(page: Any, image: Image.Image) -> Image.Image | None:
    """The whitened image; None (ocrmypdf's own hook decides) for bilevel or huge ones."""
    if image.mode == "1" or max(image.size) > TESSERACT_MAX_SIDE:
        return None
    return whiten_background(image)


def whiten_background(image: Image.Image) -> Image.Image:
    grey = np.asarray(image.convert("L"))
    threshold = min(otsu_threshold(grey), MAX_THRESHOLD)
    whitened = np.where(grey > threshold, 255, grey).astype(np.uint8)
    result = Image.fromarray(whitened, mode="L")
    if "dpi" in image.info:
        result.info["dpi"] = image.info["dpi"]
    return result


def otsu_threshold(grey: np.ndarray[Any, np.dtype[np.uint8]]) -> int:
    """The grey level that best separates dark from light pixels (Otsu 1979)."""
    histogram = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(histogram)
    mass = np.cumsum(histogram * levels)
    total, total_mass = weight[-1], mass[-1]
    background = total - weight
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mass * weight - mass * total) ** 2 / (weight * background)
    between[~np.isfinite(between)] = 0.0
    return int(np.argmax(between))
