"""Key management against a running server (REST) or on the local data directory.

Both return the REST API's JSON shapes (``KeyOut``, ``KeyCreatedOut``), so the commands
print the same either way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from api.cli.actor import cli_actor
from api.cli.server import ServerClient
from api.schemas.keys import KeyCreatedOut, KeyOut
from services.access.confidentiality import Confidentiality
from services.auth.key_admin import issue_key, rotate_key, withdraw_key
from services.auth.keys import CreatedKey, NewKey, list_keys
from services.bootstrap import Container
from services.db.models import ApiKey
from services.db.session import unit_of_work


class KeyBackend(Protocol):
    def create(
        self,
        *,
        name: str,
        role: str,
        org_unit: str | None,
        clearance: str | None,
        expires_at: datetime | None,
    ) -> dict[str, Any]: ...

    def all(self) -> list[dict[str, Any]]: ...

    def revoke(self, key_id: str) -> dict[str, Any]: ...

    def rotate(
        self, key_id: str, *, grace: timedelta, expires_at: datetime | None
    ) -> dict[str, Any]: ...


class RemoteKeys:
    """``/api/v1/keys`` of the server at ``base_url``, as the admin whose key is given."""

    def __init__(self, base_url: str, api_key: str, *, timeout: float = 30.0) -> None:
        self._server = ServerClient(base_url, api_key, timeout=timeout)

    def create(
        self,
        *,
        name: str,
        role: str,
        org_unit: str | None,
        clearance: str | None,
        expires_at: datetime | None,
    ) -> dict[str, Any]:
        body = {
            "name": name,
            "role": role,
            "org_unit": org_unit,
            "clearance": clearance,
            "expires_at": expires_at.isoformat() if expires_at else None,
        }
        return self._server.json("POST", "/api/v1/keys", json=body)

    def all(self) -> list[dict[str, Any]]:
        keys: list[dict[str, Any]] = self._server.request("GET", "/api/v1/keys").json()
        return keys

    def revoke(self, key_id: str) -> dict[str, Any]:
        return self._server.json("DELETE", f"/api/v1/keys/{key_id}")

    def rotate(
        self, key_id: str, *, grace: timedelta, expires_at: datetime | None
    ) -> dict[str, Any]:
        body = {
            "grace_hours": grace.total_seconds() / 3600,
            "expires_at": expires_at.isoformat() if expires_at else None,
        }
        return self._server.json("POST", f"/api/v1/keys/{key_id}/rotation", json=body)


class LocalKeys:
    """The keys in the local data directory's database, as the operating-system user."""

    def __init__(self, container: Container) -> None:
        self._container = container

    def create(
        self,
        *,
        name: str,
        role: str,
        org_unit: str | None,
        clearance: str | None,
        expires_at: datetime | None,
    ) -> dict[str, Any]:
        container = self._container
        level = Confidentiality.parse(clearance or container.settings.access.default_clearance)
        with unit_of_work(container.session_factory) as session:
            created = issue_key(
                session,
                NewKey(name, role, org_unit, level, expires_at),
                roles=container.roles,
                actor=cli_actor(),
                clock=container.clock,
            )
            return _created_out(created)

    def all(self) -> list[dict[str, Any]]:
        with unit_of_work(self._container.session_factory, write=False) as session:
            return [_key_out(key) for key in list_keys(session)]

    def revoke(self, key_id: str) -> dict[str, Any]:
        with unit_of_work(self._container.session_factory) as session:
            key = withdraw_key(session, key_id, actor=cli_actor(), clock=self._container.clock)
            return _key_out(key)

    def rotate(
        self, key_id: str, *, grace: timedelta, expires_at: datetime | None
    ) -> dict[str, Any]:
        with unit_of_work(self._container.session_factory) as session:
            created = rotate_key(
                session,
                key_id,
                grace=grace,
                expires_at=expires_at,
                actor=cli_actor(),
                clock=self._container.clock,
            )
            return _created_out(created)


def _key_out(key: ApiKey) -> dict[str, Any]:
    return KeyOut.model_validate(key, from_attributes=True).model_dump(mode="json")


def _created_out(created: CreatedKey) -> dict[str, Any]:
    return KeyCreatedOut(**_key_out(created.key), key=created.secret).model_dump(mode="json")
