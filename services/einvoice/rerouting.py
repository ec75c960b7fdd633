"""Assigning an invoice that waits at the Rechnungseingangsstelle to its unit by hand.

An accepted invoice whose Leitweg-ID is missing, malformed or unknown lies in the review
queue of the receiving unit (:mod:`services.einvoice.outcome`).  Routing it by hand does
what the automatic routing would have done for that unit (a Vorgang of its own in the
year's Sammelakte of the invoice code, the invoice's unit and retention rule) and
decides its review task through :func:`services.classification.review.decide_task`, so
the same checks apply as in the Postkorb: only who sees the queue may decide, and only
into an Akte they may change (the mail room routes unfiled mail anywhere).

Optionally the Leitweg-ID is remembered as a route, so that the supplier's next invoice
finds its way alone; that needs the permission to configure routes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from file_plan import FilePlan
from services.access.org_units import check_unit
from services.access.roles import Permission
from services.access.scope import Scope
from services.audit.trail import record_event
from services.classification.review import ReviewDecision, decide_task
from services.db.models import EInvoice, EInvoiceStatus, ReviewStatus, ReviewTask
from services.einvoice.queries import get_einvoice
from services.einvoice.routes import set_route
from services.errors import ConflictError, InvalidInputError
from services.ports import Clock
from services.records.akten import general_akte, unit_of_code
from services.records.vorgaenge import create_vorgang
from services.settings import Settings


def route_einvoice(
    session: Session,
    scope: Scope,
    plan: FilePlan,
    einvoice_id: str,
    org_unit: str,
    *,
    remember_route: bool,
    settings: Settings,
    clock: Clock,
) -> EInvoice:
    """Assign a waiting invoice to ``org_unit`` and file it; return the invoice."""
    invoice = get_einvoice(session, scope, einvoice_id)
    unit = check_unit(session, org_unit.strip())
    receiving = settings.einvoice.receiving_unit
    if unit == receiving:
        raise InvalidInputError(f"the invoice already waits at {receiving}; choose another unit")
    task = _waiting_task(session, invoice, receiving)
    remembered = None
    if remember_route:
        scope.require(Permission.MANAGE_FILE_PLAN)
        if not (invoice.leitweg_id and invoice.leitweg_valid):
            raise InvalidInputError("only a valid Leitweg-ID can be remembered as a route")
        route = set_route(
            session,
            invoice.leitweg_id,
            org_unit=unit,
            retention_rule=None,
            description=f"beim Zuordnen von Rechnung {invoice.invoice_number or invoice.id}",
            actor=scope.actor,
            clock=clock,
        )
        remembered = route.leitweg_id
    code = settings.einvoice.file_plan_code
    akte = general_akte(session, plan, code, clock=clock)
    title = f"Rechnung {invoice.invoice_number or invoice.id}"
    vorgang = create_vorgang(session, akte, title, actor=scope.actor, clock=clock)
    decide_task(
        session,
        scope,
        plan,
        task.id,
        ReviewDecision(action="correct", code=code, vorgang_id=vorgang.id),
        settings=settings,
        clock=clock,
    )
    invoice.org_unit = unit
    invoice.updated_at = clock.now()
    record_event(
        session,
        actor=scope.actor,
        action="einvoice.routed",
        object_type="einvoice",
        object_id=invoice.id,
        details={
            "org_unit": unit,
            "from": receiving,
            "aktenzeichen": akte.aktenzeichen,
            "vorgang": vorgang.number,
            "leitweg_route": remembered,
        },
        clock=clock,
    )
    return invoice


def may_route(scope: Scope, plan: FilePlan, settings: Settings) -> bool:
    """Whether :func:`route_einvoice` would let the caller file a waiting invoice.

    Deciding the review task needs the permission to review; filing into the invoice
    code's Sammelakte needs the mail room's right to route unfiled mail, or a unit that
    the Sammelakte belongs to.
    """
    if not scope.may(Permission.REVIEW):
        return False
    return scope.unfiled_mail or scope.in_units(
        unit_of_code(plan, settings.einvoice.file_plan_code)
    )


def _waiting_task(session: Session, invoice: EInvoice, receiving: str) -> ReviewTask:
    """The open review task of an accepted invoice still parked at ``receiving``."""
    if invoice.status != EInvoiceStatus.ACCEPTED or invoice.org_unit != receiving:
        raise ConflictError(
            f"e-invoice {invoice.id} does not wait for routing (status {invoice.status}, "
            f"unit {invoice.org_unit or '-'})"
        )
    task = session.scalar(
        select(ReviewTask).where(
            ReviewTask.document_id == invoice.document_id,
            ReviewTask.status == ReviewStatus.OPEN,
        )
    )
    if task is None:
        raise ConflictError(f"e-invoice {invoice.id} has no open review task; it was filed")
    return task
