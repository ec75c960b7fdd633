"""Akten as xdomea records: the process items turned into :mod:`xdomea.model` values.

The 0501 carries metadata only; the 0503 also every version's files (the original and
its PDF/A rendition), read from the store as the zip is written, one Akte at a time.
"""

from __future__ import annotations

import io
import mimetypes
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from file_plan.model import FilePlan
from services.archive.xdomea import codes
from services.archive.xdomea.model import (
    AkteRecord,
    DocumentRecord,
    DocumentVersionRecord,
    PrimaryFile,
    VorgangRecord,
)
from services.db.models import (
    Akte,
    ArchiveProcessItem,
    Document,
    DocumentVersion,
    ItemKind,
    StoredObject,
    Vorgang,
)
from services.documents.versions import versions_of
from services.ports import BlobChunks, BlobStore

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/tiff": ".tif",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


def akte_record(
    session: Session,
    akte: Akte,
    items: Sequence[ArchiveProcessItem],
    plan: FilePlan,
    *,
    store: BlobStore | None,
) -> AkteRecord:
    """The Akte with the Vorgänge and documents among ``items`` (its items in the process).

    ``store`` None: metadata only (0501); else every version's files (0503).
    """
    by_kind = {kind: [i for i in items if i.kind == kind] for kind in ItemKind}
    akte_item = next(i for i in by_kind[ItemKind.AKTE] if i.akte_id == akte.id)
    documents = {
        document.id: document
        for document in session.scalars(
            select(Document).where(
                Document.id.in_([i.document_id for i in by_kind[ItemKind.DOCUMENT]])
            )
        )
    }
    vorgang_rows = {
        vorgang.id: vorgang
        for vorgang in session.scalars(
            select(Vorgang).where(Vorgang.id.in_([i.vorgang_id for i in by_kind[ItemKind.VORGANG]]))
        )
    }

    def documents_under(parent: str) -> tuple[DocumentRecord, ...]:
        return tuple(
            document_record(session, documents[str(item.document_id)], item, store=store)
            for item in by_kind[ItemKind.DOCUMENT]
            if item.parent_xdomea_id == parent
        )

    vorgaenge = tuple(
        VorgangRecord(
            xdomea_id=item.xdomea_id,
            reference=f"{akte.aktenzeichen}-{vorgang_rows[str(item.vorgang_id)].number}",
            title=vorgang_rows[str(item.vorgang_id)].title,
            opened_on=vorgang_rows[str(item.vorgang_id)].opened_at.date(),
            closed_on=_day(vorgang_rows[str(item.vorgang_id)].closed_at),
            documents=documents_under(item.xdomea_id),
        )
        for item in by_kind[ItemKind.VORGANG]
    )
    code = akte.file_plan_code
    return AkteRecord(
        xdomea_id=akte_item.xdomea_id,
        aktenzeichen=akte.aktenzeichen,
        title=akte.title,
        file_plan_code=code,
        file_plan_title=plan.get(code).title if code in plan else code,
        opened_on=akte.opened_at.date(),
        closed_on=_day(akte.closed_at),
        retention_until=akte.retention_until,
        archive_value=akte_item.archive_value or akte_item.agency_value,
        confidentiality=akte.confidentiality,
        vorgaenge=vorgaenge,
        documents=documents_under(akte_item.xdomea_id),
    )


def document_record(
    session: Session, document: Document, item: ArchiveProcessItem, *, store: BlobStore | None
) -> DocumentRecord:
    versions: tuple[DocumentVersionRecord, ...] = ()
    if store is not None:
        versions = tuple(
            DocumentVersionRecord(
                number=version.number, files=_files(document, item, version, store)
            )
            for version in versions_of(session, document.id)
        )
    return DocumentRecord(
        xdomea_id=item.xdomea_id,
        title=document.title,
        created_on=(document.filed_at or document.created_at).date(),
        confidentiality=document.confidentiality,
        letter_date=document.letter_date,
        received_on=document.received_on or document.item.received_at.date(),
        direction=document.direction,
        sender=document.sender,
        versions=versions,
    )


def _files(
    document: Document, item: ArchiveProcessItem, version: DocumentVersion, store: BlobStore
) -> tuple[PrimaryFile, ...]:
    original = document.item.original_filename or document.title
    parts = [("original", version.content)]
    if version.rendition is not None:
        parts.append(("pdfa", version.rendition))
    return tuple(
        PrimaryFile(
            file_name=transfer_file_name(item.xdomea_id, version.number, role, original, stored),
            original_name=_original_name(original, stored.media_type, role),
            media_type=codes.PDFA_MEDIA_TYPE if role == "pdfa" else stored.media_type,
            sha256=stored.sha256,
            size=stored.size,
            created_at=version.created_at,
            open=_opener(store, stored),
        )
        for role, stored in parts
    )


def transfer_file_name(
    xdomea_id: str, number: int, role: str, original: str, stored: StoredObject
) -> str:
    """``<uuid>_<name>.<ext>`` as the file travels in the 0503.

    The UUID is stable per document version and role, so a 0503 written again after a
    crash names every file the same way.
    """
    file_uuid = uuid.uuid5(uuid.UUID(xdomea_id), f"{number}:{role}")
    stem = _UNSAFE.sub("_", original.rsplit(".", 1)[0]).strip("._")[:80] or "dokument"
    return f"{file_uuid}_{stem}{_extension(stored.media_type)}"


def _original_name(original: str, media_type: str, role: str) -> str:
    if role == "original":
        return original
    return f"{original.rsplit('.', 1)[0]}{_extension(media_type)}"


def _extension(media_type: str) -> str:
    return _EXTENSIONS.get(media_type) or mimetypes.guess_extension(media_type) or ".bin"


def _opener(store: BlobStore, stored: StoredObject) -> Callable[[], BinaryIO]:
    key, version_id = stored.blob_key, stored.version_id

    def open_blob() -> BinaryIO:
        return io.BufferedReader(_ChunkReader(store.open_range(key, version_id)), 1 << 20)

    return open_blob


class _ChunkReader(io.RawIOBase):
    """A file object over a store's chunk stream (verified as a whole by the store)."""

    def __init__(self, chunks: BlobChunks) -> None:
        self._chunks = chunks
        self._iterator: Iterator[bytes] = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._iterator)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        self._chunks.close()
        super().close()


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None
