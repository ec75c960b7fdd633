"""Prüfen: the mail room's validation of automatic filing, one letter after the other.

``/ui/pruefen`` lists the open review tasks the caller may decide, oldest first;
``/ui/pruefen/{task_id}`` shows one letter's pages beside its recognised text with the
filing suggestions, and takes the decision in one step.  Decisions are made by the
page's script through ``POST /api/v1/review-queue/{task_id}/decision``, so they pass
the API's checks and audit trail; reading the text here is an audited read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep, WriteSessionDep
from api.ui.labels import REFERENCE_KINDS
from api.ui.page import PageDep
from api.ui.pages.validation_view import (
    PAGE_WIDTH,
    THUMBNAIL_WIDTH,
    ZOOM_WIDTHS,
    build_task_view,
)
from services.access.roles import Permission
from services.classification.review import get_task, list_tasks, task_classification
from services.db.models import ReviewStatus
from services.records.file_plans import active_plan
from services.records.subject_keys import SubjectKeyKind

router = APIRouter(include_in_schema=False)

QUEUE_LIMIT = 500
"""Tasks walked through at once (ids only); the oldest come first."""
LIST_LIMIT = 100
"""Tasks listed on the queue page, each with its document and top suggestion."""
TaskId = Annotated[str, Path(max_length=36)]


@router.get("/ui/pruefen")
def queue(
    page: PageDep,
    session: SessionDep,
    ende: Annotated[bool, Query(description="the walk reached the end")] = False,
) -> HTMLResponse:
    page.scope.require(Permission.REVIEW)
    tasks = list_tasks(session, page.scope, limit=LIST_LIMIT, offset=0)
    plan = active_plan(session)
    rows = []
    for task in tasks.items:
        result = task_classification(session, task)
        top = result.suggestions[0] if result.suggestions else None
        rows.append(
            {
                "task": task,
                "document": task.document,
                "received_at": task.document.item.received_at,
                "unit_title": plan.org_units.get(task.org_unit),
                "top": top,
            }
        )
    return page.render(
        "validation/queue.html",
        title="Prüfen",
        rows=rows,
        total=tasks.total,
        end_reached=ende,
    )


@router.get("/ui/pruefen/{task_id}")
def task_page(
    task_id: TaskId,
    page: PageDep,
    session: WriteSessionDep,
) -> HTMLResponse:
    """One letter to check; a task the caller may not see is not found."""
    page.scope.require(Permission.REVIEW)
    task = get_task(session, page.scope, task_id)
    plan = active_plan(session)
    queue_ids = [t.id for t in list_tasks(session, page.scope, limit=QUEUE_LIMIT, offset=0).items]
    position = queue_ids.index(task.id) if task.id in queue_ids else None
    previous_id = queue_ids[position - 1] if position else None
    if position is None:
        next_id = queue_ids[0] if queue_ids else None
    else:
        next_id = queue_ids[position + 1] if position + 1 < len(queue_ids) else None
    is_open = task.status == ReviewStatus.OPEN
    view = build_task_view(session, page.scope, page.container, plan, task) if is_open else None
    return page.render(
        "validation/task.html",
        title=f"Prüfen: {task.document.title}",
        task=task,
        document=task.document,
        view=view,
        plan_leaves=plan.leaves(),
        position=position,
        queue_total=len(queue_ids),
        previous_id=previous_id,
        next_id=next_id,
        thumbnail_width=THUMBNAIL_WIDTH,
        page_width=PAGE_WIDTH,
        zoom_widths=ZOOM_WIDTHS,
        subject_kinds=[(k.value, REFERENCE_KINDS.get(k.value, k.value)) for k in SubjectKeyKind],
    )
