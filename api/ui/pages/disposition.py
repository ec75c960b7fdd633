"""``/ui/verwaltung/aussonderung``: Akten due for disposition, their appraisal, the offer.

The list is :func:`services.retention.disposition.disposition_due` (retention ended,
nothing holding the Akte, not in a transfer).  Akten of plan archive value B get a form
for the records manager's appraisal (A or V with a reason); the button „Anbieten /
Aussondern“ starts the processes.  Both changes are made by the page script through the
JSON API (``PUT /api/v1/akten/{id}/appraisal``, ``POST /api/v1/archive/offer``), like
every change from a page, so they pass the API's checks, CSRF token and audit trail; the
offer's report is shown on this page after it reloads.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep
from api.ui.page import PageDep
from api.ui.pages.archive_texts import BASE, FLOWS, PROCESSES, archive_value_text
from api.ui.pages.retention_texts import AKTE_STATUS, require
from services.access.roles import Permission
from services.retention.disposition import disposition_due

router = APIRouter(include_in_schema=False)

PER_PAGE = 50


@router.get(BASE, response_class=HTMLResponse)
def due_list(
    page: PageDep,
    session: SessionDep,
    ab: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    require(page, Permission.MANAGE_RETENTION)
    today = page.container.clock.now().date()
    due = disposition_due(session, page.scope, today=today, limit=PER_PAGE, offset=ab)
    settings = page.container.settings.archive
    return page.render(
        "records_admin/disposition_due.html",
        title="Aussonderung fällig",
        today=today,
        due=due,
        to_appraise=[row for row in due.items if row.plan_value == "B"],
        per_page=PER_PAGE,
        previous=max(ab - PER_PAGE, 0) if ab > 0 else None,
        next=ab + PER_PAGE if ab + PER_PAGE < due.total else None,
        archive_value_text=archive_value_text,
        akte_status=AKTE_STATUS,
        flow=FLOWS.get(settings.flow.value, settings.flow.value),
        two_step=settings.flow.value == "two-step",
        waived_codes=settings.waived_codes,
        archive_name=settings.archive_name,
        processes_path=PROCESSES,
    )
