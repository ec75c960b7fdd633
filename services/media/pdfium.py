"""Serialised access to PDFium (via pypdfium2) for text extraction and rendering.

PDFium is not thread-safe, not even across different documents, and eakte's embedded
mode runs job workers as threads.  Every PDFium call therefore happens under one
process-wide lock, and every PDFium object is closed explicitly under that lock, so no
garbage-collector finaliser calls into PDFium from another thread.  The lock is held per
call, not per document: heavy work on the results (OCR, barcode reading) runs unlocked.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType
from typing import IO

import pypdfium2 as pdfium
from PIL import Image

from services.errors import InvalidInputError

_LOCK = threading.RLock()
_POINTS_PER_INCH = 72


def _normalise_text(text: str) -> str:
    """Return text with LF line ends, no trailing blanks and hyphens at line ends restored.

    PDFium joins a line ending in a hyphen with the next one and marks the spot with
    U+FFFE.  Whether the hyphen was a soft one ("Lizenzie-rung") or part of a compound
    ("Mehrbenutzer-Betriebssysteme") is unknowable, so the printed form is restored.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = text.replace("\ufffe", "-\n")
    return "\n".join(line.rstrip() for line in text.split("\n"))


class PdfiumDocument:
    """A PDF opened with PDFium; use as a context manager.

    ``source`` is the PDF's bytes, its path, or a readable and seekable binary file
    (which PDFium reads block by block, at positions it chooses, while the document is
    open; the file is not closed here).
    """

    def __init__(self, source: bytes | Path | IO[bytes]) -> None:
        self._source = source
        self._doc: pdfium.PdfDocument | None = None

    def __enter__(self) -> PdfiumDocument:
        with _LOCK:
            try:
                self._doc = pdfium.PdfDocument(self._source)
            except pdfium.PdfiumError as exc:
                raise InvalidInputError(f"damaged PDF, PDFium cannot open it: {exc}") from exc
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with _LOCK:
            if self._doc is not None:
                self._doc.close()
                self._doc = None

    @property
    def _document(self) -> pdfium.PdfDocument:
        if self._doc is None:
            raise RuntimeError("PdfiumDocument used outside its 'with' block")
        return self._doc

    def __len__(self) -> int:
        with _LOCK:
            return len(self._document)

    def page_text(self, index: int) -> str:
        """Text of the page at ``index`` (0-based), lines separated by newlines."""
        with _LOCK:
            page = self._document[index]
            textpage = page.get_textpage()
            try:
                text = str(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
        return _normalise_text(text)

    def render_width(self, index: int, width: int) -> Image.Image:
        """Render the page at ``index`` (0-based) ``width`` pixels wide, in RGB colour."""
        with _LOCK:
            page = self._document[index]
            try:
                scale = width / max(page.get_width(), 1.0)
                bitmap = page.render(scale=scale)
            except BaseException:
                page.close()
                raise
            try:
                image: Image.Image = bitmap.to_pil()
                return image.convert("RGB")
            finally:
                bitmap.close()
                page.close()

    def page_chars(self, index: int) -> tuple[str, list[tuple[float, float, float, float]], float]:
        """The raw text of a page, its character boxes and the page's width.

        One ``(left, bottom, right, top)`` box in points per character; no boxes for
        rotated pages or when PDFium's text and character count disagree.
        """
        with _LOCK:
            page = self._document[index]
            textpage = page.get_textpage()
            try:
                text = str(textpage.get_text_range())
                count = textpage.count_chars()
                if page.get_rotation() % 360 or len(text) != count:
                    return text, [], page.get_width()
                boxes = [textpage.get_charbox(i) for i in range(count)]
                return text, boxes, page.get_width()
            finally:
                textpage.close()
                page.close()

    def text_boxes(self, index: int, needle: str) -> list[tuple[float, float, float, float]]:
        """Where ``needle`` stands in the page's text layer, ignoring case.

        One ``(left, top, right, bottom)`` box per text line of each match, as fractions
        of the page's width and height from its top-left corner.  Empty for rotated
        pages, whose text coordinates do not match the rendered image.
        """
        boxes: list[tuple[float, float, float, float]] = []
        with _LOCK:
            page = self._document[index]
            textpage = page.get_textpage()
            try:
                if page.get_rotation() % 360:
                    return []
                width, height = page.get_size()
                searcher = textpage.search(needle, match_case=False)
                try:
                    while (found := searcher.get_next()) is not None:
                        start, count = found
                        for rect in range(textpage.count_rects(start, count)):
                            left, bottom, right, top = textpage.get_rect(rect)
                            boxes.append(
                                (left / width, 1 - top / height, right / width, 1 - bottom / height)
                            )
                finally:
                    searcher.close()
            finally:
                textpage.close()
                page.close()
        return boxes

    def render_gray(self, index: int, dpi: int) -> Image.Image:
        """Render the page at ``index`` (0-based) as an 8-bit grayscale image."""
        with _LOCK:
            page = self._document[index]
            bitmap = page.render(scale=dpi / _POINTS_PER_INCH, grayscale=True)
            try:
                # to_pil() may share the bitmap's buffer; convert() always copies, so the
                # image survives the bitmap.
                image: Image.Image = bitmap.to_pil()
                return image.convert("L")
            finally:
                bitmap.close()
                page.close()
