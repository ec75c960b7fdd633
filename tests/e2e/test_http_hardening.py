"""What a town's IT security officer checks on every HTTP response."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.fixtures.app import Service, make_settings, start_service

COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def service_with(tmp_path: Path, **overrides: Any) -> Iterator[Service]:
    yield from start_service(make_settings(tmp_path / "data", **overrides), run_workers=False)


def assert_hardened(response: Any) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "camera=()" in response.headers["permissions-policy"]


def test_every_response_is_hardened_errors_included(service_without_workers: Service) -> None:
    client = service_without_workers.client
    ok = client.get("/api/v1/documents")
    unauthenticated = client.get("/api/v1/documents", headers={"Authorization": ""})
    missing = client.get("/nothing-here")
    invalid = client.get("/api/v1/documents", params={"limit": "many"})
    for response, status in ((ok, 200), (unauthenticated, 401), (missing, 404), (invalid, 422)):
        assert response.status_code == status
        assert_hardened(response)
    assert ok.headers["cache-control"] == "no-store"
    assert unauthenticated.headers["content-type"] == "application/problem+json"
    assert "strict-transport-security" not in ok.headers, "plain http: no HSTS"


def test_an_unexpected_error_is_a_hardened_problem(service_without_workers: Service) -> None:
    app = service_without_workers.client.app

    def boom() -> None:
        raise RuntimeError("secret internals")

    app.router.add_api_route("/api/v1/test-boom", boom)  # type: ignore[attr-defined]
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/api/v1/test-boom", headers=service_without_workers.headers())
    assert response.status_code == 500
    assert response.json()["title"] == "Internal server error"
    assert "secret internals" not in response.text
    assert_hardened(response)


def test_hsts_over_https_and_behind_a_trusted_proxy_only(tmp_path: Path) -> None:
    for untrusted in service_with(tmp_path / "a"):
        https = TestClient(untrusted.client.app, base_url="https://testserver")
        assert (
            https.get("/openapi.json")
            .headers["strict-transport-security"]
            .startswith("max-age=31536000")
        )
        forwarded = untrusted.client.get("/openapi.json", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" not in forwarded.headers
    for behind_proxy in service_with(tmp_path / "b", http={"trust_forwarded_for": True}):
        forwarded = behind_proxy.client.get("/openapi.json", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" in forwarded.headers


def test_cors_is_closed_by_default(service_without_workers: Service) -> None:
    client = service_without_workers.client
    simple = client.get("/api/v1/documents", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers
    preflight = client.options(
        "/api/v1/documents",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_opens_exactly_the_configured_origins(tmp_path: Path) -> None:
    allowed = "https://fachverfahren.stadt.example"
    for service in service_with(tmp_path, http={"cors_origins": [allowed]}):
        client = service.client
        ok = client.get("/api/v1/documents", headers={"Origin": allowed})
        assert ok.headers["access-control-allow-origin"] == allowed
        other = client.get("/api/v1/documents", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        preflight = client.options(
            "/api/v1/documents",
            headers={
                "Origin": allowed,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
                "Authorization": "",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == allowed


def test_api_docs_load_nothing_from_outside_and_run_no_inline_script(
    service_without_workers: Service,
) -> None:
    client = service_without_workers.client
    page = client.get("/docs", headers={"Authorization": ""})
    assert page.status_code == 200
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text), "no external URL"
    assert "<script>" not in page.text, "no inline script"
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp
    for src in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        asset = client.get(f"/{src}", headers={"Authorization": ""})
        assert asset.status_code == 200, src
    init = client.get("/docs/init.js").text
    assert "SwaggerUIBundle(" in init and "http" not in init
    bundle = client.get("/docs/static/swagger-ui-bundle.js").text
    assert "unpkg.com" not in page.text and len(bundle) > 100_000
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json", headers={"Authorization": ""}).status_code == 200
