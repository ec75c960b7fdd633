"""OpenID Connect: provider discovery, token verification, browser sign-in and sign-out.

``discovery`` fetches and caches the provider's configuration and keys, ``tokens``
verifies JWTs, ``claims`` maps claims to roles, units and clearance, ``state`` and
``flow`` carry the authorization code flow with PKCE, and ``provider`` ties them together
as :class:`OpenIdConnect`, which :func:`build_provider` makes from the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy.orm import Session

from services.access.oidc.provider import OpenIdConnect, SignInResult, SignInStart
from services.access.oidc.state import SIGN_IN_COOKIE, SIGN_IN_SECONDS, SignInStateError
from services.access.principal import Principal
from services.access.roles import RoleCatalog
from services.db.models import Person
from services.ports import Clock
from services.settings import Settings


class OidcProvider(Protocol):
    def verify_access_token(self, token: str) -> Mapping[str, Any]:
        """The claims of a valid bearer access token; AuthenticationError otherwise."""
        ...

    def principal_for_claims(self, session: Session, claims: Mapping[str, Any]) -> Principal:
        """The person behind verified claims (created or updated; needs a writing session)."""
        ...

    def person_for_claims(
        self, session: Session, claims: Mapping[str, Any], *, login: bool
    ) -> Person: ...

    def begin_sign_in(self, *, redirect_uri: str, next_path: str) -> SignInStart: ...

    def close(self) -> None: ...

    def finish_sign_in(
        self,
        *,
        cookie: str | None,
        state: str | None,
        code: str | None,
        error: str | None,
        iss: str | None = None,
    ) -> SignInResult:
        """Verify the callback and the ID token; SignInStateError if not this browser's."""
        ...

    def end_session_url(self, *, id_token_hint: str | None, state: str | None) -> str | None: ...


def build_provider(settings: Settings, roles: RoleCatalog, clock: Clock) -> OidcProvider | None:
    """The configured provider, or None without ``EAKTE_OIDC__ISSUER``.

    Nothing is fetched here: discovery happens at the first sign-in or token, so eakte
    starts while the provider is down.
    """
    if settings.oidc.issuer is None:
        return None
    return OpenIdConnect(settings, roles, clock)


__all__ = [
    "SIGN_IN_COOKIE",
    "SIGN_IN_SECONDS",
    "OidcProvider",
    "OpenIdConnect",
    "SignInResult",
    "SignInStart",
    "SignInStateError",
    "build_provider",
]
