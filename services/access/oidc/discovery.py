"""The provider's published configuration and signing keys, fetched and cached.

Discovery reads ``{issuer}/.well-known/openid-configuration`` once (and again after the
cache time); the JWKS is cached for ``jwks_cache_seconds``.  A token whose ``kid`` is not
in the cache makes us fetch the JWKS again, because that is how a key rotation at the
provider shows: but at most once per ``refetch_seconds``, so that a stream of tokens with
made-up key ids cannot turn eakte into a load generator against the provider.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from jwt import PyJWK
from jwt.exceptions import PyJWTError

from services.errors import AuthenticationError

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 512 * 1024
_FAMILIES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}
"""Key type (``kty``) by the first letters of a JWS algorithm."""


class ProviderUnavailableError(AuthenticationError):
    """The provider's configuration or keys could not be fetched."""

    title = "Sign-in provider unavailable"


@dataclass(frozen=True)
class SigningKey:
    """A public key from the JWKS, with what its JWK says about its use."""

    kid: str | None
    kty: str
    alg: str | None
    """The JWK's own ``alg``; None: any algorithm of its type."""
    jwk: PyJWK

    def suits(self, alg: str) -> bool:
        if self.alg is not None and self.alg != alg:
            return False
        return _FAMILIES.get(alg[:2]) == self.kty


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of the discovery document that eakte uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    token_endpoint_auth_methods: tuple[str, ...]
    code_challenge_methods: tuple[str, ...]

    @classmethod
    def parse(cls, document: Mapping[str, Any], expected_issuer: str) -> ProviderMetadata:
        # OpenID Connect Discovery 1.0, section 4.3: the issuer must be exactly ours,
        # else a document served elsewhere could redirect us to foreign keys.
        if document.get("issuer") != expected_issuer:
            raise ProviderUnavailableError(
                "the provider's discovery document names another issuer than "
                "EAKTE_OIDC__ISSUER; check the setting (exact match, trailing slash included)"
            )
        try:
            return cls(
                issuer=expected_issuer,
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                jwks_uri=str(document["jwks_uri"]),
                end_session_endpoint=_optional_str(document.get("end_session_endpoint")),
                token_endpoint_auth_methods=tuple(
                    document.get("token_endpoint_auth_methods_supported")
                    or ("client_secret_basic",)
                ),
                code_challenge_methods=tuple(
                    document.get("code_challenge_methods_supported") or ()
                ),
            )
        except KeyError as exc:
            raise ProviderUnavailableError(
                f"the provider's discovery document lacks {exc.args[0]}"
            ) from None


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


class ProviderDirectory:
    """Discovery document and JWKS of one issuer, cached; safe to share between threads."""

    def __init__(
        self,
        issuer: str,
        http: httpx.Client,
        *,
        cache_seconds: float,
        refetch_seconds: float = 30.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._issuer = issuer
        self._http = http
        self._cache_seconds = cache_seconds
        self._refetch_seconds = refetch_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._metadata: ProviderMetadata | None = None
        self._metadata_at = 0.0
        self._keys: list[SigningKey] = []
        self._keys_at: float | None = None
        self._forced_at: float | None = None

    @property
    def issuer(self) -> str:
        return self._issuer

    def metadata(self) -> ProviderMetadata:
        with self._lock:
            return self._current_metadata()

    def signing_key(self, kid: str | None, alg: str) -> SigningKey:
        """The provider's key for a token header, refetching the JWKS for a new ``kid``."""
        with self._lock:
            now = self._monotonic()
            stale = self._keys_at is None or now - self._keys_at >= self._cache_seconds
            if stale:
                self._refresh_keys(now, keep_stale=self._keys_at is not None)
            key = self._select(kid, alg)
            # Just fetched, a second fetch would show the same keys.
            if key is None and not stale and self._may_force(now):
                log.info("unknown signing key id %r: fetching the provider's JWKS again", kid)
                self._forced_at = now
                self._refresh_keys(now, keep_stale=True)
                key = self._select(kid, alg)
        if key is None:
            raise AuthenticationError("the token is signed with a key the provider does not list")
        return key

    def _may_force(self, now: float) -> bool:
        return self._forced_at is None or now - self._forced_at >= self._refetch_seconds

    def _select(self, kid: str | None, alg: str) -> SigningKey | None:
        candidates = [
            key for key in self._keys if (kid is None or key.kid == kid) and key.suits(alg)
        ]
        # Without a kid, only an unambiguous key will do.
        return candidates[0] if len(candidates) == 1 else None

    def _current_metadata(self) -> ProviderMetadata:
        now = self._monotonic()
        if self._metadata is None or now - self._metadata_at >= self._cache_seconds:
            try:
                # Discovery 1.0, 4.1: the issuer without a trailing slash, then the path.
                base = self._issuer.rstrip("/")
                document = self._get_json(f"{base}/.well-known/openid-configuration")
                self._metadata = ProviderMetadata.parse(document, self._issuer)
                self._metadata_at = now
            except ProviderUnavailableError:
                if self._metadata is None:
                    raise
                log.warning("keeping the cached discovery document of %s", self._issuer)
        return self._metadata

    def _refresh_keys(self, now: float, *, keep_stale: bool) -> None:
        try:
            document = self._get_json(self._current_metadata().jwks_uri)
            keys = _signing_keys(document)
        except ProviderUnavailableError:
            if not keep_stale:
                raise
            log.warning("keeping the cached signing keys of %s", self._issuer)
            return
        self._keys = keys
        self._keys_at = now

    def _get_json(self, url: str) -> Mapping[str, Any]:
        try:
            response = self._http.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            log.warning("OpenID Connect provider unreachable at %s: %s", url, exc)
            raise ProviderUnavailableError("the sign-in provider cannot be reached") from None
        if response.status_code != 200 or len(response.content) > MAX_DOCUMENT_BYTES:
            log.warning("OpenID Connect provider answered %s at %s", response.status_code, url)
            raise ProviderUnavailableError("the sign-in provider gave no usable answer")
        try:
            document = response.json()
        except json.JSONDecodeError:
            raise ProviderUnavailableError("the sign-in provider sent no JSON") from None
        if not isinstance(document, dict):
            raise ProviderUnavailableError("the sign-in provider sent no JSON object")
        return document


def _signing_keys(document: Mapping[str, Any]) -> list[SigningKey]:
    """The JWKS's signature keys; keys PyJWT cannot use are left out."""
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise ProviderUnavailableError("the provider's JWKS has no key list")
    keys: list[SigningKey] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        if "d" in entry or entry.get("kty") == "oct":
            # A published private or symmetric key is a provider misconfiguration; a
            # symmetric one would let anyone who reads the JWKS sign tokens.
            log.error("the provider publishes a private or symmetric key; ignoring it")
            continue
        try:
            jwk = PyJWK.from_dict(entry)
        except (PyJWTError, ValueError, KeyError, TypeError) as exc:
            log.info("skipping JWKS entry %d: %s", index, exc)
            continue
        kid, alg = entry.get("kid"), entry.get("alg")
        keys.append(
            SigningKey(
                kid=kid if isinstance(kid, str) else None,
                kty=str(entry.get("kty")),
                alg=alg if isinstance(alg, str) else None,
                jwk=jwk,
            )
        )
    return keys
