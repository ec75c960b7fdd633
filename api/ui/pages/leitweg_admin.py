"""/ui/verwaltung/leitweg: which unit receives the e-invoices of which Leitweg-ID.

Readers of records see the routes (as ``GET /api/v1/leitweg-routes``); with
``manage_file_plan`` the page's script adds, changes and removes them through
``PUT``/``DELETE /api/v1/leitweg-routes/{leitweg_id}``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep
from api.ui.page import PageDep
from services.access.roles import Permission
from services.db.models import RetentionRule
from services.einvoice.route_queries import routes_for
from services.records.file_plans import active_plan

router = APIRouter(include_in_schema=False)

RETENTION_RULES = {
    RetentionRule.KOMHVO.value: "KomHVO (Haushalt der Gemeinde)",
    RetentionRule.AO.value: "AO (wirtschaftliche Tätigkeit)",
}


@router.get("/ui/verwaltung/leitweg", response_class=HTMLResponse)
def leitweg_page(page: PageDep, session: SessionDep) -> HTMLResponse:
    routes = routes_for(session, page.scope)
    plan = active_plan(session)
    return page.render(
        "admin/leitweg.html",
        title="Leitweg-IDs",
        routes=routes,
        units=sorted(plan.org_units.items()),
        unit_titles=plan.org_units,
        rules=RETENTION_RULES,
        may_change=page.can(Permission.MANAGE_FILE_PLAN),
    )
