"""The image tesseract reads loses note-paper ruling and background, not the ink."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from services.ocr.ocr_image_plugin import filter_ocr_image, otsu_threshold, whiten_background


def lined_note() -> Image.Image:
    page = Image.new("RGB", (400, 300), (250, 248, 240))
    draw = ImageDraw.Draw(page)
    for y in range(20, 300, 30):
        draw.line([(0, y), (400, y)], fill=(150, 180, 215), width=2)
    draw.rectangle([50, 45, 120, 58], fill=(40, 40, 45))  # a word's worth of ink
    page.info["dpi"] = (200, 200)
    return page


def test_ruling_and_paper_turn_white_and_ink_stays() -> None:
    result = whiten_background(lined_note())
    pixels = np.asarray(result)
    assert result.mode == "L" and result.info["dpi"] == (200, 200)
    assert pixels[20, 200] == 255  # ruling
    assert pixels[5, 5] == 255  # paper
    assert pixels[50, 80] < 60  # ink


def test_otsu_threshold_lies_between_ink_and_paper() -> None:
    grey = np.full((10, 10), 240, dtype=np.uint8)
    grey[:3] = 30
    assert 30 <= otsu_threshold(grey) < 240


def test_bilevel_pages_are_left_to_ocrmypdf() -> None:
    assert filter_ocr_image(None, Image.new("1", (10, 10), 1)) is None
