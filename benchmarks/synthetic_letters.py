"""Degraded scans of German administrative letters whose true text is known.

    .venv/bin/python -m benchmarks.synthetic_letters [--out DIR] [--quick]

Each scan is a one-page PDF made from a rendered A4 image: 200 or 300 dpi, grey or
binarised, with skew, noise, blur, JPEG artefacts, fax resolution (98 lines per inch),
low contrast, upside down, or handwriting-like notes.  Everything is seeded, so two runs
produce the same pixels.  Fonts come from the system (fonts-dejavu-core and
fonts-urw-base35, the latter installed with Ghostscript).
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import img2pdf
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from benchmarks.letters_text import LETTERS, NOTES

A4_INCHES = (8.27, 11.69)
FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/opentype"))
FONTS = {
    "sans": ("DejaVuSans.ttf", "NimbusSans-Regular.otf"),
    "serif": ("DejaVuSerif.ttf", "NimbusRoman-Regular.otf"),
    "nimbus-sans": ("NimbusSans-Regular.otf", "DejaVuSans.ttf"),
    "mono": ("NimbusMonoPS-Regular.otf", "DejaVuSansMono.ttf"),
    "script": ("Z003-MediumItalic.otf", "DejaVuSerif-Italic.ttf"),
    "sans-bold": ("NimbusSans-Bold.otf", "DejaVuSans-Bold.ttf"),
    "serif-bold": ("NimbusRoman-Bold.otf", "DejaVuSerif-Bold.ttf"),
}


@dataclass(frozen=True)
class Variant:
    name: str
    dpi: int = 300
    binarise: bool = False
    font: str = "sans"
    points: float = 11.0
    skew: float = 0.0
    noise: float = 0.0
    specks: int = 0
    blur: float = 0.0
    fax: bool = False
    upside_down: bool = False
    jpeg_quality: int | None = None
    low_contrast: bool = False
    note: bool = False


@dataclass(frozen=True)
class Scan:
    name: str
    variant: Variant
    pdf: Path
    truth: str = field(repr=False)


VARIANTS: tuple[Variant, ...] = (
    Variant("clean-300-grey"),
    Variant("clean-200-grey", dpi=200),
    Variant("bw-300", binarise=True),
    Variant("bw-200", dpi=200, binarise=True),
    Variant("skew-1.5-300-grey", skew=1.5),
    Variant("skew-3-200-bw", dpi=200, binarise=True, skew=-3.0),
    Variant("noise-300-grey", noise=40.0),
    Variant("noise-200-bw", dpi=200, binarise=True, noise=30.0, specks=4000),
    Variant("blur-300-grey", blur=1.6),
    Variant("blur-200-grey", dpi=200, blur=1.1),
    Variant("fax-bw", dpi=200, binarise=True, fax=True),
    Variant("fax-bw-skew", dpi=200, binarise=True, fax=True, skew=1.0, specks=2000),
    Variant("upside-down-300-grey", upside_down=True),
    Variant("upside-down-200-bw", dpi=200, binarise=True, upside_down=True),
    Variant("jpeg-q20-200-grey", dpi=200, jpeg_quality=20),
    Variant("low-contrast-300-grey", low_contrast=True, noise=20.0),
    Variant("typewriter-300-bw", font="mono", binarise=True, specks=1500),
    Variant("small-9pt-200-grey", dpi=200, font="serif", points=9.0),
    Variant("photocopy-300-grey", skew=2.0, noise=30.0, blur=1.0, specks=3000),
    Variant("dirty-copy-300-bw", binarise=True, skew=-1.0, specks=8000, blur=0.8),
    Variant("serif-300-grey", font="serif"),
    Variant("note-300-grey", font="script", points=26.0, note=True, skew=2.0),
    Variant("note-200-bw", dpi=200, binarise=True, font="script", points=26.0, note=True),
    Variant("note-300-grey-noisy", font="script", points=24.0, note=True, noise=25.0),
)
QUICK = ("clean-200-grey", "bw-300", "skew-3-200-bw", "noise-200-bw", "fax-bw",
         "upside-down-300-grey", "photocopy-300-grey", "note-300-grey")  # fmt: skip


def generate(out_dir: Path, *, quick: bool = False) -> list[Scan]:
    """Write one PDF (and its true text as ``.txt``) per variant into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    variants = [v for v in VARIANTS if not quick or v.name in QUICK]
    letters = list(LETTERS.items())
    scans = []
    for number, variant in enumerate(variants):
        if variant.note:
            title, text = "notiz", NOTES[number % len(NOTES)]
        else:
            title, text = letters[number % len(letters)]
        name = f"{number + 1:02d}-{variant.name}-{title}"
        lines = text.splitlines()
        image = render(lines, variant, seed=number)
        pdf = out_dir / f"{name}.pdf"
        pdf.write_bytes(to_pdf(image, variant))
        truth = "\n".join(line.removeprefix(">") for line in lines)
        (out_dir / f"{name}.txt").write_text(truth, encoding="utf-8")
        scans.append(Scan(name=name, variant=variant, pdf=pdf, truth=truth))
    return scans


@cache
def font_path(kind: str) -> Path:
    for filename in FONTS[kind]:
        for root in FONT_DIRS:
            found = next(root.rglob(filename), None)
            if found is not None:
                return found
    raise SystemExit(
        f"no font for {kind!r} ({', '.join(FONTS[kind])}); "
        "install fonts-dejavu-core and fonts-urw-base35"
    )


def render(lines: list[str], variant: Variant, *, seed: int) -> Image.Image:
    rng = random.Random(seed)
    dpi = variant.dpi
    size = (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi))
    paper, ink = (200, 95) if variant.low_contrast else (245, 20)
    page = Image.new("L", size, paper)
    font = ImageFont.truetype(str(font_path(variant.font)), round(variant.points * dpi / 72))
    draw = ImageDraw.Draw(page)
    left, top = round(dpi * 1.0), round(dpi * 0.8)
    step = round(variant.points * dpi / 72 * (1.6 if variant.note else 1.45))
    y = top
    for line in lines:
        if variant.note:
            jittered_line(page, line, (left + rng.randint(-20, 20), y), font, ink, rng)
        elif line.startswith(">"):
            text = line[1:]
            width = draw.textlength(text, font=font)
            draw.text((size[0] - left - width, y), text, fill=ink, font=font)
        else:
            draw.text((left, y), line, fill=ink, font=font)
        y += step
    return degrade(page, variant, rng)


def jittered_line(
    page: Image.Image,
    line: str,
    origin: tuple[int, int],
    font: ImageFont.FreeTypeFont,
    ink: int | tuple[int, int, int],
    rng: random.Random,
) -> None:
    """Draw a line character by character with a wandering baseline and uneven size."""
    draw = ImageDraw.Draw(page)
    x, y = origin
    for char in line:
        scale = rng.uniform(0.9, 1.12)
        glyph_font = font.font_variant(size=max(8, round(font.size * scale)))
        y += rng.randint(-2, 2)
        draw.text((x, y + rng.randint(-3, 3)), char, fill=ink, font=glyph_font)
        x += round(draw.textlength(char, font=glyph_font) * rng.uniform(0.95, 1.15))


def degrade(page: Image.Image, variant: Variant, rng: random.Random) -> Image.Image:
    if variant.blur:
        page = page.filter(ImageFilter.GaussianBlur(variant.blur))
    if variant.noise:
        noise = seeded_noise(page.size, variant.noise, rng)
        page = ImageChops.add(page, noise, scale=1.0, offset=-128)
    if variant.skew:
        page = page.rotate(variant.skew, resample=Image.Resampling.BICUBIC, fillcolor=245)
    if variant.specks:
        add_specks(page, variant.specks, rng)
    if variant.fax:
        # Fax "fine" mode samples 98 lines per inch vertically; the page keeps its size.
        fax_height = round(page.height * 98 / variant.dpi)
        page = page.resize((page.width, fax_height), Image.Resampling.BOX)
    if variant.binarise:
        page = page.point(lambda value: 255 if value > 150 else 0).convert("1")
    if variant.upside_down:
        page = page.rotate(180)
    return page


def seeded_noise(size: tuple[int, int], sigma: float, rng: random.Random) -> Image.Image:
    """Gaussian noise around 128, deterministic: tiled from a seeded 256x256 patch."""
    patch = Image.new("L", (256, 256))
    patch.putdata([max(0, min(255, round(rng.gauss(128, sigma)))) for _ in range(256 * 256)])
    noise = Image.new("L", size)
    for x in range(0, size[0], 256):
        for y in range(0, size[1], 256):
            noise.paste(patch.rotate(90 * rng.randrange(4)), (x, y))
    return noise


def add_specks(page: Image.Image, count: int, rng: random.Random) -> None:
    draw = ImageDraw.Draw(page)
    for _ in range(count):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        radius = rng.choice((0, 0, 0, 1, 1, 2))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=rng.randint(0, 90))


def to_pdf(image: Image.Image, variant: Variant) -> bytes:
    dpi = (variant.dpi, 98 if variant.fax else variant.dpi)
    out = io.BytesIO()
    if variant.jpeg_quality is not None:
        image.save(out, "JPEG", quality=variant.jpeg_quality, dpi=dpi)
    else:
        image.save(out, "PNG", dpi=dpi)
    pdf = img2pdf.convert(out.getvalue())
    assert isinstance(pdf, bytes)
    return pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="directory for the scans (default: a temp dir)")
    parser.add_argument("--quick", action="store_true", help=f"only {len(QUICK)} variants")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="eakte-letters-"))
    scans = generate(out, quick=args.quick)
    for scan in scans:
        print(f"{scan.pdf.name:48} {scan.pdf.stat().st_size / 1024:8.0f} KiB")
    print(f"{len(scans)} scans in {out}")


if __name__ == "__main__":
    main()
