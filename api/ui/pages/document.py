"""The document page ``/ui/dokumente/{id}``: preview, text, facts, versions, history, filing.

Reads go through the scoped queries (a document the caller cannot see is the 404 page);
new versions and filing are sent by ``document.js`` to the JSON API, which decides.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep, WriteSessionDep
from api.ui.page import PageDep
from api.ui.pages.document_view import build_view
from services.access.roles import Permission
from services.documents.queries import get_document
from services.records.lookup import find_akten

router = APIRouter(include_in_schema=False)

PREVIEW_WIDTH = 900
"""Pixels of the preview image; the API scales the page to this width."""

DocumentId = Annotated[str, Path(max_length=100)]


@router.get("/ui/dokumente/{document_id}", response_class=HTMLResponse)
def document_page(
    document_id: DocumentId,
    page: PageDep,
    session: WriteSessionDep,
    seite: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    page.scope.require(Permission.READ_DOCUMENTS)
    document = get_document(session, page.scope, document_id)
    view = build_view(session, page.scope, document, clock=page.container.clock)
    return page.render(
        "document/page.html",
        title=document.title or "Dokument",
        view=view,
        doc=document,
        current_page=min(seite, max(document.page_count, 1)),
        preview_width=PREVIEW_WIDTH,
    )


@router.get("/ui/dokumente/{document_id}/akten")
def akten_for_filing(
    document_id: DocumentId,
    page: PageDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> list[dict[str, Any]]:
    """Typeahead of the filing form: open Akten the caller may file into."""
    page.scope.require(Permission.MANAGE_RECORDS)
    document = get_document(session, page.scope, document_id)
    found = find_akten(session, page.scope, q, limit=20)
    return [
        {
            "id": akte.id,
            "aktenzeichen": akte.aktenzeichen,
            "title": akte.title,
            "org_unit": akte.org_unit,
            "current": akte.id == document.akte_id,
        }
        for akte in found
        if page.scope.can_write_akte(akte)
    ][:10]
