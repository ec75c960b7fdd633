"""The disposition list (what is due) and the appraisal of plan value B (issue 13)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters_disposition import archive_value_out, due_akte_out
from api.schemas.common import MAX_OFFSET, PageOut, page_out
from api.schemas.disposition import AppraisalIn, ArchiveValueOut, DueAkteOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.records.queries import get_akte
from services.retention.disposition import appraise_akte, disposition_due

router = APIRouter(prefix="/api/v1", tags=["disposition"])
Manager = Annotated[Scope, requires(Permission.MANAGE_RETENTION)]


@router.get(
    "/disposition/due",
    response_model=PageOut[DueAkteOut],
    summary="Akten whose retention has ended, not on hold: with their archive value",
)
def due(
    session: SessionDep,
    container: ContainerDep,
    scope: Manager,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PageOut[DueAkteOut]:
    page = disposition_due(
        session, scope, today=container.clock.now().date(), limit=limit, offset=offset
    )
    return page_out(page, due_akte_out)


@router.put(
    "/akten/{akte_id}/appraisal",
    response_model=ArchiveValueOut,
    summary="Appraise an Akte of plan archive value B as A or V (409 for plan A or V)",
)
def appraise(
    akte_id: str,
    body: AppraisalIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> ArchiveValueOut:
    row = appraise_akte(
        session,
        get_akte(session, scope, akte_id),
        value=body.value,
        reason=body.reason,
        actor=scope.actor,
        clock=container.clock,
    )
    return archive_value_out(row)
