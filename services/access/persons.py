"""Persons: staff who sign in through OpenID Connect.

A person is created at their first sign-in.  While their assignment is ``claims``, every
sign-in (and every bearer token) sets roles, units and clearance from the provider's
claims; once an admin assigns them in eakte (``local``), the claims change only name and
e-mail.  Every creation and every change of what a person may see is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError as DatabaseIntegrityError
from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality
from services.access.org_units import check_unit
from services.access.principal import Principal, PrincipalKind
from services.access.roles import RoleCatalog
from services.audit.trail import record_event
from services.db.models import BrowserSession, Person
from services.db.models.access import Assignment
from services.errors import AuthenticationError, NotFoundError
from services.ports import Clock

LOGIN_RECORD_INTERVAL = timedelta(minutes=5)
"""Bearer tokens arrive with every API call; their use is recorded at most this often."""


def principal_of_person(person: Person) -> Principal:
    return Principal(
        id=person.id,
        kind=PrincipalKind.PERSON,
        name=person.name,
        roles=frozenset(person.roles),
        org_units=frozenset(person.org_units),
        clearance=Confidentiality(person.clearance),
        last_used_at=person.last_login_at,
    )


def sign_in_person(
    session: Session,
    *,
    issuer: str,
    subject: str,
    name: str,
    email: str | None,
    assignment: tuple[Sequence[str], Sequence[str], Confidentiality],
    login: bool,
    clock: Clock,
) -> Person:
    """The person behind verified claims, created or brought up to date.

    ``assignment`` is (roles, units, clearance) from the claims; it is applied unless an
    admin assigned the person locally.  ``login`` marks an interactive sign-in, which is
    always recorded; bearer tokens update ``last_login_at`` only now and then.
    """
    roles, units, clearance = sorted(set(assignment[0])), sorted(set(assignment[1])), assignment[2]
    now = clock.now()
    person = _find(session, issuer, subject)
    if person is None:
        person = Person(
            issuer=issuer,
            subject=subject,
            name=name,
            email=email,
            roles=roles,
            org_units=units,
            clearance=clearance.value,
            assignment=Assignment.CLAIMS.value,
            created_at=now,
            last_login_at=now,
        )
        try:
            with session.begin_nested():
                session.add(person)
        except DatabaseIntegrityError:
            # Two first requests of the same person at once (PostgreSQL): the other won.
            person = _find(session, issuer, subject)
            if person is None:
                raise
            return sign_in_person(
                session,
                issuer=issuer,
                subject=subject,
                name=name,
                email=email,
                assignment=assignment,
                login=login,
                clock=clock,
            )
        record_event(
            session,
            actor=principal_of_person(person).audit_name,
            action="person.created",
            object_type="person",
            object_id=person.id,
            details={"issuer": issuer, "subject": subject, "name": name, **_assignment(person)},
            clock=clock,
        )
        return person
    if person.disabled_at is not None:
        raise AuthenticationError("this account is disabled in eakte")
    if person.name != name:
        person.name = name
    if person.email != email:
        person.email = email
    if person.assignment == Assignment.CLAIMS.value:
        before = _assignment(person)
        if person.roles != roles:
            person.roles = roles
        if person.org_units != units:
            person.org_units = units
        if person.clearance != clearance.value:
            person.clearance = clearance.value
        after = _assignment(person)
        if after != before:
            record_event(
                session,
                actor=principal_of_person(person).audit_name,
                action="person.claims_applied",
                object_type="person",
                object_id=person.id,
                details={"before": before, "after": after},
                clock=clock,
            )
    last = person.last_login_at
    if login or last is None or now - last >= LOGIN_RECORD_INTERVAL:
        person.last_login_at = now
    session.flush()
    return person


def _find(session: Session, issuer: str, subject: str) -> Person | None:
    return session.scalars(
        select(Person).where(Person.issuer == issuer, Person.subject == subject)
    ).one_or_none()


def _assignment(person: Person) -> dict[str, Any]:
    return {
        "roles": list(person.roles),
        "org_units": list(person.org_units),
        "clearance": person.clearance,
        "assignment": person.assignment,
    }


def list_persons(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).order_by(Person.name, Person.id)))


def get_person(session: Session, person_id: str) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError(f"no person with id {person_id!r}")
    return person


def assign_locally(
    session: Session,
    person_id: str,
    *,
    roles: Iterable[str],
    org_units: Iterable[str],
    clearance: str,
    catalog: RoleCatalog,
    actor: str,
    clock: Clock,
) -> Person:
    """Set roles, units and clearance in eakte; the provider's claims no longer change them."""
    person = get_person(session, person_id)
    new_roles = sorted({catalog.check(r) for r in roles})
    new_units = sorted({check_unit(session, u) for u in org_units})
    level = Confidentiality.parse(clearance)
    before = _assignment(person)
    person.roles = new_roles
    person.org_units = new_units
    person.clearance = level.value
    person.assignment = Assignment.LOCAL.value
    session.flush()
    record_event(
        session,
        actor=actor,
        action="person.assigned",
        object_type="person",
        object_id=person.id,
        details={"before": before, "after": _assignment(person)},
        clock=clock,
    )
    return person


def reset_assignment(session: Session, person_id: str, *, actor: str, clock: Clock) -> Person:
    """Back to the provider's claims, which apply from the person's next sign-in."""
    person = get_person(session, person_id)
    if person.assignment != Assignment.CLAIMS.value:
        person.assignment = Assignment.CLAIMS.value
        session.flush()
        record_event(
            session,
            actor=actor,
            action="person.assignment_reset",
            object_type="person",
            object_id=person.id,
            details=_assignment(person),
            clock=clock,
        )
    return person


def set_disabled(
    session: Session, person_id: str, disabled: bool, *, actor: str, clock: Clock
) -> Person:
    """Disable (ending every browser session of the person) or enable a person."""
    person = get_person(session, person_id)
    if disabled == (person.disabled_at is not None):
        return person
    person.disabled_at = clock.now() if disabled else None
    if disabled:
        session.execute(delete(BrowserSession).where(BrowserSession.person_id == person.id))
    session.flush()
    record_event(
        session,
        actor=actor,
        action="person.disabled" if disabled else "person.enabled",
        object_type="person",
        object_id=person.id,
        details={"name": person.name},
        clock=clock,
    )
    return person
