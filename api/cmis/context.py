"""The :class:`CmisContext` of a request, shared by the Browser and AtomPub bindings.

The auth-first middleware has already authenticated the caller (HTTP Basic with an API
key as password, a bearer API key or OpenID Connect token, or a session); this builds
the caller's scope in the request's unit of work and hands services everything they
need.  Every CMIS call needs ``read_documents``: a key without it gets
``permissionDenied`` for the whole repository.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.requests import HTTPConnection

from api.authentication import resolve_principal
from services.access.roles import Permission
from services.access.scope import Scope, build_scope
from services.bootstrap import Container
from services.cmis.model import CmisContext
from services.db.session import unit_of_work


def container_of(conn: HTTPConnection) -> Container:
    container: Container = conn.app.state.container
    return container


@contextmanager
def cmis_context(conn: HTTPConnection, *, write: bool) -> Iterator[CmisContext]:
    """A context around one unit of work: committed when the block succeeds.

    ``write`` for every change and for audited content reads (on SQLite a write unit
    takes the database's write lock from its start, so reads should not ask for it).
    Runs blocking database work: call it from a worker thread, not the event loop.
    """
    container = container_of(conn)
    principal = resolve_principal(container, conn)
    with unit_of_work(container.session_factory, write=write) as session:
        scope: Scope | None = getattr(conn.state, "scope", None)
        if scope is None:
            today = container.clock.now().date()
            scope = build_scope(session, principal, container.roles, today=today)
            conn.state.scope = scope
        scope.require(Permission.READ_DOCUMENTS)
        yield CmisContext(
            session=session,
            scope=scope,
            store=container.store,
            search=container.search,
            settings=container.settings,
            clock=container.clock,
            repository_id=container.settings.cmis.repository_id,
        )
