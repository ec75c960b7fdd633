"""The browser sign-in, end to end: eakte's app and the real oidc-provider on 127.0.0.1.

The app runs in the test client at https://testserver (so that httpx keeps and sends
the Secure cookies); the person's browser at the provider is a second httpx client with
its own cookies.  Nothing of the provider is mocked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from services.access.oidc.flow import pkce_challenge
from services.bootstrap import Container, build_container, prepare
from tests.fixtures.app import make_settings
from tests.fixtures.oidc_provider import (
    APP_BASE,
    CLIENT_ID,
    POST_LOGOUT_URI,
    REDIRECT_URI,
    OidcTestProvider,
)


@dataclass
class App:
    container: Container
    client: TestClient
    admin_key: str

    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_key}"}


@pytest.fixture
def eakte(tmp_path: Path, oidc_provider: OidcTestProvider) -> Iterator[App]:
    settings = make_settings(tmp_path / "data", oidc=oidc_provider.settings())
    container = build_container(settings)
    key = prepare(container, migrate=True)
    assert key is not None
    app = create_app(container, run_workers=False)
    with TestClient(app, base_url=APP_BASE, follow_redirects=False) as client:
        yield App(container=container, client=client, admin_key=key.secret)
    container.close()


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Set-Cookie headers by cookie name, as sent (attributes included)."""
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


def sign_in(
    eakte: App, provider: OidcTestProvider, login: str = "anna", *, next_path: str = "/"
) -> httpx.Response:
    """Login at eakte, sign in at the provider, come back: the callback's response."""
    start = eakte.client.get("/auth/login", params={"next": next_path})
    assert start.status_code == 302, start.text
    with provider.browser() as browser:
        back = provider.authorize(browser, start.headers["location"], login)
    assert back.startswith(REDIRECT_URI + "?"), back
    response: httpx.Response = eakte.client.get(back.removeprefix(APP_BASE))
    return response


@pytest.fixture
def browser(oidc_provider: OidcTestProvider) -> Iterator[httpx.Client]:
    """The person's browser at the provider (its own cookies)."""
    with oidc_provider.browser() as client:
        yield client


def test_sign_in_with_pkce_session_cookie_csrf_and_logout(
    eakte: App, oidc_provider: OidcTestProvider, browser: httpx.Client
) -> None:
    client = eakte.client
    start = client.get("/auth/login", params={"next": "/api/v1/persons"})
    assert start.status_code == 302
    location = urlsplit(start.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == oidc_provider.issuer
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43  # BASE64URL(SHA-256), never the verifier
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert "openid" in query["scope"].split()
    sign_in_cookie = set_cookies(start)["eakte_signin"].lower()
    for attribute in ("httponly", "secure", "samesite=lax", "path=/auth"):
        assert attribute in sign_in_cookie
    assert query["state"] not in sign_in_cookie  # sealed, not readable

    back = oidc_provider.authorize(browser, start.headers["location"], "bernd")
    done = client.get(back.removeprefix(APP_BASE))
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/api/v1/persons"
    cookies = set_cookies(done)
    session_cookie = cookies["eakte_session"].lower()
    for attribute in ("httponly", "secure", "samesite=lax", "path=/"):
        assert attribute in session_cookie
    csrf_cookie = cookies["eakte_csrf"].lower()
    assert "secure" in csrf_cookie and "samesite=strict" in csrf_cookie
    assert "httponly" not in csrf_cookie  # the page reads it to echo it
    assert 'eakte_signin=""' in cookies["eakte_signin"]  # the sign-in cookie is cleared
    session_token = client.cookies["eakte_session"]
    csrf = client.cookies["eakte_csrf"]

    me = client.get("/auth/me")
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["kind"] == "person"
    assert body["name"] == "Bernd Admin"
    assert body["roles"] == ["admin"] and body["org_units"] == ["10"]
    assert body["clearance"]["code"] == "003"
    listed = client.get("/api/v1/persons")
    assert listed.status_code == 200
    assert [p["subject"] for p in listed.json()] == ["bernd"]
    person_id = body["id"]

    unsafe = f"/api/v1/persons/{person_id}/assignment/reset"
    refused = client.post(unsafe)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "CSRF" in refused.json()["detail"]
    assert client.post(unsafe, headers={"X-CSRF-Token": csrf + "x"}).status_code == 403
    assert client.post(unsafe, headers={"X-CSRF-Token": csrf}).status_code == 200

    assert client.post("/auth/logout").status_code == 403  # logout needs the token too
    out = client.post("/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 303, out.text
    end = urlsplit(out.headers["location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{oidc_provider.issuer}/session/end"
    end_query = {k: v[0] for k, v in parse_qs(end.query).items()}
    assert end_query["post_logout_redirect_uri"] == POST_LOGOUT_URI
    assert end_query["id_token_hint"].count(".") == 2
    assert end_query["client_id"] == CLIENT_ID
    cleared = set_cookies(out)
    assert 'eakte_session=""' in cleared["eakte_session"]
    assert 'eakte_csrf=""' in cleared["eakte_csrf"]

    # The provider accepts our id_token_hint, ends its own session, sends the browser back.
    after = oidc_provider.end_session(browser, out.headers["location"])
    assert after.startswith(POST_LOGOUT_URI)
    assert parse_qs(urlsplit(after).query)["state"] == [end_query["state"]]

    old = client.get("/auth/me", headers={"Cookie": f"eakte_session={session_token}"})
    assert old.status_code == 401
    assert client.get("/auth/me").status_code == 401  # the jar's cookie was cleared


def test_a_callback_with_a_wrong_state_or_from_another_browser_is_refused(
    eakte: App, oidc_provider: OidcTestProvider
) -> None:
    client = eakte.client
    start = client.get("/auth/login")
    with oidc_provider.browser() as browser:
        back = oidc_provider.authorize(browser, start.headers["location"], "anna")
    path = back.removeprefix(APP_BASE)
    state = parse_qs(urlsplit(back).query)["state"][0]
    tampered = ("y" if state.startswith("x") else "x") + state[1:]
    wrong = client.get(path.replace(state, tampered))
    assert wrong.status_code == 400, wrong.text
    assert wrong.headers["content-type"] == "application/problem+json"
    assert "state" in wrong.json()["detail"]
    assert "eakte_session" not in set_cookies(wrong)

    # The same answer relayed as if from another provider (RFC 9207 mix-up).
    start = client.get("/auth/login")
    with oidc_provider.browser() as browser:
        back = oidc_provider.authorize(browser, start.headers["location"], "anna")
    mixed = back.replace(
        quote(oidc_provider.issuer, safe=""), quote("https://idp.example", safe="")
    )
    assert mixed != back
    refused = client.get(mixed.removeprefix(APP_BASE))
    assert refused.status_code == 400 and "another provider" in refused.json()["detail"]

    # An attacker's callback URL opened in a victim's browser (no sign-in cookie there).
    with TestClient(client.app, base_url=APP_BASE, follow_redirects=False) as victim:
        foreign = victim.get(path)
    assert foreign.status_code == 400
    assert "eakte_session" not in set_cookies(foreign)

    # The sign-in cookie was cleared by the failed callback: the right state fails too.
    assert client.get(path).status_code == 400


def test_the_provider_refusing_or_a_code_used_twice_gives_401(
    eakte: App, oidc_provider: OidcTestProvider
) -> None:
    client = eakte.client
    start = client.get("/auth/login")
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    denied = client.get("/auth/callback", params={"state": state, "error": "access_denied"})
    assert denied.status_code == 401
    assert "access_denied" in denied.json()["detail"]

    start = client.get("/auth/login")
    with oidc_provider.browser() as browser:
        back = oidc_provider.authorize(browser, start.headers["location"], "anna")
    signin = start.cookies["eakte_signin"]
    assert client.get(back.removeprefix(APP_BASE)).status_code == 303
    replay = client.get(  # the same browser again: codes are single-use
        back.removeprefix(APP_BASE), headers={"Cookie": f"eakte_signin={signin}"}
    )
    assert replay.status_code == 401, replay.text


@pytest.mark.parametrize(
    "target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_next_is_only_ever_a_local_path(
    eakte: App, oidc_provider: OidcTestProvider, target: str
) -> None:
    done = sign_in(eakte, oidc_provider, next_path=target)
    assert done.status_code == 303
    assert done.headers["location"] == "/"


def test_api_clients_use_the_access_token_and_admins_assign_persons_locally(
    eakte: App, oidc_provider: OidcTestProvider
) -> None:
    client = eakte.client
    token = oidc_provider.login("anna").access_token
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert me.json()["roles"] == ["caseworker"]
    assert me.json()["org_units"] == ["63"]
    assert me.json()["clearance"]["code"] == "002"
    assert (
        client.get("/api/v1/persons", headers={"Authorization": f"Bearer {token}"}).status_code
        == 403
    )
    person_id = me.json()["id"]

    url = f"/api/v1/persons/{person_id}"
    unknown = client.put(
        f"{url}/assignment",
        json={"roles": ["superuser"], "org_units": ["63"], "clearance": "003"},
        headers=eakte.admin(),
    )
    assert unknown.status_code == 422 and "superuser" in unknown.json()["detail"]
    bad_unit = client.put(
        f"{url}/assignment",
        json={"roles": ["auditor"], "org_units": ["99"], "clearance": "003"},
        headers=eakte.admin(),
    )
    assert bad_unit.status_code == 422
    assigned = client.put(
        f"{url}/assignment",
        json={"roles": ["auditor"], "org_units": ["32.3"], "clearance": "vertraulich"},
        headers=eakte.admin(),
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignment"] == "local"
    assert assigned.json()["clearance"] == {"code": "005", "label": "VS - Vertraulich"}

    done = sign_in(eakte, oidc_provider, "anna")
    assert done.status_code == 303
    me = client.get("/auth/me").json()
    assert (me["roles"], me["org_units"], me["clearance"]["code"]) == (["auditor"], ["32.3"], "005")

    disabled = client.put(f"{url}/disabled", json={"disabled": True}, headers=eakte.admin())
    assert disabled.status_code == 200 and disabled.json()["disabled_at"] is not None
    assert client.get("/auth/me").status_code == 401  # the session ended
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    refused = sign_in(eakte, oidc_provider, "anna")
    assert refused.status_code == 401

    events = client.get(
        "/api/v1/audit",
        params={"object_type": "person", "object_id": person_id},
        headers=eakte.admin(),
    )
    assert events.status_code == 200, events.text
    actions = {e["action"] for e in events.json()["items"]}
    assert {"person.created", "person.assigned", "person.disabled"} <= actions


def test_pkce_challenge_is_s256_of_the_verifier() -> None:
    # RFC 7636, appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_a_script_logging_out_gets_the_end_session_url_as_json(
    eakte: App, oidc_provider: OidcTestProvider
) -> None:
    client = eakte.client
    assert sign_in(eakte, oidc_provider, "carla").status_code == 303
    out = client.post(
        "/auth/logout",
        headers={"X-CSRF-Token": client.cookies["eakte_csrf"], "Accept": "application/json"},
    )
    assert out.status_code == 200, out.text
    assert out.json()["redirect_to"].startswith(f"{oidc_provider.issuer}/session/end?")
    assert client.get("/auth/me").status_code == 401
