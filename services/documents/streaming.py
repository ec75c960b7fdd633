"""Audited reads of a version's content or rendition as a stream of chunks, whole or a range.

For clients that download large documents (CMIS): the bytes go from the store to the
response a chunk at a time, never all in memory.  The read is accountable exactly like
:func:`services.documents.reading.read_content` (the same ``content.read`` event, with
the range in its details), scoped like every document query, and refused for a
destroyed document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.audit.trail import record_event
from services.backends.streams import check_range
from services.db.models import Document
from services.documents.queries import get_document
from services.documents.versions import Part, stored_part
from services.intake.filenames import clean_filename
from services.ports import BlobStore, Clock

_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/tiff": (".tif", ".tiff"),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}


@dataclass(frozen=True)
class StreamedContent:
    number: int
    """The version read."""
    part: Part
    media_type: str
    filename: str
    total_size: int
    """Of the whole content; ``offset`` and ``length`` say which bytes ``chunks`` carry."""
    offset: int
    length: int
    sha256: str
    """Of the whole content."""
    chunks: Iterator[bytes]
    """About 1 MiB each; a read of the whole content is verified against ``sha256``."""
    close: Callable[[], None]
    """Releases the store's connection or file; call it when stopping early."""


def stream_content(
    session: Session,
    scope: Scope,
    store: BlobStore,
    document_id: str,
    number: int | None,
    part: Part,
    *,
    offset: int | None,
    length: int | None,
    clock: Clock,
) -> StreamedContent:
    """Open the content (``number`` None: the current version) from ``offset`` for ``length``.

    ``offset`` None reads from the start, ``length`` None to the end; a length past the
    end is clipped, an offset past the end refused with :class:`InvalidInputError`.
    The store is opened before the event is recorded, so a read that cannot start (a
    missing blob) is not audited as done.
    """
    document = get_document(session, scope, document_id)
    found = stored_part(session, document, number, part)
    start = 0 if offset is None else offset
    total = found.stored.size
    readable = check_range(start, length, total, "the content")
    chunks = store.open_range(found.stored.blob_key, found.stored.version_id, start, readable)
    details: dict[str, object] = {
        "version": found.number,
        "part": part.value,
        "sha256": found.stored.sha256,
    }
    if offset is not None or length is not None:
        details |= {"offset": start, "length": readable}
    try:
        record_event(
            session,
            actor=scope.actor,
            action="content.read",
            object_type="document",
            object_id=document.id,
            details=details,
            clock=clock,
        )
    except BaseException:
        chunks.close()
        raise
    return StreamedContent(
        number=found.number,
        part=part,
        media_type=found.media_type,
        filename=content_filename(document, part, found.media_type),
        total_size=total,
        offset=start,
        length=readable,
        sha256=found.stored.sha256,
        chunks=chunks,
        close=chunks.close,
    )


def content_filename(document: Document, part: Part, media_type: str) -> str:
    """A file name for downloading: the title with the extension of ``media_type``.

    The rendition is named ``<title>-pdfa.pdf``, so that it is told apart from a PDF
    original when both are saved.
    """
    extensions = _EXTENSIONS.get(media_type, (".bin",))
    name = clean_filename(document.title) or document.id
    stem, dot, suffix = name.rpartition(".")
    if stem and dot and f".{suffix.lower()}" in extensions:
        name = stem
    if part is Part.RENDITION:
        return f"{name}-pdfa.pdf"
    return f"{name}{extensions[0]}"
