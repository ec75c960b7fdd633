from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.schemas.keys import KeyCreatedOut, KeyCreateIn, KeyOut
from services.audit.trail import actor_of
from services.auth.key_admin import issue_key, withdraw_key
from services.auth.keys import Principal, list_keys
from services.auth.permissions import Permission
from services.db.models import ApiKey

router = APIRouter(prefix="/api/v1/keys", tags=["keys"])
Admin = Annotated[Principal, requires(Permission.MANAGE_KEYS)]


def _out(key: ApiKey) -> KeyOut:
    return KeyOut.model_validate(key, from_attributes=True)


@router.get("", response_model=list[KeyOut])
def keys(session: SessionDep, _: Admin) -> list[KeyOut]:
    return [_out(k) for k in list_keys(session)]


@router.post("", response_model=KeyCreatedOut, status_code=status.HTTP_201_CREATED)
def create(
    body: KeyCreateIn, session: WriteSessionDep, container: ContainerDep, principal: Admin
) -> KeyCreatedOut:
    created = issue_key(
        session,
        name=body.name,
        role=body.role,
        org_unit=body.org_unit,
        actor=actor_of(principal),
        clock=container.clock,
    )
    return KeyCreatedOut(**_out(created.key).model_dump(), key=created.secret)


@router.delete("/{key_id}", response_model=KeyOut)
def revoke(
    key_id: str, session: WriteSessionDep, container: ContainerDep, principal: Admin
) -> KeyOut:
    return _out(withdraw_key(session, key_id, actor=actor_of(principal), clock=container.clock))
