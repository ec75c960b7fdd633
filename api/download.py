"""Headers for serving stored content, so that no upload runs as a web page.

A stored file is whatever a scanner or a person sent.  A file that starts with
``<html><script>`` and carries a PDF further in opens in PDF readers, and a browser
told to show it inline might run its script in eakte's origin, with the reader's
session.  Content is therefore shown inline only when its bytes prove its type: a PDF
that starts with ``%PDF-``, a PNG, JPEG or TIFF by its signature.  Everything else is
an attachment with a sandboxing Content-Security-Policy, so that even a browser that
renders it runs no script and reaches nothing; every download gets ``nosniff``.
"""

from __future__ import annotations

from urllib.parse import quote

from services.intake.filenames import clean_filename

_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
}
ATTACHMENT_CSP = "sandbox; default-src 'none'"
INLINE_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; "
    "frame-ancestors 'none'"
)
"""A verified PDF or image, drawn by the browser's own viewer: nothing to fetch or run.

Not ``sandbox``: browsers refuse to run their PDF viewer in a sandboxed document."""


def shows_inline(media_type: str, data: bytes) -> bool:
    """Whether ``data`` provably is ``media_type`` and one a browser displays safely."""
    signatures = _SIGNATURES.get(media_type.split(";")[0].strip().lower(), ())
    return any(data.startswith(signature) for signature in signatures)


def safe_download_headers(media_type: str, filename: str | None, data: bytes) -> dict[str, str]:
    """``Content-Disposition``, ``X-Content-Type-Options`` and ``Content-Security-Policy``.

    ``filename`` is cleaned and given both as an ASCII fallback and in RFC 5987 form.
    """
    inline = shows_inline(media_type, data)
    disposition = "inline" if inline else "attachment"
    name = clean_filename(filename)
    if name is not None:
        fallback = "".join(
            c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name
        )
        disposition += f"; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    return {
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": INLINE_CSP if inline else ATTACHMENT_CSP,
    }
