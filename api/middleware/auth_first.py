"""Authenticate before anything reads the request body; limit failed attempts per address.

Every request to a protected path is authenticated here, with the same
:func:`api.authentication.resolve_principal` the routes use (it caches the principal on
the request state, so the route's dependency does not authenticate twice).  A request
without valid credentials is answered before its body is read: a 2 GB upload without a
key costs one database query, not 2 GB of temporary files.

Failed authentications (401s, here or from a route) are counted per client address.
An address with ``limit`` failures in the last minute gets 429 with ``Retry-After`` for
every protected request and every request that carries credentials, without an attempt
to authenticate: guessing keys gets no faster than the limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

import anyio.to_thread
from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.authentication import resolve_principal
from api.cmis.errors import cmis_error_response, is_cmis_path
from api.errors import problem, status_for
from api.middleware.client_address import client_address
from api.middleware.failure_window import FailureWindow
from services.access.sessions import SESSION_COOKIE
from services.bootstrap import Container
from services.errors import EAkteError

UI_PREFIX = "/ui/"
SIGN_IN_PAGE = "/ui/anmelden"


class AuthFirstMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        container: Container,
        protected: Iterable[str],
        public: Iterable[str],
        failures: FailureWindow,
    ) -> None:
        self.app = app
        self.container = container
        self.protected = tuple(protected)
        """Path prefixes that need authentication (``/api/``)."""
        self.public = tuple(public)
        """Paths (and everything below them) exempt from it."""
        self.failures = failures
        self.trust_forwarded_for = container.settings.http.trust_forwarded_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        address = client_address(scope, trust_forwarded_for=self.trust_forwarded_for)
        protected = self.is_protected(scope["path"])
        if protected or _carries_credentials(conn):
            retry_after = self.failures.retry_after(address)
            if retry_after is not None:
                await _too_many(retry_after)(scope, receive, send)
                return
        if protected:
            try:
                await anyio.to_thread.run_sync(resolve_principal, self.container, conn)
            except EAkteError as exc:
                status = status_for(exc)
                if status == 401:
                    self.failures.record_failure(address)
                    if _is_page_visit(scope):
                        await _to_sign_in(scope)(scope, receive, send)
                        return
                if is_cmis_path(scope["path"]):  # CMIS clients expect the spec's JSON errors
                    await cmis_error_response(exc)(scope, receive, send)
                    return
                await problem(status, exc.title, exc.detail)(scope, receive, send)
                return

        async def send_counting_failures(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self.failures.record_failure(address)
            await send(message)

        await self.app(scope, receive, send_counting_failures)

    def is_protected(self, path: str) -> bool:
        if any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.public):
            return False
        return path.startswith(self.protected)


def _carries_credentials(conn: HTTPConnection) -> bool:
    headers = conn.headers
    return "authorization" in headers or "x-api-key" in headers or SESSION_COOKIE in conn.cookies


def _is_page_visit(scope: Scope) -> bool:
    return scope["method"] in {"GET", "HEAD"} and scope["path"].startswith(UI_PREFIX)


def _to_sign_in(scope: Scope) -> ASGIApp:
    """A browser opening a page without a session goes to the sign-in page, and back."""
    target = scope["path"]
    if scope.get("query_string"):
        target += "?" + scope["query_string"].decode("latin-1")
    return RedirectResponse(f"{SIGN_IN_PAGE}?next={quote(target)}", status_code=303)


def _too_many(retry_after: int) -> ASGIApp:
    response = problem(
        429,
        "Too many failed authentications",
        f"too many failed authentications from this address; try again in {retry_after} s",
    )
    response.headers["Retry-After"] = str(retry_after)
    return response
