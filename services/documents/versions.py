"""Document versions: a document's content never changes, a new version is a new object.

The document row points at its current version (``current_version`` and the content and
rendition columns, kept for listing and search); every version stays retrievable by its
number, read from the object version pinned in ``stored_objects``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.db.models import Document, DocumentStatus, DocumentVersion, StoredObject
from services.db.pagination import MAX_SQL_INT
from services.errors import GoneError, NotFoundError
from services.ports import BlobStore


class Part(StrEnum):
    CONTENT = "content"
    """The bytes as received (or as uploaded for a new version)."""
    RENDITION = "rendition"
    """The searchable PDF/A made from them."""


@dataclass(frozen=True)
class VersionBytes:
    number: int
    part: Part
    data: bytes
    media_type: str
    sha256: str


def first_version(
    document: Document,
    content: StoredObject,
    rendition: StoredObject | None,
    *,
    actor: str,
    now: datetime,
) -> DocumentVersion:
    """Version 1, as the mail room produced it."""
    return DocumentVersion(
        document_id=document.id,
        number=1,
        content_object_id=content.id,
        rendition_object_id=rendition.id if rendition else None,
        media_type=document.content_media_type,
        created_at=now,
        created_by=actor,
        comment=None,
    )


def add_version(
    session: Session,
    document: Document,
    content: StoredObject,
    *,
    actor: str,
    comment: str | None,
    now: datetime,
) -> DocumentVersion:
    """Make ``content`` the document's next version; older versions stay as they are.

    The new version has no rendition yet: the caller enqueues its OCR.
    """
    ensure_not_disposed(document)
    version = DocumentVersion(
        document_id=document.id,
        number=document.current_version + 1,
        content_object_id=content.id,
        rendition_object_id=None,
        media_type=content.media_type,
        created_at=now,
        created_by=actor,
        comment=comment,
    )
    session.add(version)
    document.current_version = version.number
    document.content_blob_key = content.blob_key
    document.content_sha256 = content.sha256
    document.content_size = content.size
    document.content_media_type = content.media_type
    document.rendition_blob_key = None
    document.rendition_sha256 = None
    document.rendition_size = None
    document.rendition_is_pdfa = None
    document.status = DocumentStatus.PROCESSING
    document.updated_at = now
    session.flush()
    return version


def versions_of(session: Session, document_id: str) -> list[DocumentVersion]:
    return list(
        session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == document_id)
            .order_by(DocumentVersion.number)
        )
    )


def get_version(session: Session, document: Document, number: int | None) -> DocumentVersion:
    """The numbered version, or the current one.

    A number no version can have is not found without asking the database, whose
    integer parameters overflow (a 500) past ``MAX_SQL_INT``.
    """
    wanted = document.current_version if number is None else number
    if not 1 <= wanted <= MAX_SQL_INT:
        raise NotFoundError(f"document {document.id} has no version {wanted}")
    version = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id, DocumentVersion.number == wanted
        )
    )
    if version is None:
        raise NotFoundError(f"document {document.id} has no version {wanted}")
    return version


@dataclass(frozen=True)
class StoredPart:
    """Where one version's content or rendition is stored."""

    number: int
    part: Part
    stored: StoredObject
    media_type: str


def stored_part(session: Session, document: Document, number: int | None, part: Part) -> StoredPart:
    """The stored object of a version's content or rendition; refused for a destroyed document."""
    ensure_not_disposed(document)
    version = get_version(session, document, number)
    stored = version.content if part is Part.CONTENT else version.rendition
    if stored is None:
        raise NotFoundError(
            f"version {version.number} of document {document.id} has no searchable PDF yet"
        )
    media_type = version.media_type if part is Part.CONTENT else "application/pdf"
    return StoredPart(number=version.number, part=part, stored=stored, media_type=media_type)


def read_version(
    session: Session, store: BlobStore, document: Document, number: int | None, part: Part
) -> VersionBytes:
    """The bytes of one version's content or rendition, verified against their hash."""
    found = stored_part(session, document, number, part)
    return VersionBytes(
        number=found.number,
        part=part,
        data=store.get(found.stored.blob_key, found.stored.version_id),
        media_type=found.media_type,
        sha256=found.stored.sha256,
    )


def ensure_not_disposed(document: Document) -> None:
    if document.disposed_at is not None:
        raise GoneError(
            f"document {document.id} was destroyed on {document.disposed_at:%Y-%m-%d} after "
            "its retention period; only its tombstone remains"
        )
