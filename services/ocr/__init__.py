"""OCR: the OcrEngine implementation and text extraction from PDFs."""

from __future__ import annotations

from services.ocr.ocrmypdf_engine import OcrmypdfEngine
from services.ocr.text import extract_page_texts
from services.ocr.tuning import DEFAULT_TUNING, OcrTuning

__all__ = ["DEFAULT_TUNING", "OcrTuning", "OcrmypdfEngine", "extract_page_texts"]
