from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from services.errors import InvalidInputError, LimitExceededError
from services.media import ContentInfo, MediaType, detect_media_type, inspect_content
from services.settings import LimitSettings
from tests.fixtures.availability import unavailable

SCANS = Path(__file__).parents[2] / ".." / "shared" / "testdata" / "scans"
LIMITS = LimitSettings()


def scan(name: str) -> bytes:
    path = SCANS / name
    if not path.is_file():
        unavailable("test scans", f"{path} is missing")
    return path.read_bytes()


def inspect(data: bytes, limits: LimitSettings = LIMITS) -> ContentInfo:
    return inspect_content(data, detect_media_type(data), limits)


def blank_pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def born_digital_pdf(text: str = "Bescheid über die Baugenehmigung") -> bytes:
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    encoded = text.encode("cp1252").replace(b"(", rb"\(").replace(b")", rb"\)")
    page.Contents = pdf.make_stream(b"BT /F1 16 Tf 72 760 Td (" + encoded + b") Tj ET")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG claiming huge dimensions: a decompression bomb as far as headers tell."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + width // 8) * 16)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def image_bytes(fmt: str, size: tuple[int, int] = (1700, 2200), frames: int = 1) -> bytes:
    images = [Image.new("L", size, 255) for _ in range(frames)]
    out = io.BytesIO()
    images[0].save(out, fmt, save_all=frames > 1, append_images=images[1:])
    return out.getvalue()


def test_scanned_pdf() -> None:
    info = inspect(scan("ocrmypdf/linn.pdf"))

    assert info == ContentInfo(
        media_type=MediaType.PDF,
        page_count=1,
        max_image_pixels=2550 * 3300,
        has_text_layer=False,
    )


def test_multipage_pdf_reports_its_largest_image() -> None:
    info = inspect(scan("ocrmypdf/multipage.pdf"))

    assert (info.page_count, info.max_image_pixels) == (6, 9000 * 9000)


def test_born_digital_pdf_has_a_text_layer() -> None:
    assert inspect(born_digital_pdf()).has_text_layer is True


def test_mixed_pdf_does_not_count_as_having_a_text_layer() -> None:
    assert inspect(scan("paperless-ngx/multi-page-mixed.pdf")).has_text_layer is False


@pytest.mark.parametrize(
    "name", ["paperless-ngx/encrypted.pdf", "paperless-ngx/password-is-test.pdf"]
)
def test_password_protected_pdf_is_rejected_with_a_clear_message(name: str) -> None:
    with pytest.raises(InvalidInputError, match="encrypted PDF.*unencrypted scan"):
        inspect(scan(name))


def test_pdf_with_permission_restrictions_only_is_accepted() -> None:
    """signed.pdf is AES-encrypted with an empty user password: anyone can open it."""
    info = inspect(scan("paperless-ngx/signed.pdf"))

    assert info.page_count == 1


def test_invalid_pdf_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="damaged or truncated PDF"):
        inspect(scan("ocrmypdf/invalid.pdf"))


@pytest.mark.parametrize("name", ["ocrmypdf/linn.pdf", "ocrmypdf/multipage.pdf"])
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_truncated_pdf_is_rejected(name: str, keep: float) -> None:
    data = scan(name)

    with pytest.raises(InvalidInputError, match="damaged"):
        inspect(data[: int(len(data) * keep)])


def test_pdf_without_pages_is_rejected() -> None:
    out = io.BytesIO()
    pikepdf.new().save(out)

    with pytest.raises(InvalidInputError, match="no pages"):
        inspect(out.getvalue())


def test_huge_image_in_pdf_exceeds_the_pixel_limit() -> None:
    with pytest.raises(LimitExceededError, match="1,225,000,000 pixels"):
        inspect(scan("ocrmypdf/hugemono.pdf"))


def test_oversized_page_exceeds_the_pixel_limit() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(14400, 14400))  # 200 x 200 inches, the PDF maximum
    out = io.BytesIO()
    pdf.save(out)

    with pytest.raises(LimitExceededError, match="page 1 is too large"):
        inspect(out.getvalue())


def test_five_thousand_pages_are_counted_quickly() -> None:
    data = blank_pdf(5000)

    with pytest.raises(LimitExceededError, match="5000 pages; at most 2000"):
        inspect(data)
    info = inspect(data, LimitSettings(max_pages=5000))
    assert info.page_count == 5000
    assert info.has_text_layer is False


def test_multipage_tiff() -> None:
    info = inspect(scan("paperless-ngx/multi-page-images.tiff"))

    assert (info.media_type, info.page_count, info.has_text_layer) == (MediaType.TIFF, 3, None)
    assert info.max_image_pixels > 0


def test_tiff_frames_count_against_the_page_limit() -> None:
    with pytest.raises(LimitExceededError, match="3 pages; at most 2"):
        inspect(image_bytes("TIFF", (50, 50), frames=3), LimitSettings(max_pages=2))


def test_tiff_frame_over_the_pixel_limit_is_found_in_later_frames() -> None:
    small, large = Image.new("1", (100, 100)), Image.new("1", (400, 400))
    out = io.BytesIO()
    small.save(out, "TIFF", save_all=True, append_images=[large])

    with pytest.raises(LimitExceededError, match="page 2 has 400x400"):
        inspect(out.getvalue(), LimitSettings(max_image_pixels=100_000))


@pytest.mark.parametrize(("fmt", "media_type"), [("JPEG", MediaType.JPEG), ("PNG", MediaType.PNG)])
def test_single_images(fmt: str, media_type: MediaType) -> None:
    info = inspect(image_bytes(fmt))

    assert info == ContentInfo(media_type, 1, 1700 * 2200, None)


def test_decompression_bomb_png_exceeds_the_limit_without_being_decoded() -> None:
    bomb = png_header_only(100_000, 100_000)
    assert len(bomb) < 10_000

    with pytest.raises(LimitExceededError, match="too large|pixels"):
        inspect(bomb)


def test_image_over_our_limit_but_under_pillows_bomb_threshold() -> None:
    with pytest.raises(LimitExceededError, match="200x100 = 20,000 pixels"):
        inspect(png_header_only(200, 100), LimitSettings(max_image_pixels=10_000))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_corrupt_image_is_invalid(fmt: str) -> None:
    data = image_bytes(fmt, (64, 64))
    broken = data[:16] + b"\xff" * 64  # right magic number, garbage header

    with pytest.raises(InvalidInputError, match="damaged or unreadable"):
        inspect(broken)
