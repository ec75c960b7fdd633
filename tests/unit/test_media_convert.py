from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from services.errors import InvalidInputError
from services.media import MediaType, extract_pages, image_to_pdf
from tests.fixtures.availability import unavailable

SCANS = Path(__file__).parents[2] / ".." / "shared" / "testdata" / "scans"


def scan(name: str) -> bytes:
    path = SCANS / name
    if not path.is_file():
        unavailable("test scans", f"{path} is missing")
    return path.read_bytes()


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [(round(float(p.mediabox[2])), round(float(p.mediabox[3]))) for p in doc.pages]


def page_markers(pdf: bytes) -> list[int]:
    """Width in pixels of the single image on every page (our test pages differ in width)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [int(next(iter(p.get_images().values())).Width) for p in doc.pages]


def first_image(doc: pikepdf.Pdf) -> Image.Image:
    stream = next(iter(doc.pages[0].get_images().values()))
    assert isinstance(stream, pikepdf.Stream)
    return pikepdf.PdfImage(stream).as_pil_image()


A4_AT_300_DPI = (2480, 3508)
A4_POINTS = (595, 842)


def test_png_with_dpi_keeps_its_size_and_pixels() -> None:
    image = Image.new("L", (1240, 1754), 200)
    pdf = image_to_pdf(encode(image, "PNG", dpi=(150, 150)), MediaType.PNG)

    assert page_sizes(pdf) == [A4_POINTS]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        embedded = first_image(doc)
    assert embedded.tobytes() == image.tobytes()  # lossless


def test_image_without_dpi_is_laid_out_at_the_fallback_dpi() -> None:
    data = encode(Image.new("RGB", A4_AT_300_DPI, "white"), "PNG")

    assert page_sizes(image_to_pdf(data, MediaType.PNG)) == [A4_POINTS]
    assert page_sizes(image_to_pdf(data, MediaType.PNG, fallback_dpi=150)) == [(1190, 1684)]


def test_jpeg_with_aspect_ratio_only_uses_the_fallback_dpi() -> None:
    data = encode(Image.new("RGB", A4_AT_300_DPI, "white"), "JPEG")  # JFIF unit 0, density 1:1

    assert page_sizes(image_to_pdf(data, "image/jpeg")) == [A4_POINTS]


def test_jpeg_is_embedded_without_reencoding() -> None:
    data = encode(Image.new("RGB", (300, 200), "red"), "JPEG", dpi=(300, 300))

    with pikepdf.open(io.BytesIO(image_to_pdf(data, MediaType.JPEG))) as doc:
        stream = next(iter(doc.pages[0].get_images().values()))
        assert stream.Filter == pikepdf.Name.DCTDecode
        assert stream.read_raw_bytes() == data


def test_multipage_tiff_becomes_a_multipage_pdf_in_order() -> None:
    frames = [Image.new("1", (600 + 10 * i, 800), 1) for i in range(3)]
    data = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:], dpi=(200, 200))

    assert page_markers(image_to_pdf(data, MediaType.TIFF)) == [600, 610, 620]


def test_real_multipage_tiff() -> None:
    pdf = image_to_pdf(scan("paperless-ngx/multi-page-images.tiff"), MediaType.TIFF)

    assert len(page_sizes(pdf)) == 3


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [
        ("RGBA", "PNG"),
        ("LA", "PNG"),
        ("P", "PNG"),
        ("I;16", "PNG"),
        ("I;16", "TIFF"),
        ("I", "TIFF"),
        ("F", "TIFF"),
        ("CMYK", "TIFF"),
        ("CMYK", "JPEG"),
        ("LAB", "TIFF"),
        ("RGBA", "TIFF"),
    ],
)
def test_unusual_modes_are_converted(mode: str, fmt: str) -> None:
    data = encode(Image.new(mode, (120, 80)), fmt, dpi=(100, 100))

    pdf = image_to_pdf(data, MediaType.TIFF if fmt == "TIFF" else MediaType(f"image/{fmt.lower()}"))

    assert page_sizes(pdf) == [(86, 58)]


def test_sixteen_bit_samples_are_scaled_not_clipped() -> None:
    image = Image.new("I;16", (64, 64), 32768)  # mid grey in 16 bits
    pdf = image_to_pdf(encode(image, "TIFF", dpi=(100, 100)), MediaType.TIFF)

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        embedded = first_image(doc)
    assert embedded.mode == "L"
    assert embedded.getextrema() == (127, 127)


def test_float_samples_from_zero_to_one_become_eight_bit() -> None:
    pdf = image_to_pdf(encode(Image.new("F", (64, 64), 0.5), "TIFF", dpi=(100, 100)), "image/tiff")

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        embedded = first_image(doc)
    assert embedded.getextrema() == (127, 127)


def test_corrupt_image_is_invalid() -> None:
    data = encode(Image.new("L", (64, 64)), "PNG")[:40]

    with pytest.raises(InvalidInputError):
        image_to_pdf(data, MediaType.PNG)


def test_pdf_is_not_an_image() -> None:
    with pytest.raises(ValueError, match="needs an image"):
        image_to_pdf(b"%PDF-1.7", MediaType.PDF)


def numbered_pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for number in range(1, pages + 1):
        pdf.add_blank_page(page_size=(100 + number, 200))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("first", "last"), [(1, 1), (2, 4), (5, 5), (1, 5)])
def test_extract_pages_is_one_based_and_inclusive(first: int, last: int) -> None:
    part = extract_pages(numbered_pdf(5), first, last)

    assert [width - 100 for width, _ in page_sizes(part)] == list(range(first, last + 1))


@pytest.mark.parametrize(("first", "last"), [(0, 1), (3, 2), (5, 6)])
def test_extract_pages_rejects_ranges_outside_the_document(first: int, last: int) -> None:
    with pytest.raises(ValueError, match="outside 1-5"):
        extract_pages(numbered_pdf(5), first, last)


def test_extract_pages_keeps_images_of_the_kept_pages_only() -> None:
    source = scan("ocrmypdf/multipage.pdf")

    part = extract_pages(source, 2, 2)

    assert page_markers(part) == [9000]
    assert len(part) < len(source)
