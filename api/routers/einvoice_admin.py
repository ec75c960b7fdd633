"""Leitweg-ID routes and the adoption of annual accounts (the KomHVO retention event)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response, status

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.schemas.einvoice_admin import AdoptionIn, AdoptionOut, RouteIn, RouteOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.db.models import LeitwegRoute
from services.einvoice.accounts import record_adoption
from services.einvoice.routes import list_routes, remove_route, set_route

router = APIRouter(prefix="/api/v1", tags=["e-invoices"])
Reader = Annotated[Scope, requires(Permission.READ_RECORDS)]
Configurer = Annotated[Scope, requires(Permission.MANAGE_FILE_PLAN)]
Manager = Annotated[Scope, requires(Permission.MANAGE_RETENTION)]


@router.get("/leitweg-routes", response_model=list[RouteOut], summary="Leitweg-ID routes")
def routes(session: SessionDep, _: Reader) -> list[RouteOut]:
    return [_route_out(route) for route in list_routes(session)]


@router.put("/leitweg-routes/{leitweg_id}", response_model=RouteOut, summary="Set a route")
def put_route(
    leitweg_id: str,
    body: RouteIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Configurer,
) -> RouteOut:
    route = set_route(
        session,
        leitweg_id,
        org_unit=body.org_unit,
        retention_rule=body.retention_rule,
        description=body.description,
        actor=scope.actor,
        clock=container.clock,
    )
    return _route_out(route)


@router.delete(
    "/leitweg-routes/{leitweg_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
def delete_route(
    leitweg_id: str, session: WriteSessionDep, container: ContainerDep, scope: Configurer
) -> Response:
    remove_route(session, leitweg_id, actor=scope.actor, clock=container.clock)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/annual-accounts/{fiscal_year}",
    response_model=AdoptionOut,
    summary="Record that the council adopted the annual accounts (starts KomHVO retention)",
)
def adopt(
    fiscal_year: int,
    body: AdoptionIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> AdoptionOut:
    count = record_adoption(
        session, fiscal_year, body.adopted_on, actor=scope.actor, clock=container.clock
    )
    return AdoptionOut(fiscal_year=fiscal_year, adopted_on=body.adopted_on, invoices=count)


def _route_out(route: LeitwegRoute) -> RouteOut:
    return RouteOut(
        leitweg_id=route.leitweg_id,
        org_unit=route.org_unit,
        retention_rule=route.retention_rule,
        description=route.description,
        updated_at=route.updated_at,
        updated_by=route.updated_by,
    )
