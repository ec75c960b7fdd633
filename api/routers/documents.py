"""Documents: metadata and recognised text (content and versions: ``versions.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters import document_out, document_summary
from api.schemas.common import Offset, PageOut, page_out
from api.schemas.documents import (
    ConfidentialityIn,
    DocumentOut,
    DocumentSummaryOut,
    LetterDatesIn,
)
from services.access.confidentiality import Confidentiality
from services.access.levels import set_document_level
from services.access.roles import Permission
from services.access.scope import Scope
from services.documents.dates import LetterDates, set_letter_dates
from services.documents.queries import get_document, list_documents
from services.documents.reading import read_text

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
Reader = Annotated[Scope, requires(Permission.READ_DOCUMENTS)]
Manager = Annotated[Scope, requires(Permission.MANAGE_RECORDS)]


@router.get("", response_model=PageOut[DocumentSummaryOut], summary="Documents, newest first")
def documents(
    session: SessionDep,
    scope: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
    status_filter: Annotated[str | None, Query(alias="status", max_length=32)] = None,
) -> PageOut[DocumentSummaryOut]:
    page = list_documents(session, scope, limit=limit, offset=offset, status=status_filter)
    return page_out(page, document_summary)


@router.get("/{document_id}", response_model=DocumentOut)
def document(document_id: str, session: SessionDep, scope: Reader) -> DocumentOut:
    return document_out(get_document(session, scope, document_id))


@router.get(
    "/{document_id}/text",
    response_class=PlainTextResponse,
    summary="Recognised text (every read is an audit event)",
)
def text(
    document_id: str,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Reader,
    page: Annotated[int | None, Query(ge=1, le=1_000_000, description="one page only")] = None,
) -> PlainTextResponse:
    return PlainTextResponse(
        read_text(session, scope, document_id, page=page, clock=container.clock)
    )


@router.put(
    "/{document_id}/dates",
    response_model=DocumentOut,
    summary="Record the letter's date, the real date received, direction and sender",
)
def letter_dates(
    document_id: str,
    body: LetterDatesIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> DocumentOut:
    document = get_document(session, scope, document_id)
    dates = LetterDates(body.letter_date, body.received_on, body.direction, body.sender)
    set_letter_dates(session, scope, document, dates, reason=body.reason, clock=container.clock)
    return document_out(document)


@router.put(
    "/{document_id}/confidentiality",
    response_model=DocumentOut,
    summary="Set the document's confidentiality level (xdomea code)",
)
def confidentiality(
    document_id: str,
    body: ConfidentialityIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> DocumentOut:
    document = get_document(session, scope, document_id)
    set_document_level(
        session,
        scope,
        document,
        Confidentiality.parse(body.level),
        reason=body.reason,
        clock=container.clock,
    )
    return document_out(document)
