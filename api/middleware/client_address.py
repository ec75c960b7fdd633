"""The address a request came from, as far as it can be trusted."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import Scope


def client_address(scope: Scope, *, trust_forwarded_for: bool) -> str:
    """The peer's IP address, or behind a trusted reverse proxy the one it saw.

    With ``trust_forwarded_for`` the *last* ``X-Forwarded-For`` entry counts: the one the
    proxy appended.  Earlier entries come from the client and can be anything.
    """
    if trust_forwarded_for:
        forwarded = Headers(scope=scope).getlist("x-forwarded-for")
        entries = [e.strip() for value in forwarded for e in value.split(",") if e.strip()]
        if entries:
            return entries[-1]
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
