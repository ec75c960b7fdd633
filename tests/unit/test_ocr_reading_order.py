"""Two-column runs (address field beside an information block) are read column by column."""

from __future__ import annotations

from services.ocr.reading_order import Box, reorder

WIDTH = 595.0


def page(*lines: list[tuple[str, float]]) -> tuple[str, list[Box]]:
    """PDFium-like text and character boxes: each line is (word, left in points) pairs."""
    text, boxes = "", []
    for number, words in enumerate(lines):
        top = 800.0 - 14 * number
        for position, (word, left) in enumerate(words):
            if position:
                text += " "
                boxes.append((0.0, 0.0, 0.0, 0.0))
            for offset, char in enumerate(word):
                text += char
                boxes.append((left + 6 * offset, top - 10, left + 6 * offset + 6, top))
        text += "\r\n"
        boxes += [(0.0, 0.0, 0.0, 0.0)] * 2
    return text, boxes


def test_address_and_information_block_are_read_one_after_the_other() -> None:
    text, boxes = page(
        [("Stadt", 72), ("Hagenbeck", 110), ("Ihr", 356), ("Zeichen", 380), ("32-1", 430)],
        [("Rathausplatz", 72), ("1", 150), ("Datum", 356), ("12.01.2026", 430)],
        [("27412", 72), ("Hagenbeck", 110)],
        [("Telefon", 356), ("0441", 430)],
    )
    assert reorder(text, boxes, WIDTH).splitlines() == [
        "Stadt Hagenbeck",
        "Rathausplatz 1",
        "27412 Hagenbeck",
        "Ihr Zeichen 32-1",
        "Datum 12.01.2026",
        "Telefon 0441",
    ]


def test_single_lines_with_a_gap_and_label_value_pairs_keep_their_order() -> None:
    text, boxes = page(
        [("Von:", 72), ("amt@example.de", 150)],
        [("Hagenbeck,", 72), ("den", 140), ("12.01.2026", 400)],
        [("Datum", 356), ("12.01.2026", 430)],
    )
    assert reorder(text, boxes, WIDTH).splitlines() == [
        "Von: amt@example.de",
        "Hagenbeck, den 12.01.2026",
        "Datum 12.01.2026",
    ]


def test_without_boxes_the_text_is_kept() -> None:
    assert reorder("eins\r\nzwei", [], WIDTH) == "eins\nzwei"
