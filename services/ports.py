"""The contracts every backend implements.

Backends are wired in exactly one place, :mod:`services.bootstrap`.  Everything else
depends only on these protocols, so tests can swap a backend without touching callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class BlobRef:
    """Where a blob lives and what it must hash to."""

    key: str
    sha256: str
    size: int


class BlobStore(Protocol):
    """Write-once, content-addressed object storage.

    ``put`` never overwrites: storing bytes that are already present returns the
    existing reference.  ``get`` verifies the SHA-256 on every read and raises
    :class:`services.errors.IntegrityError` on a mismatch.
    """

    name: str

    def put(self, data: bytes, *, content_type: str = "application/octet-stream") -> BlobRef: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def verify(self, key: str) -> bool:
        """Re-read the blob and compare its hash with the key; False on mismatch or absence."""
        ...

    def check_health(self) -> None:
        """Raise :class:`services.errors.StorageError` when the store is unusable."""
        ...


@dataclass(frozen=True)
class IndexableDocument:
    """What the search index needs to know about a document."""

    document_id: str
    title: str
    metadata_text: str
    pages: Sequence[str]


@dataclass(frozen=True)
class SearchHit:
    document_id: str
    score: float
    title: str
    snippet: str
    """Plain text with matches wrapped in ``<mark>``/``</mark>``."""


@dataclass(frozen=True)
class SearchPage:
    total: int
    hits: list[SearchHit] = field(default_factory=list)


class SearchIndex(Protocol):
    """Full-text search over OCR text and metadata, with German stemming.

    Implementations write into the caller's session so that indexing commits
    atomically with the document rows.
    """

    name: str

    def index_document(self, session: Session, document: IndexableDocument) -> None: ...

    def remove_document(self, session: Session, document_id: str) -> None: ...

    def search(self, session: Session, query: str, *, limit: int, offset: int) -> SearchPage: ...


@dataclass(frozen=True)
class OcrOptions:
    languages: tuple[str, ...] = ("deu", "eng")
    rotate_pages: bool = True
    deskew: bool = True
    clean: bool = True
    output_type: str = "pdfa-2"
    timeout_seconds: int = 900
    tesseract_timeout_seconds: int = 180
    image_dpi_fallback: int = 300


@dataclass(frozen=True)
class OcrResult:
    pages: list[str]
    """Extracted text, one entry per page."""
    ocr_performed: bool
    """False when the input already had a text layer and was only converted."""
    engine: str
    pdfa: bool = True
    """False when PDF/A conversion was impossible and a regular searchable PDF was written."""


class OcrEngine(Protocol):
    """Turns a PDF into a searchable PDF/A and returns its text per page."""

    name: str

    def make_searchable(self, source_pdf: Path, output_pdf: Path, options: OcrOptions) -> OcrResult:
        """Write the searchable PDF/A to ``output_pdf``; never modify ``source_pdf``.

        Raises :class:`services.errors.OcrError` (``permanent`` set for bad input).
        """
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...
