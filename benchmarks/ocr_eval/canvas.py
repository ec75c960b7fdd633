"""Pages of A4 paper to write on, in millimetres, with automatic page breaks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from benchmarks.synthetic_letters import font_path, jittered_line

A4_MM = (210.0, 297.0)
INK = (25, 25, 30)
RULING = (150, 180, 215)


@cache
def font(kind: str, points: float, dpi: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(kind)), round(points * dpi / 72))


@dataclass
class Canvas:
    """A stack of RGB pages; ``y`` is the writing position on the last page in mm."""

    dpi: int
    paper: tuple[int, int, int]
    rng: random.Random
    ruling: str | None = None
    """None, "lined" or "squared": paper for handwritten notes."""
    top: float = 20.0
    bottom: float = 272.0
    pages: list[Image.Image] = field(default_factory=list)
    y: float = 0.0
    signature_at: tuple[int, float, float] | None = None
    """Page index and position (mm) of the blank closing line that takes the signature."""

    def __post_init__(self) -> None:
        self.new_page()

    def px(self, mm: float) -> int:
        return round(mm * self.dpi / 25.4)

    @property
    def page(self) -> Image.Image:
        return self.pages[-1]

    def new_page(self) -> None:
        size = (self.px(A4_MM[0]), self.px(A4_MM[1]))
        page = Image.new("RGB", size, self.paper)
        self.pages.append(page)
        self.y = self.top
        if self.ruling:
            self._rule(page)

    def _rule(self, page: Image.Image) -> None:
        draw = ImageDraw.Draw(page)
        step = 9.0 if self.ruling == "lined" else 5.0
        y = 15.0 if self.ruling == "lined" else 16.0
        while y < A4_MM[1] - 5:
            draw.line([(0, self.px(y)), (page.width, self.px(y))], fill=RULING, width=1)
            y += step
        if self.ruling == "squared":
            x = 5.0
            while x < A4_MM[0]:
                draw.line([(self.px(x), 0), (self.px(x), page.height)], fill=RULING, width=1)
                x += step

    def text_width(self, text: str, style: tuple[str, float]) -> float:
        face = font(style[0], style[1], self.dpi)
        return face.getlength(text) * 25.4 / self.dpi

    def wrap(self, text: str, style: tuple[str, float], width_mm: float) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}".strip()
            if current and self.text_width(candidate, style) > width_mm:
                lines.append(current)
                current = word
            else:
                current = candidate
        return [*lines, current] if current else lines

    def write(
        self,
        x: float,
        text: str,
        style: tuple[str, float],
        *,
        step: float | None = None,
        align: str = "left",
        colour: tuple[int, int, int] = INK,
        hand: bool = False,
    ) -> None:
        """Write one line at the current ``y`` and move down by ``step`` mm."""
        line_step = step if step is not None else style[1] * 0.3528 * 1.35
        if self.y + line_step > self.bottom:
            self.new_page()
        if align == "right":
            x -= self.text_width(text, style)
        face = font(style[0], style[1], self.dpi)
        if hand:
            jittered_line(self.page, text, (self.px(x), self.px(self.y)), face, colour, self.rng)
        else:
            ImageDraw.Draw(self.page).text((self.px(x), self.px(self.y)), text, colour, face)
        self.y += line_step
