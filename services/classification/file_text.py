"""The text of a file given on the command line: plain text as is, scans through OCR."""

from __future__ import annotations

from pathlib import Path

from services.errors import InvalidInputError
from services.media.convert import image_to_pdf
from services.media.detect import detect_media_type
from services.media.inspect import inspect_content
from services.ocr.workdir import ocr_workdir
from services.ports import OcrEngine
from services.settings import Settings

TEXT_SUFFIXES = frozenset({".txt", ".text"})


def file_text(path: Path, settings: Settings, ocr: OcrEngine) -> str:
    """Read ``path``; PDFs and images are recognised (pages with text are not re-OCRed)."""
    data = path.read_bytes()
    if not data:
        raise InvalidInputError(f"{path} is empty")
    if path.suffix.lower() in TEXT_SUFFIXES:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"{path} is not UTF-8 text: {exc}") from exc
    media_type = detect_media_type(data)
    inspect_content(data, media_type, settings.limits)
    source = (
        data
        if media_type == "application/pdf"
        else image_to_pdf(data, media_type, fallback_dpi=settings.ocr.image_dpi_fallback)
    )
    with ocr_workdir() as tmp:  # locked while in use; swept after a crash
        source_path = tmp / "source.pdf"
        source_path.write_bytes(source)
        result = ocr.make_searchable(source_path, tmp / "out.pdf", settings.ocr_options)
    return "\n".join(result.pages)
