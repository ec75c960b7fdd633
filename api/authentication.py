"""Who is calling: an API key, an OpenID Connect bearer token, or a browser session.

:func:`resolve_principal` is the single entry point; the auth-first middleware calls it
before any request body is read, and the ``PrincipalDep`` dependency reuses its result.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from services.access.principal import Principal
from services.access.sessions import SESSION_COOKIE, principal_for_session
from services.auth.keys import authenticate, looks_like_key, needs_use_recorded, record_use
from services.bootstrap import Container
from services.db.session import unit_of_work
from services.errors import AuthenticationError, PermissionDeniedError

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "X-CSRF-Token"


def presented_credential(conn: HTTPConnection) -> str | None:
    """The bearer token, the HTTP Basic password (an API key) or ``X-API-Key``, if any.

    HTTP Basic is for technical users of clients that know nothing else (CMIS
    connectors): the user name is free, the password must be an API key.
    """
    authorization = conn.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if scheme.lower() == "basic" and value.strip():
        return _basic_key(value.strip())
    header_key = conn.headers.get("x-api-key", "").strip()
    return header_key or None


def _is_basic(conn: HTTPConnection) -> bool:
    return conn.headers.get("authorization", "").partition(" ")[0].lower() == "basic"


def _refuse_cross_site(conn: HTTPConnection) -> None:
    """Refuse a change with HTTP Basic credentials that another site's page sent.

    Browsers resend Basic credentials by themselves once a person typed them in (after a
    401 asking for Basic), so such a change would be cross-site request forgery.  Bearer
    tokens and keys in headers are never resent so.
    """
    if not sent_by_this_site(conn):
        raise PermissionDeniedError(
            "a change sent by another site's page is not accepted with HTTP Basic credentials"
        )


def _basic_key(encoded: str) -> str:
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationError("malformed HTTP Basic credentials") from None
    _, separator, password = decoded.partition(":")
    if not separator or not looks_like_key(password):
        raise AuthenticationError("HTTP Basic needs an eakte API key as the password")
    return password.strip()


def resolve_principal(container: Container, conn: HTTPConnection) -> Principal:
    """Authenticate the request; :class:`AuthenticationError` when it cannot be."""
    cached: Principal | None = getattr(conn.state, "principal", None)
    if cached is not None:
        return cached
    principal = _resolve(container, conn)
    conn.state.principal = principal
    return principal


def sent_by_this_site(conn: HTTPConnection) -> bool:
    """Whether a browser says this request comes from our own pages (or from no page).

    Browsers name the origin of a request in ``Sec-Fetch-Site``; older ones only in
    ``Origin`` (``null`` under our ``Referrer-Policy: no-referrer``, hence refused).
    Clients that are not browsers send neither: nothing another site could have forged.
    """
    fetch_site = conn.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}
    origin = conn.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == conn.url.netloc


def _resolve(container: Container, conn: HTTPConnection) -> Principal:
    presented = presented_credential(conn)
    if presented is not None:
        if _is_basic(conn) and conn.scope.get("method") in UNSAFE_METHODS:
            _refuse_cross_site(conn)
        if looks_like_key(presented):
            return _by_key(container, presented)
        return _by_token(container, presented)
    cookie = conn.cookies.get(SESSION_COOKIE)
    if cookie:
        csrf = conn.headers.get(CSRF_HEADER) if conn.scope.get("method") in UNSAFE_METHODS else None
        with unit_of_work(container.session_factory, write=False) as session:
            return principal_for_session(
                session,
                cookie,
                csrf_token=csrf,
                check_csrf=conn.scope.get("method") in UNSAFE_METHODS,
                clock=container.clock,
            )
    raise AuthenticationError(
        "authentication is required: sign in, or send 'Authorization: Bearer <key or token>', "
        "'X-API-Key: <key>' or HTTP Basic with the key as password"
    )


def _by_key(container: Container, presented: str) -> Principal:
    with unit_of_work(container.session_factory, write=False) as session:
        principal = authenticate(session, presented, container.clock)
    if needs_use_recorded(principal, container.clock):
        with unit_of_work(container.session_factory) as session:
            record_use(session, principal.id, container.clock)
    return principal


def _by_token(container: Container, token: str) -> Principal:
    if container.oidc is None:
        raise AuthenticationError(
            "not an API key, and single sign-on is not configured (EAKTE_OIDC__ISSUER)"
        )
    claims = container.oidc.verify_access_token(token)
    with unit_of_work(container.session_factory) as session:
        return container.oidc.principal_for_claims(session, claims)
