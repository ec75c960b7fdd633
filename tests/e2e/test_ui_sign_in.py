"""Signing in to the web interface with an API key, and what ends such a session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.app import Service

BROWSER = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def browser(service: Service) -> Iterator[TestClient]:
    """A client without the admin key, over HTTPS (the session cookies are Secure)."""
    with TestClient(service.client.app, base_url="https://testserver") as client:
        yield client


def new_key(service: Service, role: str = "caseworker", org_unit: str | None = "63") -> dict:
    response = service.client.post(
        "/api/v1/keys", json={"name": f"{role} key", "role": role, "org_unit": org_unit}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def sign_in(client: TestClient, key: str, next_path: str = "/ui/akten") -> str:
    response = client.post(
        "/ui/anmelden",
        data={"api_key": key, "next": next_path},
        headers=BROWSER,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_a_key_opens_a_session_and_the_key_never_reaches_a_cookie(
    service: Service, browser: TestClient
) -> None:
    key = new_key(service)
    assert sign_in(browser, key["key"]) == "/ui/akten"
    assert key["key"] not in str(browser.cookies.jar)
    me = browser.get("/auth/me")
    assert me.status_code == 200 and me.json()["kind"] == "key"
    assert me.json()["org_units"] == ["63"]


def test_a_revoked_key_ends_its_browser_sessions(service: Service, browser: TestClient) -> None:
    key = new_key(service)
    sign_in(browser, key["key"])
    assert browser.get("/auth/me").status_code == 200
    revoked = service.client.delete(f"/api/v1/keys/{key['id']}")
    assert revoked.status_code == 200, revoked.text
    assert browser.get("/auth/me").status_code == 401
    page = browser.get("/ui/akten", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/ui/anmelden?next=/ui/akten"


def test_a_wrong_key_is_refused_in_german(browser: TestClient) -> None:
    refused = browser.post("/ui/anmelden", data={"api_key": "ek_abc_falsch"}, headers=BROWSER)
    assert refused.status_code == 401
    assert "unbekannt, widerrufen oder abgelaufen" in refused.text
    assert "eakte_session" not in refused.headers.get("set-cookie", "")


def test_a_sign_in_posted_from_another_site_is_refused(
    service: Service, browser: TestClient
) -> None:
    key = new_key(service)
    refused = browser.post(
        "/ui/anmelden", data={"api_key": key["key"]}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert refused.status_code == 403
    assert "eakte_session" not in refused.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    "target", ["//evil.example/ui/", "https://evil.example/ui/", "/api/v1/keys", "/\\evil"]
)
def test_after_sign_in_only_pages_of_the_interface(
    service: Service, browser: TestClient, target: str
) -> None:
    assert sign_in(browser, new_key(service)["key"], target) == "/ui/"


def test_changes_from_a_key_session_need_the_csrf_token(
    service: Service, browser: TestClient
) -> None:
    sign_in(browser, new_key(service, role="records_manager", org_unit=None)["key"])
    body = {"code": "511.01", "title": "Bebauungsplan"}
    assert browser.post("/api/v1/akten", json=body).status_code == 403
    csrf = browser.cookies["eakte_csrf"]
    created = browser.post("/api/v1/akten", json=body, headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201, created.text


def test_pages_of_another_site_and_unknown_pages(browser: TestClient, service: Service) -> None:
    sign_in(browser, new_key(service)["key"])
    missing = browser.get("/ui/gibt-es-nicht")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "Nicht gefunden" in missing.text and 'lang="de"' in missing.text
    csp = missing.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    api_missing = browser.get("/api/v1/documents/00000000-0000-0000-0000-000000000000")
    assert api_missing.headers["content-type"] == "application/problem+json"
