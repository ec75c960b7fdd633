"""/ui/verwaltung/aktenplan: the active file plan as a tree, its versions, and the import.

Everyone who reads records sees the plan (as the API's ``GET /api/v1/file-plan``); the
import form appears with ``manage_file_plan``.  The page's script checks an uploaded file
with ``POST /api/v1/file-plan/validation`` (dry run) and imports it with
``POST /api/v1/file-plan/versions``; both answer with the validation report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep
from api.ui.page import PageDep
from file_plan import FilePlan
from services.access.roles import Permission
from services.records.file_plans import active_plan
from services.records.plan_upload import list_plan_versions

router = APIRouter(include_in_schema=False)


@dataclass
class PlanNode:
    code: str
    title: str
    unit: str | None
    unit_title: str | None
    retention: str | None
    archive_value: str | None
    confidentiality: str | None
    children: list[PlanNode] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return "plan-" + self.code.replace(".", "-")


def plan_tree(plan: FilePlan) -> list[PlanNode]:
    """The plan's items nested under their parents, in plan order."""
    nodes: dict[str, PlanNode] = {}
    roots: list[PlanNode] = []
    for item in plan.items:
        if item.code in nodes:
            continue
        retention = plan.effective_retention(item.code)
        archive = plan.effective_archive_value(item.code)
        unit = plan.effective_org_unit(item.code)
        node = PlanNode(
            code=item.code,
            title=item.title,
            unit=unit,
            unit_title=plan.org_units.get(unit) if unit else None,
            retention=retention.describe() if retention else None,
            archive_value=archive.label if archive else None,
            confidentiality=plan.effective_confidentiality(item.code),
        )
        nodes[item.code] = node
        parent = nodes.get(item.parent) if item.parent else None
        (parent.children if parent else roots).append(node)
    return roots


@router.get("/ui/verwaltung/aktenplan", response_class=HTMLResponse)
def file_plan_page(
    page: PageDep,
    session: SessionDep,
    importiert: Annotated[int | None, Query()] = None,
) -> HTMLResponse:
    page.scope.require(Permission.READ_RECORDS)
    plan = active_plan(session)
    versions = list_plan_versions(session, page.scope)
    active_version = versions[0] if versions else None
    just_imported = active_version is not None and importiert == active_version.id
    return page.render(
        "admin/file_plan.html",
        title="Aktenplan",
        plan=plan,
        tree=plan_tree(plan),
        versions=versions,
        just_imported=just_imported,
        may_import=page.can(Permission.MANAGE_FILE_PLAN),
    )
