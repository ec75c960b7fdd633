"""The authorization code flow with PKCE, and RP-initiated logout: URLs and the exchange."""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import httpx

from services.access.oidc.discovery import ProviderMetadata
from services.access.oidc.state import SignInState
from services.errors import AuthenticationError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Client:
    """eakte as the provider's client."""

    client_id: str
    client_secret: str | None
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class TokenResponse:
    id_token: str
    access_token: str | None


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(meta: ProviderMetadata, client: Client, state: SignInState) -> str:
    if meta.code_challenge_methods and "S256" not in meta.code_challenge_methods:
        # Providers that do not list the methods may still do PKCE; one that lists
        # others only would ignore the challenge silently.
        raise AuthenticationError("the sign-in provider does not support PKCE with S256")
    scopes = list(client.scopes)
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    return _with_query(
        meta.authorization_endpoint,
        {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": state.redirect_uri,
            "scope": " ".join(scopes),
            "state": state.state,
            "nonce": state.nonce,
            "code_challenge": pkce_challenge(state.code_verifier),
            "code_challenge_method": "S256",
        },
    )


def exchange_code(
    http: httpx.Client, meta: ProviderMetadata, client: Client, code: str, state: SignInState
) -> TokenResponse:
    """Trade the authorization code for tokens (client_secret_basic, else _post)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": state.redirect_uri,
        "code_verifier": state.code_verifier,
    }
    headers = {"Accept": "application/json"}
    secret = client.client_secret
    if secret is None:
        form["client_id"] = client.client_id
    elif "client_secret_basic" in meta.token_endpoint_auth_methods:
        # RFC 6749 2.3.1: both parts are form-encoded before the Basic encoding.
        pair = f"{quote(client.client_id, safe='')}:{quote(secret, safe='')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    else:
        form.update(client_id=client.client_id, client_secret=secret)
    try:
        response = http.post(meta.token_endpoint, data=form, headers=headers)
    except httpx.HTTPError as exc:
        log.warning("token endpoint unreachable: %s", exc)
        raise AuthenticationError("the sign-in provider cannot be reached") from None
    if response.status_code != 200:
        log.warning(
            "token endpoint refused the code: %s %s", response.status_code, response.text[:300]
        )
        raise AuthenticationError("the sign-in provider refused the sign-in; start again")
    try:
        body = response.json()
    except ValueError:
        raise AuthenticationError("the sign-in provider sent no JSON") from None
    id_token = body.get("id_token") if isinstance(body, dict) else None
    if not isinstance(id_token, str):
        raise AuthenticationError("the sign-in provider sent no ID token (is 'openid' a scope?)")
    access_token = body.get("access_token")
    return TokenResponse(
        id_token=id_token, access_token=access_token if isinstance(access_token, str) else None
    )


def end_session_url(
    meta: ProviderMetadata,
    client: Client,
    *,
    id_token_hint: str | None,
    post_logout_redirect_uri: str | None,
    state: str | None,
) -> str | None:
    """Where to send the browser to sign out at the provider too (RP-initiated logout)."""
    if meta.end_session_endpoint is None:
        return None
    params = {"client_id": client.client_id}
    if id_token_hint:
        params["id_token_hint"] = id_token_hint
    if post_logout_redirect_uri:
        params["post_logout_redirect_uri"] = post_logout_redirect_uri
        if state:
            params["state"] = state
    return _with_query(meta.end_session_endpoint, params)


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))
