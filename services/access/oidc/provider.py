"""eakte's OpenID Connect relying party: bearer tokens, browser sign-in, sign-out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality
from services.access.oidc.claims import ClaimMapping
from services.access.oidc.discovery import ProviderDirectory
from services.access.oidc.flow import (
    Client,
    authorization_url,
    end_session_url,
    exchange_code,
)
from services.access.oidc.state import SignInState, SignInStateError, StateSealer
from services.access.oidc.tokens import TokenVerifier
from services.access.org_units import known_units
from services.access.persons import principal_of_person, sign_in_person
from services.access.principal import Principal
from services.access.roles import RoleCatalog
from services.db.models import Person
from services.errors import AuthenticationError, ConfigurationError
from services.ports import Clock
from services.settings import Settings

HTTP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class SignInStart:
    url: str
    """The provider's authorization URL, with state, nonce and PKCE challenge."""
    cookie: str
    """The sealed :class:`SignInState`, for the sign-in cookie."""


@dataclass(frozen=True)
class SignInResult:
    claims: dict[str, Any]
    """The verified ID token's claims."""
    id_token: str
    next_path: str


class OpenIdConnect:
    """One configured provider; built once per process, shared between threads."""

    def __init__(
        self,
        settings: Settings,
        roles: RoleCatalog,
        clock: Clock,
        *,
        http: httpx.Client | None = None,
        refetch_seconds: float = 30.0,
    ) -> None:
        oidc = settings.oidc
        if oidc.issuer is None or oidc.client_id is None:
            raise ConfigurationError("EAKTE_OIDC__ISSUER needs EAKTE_OIDC__CLIENT_ID")
        self._settings = settings
        self._clock = clock
        self._http = http or httpx.Client(timeout=HTTP_TIMEOUT_SECONDS, follow_redirects=False)
        self.issuer = oidc.issuer
        secret = oidc.client_secret.get_secret_value() if oidc.client_secret else None
        self._client = Client(
            client_id=oidc.client_id, client_secret=secret, scopes=tuple(oidc.scopes)
        )
        self._audiences = [oidc.audience or oidc.client_id]
        self._directory = ProviderDirectory(
            oidc.issuer,
            self._http,
            cache_seconds=oidc.jwks_cache_seconds,
            refetch_seconds=refetch_seconds,
        )
        self._verifier = TokenVerifier(self._directory, algorithms=oidc.algorithms, clock=clock)
        self._mapping = ClaimMapping(
            oidc, roles, Confidentiality.parse(settings.access.default_clearance)
        )
        self._sealer = StateSealer(secret, clock)

    # -- bearer tokens -----------------------------------------------------------------

    def verify_access_token(self, token: str) -> Mapping[str, Any]:
        return self._verifier.access_token(token, audiences=self._audiences)

    def principal_for_claims(self, session: Session, claims: Mapping[str, Any]) -> Principal:
        return principal_of_person(self.person_for_claims(session, claims, login=False))

    def person_for_claims(
        self, session: Session, claims: Mapping[str, Any], *, login: bool
    ) -> Person:
        """The person behind verified claims (created at the first sign-in)."""
        if claims.get("iss") != self.issuer or not isinstance(claims.get("sub"), str):
            raise AuthenticationError("the claims were not verified for this provider")
        profile = self._mapping.profile(claims, known_units(session))
        return sign_in_person(
            session,
            issuer=self.issuer,
            subject=claims["sub"],
            name=profile.name,
            email=profile.email,
            assignment=(profile.roles, profile.org_units, profile.clearance),
            login=login,
            clock=self._clock,
        )

    # -- browser sign-in ---------------------------------------------------------------

    def begin_sign_in(self, *, redirect_uri: str, next_path: str) -> SignInStart:
        state = SignInState.new(redirect_uri=redirect_uri, next_path=next_path, clock=self._clock)
        url = authorization_url(self._directory.metadata(), self._client, state)
        return SignInStart(url=url, cookie=self._sealer.seal(state))

    def finish_sign_in(
        self,
        *,
        cookie: str | None,
        state: str | None,
        code: str | None,
        error: str | None,
        iss: str | None = None,
    ) -> SignInResult:
        """Check the callback against this browser's sign-in, exchange the code, verify.

        :class:`SignInStateError` when the callback is not ours (a 400), and
        :class:`AuthenticationError` when the provider or its tokens refuse (a 401).
        """
        started = self._sealer.open(cookie)
        if not started.matches(state):
            raise SignInStateError("the sign-in's state does not match; start again")
        if iss is not None and iss != self.issuer:
            # RFC 9207: an answer relayed from another provider (mix-up attack).
            raise SignInStateError("the sign-in answer comes from another provider")
        if error is not None:
            raise AuthenticationError(f"the sign-in provider refused the sign-in ({error[:60]})")
        if not code:
            raise SignInStateError("the provider sent no authorization code")
        meta = self._directory.metadata()
        tokens = exchange_code(self._http, meta, self._client, code, started)
        claims = self._verifier.id_token(
            tokens.id_token, client_id=self._client.client_id, nonce=started.nonce
        )
        return SignInResult(claims=claims, id_token=tokens.id_token, next_path=started.next_path)

    def end_session_url(self, *, id_token_hint: str | None, state: str | None) -> str | None:
        """The provider's sign-out URL, or None when it offers none (or is unreachable)."""
        try:
            meta = self._directory.metadata()
        except AuthenticationError:
            return None
        return end_session_url(
            meta,
            self._client,
            id_token_hint=id_token_hint,
            post_logout_redirect_uri=self._settings.oidc.post_logout_redirect_url,
            state=state,
        )

    def close(self) -> None:
        self._http.close()
