"""``/ui/verwaltung/protokoll``: the audit trail, filtered and paged, newest first.

Filters by object (kind and id), actor, action (or a family such as ``legal_hold``) and
a date range; read through :func:`services.audit.trail_search.search_events` with the
caller's scope, so the page shows exactly what ``GET /api/v1/audit`` would.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep
from api.ui.page import PageDep
from api.ui.pages.retention_texts import require
from services.access.roles import Permission
from services.audit.trail_search import TrailFilter, search_events
from services.errors import InvalidInputError

router = APIRouter(include_in_schema=False)

PATH = "/ui/verwaltung/protokoll"
PER_PAGE = 50
OBJECT_TYPES = {
    "document": "Dokument",
    "akte": "Akte",
    "vorgang": "Vorgang",
    "intake_item": "Eingang",
    "einvoice": "E-Rechnung",
    "person": "Person",
    "api_key": "API-Schlüssel",
    "file_plan": "Aktenplan",
    "leitweg_route": "Leitweg-ID",
    "stored_object": "Gespeichertes Objekt",
    "evidence_tree": "Beweisdaten",
    "audit_trail": "Protokoll",
    "storage": "Speicher",
}

Text = Annotated[str, Query(max_length=200)]


@router.get(PATH, response_class=HTMLResponse)
def protocol(
    page: PageDep,
    session: SessionDep,
    objektart: Text = "",
    objekt: Text = "",
    akteur: Text = "",
    aktion: Text = "",
    von: Text = "",
    bis: Text = "",
    ab: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    require(page, Permission.READ_AUDIT)
    where = TrailFilter(
        object_type=objektart.strip() or None,
        object_id=objekt.strip() or None,
        actor=akteur.strip() or None,
        action=aktion.strip() or None,
        from_day=_day(von, "Von"),
        until_day=_day(bis, "Bis"),
    )
    if where.from_day and where.until_day and where.from_day > where.until_day:
        raise InvalidInputError("Der Zeitraum endet, bevor er beginnt („Bis“ liegt vor „Von“).")
    events = search_events(session, page.scope, where, limit=PER_PAGE, offset=ab)
    filters = {
        "objektart": objektart,
        "objekt": objekt,
        "akteur": akteur,
        "aktion": aktion,
        "von": von,
        "bis": bis,
    }
    kept = {name: value for name, value in filters.items() if value}

    def page_link(offset: int) -> str:
        return PATH + "?" + urlencode({**kept, "ab": offset})

    return page.render(
        "records_admin/protocol.html",
        title="Protokoll",
        events=events,
        filters=filters,
        object_types=OBJECT_TYPES,
        previous=page_link(max(ab - PER_PAGE, 0)) if ab > 0 else None,
        next=page_link(ab + PER_PAGE) if ab + PER_PAGE < events.total else None,
    )


def _day(text: str, label: str) -> date | None:
    """A date field (``YYYY-MM-DD``, as date inputs send it); empty: no limit."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"„{label}“ ist kein Datum (erwartet TT.MM.JJJJ): {text!r}"
        ) from None
