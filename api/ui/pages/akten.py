"""Akten: the list of Akten the caller sees, with filters, and the form for a new Akte.

The list reads through :func:`services.records.queries.list_akten` with the caller's
scope; a new Akte is opened by the page's script with ``POST /api/v1/akten``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep
from api.ui.labels import AKTE_STATUS, label
from api.ui.page import Page, PageDep
from api.ui.pages.akten_common import (
    PAGE_SIZE,
    SUBJECT_KINDS,
    Pager,
    code_title,
    page_offset,
    plan_choices,
    unit_title,
)
from file_plan import FilePlan
from services.access.roles import Permission
from services.records.file_plans import active_plan
from services.records.queries import list_akten

router = APIRouter(include_in_schema=False)


def writable_codes(page: Page, plan: FilePlan) -> list[tuple[str, str]]:
    """Leaves of the plan under which the caller may open an Akte (as the API checks)."""
    if not page.can(Permission.MANAGE_RECORDS):
        return []
    choices = []
    for item in plan.leaves():
        unit = plan.effective_org_unit(item.code)
        if unit is not None and page.scope.can_write_unit(unit):
            choices.append((item.code, f"{item.code} – {item.title}"))
    return choices


@router.get("/ui/akten", response_class=HTMLResponse)
def akten_page(
    page: PageDep,
    session: SessionDep,
    code: Annotated[str, Query(max_length=50)] = "",
    status: Annotated[str, Query(max_length=16)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    seite: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    page.scope.require(Permission.READ_RECORDS)
    plan = active_plan(session)
    offset = page_offset(seite)
    found = list_akten(
        session,
        page.scope,
        limit=PAGE_SIZE,
        offset=offset,
        code=code or None,
        status=status if status in AKTE_STATUS else None,
        text=q or None,
    )
    form = {"code": code, "status": status, "q": q}
    return page.render(
        "casework/akten.html",
        title="Akten",
        form=form,
        akten=found.items,
        total=found.total,
        pager=Pager(found.total, offset, PAGE_SIZE, form, "/ui/akten"),
        codes=plan_choices(plan),
        new_codes=writable_codes(page, plan),
        subject_kinds=SUBJECT_KINDS,
        statuses=AKTE_STATUS,
        status_label=lambda value: label(AKTE_STATUS, value),
        code_title=lambda value: code_title(plan, value),
        unit_title=lambda value: unit_title(plan, value),
    )
