"""``/ui/verwaltung/aufbewahrung``: retention ends reached or near, and legal holds.

Records managers see here what may be destroyed (or soon may), what is held, and find
any Akte or document by Aktenzeichen or id to hold, extend or destroy it on its own page
(:mod:`api.ui.pages.retention_objects`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.dependencies import SessionDep
from api.ui.page import PageDep
from api.ui.pages.retention_texts import AKTE_STATUS, document_hold, require
from services.access.roles import Permission
from services.documents.queries import get_document
from services.errors import NotFoundError
from services.records.queries import akte_by_aktenzeichen
from services.retention.overview import due_akten, due_documents, held_akten, held_documents

router = APIRouter(include_in_schema=False)

BASE = "/ui/verwaltung/aufbewahrung"
HORIZONS = {
    0: "bereits abgelaufen",
    90: "in den nächsten 90 Tagen",
    365: "im nächsten Jahr",
    1825: "in den nächsten fünf Jahren",
}
LIST_LIMIT = 100


@router.get(BASE, response_class=HTMLResponse)
def overview(
    page: PageDep,
    session: SessionDep,
    zeitraum: Annotated[int, Query(ge=0, le=36500)] = 365,
    nicht_gefunden: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    require(page, Permission.MANAGE_RETENTION)
    today = page.container.clock.now().date()
    horizon = zeitraum if zeitraum in HORIZONS else 365
    until = today + timedelta(days=horizon)
    akten = due_akten(session, page.scope, until=until, limit=LIST_LIMIT, offset=0)
    documents = due_documents(session, page.scope, until=until, limit=LIST_LIMIT, offset=0)
    return page.render(
        "records_admin/retention.html",
        title="Aufbewahrung und Löschung",
        today=today,
        until=until,
        horizon=horizon,
        horizons=HORIZONS,
        akten=akten,
        documents=documents,
        held_akten=held_akten(session, page.scope, limit=LIST_LIMIT),
        held_documents=held_documents(session, page.scope, limit=LIST_LIMIT),
        not_found=nicht_gefunden,
        akte_status=AKTE_STATUS,
        document_hold=document_hold,
    )


@router.get(BASE + "/suchen")
def find(
    page: PageDep,
    session: SessionDep,
    ref: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """An Aktenzeichen or a document id: to its retention page; else back with a note."""
    require(page, Permission.MANAGE_RETENTION)
    wanted = ref.strip()
    if wanted:
        akte = akte_by_aktenzeichen(session, page.scope, wanted)
        if akte is not None:
            return RedirectResponse(f"{BASE}/akte/{akte.id}", status_code=303)
        try:
            document = get_document(session, page.scope, wanted)
        except NotFoundError:
            pass
        else:
            return RedirectResponse(f"{BASE}/dokument/{document.id}", status_code=303)
    return RedirectResponse(
        f"{BASE}?nicht_gefunden={quote(wanted or '(leer)', safe='')}", status_code=303
    )
