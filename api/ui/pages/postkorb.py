"""Postkorb: the review queue of the caller's units, open tasks and recent decisions.

Tasks are read through :func:`services.classification.review.list_tasks` with the
caller's scope (their units and sub-units; the mail room and records managers see every
queue); each open task links to its validation page ``/ui/pruefen/{task_id}``.  A routed
letter (the classifier was sure of the code, the Akte is kept per person or object) shows
its proposed Akte, which the validation page accepts in one step.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from api.dependencies import SessionDep
from api.ui.page import Page, PageDep
from api.ui.pages.akten_common import PAGE_SIZE, Pager, page_offset, unit_title
from file_plan import FilePlan
from services.access.roles import Permission
from services.classification.decided_tasks import recent_decisions
from services.classification.review import list_tasks, task_classification
from services.db.models import ReviewTask
from services.records.file_plans import active_plan

router = APIRouter(include_in_schema=False)

VIEWS = ("offen", "erledigt")
"""Open tasks (oldest first, as a queue is worked) and recent decisions (newest first)."""


def unit_choices(page: Page, plan: FilePlan) -> list[tuple[str, str]]:
    """The queues the caller may pick from: their units and sub-units, or every unit."""
    units = sorted(plan.org_units) if page.scope.all_units else sorted(page.scope.units)
    return [(unit, unit_title(plan, unit)) for unit in units]


def _row(session: Session, plan: FilePlan, task: ReviewTask) -> dict[str, Any]:
    result = task_classification(session, task)
    suggestions = result.suggestions
    top = suggestions[0] if suggestions else None
    code = str(top["code"]) if top else None
    return {
        "task": task,
        "document": task.document,
        "code": code,
        "code_title": plan.get(code).title if code and code in plan else "",
        "confidence": float(top["confidence"]) if top and "confidence" in top else None,
        "unit": unit_title(plan, task.org_unit),
        "proposal": proposal_text(top) if result.decision == "routed" else None,
    }


def proposal_text(top: dict[str, Any] | None) -> str | None:
    """What a routed letter proposes: "Akte 122.04-3/2026" or "neue Akte: Haddad, Samir"."""
    if not top:
        return None
    if top.get("aktenzeichen"):
        return f"Akte {top['aktenzeichen']}"
    new = top.get("new_akte")
    return f"neue Akte: {new['title']}" if isinstance(new, dict) and new.get("title") else None


@router.get("/ui/postkorb", response_class=HTMLResponse)
def postkorb_page(
    page: PageDep,
    session: SessionDep,
    ansicht: Annotated[str, Query(max_length=20)] = "offen",
    einheit: Annotated[str, Query(max_length=100)] = "",
    seite: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    page.scope.require(Permission.REVIEW)
    view = ansicht if ansicht in VIEWS else "offen"
    plan = active_plan(session)
    units = unit_choices(page, plan)
    unit = einheit if einheit in {key for key, _ in units} else ""
    offset = page_offset(seite)
    if view == "offen":
        found = list_tasks(
            session, page.scope, limit=PAGE_SIZE, offset=offset, org_unit=unit or None
        )
    else:
        found = recent_decisions(
            session, page.scope, limit=PAGE_SIZE, offset=offset, org_unit=unit or None
        )
    params = {"ansicht": view, "einheit": unit}
    return page.render(
        "casework/postkorb.html",
        title="Postkorb" if view == "offen" else "Postkorb: erledigt",
        view=view,
        unit=unit,
        units=units,
        rows=[_row(session, plan, task) for task in found.items],
        total=found.total,
        pager=Pager(found.total, offset, PAGE_SIZE, params, "/ui/postkorb"),
    )
