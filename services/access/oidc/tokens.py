"""Verifying the provider's JWTs: bearer access tokens and ID tokens.

The algorithm comes from the token's header, which an attacker writes, so it is checked
against an allow-list of asymmetric algorithms before anything else: ``none`` and the
HMAC algorithms never pass (with HS256 a forger would "sign" with the provider's public
key as the secret).  The key comes from the provider's JWKS by ``kid`` and must be of
the algorithm's key type.  Times are judged by eakte's clock, with a small leeway for
clock skew between the provider and us.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection, Mapping
from typing import Any

import jwt
from jwt.exceptions import (
    DecodeError,
    InvalidAudienceError,
    InvalidIssuerError,
    InvalidSignatureError,
    MissingRequiredClaimError,
    PyJWTError,
)

from services.access.oidc.discovery import ProviderDirectory
from services.errors import AuthenticationError, ConfigurationError
from services.ports import Clock

ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
LEEWAY_SECONDS = 60
MAX_TOKEN_BYTES = 16 * 1024
ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt", "jwt"})
"""``typ`` headers an access token may carry (RFC 9068; many providers write ``JWT``)."""


def allowed_algorithms(configured: Collection[str]) -> frozenset[str]:
    """The configured algorithms, refusing a configuration that names a symmetric one."""
    refused = sorted(a for a in configured if a not in ASYMMETRIC_ALGORITHMS)
    if refused:
        raise ConfigurationError(
            f"EAKTE_OIDC__ALGORITHMS: {', '.join(refused)} not accepted; use asymmetric "
            f"algorithms only ({', '.join(sorted(ASYMMETRIC_ALGORITHMS))})"
        )
    if not configured:
        raise ConfigurationError("EAKTE_OIDC__ALGORITHMS must name at least one algorithm")
    return frozenset(configured)


class TokenVerifier:
    """Checks signature, issuer, audience and times of the provider's JWTs."""

    def __init__(
        self,
        directory: ProviderDirectory,
        *,
        algorithms: Collection[str],
        clock: Clock,
        leeway: int = LEEWAY_SECONDS,
    ) -> None:
        self._directory = directory
        self._algorithms = allowed_algorithms(algorithms)
        self._clock = clock
        self._leeway = leeway

    def access_token(self, token: str, *, audiences: Collection[str]) -> dict[str, Any]:
        """The claims of a bearer access token meant for one of ``audiences``."""
        header = self._header(token)
        typ = header.get("typ")
        if typ is not None and str(typ).lower() not in ACCESS_TOKEN_TYPES:
            raise AuthenticationError("the token is not an access token")
        return self._verify(token, header, audiences=audiences)

    def id_token(self, token: str, *, client_id: str, nonce: str) -> dict[str, Any]:
        """The claims of an ID token from our own sign-in (OpenID Connect Core 3.1.3.7)."""
        claims = self._verify(token, self._header(token), audiences=[client_id])
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
            raise AuthenticationError("the ID token was issued to another client")
        presented = claims.get("nonce")
        if not isinstance(presented, str) or not hmac.compare_digest(presented, nonce):
            raise AuthenticationError("the ID token does not belong to this sign-in (nonce)")
        return claims

    def _header(self, token: str) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_BYTES:
            raise AuthenticationError("the token is too long")
        try:
            header = jwt.get_unverified_header(token)
        except PyJWTError:
            raise AuthenticationError("the token is not a well-formed JWT") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._algorithms:
            raise AuthenticationError(
                "the token's signature algorithm is not accepted "
                f"(accepted: {', '.join(sorted(self._algorithms))})"
            )
        if "crit" in header:
            raise AuthenticationError("the token has critical header parameters eakte ignores")
        return header

    def _verify(
        self, token: str, header: Mapping[str, Any], *, audiences: Collection[str]
    ) -> dict[str, Any]:
        alg: str = header["alg"]
        kid = header.get("kid")
        key = self._directory.signing_key(kid if isinstance(kid, str) else None, alg)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.jwk.key,
                algorithms=[alg],
                audience=list(audiences),
                issuer=self._directory.issuer,
                options={
                    "require": ["iss", "sub", "aud", "exp", "iat"],
                    # Times are checked below, by our clock.
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except InvalidSignatureError:
            raise AuthenticationError("the token's signature is not valid") from None
        except InvalidAudienceError:
            raise AuthenticationError("the token is not meant for eakte (audience)") from None
        except InvalidIssuerError:
            raise AuthenticationError("the token comes from another issuer") from None
        except MissingRequiredClaimError as exc:
            raise AuthenticationError(f"the token lacks the {exc.claim!r} claim") from None
        except DecodeError:
            raise AuthenticationError("the token is not a well-formed JWT") from None
        except PyJWTError:
            raise AuthenticationError("the token is not valid") from None
        self._check_times(claims)
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise AuthenticationError("the token names no subject")
        return claims

    def _check_times(self, claims: Mapping[str, Any]) -> None:
        now = self._clock.now().timestamp()
        exp, iat, nbf = (_number(claims, name) for name in ("exp", "iat", "nbf"))
        if exp is None or iat is None or (nbf is None and "nbf" in claims):
            raise AuthenticationError("the token's exp, iat and nbf must be numbers")
        if now > exp + self._leeway:
            raise AuthenticationError("the token has expired")
        if iat > now + self._leeway:
            raise AuthenticationError("the token is issued in the future")
        if nbf is not None and nbf > now + self._leeway:
            raise AuthenticationError("the token is not valid yet")


def _number(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
