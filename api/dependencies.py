"""Request-scoped dependencies: the container, a database session, the caller, their scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPBearer
from sqlalchemy.orm import Session

from api.authentication import resolve_principal
from services.access.principal import Principal
from services.access.roles import Permission
from services.access.scope import Scope, build_scope
from services.bootstrap import Container
from services.db.session import unit_of_work

# Declared for the OpenAPI schema (the "Authorize" button); resolve_principal reads them.
_bearer = HTTPBearer(auto_error=False, description="API key or OpenID Connect access token")
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
    request: Request,
    container: ContainerDep,
    _bearer_credentials: Annotated[object, Depends(_bearer)],
    _header_key: Annotated[object, Depends(_header)],
) -> Principal:
    return resolve_principal(container, request)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_write_session(container: ContainerDep, _: PrincipalDep) -> Iterator[Session]:
    """A session committed when the handler succeeds, else rolled back.

    It depends on the caller being resolved first: on SQLite the session holds the write
    lock from its start, and recording the key's use needs that lock too.
    """
    with unit_of_work(container.session_factory) as session:
        yield session


WriteSessionDep = Annotated[Session, Depends(get_write_session, scope="function")]
"""Committed before the response is sent (``scope="function"``): a client that reads right
after a change sees it, and a failed commit is the client's error, not a lost 200."""


def get_scope(request: Request, container: ContainerDep, principal: PrincipalDep) -> Scope:
    """What the caller may do and see; built once per request."""
    cached: Scope | None = getattr(request.state, "scope", None)
    if cached is not None:
        return cached
    with unit_of_work(container.session_factory, write=False) as session:
        scope = build_scope(session, principal, container.roles, today=container.clock.now().date())
    request.state.scope = scope
    return scope


ScopeDep = Annotated[Scope, Depends(get_scope)]


def requires(permission: Permission) -> object:
    """A dependency giving the caller's scope after checking one permission."""

    def check(scope: ScopeDep) -> Scope:
        scope.require(permission)
        return scope

    return Depends(check)
