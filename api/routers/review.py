"""The review queue (Postkorb) of each organisational unit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters_records import review_task_out
from api.schemas.common import Offset, PageOut, page_out
from api.schemas.review import DecisionIn, ReviewTaskOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.classification.review import (
    ReviewDecision,
    decide_task,
    get_task,
    list_tasks,
    task_classification,
)
from services.db.models import ReviewStatus, ReviewTask
from services.records.file_plans import active_plan
from services.records.subject_keys import subject_key

router = APIRouter(prefix="/api/v1/review-queue", tags=["review queue"])
Reviewer = Annotated[Scope, requires(Permission.REVIEW)]


@router.get("", response_model=PageOut[ReviewTaskOut], summary="Tasks of the caller's queue(s)")
def review_queue(
    session: SessionDep,
    scope: Reviewer,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
    org_unit: Annotated[
        str | None, Query(max_length=100, description="one unit's queue only")
    ] = None,
    status_filter: Annotated[ReviewStatus, Query(alias="status")] = ReviewStatus.OPEN,
) -> PageOut[ReviewTaskOut]:
    page = list_tasks(
        session, scope, limit=limit, offset=offset, org_unit=org_unit, status=status_filter
    )
    return page_out(page, lambda task: _out(session, task))


@router.get("/{task_id}", response_model=ReviewTaskOut)
def review_task(task_id: str, session: SessionDep, scope: Reviewer) -> ReviewTaskOut:
    return _out(session, get_task(session, scope, task_id))


@router.post("/{task_id}/decision", response_model=ReviewTaskOut)
def decide(
    task_id: str,
    body: DecisionIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Reviewer,
) -> ReviewTaskOut:
    decision = ReviewDecision(
        action=body.action,
        code=body.code,
        akte_id=body.akte_id,
        vorgang_id=body.vorgang_id,
        new_akte_title=body.new_akte.title if body.new_akte else None,
        new_akte_subject_keys=[
            subject_key(k.kind, k.value)
            for k in (body.new_akte.subject_keys if body.new_akte else [])
        ],
    )
    task = decide_task(
        session,
        scope,
        active_plan(session),
        task_id,
        decision,
        settings=container.settings,
        clock=container.clock,
    )
    return _out(session, task)


def _out(session: SessionDep, task: ReviewTask) -> ReviewTaskOut:
    return review_task_out(task, task.document, task_classification(session, task))
