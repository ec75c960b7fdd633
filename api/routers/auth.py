"""Browser sign-in through OpenID Connect: login, callback, logout, and who is signed in.

Cookies after a sign-in: see :mod:`api.session_cookies`.  The web UI echoes the CSRF
cookie in ``X-CSRF-Token`` on every POST, PUT, PATCH and DELETE; a page of another site
can neither read it nor set the header.  Between /auth/login and /auth/callback:

- ``eakte_signin``: only between /auth/login and /auth/callback; sealed state, nonce and
  PKCE verifier (see :mod:`services.access.oidc.state`).
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.authentication import CSRF_HEADER
from api.dependencies import ContainerDep, PrincipalDep
from api.errors import problem
from api.routers.persons import clearance_out
from api.schemas.persons import MeOut
from api.session_cookies import clear_session_cookies, set_session_cookies
from services.access.oidc import SIGN_IN_COOKIE, SIGN_IN_SECONDS, OidcProvider, SignInStateError
from services.access.sessions import (
    SESSION_COOKIE,
    close_session,
    open_session,
    principal_for_session,
)
from services.bootstrap import Container
from services.db.session import unit_of_work
from services.errors import AuthenticationError, NotFoundError

router = APIRouter(prefix="/auth", tags=["sign-in"])

SIGN_IN_PATH = "/auth"


def _provider(container: Container) -> OidcProvider:
    if container.oidc is None:
        raise NotFoundError("single sign-on is not configured (EAKTE_OIDC__ISSUER)")
    return container.oidc


def local_path(target: str | None) -> str:
    """``target`` if it is a path on this server, else ``/`` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return "/"  # browsers read "/\evil.example" as "//evil.example"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


@router.get("/login", status_code=302, response_class=RedirectResponse)
def login(
    request: Request,
    container: ContainerDep,
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """Send the browser to the provider; it comes back to /auth/callback."""
    oidc = _provider(container)
    redirect_uri = container.settings.oidc.redirect_url or str(request.url_for("auth_callback"))
    start = oidc.begin_sign_in(redirect_uri=redirect_uri, next_path=local_path(next))
    response = RedirectResponse(start.url, status_code=302)
    response.set_cookie(
        SIGN_IN_COOKIE,
        start.cookie,
        max_age=SIGN_IN_SECONDS,
        path=SIGN_IN_PATH,
        secure=True,
        httponly=True,
        # Lax: the provider's redirect back is a top-level GET from another site.
        samesite="lax",
    )
    return response


@router.get("/callback", name="auth_callback", status_code=303, response_class=RedirectResponse)
def callback(
    request: Request,
    container: ContainerDep,
    state: Annotated[str | None, Query(max_length=500)] = None,
    code: Annotated[str | None, Query(max_length=2000)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
    iss: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """Finish the sign-in: check state, exchange the code, verify the ID token, open a session."""
    oidc = _provider(container)
    try:
        result = oidc.finish_sign_in(
            cookie=request.cookies.get(SIGN_IN_COOKIE),
            state=state,
            code=code,
            error=error,
            iss=iss,
        )
        with unit_of_work(container.session_factory) as session:
            person = oidc.person_for_claims(session, result.claims, login=True)
            previous = request.cookies.get(SESSION_COOKIE)
            if previous:
                close_session(session, previous)  # never reuse a session across sign-ins
            opened = open_session(
                session,
                person,
                id_token=result.id_token,
                hours=container.settings.oidc.session_hours,
                clock=container.clock,
            )
    except SignInStateError as exc:
        return _without_sign_in_cookie(problem(400, exc.title, exc.detail))
    except AuthenticationError as exc:
        return _without_sign_in_cookie(problem(401, exc.title, exc.detail))
    response = _without_sign_in_cookie(RedirectResponse(result.next_path, status_code=303))
    set_session_cookies(
        response,
        opened,
        max_age=int(container.settings.oidc.session_hours * 3600),
    )
    return response


@router.post("/logout", status_code=303, response_class=RedirectResponse)
def logout(request: Request, container: ContainerDep) -> Response:
    """End the session (needs ``X-CSRF-Token``) and sign out at the provider too.

    Answers 303 to the provider's end-session endpoint (with ``id_token_hint``), or to
    ``/`` without one.  A script that sends ``Accept: application/json`` gets 200 with
    ``{"redirect_to": ...}`` instead, since ``fetch`` cannot follow a redirect to
    another site and show it.
    """
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise AuthenticationError("you are not signed in")
    with unit_of_work(container.session_factory) as session:
        principal_for_session(
            session,
            token,
            csrf_token=request.headers.get(CSRF_HEADER),
            check_csrf=True,
            clock=container.clock,
        )
        ended = close_session(session, token)
    target = None
    if container.oidc is not None:
        target = container.oidc.end_session_url(
            id_token_hint=ended.id_token if ended is not None else None,
            state=secrets.token_urlsafe(16),
        )
    target = target or "/"
    accept = request.headers.get("accept", "")
    response: Response
    if "application/json" in accept and "text/html" not in accept:
        response = JSONResponse({"redirect_to": target})
    else:
        response = RedirectResponse(target, status_code=303)
    clear_session_cookies(response)
    return response


@router.get("/me", response_model=MeOut)
def me(principal: PrincipalDep, container: ContainerDep) -> MeOut:
    """Who is signed in (or whose API key this is), with roles, units and clearance."""
    return MeOut(
        id=principal.id,
        kind=principal.kind.value,
        name=principal.name,
        roles=sorted(principal.roles),
        org_units=sorted(principal.org_units),
        clearance=clearance_out(principal.clearance.value),
        permissions=sorted(p.value for p in container.roles.permissions(principal)),
    )


def _without_sign_in_cookie(response: Response) -> Response:
    response.delete_cookie(
        SIGN_IN_COOKIE, path=SIGN_IN_PATH, secure=True, httponly=True, samesite="lax"
    )
    return response
