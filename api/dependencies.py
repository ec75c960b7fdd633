"""Request-scoped dependencies: the container, a database session, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from services.auth.keys import Principal, authenticate, needs_use_recorded, record_use
from services.auth.permissions import Permission, require
from services.bootstrap import Container
from services.db.session import unit_of_work
from services.errors import AuthenticationError

_bearer = HTTPBearer(auto_error=False, description="API key as bearer token")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key")


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_session(container: ContainerDep) -> Iterator[Session]:
    """A read session for the request (routes that write open their own unit of work)."""
    with unit_of_work(container.session_factory, write=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_principal(
    container: ContainerDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header_key: Annotated[str | None, Depends(_header)],
) -> Principal:
    presented = bearer.credentials if bearer else header_key
    if not presented:
        raise AuthenticationError(
            "an API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
        )
    with unit_of_work(container.session_factory, write=False) as session:
        principal = authenticate(session, presented)
    if needs_use_recorded(principal, container.clock):
        with unit_of_work(container.session_factory) as session:
            record_use(session, principal.key_id, container.clock)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_write_session(container: ContainerDep, _: PrincipalDep) -> Iterator[Session]:
    """A session committed when the handler succeeds, else rolled back.

    It depends on the caller being resolved first: on SQLite the session holds the write
    lock from its start, and recording the key's use needs that lock too.
    """
    with unit_of_work(container.session_factory) as session:
        yield session


WriteSessionDep = Annotated[Session, Depends(get_write_session)]


def requires(permission: Permission) -> object:
    def check(principal: PrincipalDep) -> Principal:
        require(principal, permission)
        return principal

    return Depends(check)
