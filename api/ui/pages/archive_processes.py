"""``/ui/verwaltung/aussonderung/verfahren``: the archive transfer processes.

The list shows the open alerts first (a failed import, a missing reply, a refused
message), then the processes with their items per state; a process's page shows its
Akten, the exchanged messages (each downloadable as the write-once XML copy), its
alerts and destruction certificates.  The buttons „Abruf jetzt“, „Vernichtung
freigeben“ and „Verfahren abbrechen“ are carried out by the page script through the
JSON API (``POST /api/v1/archive/poll``, ``.../processes/{id}/approve``, ``.../cancel``),
which runs the workflow in its own transactions.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from api.dependencies import SessionDep, WriteSessionDep
from api.ui.labels import label
from api.ui.page import PageDep
from api.ui.pages.archive_texts import (
    ALERT_KINDS,
    CERTIFICATE_REASONS,
    CERTIFICATES,
    DIRECTIONS,
    FLOWS,
    ITEM_STATE_CLASS,
    ITEM_STATES,
    MESSAGE_TYPES,
    PROCESS_STATUS,
    PROCESSES,
    VALUES,
)
from api.ui.pages.retention_texts import require
from services.access.roles import Permission
from services.archive.processes import items_of
from services.archive.queries import list_processes, message_content, open_alerts, process_detail
from services.db.models import ItemKind, ItemState

router = APIRouter(include_in_schema=False)

PER_PAGE = 25
ALERTS_SHOWN = 50
LABELS: dict[str, Any] = {
    "label": label,
    "item_states": ITEM_STATES,
    "item_state_class": ITEM_STATE_CLASS,
    "process_status": PROCESS_STATUS,
    "flows": FLOWS,
    "alert_kinds": ALERT_KINDS,
    "message_types": MESSAGE_TYPES,
    "directions": DIRECTIONS,
    "values": VALUES,
    "certificate_reasons": CERTIFICATE_REASONS,
    "processes_path": PROCESSES,
    "certificates_path": CERTIFICATES,
}


@router.get(PROCESSES, response_class=HTMLResponse)
def processes(
    page: PageDep,
    session: SessionDep,
    laufend: bool = False,
    ab: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    require(page, Permission.MANAGE_RETENTION)
    listed = list_processes(session, page.scope, limit=PER_PAGE, offset=ab, running_only=laufend)
    alerts = open_alerts(session, page.scope, limit=ALERTS_SHOWN, offset=0)
    query = "laufend=true&" if laufend else ""
    return page.render(
        "records_admin/archive_processes.html",
        title="Aussonderungsverfahren",
        processes=listed,
        alerts=alerts,
        running_only=laufend,
        previous=f"?{query}ab={max(ab - PER_PAGE, 0)}" if ab > 0 else None,
        next=f"?{query}ab={ab + PER_PAGE}" if ab + PER_PAGE < listed.total else None,
        **LABELS,
    )


@router.get(PROCESSES + "/{process_id}", response_class=HTMLResponse)
def process(page: PageDep, session: SessionDep, process_id: str) -> HTMLResponse:
    require(page, Permission.MANAGE_RETENTION)
    detail = process_detail(session, page.scope, process_id)
    # What „Vernichtung freigeben“ destroys: every item of the process waiting for it.
    to_destroy = [ItemState.TO_DESTROY]
    destroy_akten = items_of(session, process_id, kind=ItemKind.AKTE, states=to_destroy)
    destroy_documents = items_of(session, process_id, kind=ItemKind.DOCUMENT, states=to_destroy)
    return page.render(
        "records_admin/archive_process.html",
        title=f"Aussonderungsverfahren {process_id}",
        detail=detail,
        process=detail.summary.process,
        summary=detail.summary,
        destroy_akten=len(destroy_akten),
        destroy_documents=len(destroy_documents),
        running=detail.summary.process.status not in ("completed", "cancelled"),
        **LABELS,
    )


@router.get(PROCESSES + "/{process_id}/nachrichten/{message_id}")
def message(page: PageDep, session: WriteSessionDep, process_id: str, message_id: int) -> Response:
    """The stored copy of an exchanged message, as XML (reading it is audited)."""
    require(page, Permission.MANAGE_RETENTION)
    row, data = message_content(
        session,
        page.container.store,
        page.scope,
        process_id,
        message_id,
        clock=page.container.clock,
    )
    name = row.file_name.removesuffix(".zip") + ".xml"
    return Response(
        data,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
