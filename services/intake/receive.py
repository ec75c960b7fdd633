"""Receiving uploads from scanning stations: preflight, durable storage, enqueue.

Order (as paperless-ngx's consumer): hash and duplicate check, real type by content,
cheap structural inspection (pages, pixels, encryption), then blob write and row +
job in the caller's transaction.  Nothing heavy happens here: the station must get its
acknowledgement quickly, OCR runs in the workers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.org_units import check_unit
from services.audit.trail import record_event
from services.db.models import IntakeItem, ItemStatus, ObjectPurpose
from services.errors import EAkteError, InvalidInputError, LimitExceededError
from services.intake.filenames import clean_filename
from services.jobs.queue import enqueue
from services.media.detect import detect_media_type
from services.media.inspect import inspect_content
from services.ports import BlobRef, BlobStore, Clock
from services.settings import Settings
from services.storage.objects import minimum_protection, register_object, store_content

PROCESS_ITEM = "process_item"


@dataclass(frozen=True)
class IncomingFile:
    filename: str | None
    """Cleaned on construction (:func:`clean_filename`): never stored or echoed as sent."""
    data: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "filename", clean_filename(self.filename))


@dataclass(frozen=True)
class IntakeMetadata:
    station_id: str | None = None
    batch_id: str | None = None
    received_at: datetime | None = None
    sender_hint: str | None = None
    target_org_unit: str | None = None
    split: bool = False
    """Split the scan at separator sheets into several documents."""


def check_metadata(session: Session, metadata: IntakeMetadata) -> None:
    """Refuse metadata that names what does not exist (an unknown target unit).

    Callers check before storing the upload, so that a refused upload leaves no blob;
    :func:`record_item` checks again.
    """
    if metadata.target_org_unit is not None:
        check_unit(session, metadata.target_org_unit)


@dataclass(frozen=True)
class Receipt:
    item: IntakeItem
    duplicate: bool


@dataclass(frozen=True)
class PreparedFile:
    incoming: IncomingFile
    sha256: str
    media_type: str
    page_count: int


class RejectedFilesError(EAkteError):
    """One or more files of an upload were refused; nothing of the upload was stored."""

    title = "Upload refused"

    def __init__(self, failures: list[tuple[str, EAkteError]]) -> None:
        self.failures = failures
        detail = "; ".join(f"{name}: {err.detail}" for name, err in failures)
        super().__init__(detail)


def preflight(incoming: IncomingFile, settings: Settings) -> PreparedFile:
    """Check one file without storing anything; raise a domain error when it is refused."""
    check_upload_size(len(incoming.data), settings)
    media_type = detect_media_type(incoming.data)
    info = inspect_content(incoming.data, media_type, settings.limits)
    return PreparedFile(
        incoming=incoming,
        sha256=hashlib.sha256(incoming.data).hexdigest(),
        media_type=str(media_type),
        page_count=info.page_count,
    )


def check_upload_size(size: int, settings: Settings) -> None:
    """Refuse an empty file and one over the upload limit."""
    if size == 0:
        raise InvalidInputError("the file is empty (0 bytes)")
    if size > settings.limits.max_upload_bytes:
        raise LimitExceededError(
            f"the file has {size} bytes; the limit is {settings.limits.max_upload_bytes}"
        )


def preflight_all(files: list[IncomingFile], settings: Settings) -> list[PreparedFile]:
    """Preflight every file; refuse the whole upload if any file is refused."""
    if not files:
        raise InvalidInputError("no file in the upload")
    limit = settings.limits.max_files_per_request
    if len(files) > limit:
        raise LimitExceededError(f"{len(files)} files in one upload; the limit is {limit}")
    prepared: list[PreparedFile] = []
    failures: list[tuple[str, EAkteError]] = []
    for index, incoming in enumerate(files):
        try:
            prepared.append(preflight(incoming, settings))
        except EAkteError as exc:
            failures.append((incoming.filename or f"file #{index + 1}", exc))
    if failures:
        raise RejectedFilesError(failures)
    return prepared


def store_original(
    store: BlobStore, prepared: PreparedFile, *, settings: Settings, now: datetime
) -> BlobRef:
    """Write the original to the blob store, before (and outside) the database transaction.

    The blob is written before its row: if the transaction later fails, an unreferenced
    (harmless, write-once) blob remains, never a row without its blob.  Writing it outside
    the transaction keeps SQLite's write lock free during the fsync.  Content already
    present (a duplicate) is not stored a second time: the store is content-addressed.
    The store locks it for the minimum retention; the real end follows with filing.
    """
    return store_content(
        store,
        prepared.incoming.data,
        media_type=prepared.media_type,
        settings=settings.retention,
        now=now,
    )


def record_item(
    session: Session,
    prepared: PreparedFile,
    original: BlobRef,
    metadata: IntakeMetadata,
    *,
    uploaded_by: str | None,
    actor: str,
    settings: Settings,
    clock: Clock,
) -> Receipt:
    """Insert the item and enqueue its processing in the caller's transaction.

    A file whose SHA-256 is already known is answered with the existing item.
    """
    check_metadata(session, metadata)
    existing = session.scalar(select(IntakeItem).where(IntakeItem.sha256 == prepared.sha256))
    if existing is not None:
        return Receipt(item=existing, duplicate=True)
    now = clock.now()
    item = IntakeItem(
        sha256=original.sha256,
        blob_key=original.key,
        size=original.size,
        media_type=prepared.media_type,
        original_filename=prepared.incoming.filename,
        page_count=prepared.page_count,
        station_id=metadata.station_id,
        batch_id=metadata.batch_id,
        received_at=metadata.received_at or now,
        sender_hint=metadata.sender_hint,
        target_org_unit=metadata.target_org_unit,
        split_batch=metadata.split,
        status=ItemStatus.RECEIVED,
        uploaded_by=uploaded_by,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(item)
    except sa_exc.IntegrityError:
        # The same file arrived concurrently through another request and won the race.
        winner = session.scalar(select(IntakeItem).where(IntakeItem.sha256 == prepared.sha256))
        if winner is None:
            raise
        return Receipt(item=winner, duplicate=True)
    stored = register_object(
        session,
        original,
        media_type=prepared.media_type,
        purpose=ObjectPurpose.ORIGINAL,
        retain_until=minimum_protection(settings.retention, now).retain_until,
        now=now,
    )
    record_event(
        session,
        actor=actor,
        action="intake.received",
        object_type="intake_item",
        object_id=item.id,
        details={
            "sha256": original.sha256,
            "size": original.size,
            "media_type": prepared.media_type,
            "filename": prepared.incoming.filename,
            "station_id": metadata.station_id,
            "batch_id": metadata.batch_id,
            "object_id": stored.id,
        },
        clock=clock,
    )
    enqueue(
        session,
        PROCESS_ITEM,
        {"item_id": item.id},
        clock=clock,
        settings=settings.jobs,
        dedupe_key=f"{PROCESS_ITEM}:{item.id}",
    )
    return Receipt(item=item, duplicate=False)
