"""The Leitweg-ID mapping table: which organisational unit receives which invoices.

Edited by records managers through the API and the CLI; every change is audited.  An
invoice whose Leitweg-ID is not in the table goes to the review queue of the
Rechnungseingangsstelle.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.org_units import check_unit
from services.audit.trail import record_event
from services.db.models import LeitwegRoute, RetentionRule
from services.einvoice.leitweg import check_leitweg_id, normalize_leitweg_id
from services.errors import InvalidInputError, NotFoundError
from services.ports import Clock


def set_route(
    session: Session,
    leitweg_id: str,
    *,
    org_unit: str,
    retention_rule: RetentionRule | None,
    description: str | None,
    actor: str,
    clock: Clock,
) -> LeitwegRoute:
    """Create or change the route of a Leitweg-ID.

    A malformed Leitweg-ID is refused, and so is a unit the file plan does not list:
    invoices routed there would wait in a review queue nobody sees.
    """
    check = check_leitweg_id(leitweg_id)
    if not check.valid:
        reasons = "; ".join(problem.message_en for problem in check.problems)
        raise InvalidInputError(f"not a valid Leitweg-ID {leitweg_id!r}: {reasons}")
    if not org_unit.strip():
        raise InvalidInputError("a route needs an organisational unit")
    check_unit(session, org_unit.strip())
    key = normalize_leitweg_id(leitweg_id)
    route = session.get(LeitwegRoute, key)
    previous = route.org_unit if route else None
    if route is None:
        route = LeitwegRoute(
            leitweg_id=key, org_unit=org_unit.strip(), updated_at=clock.now(), updated_by=actor
        )
        session.add(route)
    route.org_unit = org_unit.strip()
    route.retention_rule = retention_rule.value if retention_rule else None
    route.description = description
    route.updated_at = clock.now()
    route.updated_by = actor
    session.flush()
    record_event(
        session,
        actor=actor,
        action="leitweg_route.set",
        object_type="leitweg_route",
        object_id=key,
        details={
            "org_unit": route.org_unit,
            "previous_org_unit": previous,
            "retention_rule": route.retention_rule,
        },
        clock=clock,
    )
    return route


def remove_route(session: Session, leitweg_id: str, *, actor: str, clock: Clock) -> None:
    key = normalize_leitweg_id(leitweg_id)
    route = session.get(LeitwegRoute, key)
    if route is None:
        raise NotFoundError(f"no route for Leitweg-ID {key}")
    record_event(
        session,
        actor=actor,
        action="leitweg_route.removed",
        object_type="leitweg_route",
        object_id=key,
        details={"org_unit": route.org_unit},
        clock=clock,
    )
    session.delete(route)


def list_routes(session: Session) -> list[LeitwegRoute]:
    return list(session.scalars(select(LeitwegRoute).order_by(LeitwegRoute.leitweg_id)))


def route_for(session: Session, leitweg_id: str | None) -> LeitwegRoute | None:
    if not leitweg_id:
        return None
    return session.get(LeitwegRoute, normalize_leitweg_id(leitweg_id))
