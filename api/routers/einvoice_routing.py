"""Routing an e-invoice that waits at the Rechnungseingangsstelle to its unit by hand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.dependencies import ContainerDep, WriteSessionDep, requires
from api.presenters_einvoice import einvoice_out
from api.schemas.einvoice_routing import EInvoiceRoutingIn
from api.schemas.einvoices import EInvoiceOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.einvoice.rerouting import route_einvoice
from services.records.file_plans import active_plan

router = APIRouter(prefix="/api/v1/einvoices", tags=["e-invoices"])
Reviewer = Annotated[Scope, requires(Permission.REVIEW)]


@router.post(
    "/{einvoice_id}/routing",
    response_model=EInvoiceOut,
    summary="Assign an unrouted invoice to a unit (decides its review task)",
)
def route(
    einvoice_id: str,
    body: EInvoiceRoutingIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Reviewer,
) -> EInvoiceOut:
    invoice = route_einvoice(
        session,
        scope,
        active_plan(session),
        einvoice_id,
        body.org_unit,
        remember_route=body.remember_route,
        settings=container.settings,
        clock=container.clock,
    )
    return einvoice_out(invoice)
