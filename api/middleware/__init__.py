"""What every HTTP request passes before and after it reaches a route.

From the outside in: security headers (on every response, errors included), CORS
(only for the configured origins), authentication first (and the limit on failed
attempts), the body size limit.  Authentication comes before the size limit so that a
caller without credentials learns nothing but 401, and both come before any route reads
a byte of the body.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from api.middleware.auth_first import AuthFirstMiddleware
from api.middleware.body_limit import BodyLimitMiddleware, BodyLimits
from api.middleware.docs import DOCS_PATH, install_docs
from api.middleware.failure_window import FailureWindow
from api.middleware.security_headers import SecurityHeadersMiddleware
from services.bootstrap import Container

PROTECTED_PREFIXES = ("/api/", "/cmis/", "/ui/")
PUBLIC_PATHS = (
    "/api/v1/health",
    DOCS_PATH,
    "/openapi.json",
    "/auth/",
    "/ui/anmelden",
    "/ui/static",
)
"""Exempt from authentication here (and everything below them); a route may still ask."""
CORS_HEADERS = ("Authorization", "Content-Type", "X-API-Key", "X-CSRF-Token", "X-Filename")


def install_middleware(app: FastAPI, container: Container) -> None:
    """Add the middleware and the offline API docs to ``app`` (created with ``docs_url=None``)."""
    http = container.settings.http
    install_docs(app)
    # add_middleware puts each one outside those added before it.
    app.add_middleware(BodyLimitMiddleware, limits=BodyLimits.from_settings(container.settings))
    app.add_middleware(
        AuthFirstMiddleware,
        container=container,
        protected=PROTECTED_PREFIXES,
        public=PUBLIC_PATHS,
        failures=FailureWindow(http.auth_failures_per_minute),
    )
    if http.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=http.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=list(CORS_HEADERS),
            expose_headers=["Retry-After", "ETag", "Content-Disposition", "Location"],
            max_age=600,
        )
    app.add_middleware(
        SecurityHeadersMiddleware, docs_prefix=DOCS_PATH, trust_forwarded=http.trust_forwarded_for
    )
