from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.schemas.keys import KeyCreatedOut, KeyCreateIn, KeyOut
from services.auth.keys import Principal, create_key, list_keys, revoke_key
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
    body: KeyCreateIn, session: WriteSessionDep, container: ContainerDep, _: Admin
) -> KeyCreatedOut:
    created = create_key(
        session, name=body.name, role=body.role, org_unit=body.org_unit, clock=container.clock
    )
    return KeyCreatedOut(**_out(created.key).model_dump(), key=created.secret)


@router.delete("/{key_id}", response_model=KeyOut)
def revoke(key_id: str, session: WriteSessionDep, container: ContainerDep, _: Admin) -> KeyOut:
    return _out(revoke_key(session, key_id, clock=container.clock))
