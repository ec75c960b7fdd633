"""Persons who signed in through OpenID Connect: local assignment and disabling; admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.schemas.persons import AssignmentIn, ClearanceOut, DisabledIn, PersonOut
from services.access.confidentiality import Confidentiality
from services.access.persons import (
    assign_locally,
    get_person,
    list_persons,
    reset_assignment,
    set_disabled,
)
from services.access.roles import Permission
from services.access.scope import Scope
from services.db.models import Person

router = APIRouter(prefix="/api/v1/persons", tags=["persons"])
Admin = Annotated[Scope, requires(Permission.MANAGE_KEYS)]


def clearance_out(code: str) -> ClearanceOut:
    level = Confidentiality(code)
    return ClearanceOut(code=level.value, label=level.label)


def person_out(person: Person) -> PersonOut:
    return PersonOut(
        id=person.id,
        issuer=person.issuer,
        subject=person.subject,
        name=person.name,
        email=person.email,
        roles=list(person.roles),
        org_units=list(person.org_units),
        clearance=clearance_out(person.clearance),
        assignment=person.assignment,
        created_at=person.created_at,
        last_login_at=person.last_login_at,
        disabled_at=person.disabled_at,
    )


@router.get("", response_model=list[PersonOut])
def persons(session: SessionDep, _: Admin) -> list[PersonOut]:
    return [person_out(p) for p in list_persons(session)]


@router.get("/{person_id}", response_model=PersonOut)
def person(person_id: str, session: SessionDep, _: Admin) -> PersonOut:
    return person_out(get_person(session, person_id))


@router.put("/{person_id}/assignment", response_model=PersonOut)
def assign(
    person_id: str,
    body: AssignmentIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Admin,
) -> PersonOut:
    """Set roles, units and clearance in eakte; the provider's claims stop changing them."""
    return person_out(
        assign_locally(
            session,
            person_id,
            roles=body.roles,
            org_units=body.org_units,
            clearance=body.clearance,
            catalog=container.roles,
            actor=scope.actor,
            clock=container.clock,
        )
    )


@router.post("/{person_id}/assignment/reset", response_model=PersonOut)
def reset(
    person_id: str, session: WriteSessionDep, container: ContainerDep, scope: Admin
) -> PersonOut:
    """Follow the provider's claims again, from the person's next sign-in or token."""
    return person_out(
        reset_assignment(session, person_id, actor=scope.actor, clock=container.clock)
    )


@router.put("/{person_id}/disabled", response_model=PersonOut)
def disable(
    person_id: str,
    body: DisabledIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Admin,
) -> PersonOut:
    """Disable (ends the person's browser sessions; tokens are refused) or enable again."""
    return person_out(
        set_disabled(session, person_id, body.disabled, actor=scope.actor, clock=container.clock)
    )
