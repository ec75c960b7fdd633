"""Uploads too large to hold in memory (CMIS content streams): preflight and storage from a file.

A binding spools the request body into a temporary file and hands it over as a
:class:`SpooledUpload`.  :func:`preflight_upload` runs exactly the mail room's checks
(:func:`services.intake.receive.preflight`: size limits, the real type by its first
bytes including the PDF header and polyglot check, inspection of pages, pixels and
encryption), reading the file in place: the hash in chunks, the type from its head,
the structure by qpdf, PDFium and Pillow seeking in the file.  :func:`store_upload`
writes it through :meth:`services.ports.BlobStore.put_file`.  Memory stays flat
whatever the size.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from services.errors import InvalidInputError
from services.intake.filenames import clean_filename
from services.intake.receive import check_upload_size
from services.media.detect import detect_file_media_type
from services.media.inspect import inspect_file
from services.ports import BlobRef, BlobStore
from services.settings import Settings
from services.storage.objects import store_content_file

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class SpooledUpload:
    filename: str | None
    """As the client sent it; :func:`preflight_upload` cleans it."""
    file: IO[bytes]
    """Readable and seekable; every function here reads it from position 0."""
    size: int
    """What the binding counted; checked against the file."""


@dataclass(frozen=True)
class PreparedUpload:
    filename: str | None
    """Cleaned (:func:`services.intake.filenames.clean_filename`); None when nothing usable."""
    media_type: str
    sha256: str
    size: int
    page_count: int


def preflight_upload(upload: SpooledUpload, settings: Settings) -> PreparedUpload:
    """Check the upload without storing anything; raise a domain error when it is refused."""
    check_upload_size(upload.size, settings)
    media_type = detect_file_media_type(upload.file)
    info = inspect_file(upload.file, media_type, settings.limits)
    sha256, measured = _hash(upload.file)
    if measured != upload.size:
        raise InvalidInputError(
            f"the upload holds {measured} bytes, not {upload.size} as announced"
        )
    return PreparedUpload(
        filename=clean_filename(upload.filename),
        media_type=str(media_type),
        sha256=sha256,
        size=measured,
        page_count=info.page_count,
    )


def store_upload(
    store: BlobStore,
    upload: SpooledUpload,
    prepared: PreparedUpload,
    *,
    settings: Settings,
    now: datetime,
) -> BlobRef:
    """Write the upload with the minimum lock, as :func:`services.intake.receive.store_original`.

    Outside the database transaction, before the row that refers to it.  The store checks
    the bytes against the preflight's hash and size while it reads them.
    """
    upload.file.seek(0)
    return store_content_file(
        store,
        upload.file,
        sha256=prepared.sha256,
        size=prepared.size,
        media_type=prepared.media_type,
        settings=settings.retention,
        now=now,
    )


def _hash(file: IO[bytes]) -> tuple[str, int]:
    """SHA-256 and length of the whole file, read in chunks."""
    file.seek(0)
    sha = hashlib.sha256()
    size = 0
    while chunk := file.read(_CHUNK):
        sha.update(chunk)
        size += len(chunk)
    return sha.hexdigest(), size
