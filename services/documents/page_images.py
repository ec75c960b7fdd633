"""Page images: one page of a document rendered as a PNG for the web pages.

The image is rendered with PDFium from the current version's searchable PDF/A, or from
the original while OCR has not made one yet (images are wrapped into a PDF first).  The
rendered PNG is cached on disk, keyed by the source's SHA-256, the page and the width,
so the thumbnails and the zoom steps of a page are drawn once; the cache is disposable
(delete the directory at any time) and is read only after the caller's access to the
document has been checked.

A page image shows what a letter says, so reading one is a content read in the audit
trail (``content.read`` with part ``page_image``).  One event per thumbnail would bury
the trail in noise (a validation page shows every page at two sizes, and zooming asks
for more), while saying nothing a privacy report needs beyond "this person saw this
version of the document at this time".  So the first page image of a document version
that a person reads in an hour is recorded (with the page asked for), further ones
within that hour are not: the trail still shows every hour in which the person looked.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.audit.chain import normal_time
from services.audit.head import CHAIN_LOCK, take_lock
from services.audit.trail import record_event
from services.db.models import AuditEvent, Document, StoredObject
from services.documents.queries import get_document
from services.documents.versions import ensure_not_disposed, get_version
from services.errors import InvalidInputError, NotFoundError
from services.media.convert import image_to_pdf
from services.media.model import MediaType
from services.media.pdfium import PdfiumDocument
from services.ports import BlobStore, Clock

MIN_WIDTH = 100
MAX_WIDTH = 2400
DEFAULT_WIDTH = 1000
PAGE_IMAGE_PART = "page_image"
AUDIT_WINDOW = timedelta(hours=1)
"""A person's page-image reads of one document version are recorded once per window."""

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PageImage:
    document_id: str
    version: int
    page: int
    width: int
    sha256: str
    """Of the PDF or image the page was rendered from."""
    data: bytes

    @property
    def etag(self) -> str:
        return f'"{self.sha256[:40]}-{self.page}-{self.width}"'


@dataclass(frozen=True)
class _Source:
    version: int
    stored: StoredObject
    media_type: str


def cache_dir_of(data_dir: Path) -> Path:
    """Where page images are cached below the data directory."""
    return data_dir / "cache" / "page-images"


def render_page_image(
    session: Session,
    scope: Scope,
    store: BlobStore,
    document_id: str,
    page: int,
    width: int,
    *,
    cache_dir: Path,
) -> PageImage:
    """Page ``page`` (1-based) of a document the caller may see, ``width`` pixels wide.

    Documents the caller may not see and pages the document does not have are not found.
    """
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise InvalidInputError(f"width must be between {MIN_WIDTH} and {MAX_WIDTH} pixels")
    document = get_document(session, scope, document_id)
    ensure_not_disposed(document)
    source = _source(session, document)
    path = _cache_path(cache_dir, source.stored.sha256, page, width)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = _render(_pdf_of(store, source), page, width, document_id)
        _write_atomically(path, data)
    return PageImage(
        document_id=document.id,
        version=source.version,
        page=page,
        width=width,
        sha256=source.stored.sha256,
        data=data,
    )


def page_text_boxes(
    session: Session, scope: Scope, store: BlobStore, document_id: str, page: int, needle: str
) -> list[Box]:
    """Where ``needle`` stands on a page of the searchable PDF, as fractions of the page.

    Empty while the document has no searchable PDF yet, or when the text is not found
    (OCR may have read it differently).  The caller reads the document's text anyway;
    this only says where on the page image to draw a highlight.
    """
    document = get_document(session, scope, document_id)
    ensure_not_disposed(document)
    source = _source(session, document)
    if source.media_type != MediaType.PDF.value or not needle.strip():
        return []
    with PdfiumDocument(_pdf_of(store, source)) as pdf:
        if not 1 <= page <= len(pdf):
            return []
        return pdf.text_boxes(page - 1, needle.strip())


def page_image_read_recorded(
    session: Session, scope: Scope, image: PageImage, *, clock: Clock
) -> bool:
    """Whether the caller's reading of this document version is already in the trail."""
    since = normal_time(clock.now() - AUDIT_WINDOW)
    rows = session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.object_type == "document",
            AuditEvent.object_id == image.document_id,
            AuditEvent.action == "content.read",
            AuditEvent.actor == scope.actor,
            AuditEvent.occurred_at >= since,
        )
    )
    return any(d.get("part") == PAGE_IMAGE_PART and d.get("version") == image.version for d in rows)


def record_page_image_read(
    session: Session, scope: Scope, image: PageImage, *, clock: Clock
) -> bool:
    """Record the read unless one of the window already is; True when recorded.

    Checked again under the audit chain's lock, so that the thumbnails of one page view,
    asked for at once, leave one event.
    """
    take_lock(session, CHAIN_LOCK)
    if page_image_read_recorded(session, scope, image, clock=clock):
        return False
    record_event(
        session,
        actor=scope.actor,
        action="content.read",
        object_type="document",
        object_id=image.document_id,
        details={
            "version": image.version,
            "part": PAGE_IMAGE_PART,
            "page": image.page,
            "sha256": image.sha256,
        },
        clock=clock,
    )
    return True


def _source(session: Session, document: Document) -> _Source:
    version = get_version(session, document, None)
    if version.rendition is not None:
        return _Source(version.number, version.rendition, MediaType.PDF.value)
    return _Source(version.number, version.content, version.media_type)


def _pdf_of(store: BlobStore, source: _Source) -> bytes:
    data = store.get(source.stored.blob_key, source.stored.version_id)
    if source.media_type == MediaType.PDF.value:
        return data
    try:
        media_type = MediaType(source.media_type)
    except ValueError:
        media_type = None
    if media_type is None or not media_type.is_image:
        raise NotFoundError(f"a {source.media_type} document has no pages to show")
    return image_to_pdf(data, media_type)


def _render(pdf_bytes: bytes, page: int, width: int, document_id: str) -> bytes:
    with PdfiumDocument(pdf_bytes) as pdf:
        if not 1 <= page <= len(pdf):
            raise NotFoundError(f"document {document_id} has no page {page}")
        image = pdf.render_width(page - 1, width)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=width <= 300)
    return out.getvalue()


def forget_page_images(cache_dir: Path, sha256: str) -> None:
    """Delete every cached image drawn from the content with ``sha256`` (after destruction)."""
    if not sha256.isalnum():
        raise ValueError(f"not a hash: {sha256!r}")
    for path in (cache_dir / sha256[:2]).glob(f"{sha256}-p*-w*.png"):
        path.unlink(missing_ok=True)


def _cache_path(cache_dir: Path, sha256: str, page: int, width: int) -> Path:
    if not sha256.isalnum():
        raise ValueError(f"not a hash: {sha256!r}")
    return cache_dir / sha256[:2] / f"{sha256}-p{page}-w{width}.png"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write the cache file so that a concurrent reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
