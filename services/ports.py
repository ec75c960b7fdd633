"""The contracts every backend implements.

Backends are wired in exactly one place, :mod:`services.bootstrap`.  Everything else
depends only on these protocols, so tests can swap a backend without touching callers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from services.access.scope import Scope
    from services.search.filters import SearchFilters


@dataclass(frozen=True)
class BlobRef:
    """Where a blob lives and what it must hash to."""

    key: str
    sha256: str
    size: int
    version_id: str | None = None
    """The S3 object version holding these bytes; None on the fs store (one version per key)."""


@dataclass(frozen=True)
class Protection:
    """What the store itself enforces on one object version.

    Both stores keep ``retain_until`` to the whole second, rounded up (S3 Object Lock has
    second granularity), so a stored protection may end up to a second later than asked.
    """

    retain_until: datetime
    """Aware UTC; deleting is refused before it (on S3: COMPLIANCE mode)."""
    legal_hold: bool = False
    """Deleting is refused while set, whatever the date."""


@dataclass(frozen=True)
class ListedKey:
    """A content key found in the store, with when its newest version was written."""

    key: str
    stored_at: datetime
    """Aware UTC."""


class BlobChunks(Protocol):
    """An open range of a blob: chunks of about 1 MiB, and ``close`` to release it early.

    The store's connection or file is held until the chunks are exhausted or ``close``
    is called; a consumer that may stop early (a client that hangs up) must call it.
    """

    def __iter__(self) -> Iterator[bytes]: ...

    def __next__(self) -> bytes: ...

    def close(self) -> None: ...

    def __enter__(self) -> BlobChunks: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class BlobStore(Protocol):
    """Write-once object storage that refuses early deletion.

    Content blobs are addressed by their SHA-256 (``sha256/ab/cd/<digest>``); named objects
    (audit anchors, evidence roots) live under ``anchors/`` and are created exclusively.
    Nothing is ever overwritten: storing bytes that are already present returns the
    existing reference.  Every read of a whole blob verifies the SHA-256 and raises
    :class:`services.errors.IntegrityError` on a mismatch (a range of a blob cannot be).
    ``version_id`` selects an S3 object version (None: the latest); the fs store has one
    version per key and knows only None.  Deleting or shortening before the time raises
    :class:`services.errors.RetentionViolationError`; a missing object
    :class:`services.errors.NotFoundError`; a malformed key
    :class:`services.errors.InvalidInputError`.
    """

    name: str

    def put(
        self,
        data: bytes,
        *,
        protection: Protection,
        content_type: str = "application/octet-stream",
    ) -> BlobRef:
        """Store under the content address with ``protection``; return the ref with its version.

        Existing identical content keeps its version: its retention is extended to
        ``protection.retain_until`` when that is later and the hold set when asked (never
        cleared).  A ``retain_until`` that is naive or not in the future is refused.
        """
        ...

    def put_file(
        self,
        file: IO[bytes],
        *,
        sha256: str,
        size: int,
        protection: Protection,
        content_type: str = "application/octet-stream",
    ) -> BlobRef:
        """``put`` for the ``size`` bytes of ``file`` from its position, never all in memory.

        ``sha256`` and ``size`` are what the caller measured; the store checks the bytes
        against them as it reads (also when the content is already stored) and raises
        :class:`services.errors.IntegrityError` on a difference, without storing anything
        under the content address.
        """
        ...

    def get(self, key: str, version_id: str | None = None) -> bytes: ...

    def open_range(
        self,
        key: str,
        version_id: str | None = None,
        offset: int = 0,
        length: int | None = None,
    ) -> BlobChunks:
        """Stream ``length`` bytes (None: to the end, clipped to it) from ``offset`` on.

        Raises at once (not on the first chunk) for a missing object, a malformed key or
        an offset past the end (:class:`services.errors.InvalidInputError`).  A read of the
        whole blob is verified like ``get``: its last chunk is replaced by an
        :class:`services.errors.IntegrityError` on a mismatch.  A part of a blob cannot be
        checked against the blob's hash; the fixity checks cover every blob in full.
        """
        ...

    def exists(self, key: str, version_id: str | None = None) -> bool: ...

    def verify(self, key: str, version_id: str | None = None) -> bool:
        """Re-read the blob and compare its hash; False on mismatch or absence."""
        ...

    def protection(self, key: str, version_id: str | None = None) -> Protection:
        """What the store enforces on the object now; NotFoundError when it is absent."""
        ...

    def extend_retention(self, key: str, version_id: str | None, until: datetime) -> None:
        """Move the retention end later; an earlier ``until`` is refused, an equal one a no-op."""
        ...

    def set_legal_hold(self, key: str, version_id: str | None, active: bool) -> None: ...

    def delete(self, key: str, version_id: str | None) -> None:
        """Remove exactly this version; refused while retained or under legal hold.

        On S3, None means the latest version at the time of the call, which is then
        removed by its id (never a delete marker).
        """
        ...

    def put_named(
        self,
        name: str,
        data: bytes,
        *,
        protection: Protection,
        content_type: str = "application/json",
    ) -> BlobRef:
        """Create the object ``anchors/...`` exclusively, with its SHA-256 recorded.

        Identical bytes under the name return the existing ref (protection strengthened as
        in ``put``); different bytes raise :class:`services.errors.ConflictError`.
        """
        ...

    def get_named(self, name: str, version_id: str | None = None) -> bytes: ...

    def list_named(self, prefix: str) -> list[str]:
        """Sorted names of the named objects under ``prefix`` (which starts with ``anchors/``)."""
        ...

    def iter_keys(self) -> Iterator[ListedKey]:
        """Every content key (``sha256/...``) in the store, in no particular order.

        Named objects are not listed.  Used to find blobs that no database row knows.
        """
        ...

    def check_object_lock(self) -> None:
        """Raise :class:`services.errors.StorageError` unless the store can enforce retention.

        S3: the bucket has an Object Lock configuration and versioning Enabled.
        fs: the retention ledger opens and has the expected schema.
        """
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
    """Visible hits; a lower bound when ``total_is_lower_bound`` ("more than N")."""
    hits: list[SearchHit] = field(default_factory=list)
    total_is_lower_bound: bool = False
    """True when counting stopped at the backend's bound: there are more than ``total``."""
    did_you_mean: str | None = None
    """A query from the index's own vocabulary that finds more, offered when few hits."""


class SearchIndex(Protocol):
    """Full-text search over OCR text and metadata, with German stemming.

    Implementations write into the caller's session so that indexing commits
    atomically with the document rows.
    """

    name: str

    def index_document(self, session: Session, document: IndexableDocument) -> None: ...

    def remove_document(self, session: Session, document_id: str) -> None: ...

    def search(
        self,
        session: Session,
        scope: Scope,
        query: str,
        *,
        limit: int,
        offset: int,
        filters: SearchFilters = ...,
    ) -> SearchPage:
        """One page of the hits the caller's scope admits; ``total`` counts only those.

        ``filters`` (default: none) narrow the hits in the same statement, so ``total``
        counts only hits that pass them.
        """
        ...


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
