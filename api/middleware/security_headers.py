"""Security headers on every response, errors and 404s included.

Headers a route set itself win (a download sets its own Content-Security-Policy and
Cache-Control), except ``X-Content-Type-Options``, which is always ``nosniff``.  An
exception that escapes the application is answered here with the usual 500
problem+json, so that it carries the headers too (Starlette's error middleware sits
outside every user middleware); it is then re-raised for the server to log.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem

CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""No inline script anywhere; /docs loads its scripts from this server (see docs.py)."""
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""Swagger UI sets style attributes and uses data: images; its scripts stay 'self'."""
HSTS = "max-age=31536000; includeSubDomains"
_COMMON = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
_NO_STORE_PREFIXES = ("/api/", "/auth/", "/openapi.json")


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, docs_prefix: str, trust_forwarded: bool) -> None:
        self.app = app
        self.docs_prefix = docs_prefix
        self.trust_forwarded = trust_forwarded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                self._add(MutableHeaders(scope=message), scope)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if not started:
                response = problem(
                    500,
                    "Internal server error",
                    "an unexpected error occurred; see the server log",
                )
                await response(scope, receive, send_with_headers)
            raise

    def _add(self, headers: MutableHeaders, scope: Scope) -> None:
        path: str = scope.get("path", "")
        headers["X-Content-Type-Options"] = "nosniff"
        for name, value in _COMMON.items():
            headers.setdefault(name, value)
        is_docs = path == self.docs_prefix or path.startswith(self.docs_prefix + "/")
        headers.setdefault("Content-Security-Policy", DOCS_CSP if is_docs else CSP)
        if path.startswith(_NO_STORE_PREFIXES):
            headers.setdefault("Cache-Control", "no-store")
        if is_https(scope, trust_forwarded=self.trust_forwarded):
            headers.setdefault("Strict-Transport-Security", HSTS)


def is_https(scope: Scope, *, trust_forwarded: bool) -> bool:
    """Whether the client's connection is TLS: directly, or at a trusted reverse proxy."""
    if scope.get("scheme") == "https":
        return True
    if not trust_forwarded:
        return False
    forwarded = Headers(scope=scope).get("x-forwarded-proto", "")
    return forwarded.split(",")[0].strip().lower() == "https"
