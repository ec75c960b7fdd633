from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from services.errors import InvalidInputError, UnsupportedMediaTypeError
from services.media import MediaType, detect_media_type
from tests.fixtures.availability import unavailable

SCANS = Path(__file__).parents[2] / ".." / "shared" / "testdata" / "scans"


def scan(name: str) -> bytes:
    path = SCANS / name
    if not path.is_file():
        unavailable("test scans", f"{path} is missing")
    return path.read_bytes()


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("L", (40, 30), 255).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ocrmypdf/linn.pdf", MediaType.PDF),
        ("ocrmypdf/invalid.pdf", MediaType.PDF),
        ("ocrmypdf/linn.png", MediaType.PNG),
        ("paperless-ngx/multi-page-images.tiff", MediaType.TIFF),
    ],
)
def test_detects_test_scans_by_content(name: str, expected: MediaType) -> None:
    assert detect_media_type(scan(name)) is expected


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("JPEG", MediaType.JPEG), ("PNG", MediaType.PNG), ("TIFF", MediaType.TIFF)],
)
def test_detects_generated_images(fmt: str, expected: MediaType) -> None:
    assert detect_media_type(image_bytes(fmt)) is expected


def test_text_named_like_a_pdf_is_unsupported_and_says_what_it_is(tmp_path: Path) -> None:
    fake = tmp_path / "bescheid.pdf"
    fake.write_text("Sehr geehrte Damen und Herren,\nbitte finden Sie anbei ...\n")

    with pytest.raises(UnsupportedMediaTypeError) as caught:
        detect_media_type(fake.read_bytes())

    assert "text/plain" in caught.value.detail
    assert "application/pdf" in caught.value.detail


def test_email_is_unsupported() -> None:
    with pytest.raises(UnsupportedMediaTypeError, match="message/rfc822"):
        detect_media_type(scan("paperless-ngx/eml_with_umlaut.eml"))


def test_gif_is_unsupported() -> None:
    with pytest.raises(UnsupportedMediaTypeError, match="image/gif"):
        detect_media_type(image_bytes("GIF"))


def test_empty_input_is_invalid() -> None:
    with pytest.raises(InvalidInputError, match="empty file"):
        detect_media_type(b"")
