"""The active file plan: read it; records managers import a new one."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters_records import file_plan_item_out, file_plan_out
from api.schemas.records import FilePlanItemOut, FilePlanOut
from file_plan.plan_io import load_json
from services.access.roles import Permission
from services.access.scope import Scope
from services.records.file_plans import active_plan, import_plan

router = APIRouter(prefix="/api/v1/file-plan", tags=["file plan"])
Reader = Annotated[Scope, requires(Permission.READ_RECORDS)]
Manager = Annotated[Scope, requires(Permission.MANAGE_FILE_PLAN)]


@router.get("", response_model=FilePlanOut, summary="The active file plan")
def file_plan(
    session: SessionDep,
    _: Reader,
    under: Annotated[str | None, Query(description="only this code and its descendants")] = None,
) -> FilePlanOut:
    plan = active_plan(session)
    if under is None:
        return file_plan_out(plan)
    return file_plan_out(plan, [item.code for item in plan.subtree(under)])


@router.get("/{code}", response_model=FilePlanItemOut)
def file_plan_item(code: str, session: SessionDep, _: Reader) -> FilePlanItemOut:
    return file_plan_item_out(active_plan(session), code)


@router.put("", response_model=FilePlanOut, summary="Import a file plan (eakte-file-plan/1 JSON)")
def replace_file_plan(
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
    body: Annotated[dict[str, Any], Body()],
) -> FilePlanOut:
    plan = load_json(json.dumps(body))
    import_plan(session, plan, actor=scope.actor, clock=container.clock)
    return file_plan_out(plan)
