from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from services.ocr import extract_page_texts
from tests.fixtures.availability import unavailable

SCANS = Path(__file__).parents[2] / ".." / "shared" / "testdata" / "scans"


def text_pdf(path: Path, *pages: list[str]) -> Path:
    """Born-digital pages, each with the given lines of Helvetica text."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    for lines in pages:
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        ops = b"".join(b"(" + line.encode("cp1252") + b") Tj 0 -20 Td " for line in lines)
        page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 760 Td " + ops + b"ET")
    out = io.BytesIO()
    pdf.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_one_string_per_page_with_newlines(tmp_path: Path) -> None:
    pdf = text_pdf(tmp_path / "x.pdf", ["Widerspruch", "gegen den Bescheid"], [], ["Größe: 3 m²"])

    pages = extract_page_texts(pdf)

    assert pages == ["Widerspruch\ngegen den Bescheid", "", "Größe: 3 m²"]
    assert all("\r" not in page for page in pages)


def test_scan_without_text_layer_gives_empty_pages() -> None:
    path = SCANS / "paperless-ngx" / "multi-page-mixed.pdf"
    if not path.is_file():
        unavailable("test scans", f"{path} is missing")

    pages = extract_page_texts(path)

    assert len(pages) == 6
    assert [bool(page.strip()) for page in pages] == [False, False, False, True, True, True]
