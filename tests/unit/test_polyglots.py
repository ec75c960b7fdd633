"""HTML/PDF polyglots: refused at intake, and never served inline."""

from __future__ import annotations

import io

import pikepdf
import pytest

from api.download import safe_download_headers, shows_inline
from services.errors import UnsupportedMediaTypeError
from services.media import MediaType, detect_media_type


def blank_pdf() -> bytes:
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "prefix",
    [
        b"<html><body><script>fetch('/api/v1/keys')</script></body></html>\n",
        b"<!-- comment -->\n",
        b"<svg onload=alert(1)>\n",
        b"  <script>alert(1)</script>",
    ],
)
def test_a_pdf_behind_markup_is_refused(prefix: bytes) -> None:
    with pytest.raises(UnsupportedMediaTypeError, match="polyglot|not accepted"):
        detect_media_type(prefix + blank_pdf())


def test_a_pdf_header_beyond_1024_bytes_is_refused() -> None:
    from services.media.detect import check_pdf_header

    with pytest.raises(UnsupportedMediaTypeError, match="first 1024 bytes"):
        check_pdf_header(b"\n" * 1500 + blank_pdf())


def test_a_real_pdf_and_one_after_a_line_of_junk_are_accepted() -> None:
    assert detect_media_type(blank_pdf()) is MediaType.PDF
    assert detect_media_type(b"X-Gateway: scanned\n" + blank_pdf()) is MediaType.PDF


def test_only_verified_pdfs_and_images_are_shown_inline() -> None:
    pdf = blank_pdf()
    polyglot = b"<html><script>alert(1)</script>" + pdf
    assert shows_inline("application/pdf", pdf)
    assert not shows_inline("application/pdf", polyglot)
    assert shows_inline("image/png", b"\x89PNG\r\n\x1a\n....")
    assert not shows_inline("image/png", b"<html>")
    assert not shows_inline("text/html", b"<html>")
    assert not shows_inline("image/svg+xml", b"<svg/>")

    served = safe_download_headers("application/pdf", "brief.pdf", polyglot)
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert served["X-Content-Type-Options"] == "nosniff"
    inline = safe_download_headers("application/pdf", "brief.pdf", pdf)
    assert inline["Content-Disposition"].startswith("inline;")
    assert "script-src" not in inline["Content-Security-Policy"]
    assert "default-src 'none'" in inline["Content-Security-Policy"]


def test_download_file_names_cannot_break_the_header() -> None:
    headers = safe_download_headers("application/pdf", 'Bescheid "Größe"\r\nSet-Cookie: x.pdf', b"")
    disposition = headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert 'filename="Bescheid _Gr__e_Set-Cookie: x.pdf"' in disposition
    assert "filename*=UTF-8''Bescheid%20%22Gr%C3%B6%C3%9Fe%22Set-Cookie%3A%20x.pdf" in disposition
