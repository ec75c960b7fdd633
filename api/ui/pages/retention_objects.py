"""The retention pages of one document and one Akte.

They show what the records say (retention end, the store's lock, holds) and offer the
records manager's actions; the page script carries them out through the JSON API
(``/api/v1/documents/{id}/legal-hold``, ``/retention``, ``/destruction`` and
``/api/v1/akten/{id}/legal-hold``), so every change passes the API's checks and trail.
A destroyed document shows its tombstone instead.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep
from api.ui.page import PageDep
from api.ui.pages.retention_texts import AKTE_STATUS, document_hold, is_due, require
from services.access.roles import Permission
from services.documents.queries import get_document
from services.records.queries import akte_documents, get_akte
from services.storage.disposition import tombstone_of
from services.storage.protection import objects_of_document, retention_end

router = APIRouter(include_in_schema=False)

BASE = "/ui/verwaltung/aufbewahrung"
DOCUMENTS_PER_PAGE = 50


@router.get(BASE + "/dokument/{document_id}", response_class=HTMLResponse)
def document_page(page: PageDep, session: SessionDep, document_id: str) -> HTMLResponse:
    require(page, Permission.MANAGE_RETENTION)
    document = get_document(session, page.scope, document_id)
    today = page.container.clock.now().date()
    end = retention_end(document)
    tombstone = None
    locked_until = None
    if document.disposed_at is not None:
        tombstone = tombstone_of(session, page.scope, document.id)
    else:
        objects = objects_of_document(session, document)
        locked_until = min((stored.retain_until for stored in objects), default=None)
    hold = document_hold(document)
    return page.render(
        "records_admin/retention_document.html",
        title=f"Aufbewahrung: {document.title}",
        document=document,
        end=end,
        today=today,
        due=is_due(end, today),
        hold=hold,
        locked_until=locked_until,
        tombstone=tombstone,
    )


@router.get(BASE + "/akte/{akte_id}", response_class=HTMLResponse)
def akte_page(
    page: PageDep,
    session: SessionDep,
    akte_id: str,
    ab: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    require(page, Permission.MANAGE_RETENTION)
    akte = get_akte(session, page.scope, akte_id)
    documents = akte_documents(session, page.scope, akte, limit=DOCUMENTS_PER_PAGE, offset=ab)
    today = page.container.clock.now().date()
    return page.render(
        "records_admin/retention_akte.html",
        title=f"Aufbewahrung: Akte {akte.aktenzeichen}",
        akte=akte,
        status=AKTE_STATUS.get(akte.status, akte.status),
        today=today,
        documents=documents,
        retention_end=retention_end,
        document_hold=document_hold,
        per_page=DOCUMENTS_PER_PAGE,
    )
