"""How each kind of letter is laid out on the page, and its true text in reading order.

Reading order of the ground truth (what a careful typist would transcribe): sender,
recipient, information block (one line per pair, "label value"), date line, subject,
body (wrapped as printed), closing, footer, and for a stamped letter the stamp's text
last.  E-mails: their header lines ("Von: ..."), then subject and body.  A handwritten
signature is not text and is not in the truth (an OCR engine that reads letters into it
pays for them as insertions).  Every function writes on the canvas and returns the lines
it wrote, in this order.
"""

from __future__ import annotations

from PIL import ImageDraw

from benchmarks.ocr_eval.canvas import Canvas
from benchmarks.ocr_eval.corpus import Letter

LEFT, RIGHT = 25.0, 190.0
INFO_X = 125.0


def din5008(canvas: Canvas, letter: Letter, serif: bool) -> list[str]:
    """DIN 5008 form B: letterhead, return line, address field and the information block
    in a right column beside it, subject in bold, footer at the bottom of the last page."""
    regular = ("serif" if serif else "sans", 11.0)
    small = (regular[0], 8.0)
    truth: list[str] = []
    if letter.sender:
        canvas.y = 12.0
        head = ("sans-bold", 14.0)
        canvas.write(RIGHT, letter.sender[0], head, align="right", colour=(20, 50, 120))
        for line in letter.sender[1:]:
            canvas.write(RIGHT, line, small, align="right")
        truth += letter.sender
    canvas.y = 50.0
    for line in letter.recipient:
        canvas.write(LEFT, line, regular, step=4.5)
    truth += letter.recipient
    address_end = canvas.y
    canvas.y = 50.0
    for label, value in letter.info_block:
        canvas.write(INFO_X, label, small, step=0.0)
        canvas.write(INFO_X + 25.0, value, small, step=4.0)
        truth.append(f"{label} {value}")
    canvas.y = max(address_end, canvas.y, 90.0) + 8.0
    truth += _after_address(canvas, letter, regular)
    truth += _footer(canvas, letter)
    return truth


def private(canvas: Canvas, letter: Letter, serif: bool) -> list[str]:
    """Sender top right, address left, date right-aligned, body without an info block."""
    regular = ("serif" if serif else "sans", 11.5)
    truth: list[str] = []
    canvas.y = 15.0
    for line in letter.sender:
        canvas.write(RIGHT, line, regular, align="right")
    truth += letter.sender
    canvas.y = max(canvas.y + 10.0, 50.0)
    for line in letter.recipient:
        canvas.write(LEFT, line, regular)
    truth += letter.recipient
    canvas.y += 6.0
    for label, value in letter.info_block:
        canvas.write(LEFT, f"{label}: {value}", regular)
        truth.append(f"{label}: {value}")
    truth += _after_address(canvas, letter, regular)
    truth += _footer(canvas, letter)
    return truth


def email(canvas: Canvas, letter: Letter, serif: bool) -> list[str]:
    """A printed e-mail: mail client header table, a rule, then the message."""
    regular = ("serif" if serif else "sans", 10.0)
    bold = ("sans-bold", 10.0)
    truth: list[str] = []
    canvas.y = 15.0
    if letter.sender:
        canvas.write(LEFT, letter.sender[0], ("sans-bold", 13.0))
        truth.append(letter.sender[0])
    canvas.y += 3.0
    for label, value in letter.email_headers:
        canvas.write(LEFT, f"{label}:", bold, step=0.0)
        for number, line in enumerate(canvas.wrap(value, regular, RIGHT - LEFT - 25.0)):
            canvas.write(LEFT + 25.0, line, regular)
            truth.append(f"{label}: {line}" if number == 0 else line)
    _rule(canvas)
    for line in [*letter.sender[1:], *letter.recipient]:
        canvas.write(LEFT, line, regular)
    truth += [*letter.sender[1:], *letter.recipient]
    for label, value in letter.info_block:
        canvas.write(LEFT, f"{label}: {value}", regular)
        truth.append(f"{label}: {value}")
    truth += _after_address(canvas, letter, regular)
    truth += _footer(canvas, letter)
    return truth


def form(canvas: Canvas, letter: Letter, serif: bool) -> list[str]:
    """A form: title in bold, every paragraph in its own box, fields under ruled lines."""
    regular = ("sans", 10.5)
    truth: list[str] = []
    canvas.y = 15.0
    for line in [*letter.sender, *letter.recipient]:
        canvas.write(LEFT, line, ("sans", 9.0))
    truth += [*letter.sender, *letter.recipient]
    for label, value in letter.info_block:
        canvas.write(LEFT, f"{label}: {value}", ("sans", 9.0))
        truth.append(f"{label}: {value}")
    if letter.date_line:
        canvas.write(RIGHT, letter.date_line, ("sans", 9.0), align="right")
        truth.append(letter.date_line)
    canvas.y += 4.0
    if letter.subject:
        for line in canvas.wrap(letter.subject, ("sans-bold", 13.0), RIGHT - LEFT):
            canvas.write(LEFT, line, ("sans-bold", 13.0))
            truth.append(line)
    canvas.y += 2.0
    for paragraph in letter.body:
        lines = canvas.wrap(paragraph, regular, RIGHT - LEFT - 6.0)
        height = len(lines) * 4.9 + 4.0
        if canvas.y + height > canvas.bottom:
            canvas.new_page()
        top = canvas.y
        canvas.y += 2.0
        for line in lines:
            canvas.write(LEFT + 3.0, line, regular, step=4.9)
        _box(canvas, top, canvas.y + 1.0)
        canvas.y += 3.0
        truth += lines
    truth += _closing(canvas, letter, regular)
    truth += _footer(canvas, letter)
    return truth


def note(canvas: Canvas, letter: Letter, serif: bool) -> list[str]:
    """A handwritten note on lined or squared paper, every line on a ruling line."""
    hand = ("script", 16.0)
    step = 9.0 if canvas.ruling == "lined" else 10.0
    canvas.y = 17.0
    lines = [*letter.sender, *letter.recipient]
    lines += [f"{label} {value}" for label, value in letter.info_block]
    lines += [letter.date_line, letter.subject] if letter.date_line or letter.subject else []
    for paragraph in letter.body:
        lines += canvas.wrap(paragraph, hand, 0.8 * (RIGHT - LEFT - 15.0))  # jitter widens
    lines += [line for line in letter.closing if line.strip()]
    truth = []
    for line in (line for line in lines if line.strip()):
        canvas.write(LEFT + canvas.rng.uniform(-3, 3), line, hand, step=step, hand=True)
        truth.append(line)
    return truth


def _after_address(canvas: Canvas, letter: Letter, regular: tuple[str, float]) -> list[str]:
    truth: list[str] = []
    if letter.date_line:
        canvas.write(RIGHT, letter.date_line, regular, align="right")
        truth.append(letter.date_line)
        canvas.y += 4.0
    if letter.subject:
        bold = ("serif-bold" if regular[0] == "serif" else "sans-bold", regular[1])
        for line in canvas.wrap(letter.subject, bold, RIGHT - LEFT):
            canvas.write(LEFT, line, bold)
            truth.append(line)
        canvas.y += 4.0
    for paragraph in letter.body:
        for line in canvas.wrap(paragraph, regular, RIGHT - LEFT):
            canvas.write(LEFT, line, regular)
            truth.append(line)
        canvas.y += 2.5
    return truth + _closing(canvas, letter, regular)


def _closing(canvas: Canvas, letter: Letter, regular: tuple[str, float]) -> list[str]:
    truth = []
    canvas.y += 3.0
    for line in letter.closing:
        if line.strip():
            canvas.write(LEFT, line, regular)
            truth.append(line)
        else:
            canvas.signature_at = (len(canvas.pages) - 1, LEFT + 5.0, canvas.y)
            canvas.y += 10.0
    return truth


def _footer(canvas: Canvas, letter: Letter) -> list[str]:
    if not letter.footer:
        return []
    small = ("sans", 7.5)
    height = len(letter.footer) * 3.2 + 4
    if canvas.y + height > 290.0:
        canvas.new_page()
    canvas.y = 290.0 - height
    _rule(canvas)
    for line in letter.footer:
        canvas.write(LEFT, line, small, step=3.2)
    return list(letter.footer)


def _rule(canvas: Canvas) -> None:
    y = canvas.px(canvas.y + 1.0)
    ImageDraw.Draw(canvas.page).line(
        [(canvas.px(LEFT), y), (canvas.px(RIGHT), y)], fill=(90, 90, 90), width=2
    )
    canvas.y += 3.0


def _box(canvas: Canvas, top: float, bottom: float) -> None:
    box = [canvas.px(LEFT), canvas.px(top), canvas.px(RIGHT), canvas.px(bottom)]
    ImageDraw.Draw(canvas.page).rectangle(box, outline=(40, 40, 40), width=2)


LAYOUTS = {
    "din5008": din5008,
    "private": private,
    "email": email,
    "form": form,
    "fax": din5008,
    "note": note,
}
