"""API keys for technical clients (scanning stations, specialist procedures); admins only."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, status

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.schemas.keys import KeyCreatedOut, KeyCreateIn, KeyOut, KeyRotationIn
from services.access.confidentiality import Confidentiality
from services.access.roles import Permission
from services.access.scope import Scope
from services.auth.key_admin import issue_key, rotate_key, withdraw_key
from services.auth.keys import NewKey, list_keys
from services.db.models import ApiKey

router = APIRouter(prefix="/api/v1/keys", tags=["keys"])
Admin = Annotated[Scope, requires(Permission.MANAGE_KEYS)]


def _out(key: ApiKey) -> KeyOut:
    return KeyOut.model_validate(key, from_attributes=True)


@router.get("", response_model=list[KeyOut])
def keys(session: SessionDep, _: Admin) -> list[KeyOut]:
    return [_out(k) for k in list_keys(session)]


@router.post("", response_model=KeyCreatedOut, status_code=status.HTTP_201_CREATED)
def create(
    body: KeyCreateIn, session: WriteSessionDep, container: ContainerDep, scope: Admin
) -> KeyCreatedOut:
    clearance = body.clearance or container.settings.access.default_clearance
    created = issue_key(
        session,
        NewKey(
            name=body.name,
            role=body.role,
            org_unit=body.org_unit,
            clearance=Confidentiality.parse(clearance),
            expires_at=body.expires_at,
        ),
        roles=container.roles,
        actor=scope.actor,
        clock=container.clock,
    )
    return KeyCreatedOut(**_out(created.key).model_dump(), key=created.secret)


@router.post(
    "/{key_id}/rotation",
    response_model=KeyCreatedOut,
    status_code=status.HTTP_201_CREATED,
    summary="Issue a successor; the old key keeps working for the grace period",
)
def rotate(
    key_id: str,
    body: KeyRotationIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Admin,
) -> KeyCreatedOut:
    created = rotate_key(
        session,
        key_id,
        grace=timedelta(hours=body.grace_hours),
        expires_at=body.expires_at,
        actor=scope.actor,
        clock=container.clock,
    )
    return KeyCreatedOut(**_out(created.key).model_dump(), key=created.secret)


@router.delete("/{key_id}", response_model=KeyOut)
def revoke(key_id: str, session: WriteSessionDep, container: ContainerDep, scope: Admin) -> KeyOut:
    return _out(withdraw_key(session, key_id, actor=scope.actor, clock=container.clock))
