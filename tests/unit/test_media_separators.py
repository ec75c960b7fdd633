from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import img2pdf
import pikepdf
import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from services.media import find_separator_pages, split_ranges
from tests.fixtures.availability import unavailable

SCANS = Path(__file__).parents[2] / ".." / "shared" / "testdata" / "scans"
MARKER = "EAKTE-TRENNBLATT"
LETTER = (
    "Stadt Musterhausen - Bauordnungsamt\n"
    "Sehr geehrte Frau Müller,\n"
    "Ihr Antrag auf Baugenehmigung für das Grundstück\n"
    "Flurstück 12/3 ist am 4. März eingegangen.\n"
    "Mit freundlichen Grüßen\n"
)


@pytest.fixture
def tesseract() -> None:
    if shutil.which("tesseract") is None:
        unavailable("tesseract", "not on PATH")


def scanned_page(
    text: str = "", *, qr: str | None = None, size: int = 28, specks: int = 0
) -> Image.Image:
    """An A4 page at 150 dpi as a scanner would deliver it: pixels only, no text layer."""
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    if text:
        draw.multiline_text((120, 200), text, fill=0, font=ImageFont.load_default(size), spacing=12)
    if qr is not None:
        code = zxingcpp.create_barcode(qr, zxingcpp.BarcodeFormat.QRCode)
        page.paste(Image.fromarray(zxingcpp.write_barcode_to_image(code, scale=6)), (480, 900))
    noise = random.Random(specks)
    for _ in range(specks):
        page.putpixel((noise.randrange(1240), noise.randrange(1754)), 0)
    return page


def pdf_of(*pages: Image.Image) -> bytes:
    encoded = []
    for page in pages:
        out = io.BytesIO()
        page.save(out, "PNG", dpi=(150, 150))
        encoded.append(out.getvalue())
    result = img2pdf.convert(encoded)
    assert isinstance(result, bytes)
    return result


def text_layer_pdf(*texts: str) -> bytes:
    """Born-digital pages with one line of Helvetica text each."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for text in texts:
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.ocr
@pytest.mark.usefixtures("tesseract")
def test_printed_marker_text_is_found_by_quick_ocr() -> None:
    pdf = pdf_of(
        scanned_page(LETTER),
        scanned_page(MARKER, size=64),
        scanned_page(LETTER),
        scanned_page("eakte  trennblatt", size=48),  # spacing and case do not matter
        scanned_page(LETTER),
    )

    assert find_separator_pages(pdf, MARKER, split_on_blank_pages=False) == [2, 4]


@pytest.mark.ocr
@pytest.mark.usefixtures("tesseract")
def test_qr_code_equal_to_or_containing_the_marker_is_a_separator() -> None:
    pdf = pdf_of(
        scanned_page(LETTER),
        scanned_page(qr=MARKER),
        scanned_page(LETTER),
        scanned_page("Bitte einlegen", qr=f"{MARKER};Akte=AZ 63-2024/17"),
        scanned_page(LETTER, qr="https://example.org/kein-trennblatt"),
    )

    assert find_separator_pages(pdf, MARKER, split_on_blank_pages=False) == [2, 4]


def test_marker_in_a_text_layer_needs_no_ocr() -> None:
    pdf = text_layer_pdf("Anlage 1", f"{MARKER}", "Anlage 2", "Eakte - Trennblatt (Poststelle)")

    assert find_separator_pages(pdf, MARKER, split_on_blank_pages=False) == [2, 4]


def test_text_layer_without_marker_is_never_blank_or_a_separator() -> None:
    pdf = text_layer_pdf("Seite 1", "2")

    assert find_separator_pages(pdf, MARKER, split_on_blank_pages=True) == []


@pytest.mark.ocr
@pytest.mark.usefixtures("tesseract")
def test_blank_pages_split_only_when_enabled() -> None:
    pdf = pdf_of(
        scanned_page(LETTER),
        scanned_page(),
        scanned_page(LETTER),
        scanned_page(specks=3000),  # dust on the scanner glass is still blank
        scanned_page("Seite 5", size=20),  # a short line in 10 pt is not
    )

    assert find_separator_pages(pdf, MARKER, split_on_blank_pages=False) == []
    assert find_separator_pages(pdf, MARKER, split_on_blank_pages=True) == [2, 4]


@pytest.mark.ocr
@pytest.mark.usefixtures("tesseract")
def test_patch_code_sheet_from_paperless() -> None:
    path = SCANS / "paperless-ngx" / "patch-code-t.pdf"
    if not path.is_file():
        unavailable("test scans", f"{path} is missing")

    assert find_separator_pages(path.read_bytes(), "PATCHT", split_on_blank_pages=False) == [1]
    assert find_separator_pages(path.read_bytes(), MARKER, split_on_blank_pages=False) == []


def test_marker_without_letters_or_digits_is_refused() -> None:
    with pytest.raises(ValueError, match="letters or digits"):
        find_separator_pages(text_layer_pdf("x"), " - ", split_on_blank_pages=False)


@pytest.mark.parametrize(
    ("page_count", "separators", "expected"),
    [
        (5, [], [(1, 5)]),
        (5, [3], [(1, 2), (4, 5)]),
        (5, [1], [(2, 5)]),
        (5, [5], [(1, 4)]),
        (5, [1, 5], [(2, 4)]),
        (6, [2, 3], [(1, 1), (4, 6)]),
        (6, [4, 2, 2], [(1, 1), (3, 3), (5, 6)]),
        (3, [1, 2, 3], []),
        (1, [1], []),
        (1, [], [(1, 1)]),
        (0, [], []),
    ],
)
def test_split_ranges(
    page_count: int, separators: list[int], expected: list[tuple[int, int]]
) -> None:
    assert split_ranges(page_count, separators) == expected


@pytest.mark.parametrize("separator", [0, 6, -1])
def test_split_ranges_rejects_pages_outside_the_document(separator: int) -> None:
    with pytest.raises(ValueError, match="outside 1-5"):
        split_ranges(5, [separator])
