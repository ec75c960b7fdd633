"""One Akte: its data, Vorgänge, documents, history and shares.

Everything is read under the caller's scope (an Akte of another unit is the 404 page);
closing, reopening, Vorgänge and shares are changed by the page's script through the
API (``/api/v1/akten/{id}/...``, ``/api/v1/vorgaenge/{id}/...``), which decides.  The
buttons are only offered to callers the API would let through.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep
from api.ui.labels import AKTE_STATUS, EVENT_ACTIONS, FILING_STATUS, VORGANG_STATUS, label
from api.ui.page import PageDep
from api.ui.pages.akten_common import (
    PAGE_SIZE,
    SHARE_ACCESS,
    SHARE_GRANTEE,
    SUBJECT_KINDS,
    Pager,
    code_title,
    page_offset,
    unit_title,
)
from services.access.roles import Permission
from services.access.shares import shares_of
from services.audit.queries import EventFilter, list_events
from services.records.file_plans import active_plan
from services.records.queries import akte_documents, get_akte

router = APIRouter(include_in_schema=False)

HISTORY_SIZE = 50
_HIDDEN_DETAILS = {"aktenzeichen", "share", "subject_keys"}
DETAIL_LABELS = {
    "code": "Kennzeichen",
    "title": "Titel",
    "confidentiality": "Vertraulichkeit",
    "grantee": "für",
    "access": "Recht",
    "valid_until": "bis",
    "reason": "Grund",
    "retention": "Aufbewahrung",
    "retention_until": "aufzubewahren bis",
}


def event_details(details: dict[str, Any]) -> str:
    """The event's details worth showing, as one line of plain text."""
    parts = []
    for key, value in details.items():
        if key in _HIDDEN_DETAILS or value in (None, "", [], {}):
            continue
        if isinstance(value, (str, int, float)):
            parts.append(f"{DETAIL_LABELS.get(key, key)}: {value}")
    return "; ".join(parts)


@router.get("/ui/akten/{akte_id}", response_class=HTMLResponse)
def akte_page(
    akte_id: str,
    page: PageDep,
    session: SessionDep,
    seite: Annotated[int, Query(ge=1, le=100_000)] = 1,
    verlauf: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    page.scope.require(Permission.READ_RECORDS)
    akte = get_akte(session, page.scope, akte_id)
    plan = active_plan(session)
    offset = page_offset(seite)
    documents = akte_documents(session, page.scope, akte, limit=PAGE_SIZE, offset=offset)
    history_offset = page_offset(verlauf, HISTORY_SIZE)
    history = list_events(
        session,
        page.scope,
        EventFilter(object_type="akte", object_id=akte.id),
        limit=HISTORY_SIZE,
        offset=history_offset,
    )
    params = {"seite": str(seite), "verlauf": str(verlauf)}
    path = f"/ui/akten/{akte.id}"
    retention = (
        plan.effective_retention(akte.file_plan_code) if akte.file_plan_code in plan else None
    )
    return page.render(
        "casework/akte.html",
        title=f"Akte {akte.aktenzeichen}",
        akte=akte,
        code_title=code_title(plan, akte.file_plan_code),
        unit=unit_title(plan, akte.org_unit),
        retention_rule=retention.describe() if retention else None,
        can_write=page.can(Permission.MANAGE_RECORDS) and page.scope.can_write_akte(akte),
        documents=documents.items,
        documents_total=documents.total,
        documents_pager=Pager(
            documents.total, offset, PAGE_SIZE, params, path, "seite", "#dokumente"
        ),
        vorgaenge={v.id: v for v in akte.vorgaenge},
        history=history.items,
        history_pager=Pager(
            history.total, history_offset, HISTORY_SIZE, params, path, "verlauf", "#verlauf"
        ),
        shares=shares_of(session, akte),
        units=sorted(plan.org_units.items()),
        labels={
            "akte": AKTE_STATUS,
            "vorgang": VORGANG_STATUS,
            "filing": FILING_STATUS,
            "access": SHARE_ACCESS,
            "grantee": SHARE_GRANTEE,
            "event": EVENT_ACTIONS,
            "subject": SUBJECT_KINDS,
        },
        label=label,
        event_details=event_details,
    )
