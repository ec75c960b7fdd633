"""Reading order for pages whose text layer runs across two columns.

Tesseract reads a DIN 5008 letter's address field and the information block beside it
(Ihr Zeichen, Datum, Telefon ... in a right column) as one set of lines, so that each
address line is followed by an information-block line.  The words are right; the order
is not.  Here each text line with a wide gap whose right part starts in the right half
of the page is split in two, and a run of two or more such lines (with the lines of either column
that continue it directly above or below) is put out column by column: the left parts,
then the right parts.  Everything else keeps PDFium's order.

On the DIN 5008 letters among the first 24 of the OCR tuning part this took the median
character error rate in reading order of bare ocrmypdf's text from 10.8 % to 3.8 %
(``benchmarks/ocr_eval``, which reads both pipelines' PDFs with this extraction).
"""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]
"""A character's (left, bottom, right, top) in points."""

MIN_GAP = 0.035
"""A gap between two words of at least this fraction of the page width splits a line
that starts in the left half ..."""
RIGHT_HALF = 0.5
"""... when the words after it start at or beyond this fraction of the width."""
COLUMN_TOLERANCE = 0.04
"""Lines above or below a run join it when they start this close to its column."""


@dataclass
class _Word:
    text: str
    left: float
    right: float


@dataclass
class _Line:
    words: list[_Word]
    top: float

    @property
    def left(self) -> float:
        return self.words[0].left

    def text(self, words: list[_Word] | None = None) -> str:
        return " ".join(word.text for word in (self.words if words is None else words))


def reorder(text: str, boxes: list[Box], width: float) -> str:
    """The page's text with two-column runs put out column by column.

    Lines are joined by newlines; without character boxes ``text`` is returned with LF
    line ends only.
    """
    lines = _lines(text, boxes)
    if not lines:
        return text.replace("\r\n", "\n").replace("\ufffe", "-\n")
    splits = [_split(line, width) for line in lines]
    out: list[str] = []
    index = 0
    while index < len(lines):
        if splits[index] is None:
            out.append(lines[index].text())
            index += 1
            continue
        start, end = _extend(lines, splits, index, width)
        if sum(split is not None for split in splits[start : end + 1]) < 2:
            out.append(lines[index].text())  # one line with a wide gap is not a column
            index += 1
            continue
        left_parts: list[str] = []
        right_parts: list[str] = []
        for number in range(start, end + 1):
            split = splits[number]
            if split is None:
                side = right_parts if lines[number].left >= RIGHT_HALF * width else left_parts
                side.append(lines[number].text())
            else:
                left_parts.append(lines[number].text(split[0]))
                right_parts.append(lines[number].text(split[1]))
        out[len(out) - (index - start) :] = [*left_parts, *right_parts]
        index = end + 1
    return "\n".join(out)


def _lines(text: str, boxes: list[Box]) -> list[_Line]:
    """Words with their horizontal extent, line by line; empty when boxes are missing."""
    if not boxes or len(boxes) != len(text):
        return []
    lines: list[_Line] = []
    words: list[_Word] = []
    word: _Word | None = None
    tops: list[float] = []

    def end_line() -> None:
        nonlocal words
        if words:
            lines.append(_Line(words, sum(tops) / len(tops)))
        words = []
        tops.clear()

    for char, (left, _bottom, right, top) in zip(text, boxes, strict=True):
        if char in "\r\n\ufffe":
            if char == "\ufffe" and word is not None:
                word.text += "-"
            word = None
            if char != "\r":
                end_line()
        elif char.isspace() or char == "\x00":
            word = None
        elif word is None:
            word = _Word(char, left, right)
            words.append(word)
            tops.append(top)
        else:
            word.text += char
            word.left, word.right = min(word.left, left), max(word.right, right)
    end_line()
    return lines


def _split(line: _Line, width: float) -> tuple[list[_Word], list[_Word]] | None:
    """Left and right words of a line with a column gap, else None."""
    if min(word.left for word in line.words) >= RIGHT_HALF * width:
        return None
    words = sorted(line.words, key=lambda word: word.left)
    for number in range(1, len(words)):
        before, after = words[number - 1], words[number]
        gap = after.left - before.right
        if gap >= MIN_GAP * width and after.left >= RIGHT_HALF * width:
            return words[:number], words[number:]
    return None


def _extend(
    lines: list[_Line],
    splits: list[tuple[list[_Word], list[_Word]] | None],
    index: int,
    width: float,
) -> tuple[int, int]:
    """The run of lines around the split line at ``index``.

    It takes in the lines directly above that stand in the right column, and those
    directly below that stand in either column or are split again.
    """
    first = splits[index]
    assert first is not None
    start = end = index
    left_x, right_x = first[0][0].left, first[1][0].left
    spacing = _spacing(lines, index)

    def continues(number: int, neighbour: int) -> bool:
        line = lines[number]
        if abs(line.top - lines[neighbour].top) > 2 * spacing:
            return False
        if splits[number] is not None:
            return True
        near = COLUMN_TOLERANCE * width
        return abs(line.left - right_x) <= near or abs(line.left - left_x) <= near

    while start > 0 and splits[start - 1] is None and continues(start - 1, start):
        if lines[start - 1].left < RIGHT_HALF * width:
            break
        start -= 1
    while end + 1 < len(lines) and continues(end + 1, end):
        end += 1
    return start, end


def _spacing(lines: list[_Line], index: int) -> float:
    """The distance from the line at ``index`` to its next (or previous) line."""
    if index + 1 < len(lines):
        return abs(lines[index + 1].top - lines[index].top)
    return abs(lines[index].top - lines[index - 1].top) if index else 14.0
