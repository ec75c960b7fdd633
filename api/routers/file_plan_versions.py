"""File-plan versions: list them; check an uploaded plan (dry run) or import it as a new one.

Uploads are files as records managers keep them: ``eakte-file-plan/1`` JSON, or CSV
(items only; name, units and pattern come from the active plan).  The answer is a
validation report whose findings name the line of the file.  Registered before
``file_plan`` so that ``/versions`` is not taken for a plan code.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status
from fastapi.responses import JSONResponse

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.errors import problem
from api.schemas.file_plan_upload import FindingOut, PlanReportOut, PlanVersionOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.errors import InvalidInputError
from services.records.plan_upload import (
    Finding,
    PlanReport,
    PlanUpload,
    check_plan_upload,
    import_plan_upload,
    list_plan_versions,
)

router = APIRouter(prefix="/api/v1/file-plan", tags=["file plan"])
Reader = Annotated[Scope, requires(Permission.READ_RECORDS)]
Manager = Annotated[Scope, requires(Permission.MANAGE_FILE_PLAN)]
MAX_PLAN_BYTES = 10 * 1024 * 1024

PlanFile = Annotated[UploadFile, File(description="the plan: eakte-file-plan/1 JSON or CSV")]
PlanName = Annotated[str | None, Form(max_length=300, description="CSV: the plan's name")]
PlanVersion = Annotated[str | None, Form(max_length=100, description="CSV: the version label")]


@router.get("/versions", response_model=list[PlanVersionOut], summary="Imported plan versions")
def versions(session: SessionDep, scope: Reader) -> list[PlanVersionOut]:
    rows = list_plan_versions(session, scope)
    return [
        PlanVersionOut(
            id=row.id,
            name=row.name,
            version=row.version,
            sha256=row.sha256,
            imported_at=row.imported_at,
            imported_by=row.imported_by,
            active=index == 0,
        )
        for index, row in enumerate(rows)
    ]


@router.post(
    "/validation",
    response_model=PlanReportOut,
    summary="Check a plan file without importing it (dry run): the validation report",
)
async def validation(
    session: SessionDep,
    scope: Manager,
    file: PlanFile,
    name: PlanName = None,
    version: PlanVersion = None,
) -> PlanReportOut:
    upload = await _upload(file, name, version)
    return report_out(check_plan_upload(session, scope, upload))


@router.post(
    "/versions",
    response_model=PlanReportOut,
    status_code=status.HTTP_201_CREATED,
    summary="Import a plan file as the new active version (422 with the report if invalid)",
    responses={422: {"description": "the plan has errors; the problem carries the report"}},
)
async def import_version(
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
    file: PlanFile,
    name: PlanName = None,
    version: PlanVersion = None,
) -> PlanReportOut | JSONResponse:
    upload = await _upload(file, name, version)
    report = import_plan_upload(session, scope, upload, clock=container.clock)
    if not report.valid:
        count = len(report.errors)
        return problem(
            422,
            "Invalid file plan",
            f"the file plan has {count} error{'s' * (count != 1)}; nothing was imported",
            report=report_out(report).model_dump(mode="json"),
        )
    return report_out(report)


async def _upload(file: UploadFile, name: str | None, version: str | None) -> PlanUpload:
    content = await file.read(MAX_PLAN_BYTES + 1)
    if len(content) > MAX_PLAN_BYTES:
        raise InvalidInputError(f"a plan file may have at most {MAX_PLAN_BYTES} bytes")
    return PlanUpload(filename=file.filename or "", content=content, name=name, version=version)


def _finding(finding: Finding) -> FindingOut:
    return FindingOut(
        message=finding.message, line=finding.line, code=finding.code, field=finding.field
    )


def report_out(report: PlanReport) -> PlanReportOut:
    return PlanReportOut(
        valid=report.valid,
        format=report.format.value,
        name=report.name,
        version=report.version,
        items=report.items,
        leaves=report.leaves,
        added=report.added,
        removed=report.removed,
        errors=[_finding(f) for f in report.errors],
        warnings=[_finding(f) for f in report.warnings],
        version_id=report.version_id,
    )
