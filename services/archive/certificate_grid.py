"""A plain bordered table for fpdf2 whose cost grows linearly with its text.

fpdf2's own ``table()`` lays every cell out with ``multi_cell``, whose line breaker
re-measures the line for each character it adds; a certificate with 10,000 document
rows then takes minutes.  This grid wraps each cell once, word by word (a word wider than
its column is broken between characters), checks whether the row still fits on the page
(else starts a new page and repeats the header), and sets every line with ``FPDF.text``.
A row taller than a page is cut with "…" rather than running over the footer; the JSON
rendition always holds the full text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

PT = 25.4 / 72
"""Millimetres per point."""


@dataclass(frozen=True)
class Face:
    family: str
    style: str = ""
    size: float = 7
    """Points."""


class Grid:
    """Rows of cells with fixed column widths (mm) from the left margin.

    ``measure`` is shared by all grids of one document, so each character is measured once.
    """

    def __init__(
        self,
        pdf: FPDF,
        widths: Sequence[float],
        *,
        measure: Widths,
        header: Sequence[str] = (),
        header_face: Face = Face("helvetica", "B"),
        caption: str = "",
        line_height: float = 3.2,
        padding: float = 1.0,
    ) -> None:
        self._pdf = pdf
        self._widths = tuple(widths)
        self._header_face = header_face
        self._line_height = line_height
        self._padding = padding
        self._measure = measure
        pairs = zip(header, self._widths, strict=True) if header else ()
        self._header = [self._wrap(text, header_face, w) for text, w in pairs]
        self._caption = caption
        self._header_due = bool(header)
        """The header goes out with the first row on each page, never alone at a page's foot."""

    def row(self, texts: Sequence[str], faces: Sequence[Face], aligns: Sequence[str] = ()) -> None:
        """One row; ``aligns`` holds ``L`` or ``R`` per column (default ``L``)."""
        pdf = self._pdf
        cells = [
            self._wrap(text, face, w)
            for text, face, w in zip(texts, faces, self._widths, strict=True)
        ]
        height = self._height(cells)
        if pdf.get_y() + self._lead() + height > pdf.page_break_trigger:
            pdf.add_page()
            self._header_due = bool(self._header)
            cells = [self._fit(lines) for lines in cells]
            height = self._height(cells)
        if self._caption:
            pdf.set_font(self._header_face.family, "B", self._header_face.size + 1)
            pdf.text(pdf.l_margin, pdf.get_y() + 3.5, self._caption)
            pdf.set_y(pdf.get_y() + 5)
            self._caption = ""
        if self._header_due:
            pdf.set_fill_color(235, 235, 235)
            faces_ = (self._header_face,) * len(self._header)
            aligns_ = ("L",) * len(self._header)
            self._draw(self._header, faces_, aligns_, self._height(self._header), fill=True)
            self._header_due = False
        self._draw(cells, faces, aligns or ("L",) * len(cells), height, fill=False)

    def _wrap(self, text: str, face: Face, width: float) -> list[str]:
        return _wrap(self._measure, text, face, width - 2 * self._padding)

    def _lead(self) -> float:
        """Height of what must precede the next row on this page: caption and header."""
        caption = 5.0 if self._caption else 0.0
        return caption + (self._height(self._header) if self._header_due else 0.0)

    def _height(self, cells: Sequence[Sequence[str]]) -> float:
        return max(len(lines) for lines in cells) * self._line_height + 2 * self._padding

    def _fit(self, lines: list[str]) -> list[str]:
        """At most the lines that fit below the header on a fresh page."""
        room = self._pdf.page_break_trigger - self._pdf.get_y() - self._lead() - 2 * self._padding
        most = max(1, int(room // self._line_height))
        return lines if len(lines) <= most else [*lines[: most - 1], "…"]

    def _draw(
        self,
        cells: Sequence[Sequence[str]],
        faces: Sequence[Face],
        aligns: Sequence[str],
        height: float,
        *,
        fill: bool,
    ) -> None:
        pdf = self._pdf
        top = pdf.get_y()
        x = pdf.l_margin
        for lines, face, align, width in zip(cells, faces, aligns, self._widths, strict=True):
            pdf.rect(x, top, width, height, style="DF" if fill else "D")
            pdf.set_font(face.family, face.style, face.size)
            ascent = 0.8 * face.size * PT + (self._line_height - face.size * PT) / 2
            for n, line in enumerate(lines):
                left = x + self._padding
                if align == "R":
                    left = x + width - self._padding - self._measure(face, line)
                pdf.text(left, top + self._padding + n * self._line_height + ascent, line)
            x += width
        pdf.set_xy(pdf.l_margin, top + height)


class Widths:
    """String widths in mm from per-character widths, measured once per face and character.

    ``FPDF.get_string_width`` copies the graphics state on every call, which made it the
    larger part of the work; without text shaping a string is as wide as its characters.
    """

    def __init__(self, pdf: FPDF) -> None:
        self._pdf = pdf
        self._chars: dict[tuple[Face, str], float] = {}

    def __call__(self, face: Face, text: str) -> float:
        total = 0.0
        for char in text:
            width = self._chars.get((face, char))
            if width is None:
                self._pdf.set_font(face.family, face.style, face.size)
                width = self._chars[face, char] = self._pdf.get_string_width(char)
            total += width
        return total


def _wrap(measure: Widths, text: str, face: Face, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` mm in ``face``."""
    space = measure(face, " ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split():
            size = measure(face, word)
            if line and used + space + size <= width:
                line, used = f"{line} {word}", used + space + size
                continue
            if line:
                lines.append(line)
            if size <= width:
                line, used = word, size
                continue
            pieces = _break_word(measure, face, word, width)
            lines += pieces[:-1]
            line, used = pieces[-1], measure(face, pieces[-1])
        lines.append(line)
    return lines


def _break_word(measure: Widths, face: Face, word: str, width: float) -> list[str]:
    pieces: list[str] = []
    piece, used = "", 0.0
    for char in word:
        size = measure(face, char)
        if piece and used + size > width:
            pieces.append(piece)
            piece, used = "", 0.0
        piece, used = piece + char, used + size
    pieces.append(piece)
    return pieces
