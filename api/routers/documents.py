"""Documents: metadata and recognised text (content and versions: ``versions.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from api.dependencies import SessionDep, requires
from api.presenters import document_out, document_summary
from api.schemas.common import PageOut, page_out
from api.schemas.documents import DocumentOut, DocumentSummaryOut
from services.auth.keys import Principal
from services.auth.permissions import Permission
from services.documents.queries import document_text, get_document, list_documents
from services.errors import NotFoundError

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
Reader = Annotated[Principal, requires(Permission.READ_DOCUMENTS)]


@router.get("", response_model=PageOut[DocumentSummaryOut], summary="Documents, newest first")
def documents(
    session: SessionDep,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
) -> PageOut[DocumentSummaryOut]:
    page = list_documents(session, limit=limit, offset=offset, status=status_filter)
    return page_out(page, document_summary)


@router.get("/{document_id}", response_model=DocumentOut)
def document(document_id: str, session: SessionDep, _: Reader) -> DocumentOut:
    return document_out(get_document(session, document_id))


@router.get("/{document_id}/text", response_class=PlainTextResponse, summary="Recognised text")
def text(
    document_id: str,
    session: SessionDep,
    _: Reader,
    page: Annotated[int | None, Query(ge=1, description="one page only")] = None,
) -> PlainTextResponse:
    doc = get_document(session, document_id)
    if page is None:
        return PlainTextResponse(document_text(doc))
    for candidate in doc.pages:
        if candidate.page_number == page:
            return PlainTextResponse(candidate.text)
    raise NotFoundError(f"document {document_id} has no page {page}")
