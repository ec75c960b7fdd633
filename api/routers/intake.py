"""Intake for scanning stations: ``POST /api/v1/intake`` and item status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status

from api.dependencies import ContainerDep, SessionDep, requires
from api.presenters import item_out
from api.schemas.common import Offset, PageOut, page_out
from api.schemas.documents import IntakeResponse, ItemOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.db.session import unit_of_work
from services.documents.queries import get_item, list_items, visible_documents_of
from services.errors import LimitExceededError
from services.intake.receive import (
    IncomingFile,
    IntakeMetadata,
    check_metadata,
    preflight_all,
    record_item,
    store_original,
)

router = APIRouter(prefix="/api/v1/intake", tags=["intake"])

_CHUNK = 1024 * 1024


def _read_limited(upload: UploadFile, limit: int) -> bytes:
    """Read an upload, refusing it as soon as it passes the size limit."""
    chunks: list[bytes] = []
    size = 0
    while chunk := upload.file.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise LimitExceededError(
                f"{upload.filename or 'upload'}: more than {limit} bytes"
                " (EAKTE_LIMITS__MAX_UPLOAD_BYTES)"
            )
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=IntakeResponse,
    summary="Upload one or more scans; processing happens in the background",
)
def intake(
    container: ContainerDep,
    files: Annotated[list[UploadFile], File(description="PDF, TIFF, JPEG or PNG scans")],
    scope: Annotated[Scope, requires(Permission.INTAKE)],
    station_id: Annotated[str | None, Form(max_length=100)] = None,
    batch_id: Annotated[str | None, Form(max_length=100)] = None,
    received_at: Annotated[datetime | None, Form()] = None,
    sender_hint: Annotated[str | None, Form(max_length=500)] = None,
    target_org_unit: Annotated[str | None, Form(max_length=100)] = None,
    split: Annotated[
        bool | None,
        Form(description="split at separator sheets (default: EAKTE_SPLIT__BY_DEFAULT)"),
    ] = None,
) -> IntakeResponse:
    settings = container.settings
    incoming = [
        IncomingFile(filename=f.filename, data=_read_limited(f, settings.limits.max_upload_bytes))
        for f in files
    ]
    prepared = preflight_all(incoming, settings)
    if received_at is not None and received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=UTC)
    metadata = IntakeMetadata(
        station_id=station_id,
        batch_id=batch_id,
        received_at=received_at,
        sender_hint=sender_hint,
        target_org_unit=target_org_unit,
        split=settings.split.by_default if split is None else split,
    )
    with unit_of_work(container.session_factory, write=False) as session:
        check_metadata(session, metadata)  # before anything is stored (and locked)
    now = container.clock.now()
    originals = [store_original(container.store, p, settings=settings, now=now) for p in prepared]
    # Committed here, before the response: the station may discard its copy on 202.
    with unit_of_work(container.session_factory) as session:
        receipts = [
            record_item(
                session,
                p,
                original,
                metadata,
                uploaded_by=scope.principal.key_id,
                actor=scope.actor,
                settings=settings,
                clock=container.clock,
            )
            for p, original in zip(prepared, originals, strict=True)
        ]
        return IntakeResponse(
            items=[
                item_out(
                    r.item, visible_documents_of(session, scope, r.item), duplicate=r.duplicate
                )
                for r in receipts
            ]
        )


@router.get("/items/{item_id}", response_model=ItemOut, summary="Status of an upload")
def item_status(
    item_id: str,
    session: SessionDep,
    scope: Annotated[Scope, requires(Permission.READ_ITEMS)],
) -> ItemOut:
    item = get_item(session, scope, item_id)
    return item_out(item, visible_documents_of(session, scope, item))


@router.get("/items", response_model=PageOut[ItemOut], summary="Uploads, newest first")
def items(
    session: SessionDep,
    scope: Annotated[Scope, requires(Permission.READ_ITEMS)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
    status_filter: Annotated[str | None, Query(alias="status", max_length=32)] = None,
) -> PageOut[ItemOut]:
    page = list_items(session, scope, limit=limit, offset=offset, status=status_filter)
    return page_out(page, lambda item: item_out(item, visible_documents_of(session, scope, item)))
