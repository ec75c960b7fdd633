"""Turn a letter into a scan file with degradations chosen from the letter's id.

Every random choice (resolution, colour mode, skew, noise, stamp, file format ...) comes
from a ``random.Random`` seeded with the SHA-256 of the letter id, so the same corpus
always gives the same files, and the choice does not depend on the letter's content.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

import img2pdf
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from benchmarks.ocr_eval.canvas import Canvas, font
from benchmarks.ocr_eval.corpus import Letter, id_hash
from benchmarks.ocr_eval.layouts import LAYOUTS
from benchmarks.synthetic_letters import add_specks, seeded_noise

STAMP_KINDS = ("din5008", "private", "form", "fax", "email")
MONTHS = ("JAN", "FEB", "MÄRZ", "APR", "MAI", "JUNI", "JULI", "AUG", "SEP", "OKT", "NOV", "DEZ")


@dataclass(frozen=True)
class Profile:
    """How one letter is printed and scanned."""

    dpi: int
    mode: str  # "colour", "grey" or "bw"
    fmt: str  # "pdf", "tiff", "jpeg" or "png"
    skew: float = 0.0
    noise: float = 0.0
    blur: float = 0.0
    specks: int = 0
    fax: bool = False
    upside_down: bool = False
    stamp: bool = False
    signature: bool = False
    serif: bool = False
    ruling: str | None = None
    jpeg_quality: int = 85

    def label(self) -> str:
        parts = [str(self.dpi), self.mode, self.fmt]
        parts += [f"skew{self.skew:+.1f}"] if abs(self.skew) >= 0.5 else []
        parts += ["noise"] if self.noise else []
        parts += ["blur"] if self.blur else []
        parts += ["fax"] if self.fax else []
        parts += ["upside-down"] if self.upside_down else []
        parts += ["stamp"] if self.stamp else []
        parts += ["signature"] if self.signature else []
        parts += [self.ruling] if self.ruling else []
        return " ".join(parts)


@dataclass(frozen=True)
class Scan:
    letter: Letter
    profile: Profile
    path: Path
    truth: str
    pages: int


def profile_for(letter: Letter) -> Profile:
    rng = random.Random(id_hash(letter.id))
    dpi = 200 if rng.random() < 0.4 else 300
    mode = rng.choices(("colour", "grey", "bw"), (3, 4, 3))[0]
    fmt = rng.choices(("pdf", "tiff", "jpeg", "png"), (4, 2, 2, 2))[0]
    skew = rng.uniform(-2.5, 2.5) if rng.random() < 0.5 else rng.uniform(-0.4, 0.4)
    noise = rng.uniform(8, 25) if rng.random() < 0.4 else 0.0
    blur = rng.uniform(0.5, 0.9) if rng.random() < 0.25 else 0.0
    specks = rng.randint(500, 3000) if rng.random() < 0.3 else 0
    upside_down = rng.random() < 0.07
    stamp = letter.kind in STAMP_KINDS and rng.random() < 0.35
    signature = rng.random() < 0.7 and "" in (line.strip() for line in letter.closing)
    serif = rng.random() < 0.3
    quality = rng.randint(55, 90)
    ruling = None
    if letter.kind == "fax":
        dpi, mode, fmt, specks = 200, "bw", rng.choice(("tiff", "pdf")), max(specks, 1500)
    if letter.kind == "note":
        mode = "bw" if mode == "bw" and dpi == 300 else rng.choice(("colour", "grey"))
        ruling = rng.choice(("lined", "squared"))
    if mode == "bw" and fmt == "jpeg":
        fmt = "png"
    return Profile(
        dpi, mode, fmt, skew, noise, blur, specks, letter.kind == "fax", upside_down,
        stamp, signature, serif, ruling, quality,
    )  # fmt: skip


def render(letter: Letter, out_dir: Path) -> Scan:
    profile = profile_for(letter)
    rng = random.Random(id_hash(letter.id) ^ 0x5EED)
    paper = (252, 250, 244) if profile.mode == "colour" else (246, 246, 246)
    canvas = Canvas(dpi=profile.dpi, paper=paper, rng=rng, ruling=profile.ruling)
    truth = LAYOUTS[letter.kind](canvas, letter, profile.serif)
    if profile.signature and canvas.signature_at is not None:
        _signature(canvas, letter)
    if profile.stamp:
        truth += _stamp(canvas, rng)
    pages = [_degrade(page, profile, rng) for page in canvas.pages]
    fmt = profile.fmt if len(pages) == 1 or profile.fmt in ("pdf", "tiff") else "pdf"
    path = out_dir / f"{letter.id}.{'jpg' if fmt == 'jpeg' else fmt}"
    path.write_bytes(_encode(pages, fmt, profile))
    return Scan(letter, profile, path, "\n".join(truth), len(pages))


def _signature(canvas: Canvas, letter: Letter) -> None:
    assert canvas.signature_at is not None
    index, x, y = canvas.signature_at
    name = next((line for line in reversed(letter.closing) if line.strip()), "Unterschrift")
    face = font("script", 24.0, canvas.dpi)
    layer = Image.new("L", (canvas.px(90), canvas.px(16)), 0)
    ImageDraw.Draw(layer).text((0, 0), name.split()[-1], 255, face)
    layer = layer.rotate(canvas.rng.uniform(4, 12), expand=False)
    ink = Image.new("RGB", layer.size, (30, 50, 150))
    canvas.pages[index].paste(ink, (canvas.px(x), canvas.px(y - 6)), layer)


def _stamp(canvas: Canvas, rng: random.Random) -> list[str]:
    """A receipt stamp ("Eingegangen" and a date) in red or blue, overlapping the text."""
    lines = [
        "Stadt Hagenbeck",
        "EINGEGANGEN",
        f"{rng.randint(1, 28):02d}. {rng.choice(MONTHS)}. 2026",
    ]
    width, height = canvas.px(58), canvas.px(24)
    layer = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(layer)
    draw.rounded_rectangle([2, 2, width - 3, height - 3], radius=12, outline=230, width=4)
    for number, line in enumerate(lines):
        face = font("sans-bold", 12.0 if number == 1 else 9.0, canvas.dpi)
        x = (width - face.getlength(line)) / 2
        draw.text((x, canvas.px(2.5 + number * 6.5)), line, 230, face)
    layer = layer.rotate(rng.uniform(-8, 8), expand=True)
    colour = rng.choice(((200, 30, 45), (40, 60, 170)))
    page = canvas.pages[0]
    position = (canvas.px(rng.uniform(95, 140)), canvas.px(rng.uniform(55, 120)))
    stamped = page.copy()
    stamped.paste(Image.new("RGB", layer.size, colour), position, layer)
    canvas.pages[0] = ImageChops.multiply(page, stamped)
    return lines


def _degrade(page: Image.Image, profile: Profile, rng: random.Random) -> Image.Image:
    if profile.mode != "colour":
        page = page.convert("L")
    if profile.blur:
        page = page.filter(ImageFilter.GaussianBlur(profile.blur * profile.dpi / 300))
    if profile.noise:
        noise = seeded_noise(page.size, profile.noise, rng).convert(page.mode)
        page = ImageChops.add(page, noise, scale=1.0, offset=-128)
    if profile.skew:
        fill = (252, 250, 244) if page.mode == "RGB" else 246
        page = page.rotate(profile.skew, resample=Image.Resampling.BICUBIC, fillcolor=fill)
    if profile.specks:
        grey = page.convert("L")
        add_specks(grey, profile.specks, rng)
        page = grey if page.mode == "L" else ImageChops.darker(page, grey.convert("RGB"))
    if profile.fax:
        page = page.resize(
            (page.width, round(page.height * 98 / profile.dpi)), Image.Resampling.BOX
        )
    if profile.mode == "bw":
        page = page.convert("L").point(lambda value: 255 if value > 150 else 0).convert("1")
    if profile.upside_down:
        page = page.rotate(180)
    return page


def _encode(pages: list[Image.Image], fmt: str, profile: Profile) -> bytes:
    dpi = (profile.dpi, 98 if profile.fax else profile.dpi)
    out = io.BytesIO()
    if fmt == "pdf":
        frames = []
        for page in pages:
            frame = io.BytesIO()
            if page.mode == "1":
                page.save(frame, "PNG", dpi=dpi)
            else:
                page.save(frame, "JPEG", quality=profile.jpeg_quality, dpi=dpi)
            frames.append(frame.getvalue())
        pdf = img2pdf.convert(frames)
        assert isinstance(pdf, bytes)
        return pdf
    if fmt == "tiff":
        compression = "group4" if pages[0].mode == "1" else "tiff_lzw"
        pages[0].save(
            out, "TIFF", dpi=dpi, compression=compression, save_all=True, append_images=pages[1:]
        )
    elif fmt == "jpeg":
        pages[0].save(out, "JPEG", quality=profile.jpeg_quality, dpi=dpi)
    else:
        pages[0].save(out, "PNG", dpi=dpi)
    return out.getvalue()
