"""Authentication before the body, and a limit on failed attempts per address."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio

from tests.fixtures.app import Service, make_settings, start_service

BIG = 2 * 1024**3


def call(app: Any, path: str, headers: dict[str, str], body: bytes = b"") -> dict[str, Any]:
    """Drive the ASGI app directly; count how often it asks for the body."""
    result: dict[str, Any] = {"receive_calls": 0, "body": b""}

    async def receive() -> dict[str, Any]:
        result["receive_calls"] += 1
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            result["status"] = message["status"]
            result["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
        else:
            result["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("192.0.2.1", 40000),
        "server": ("testserver", 80),
        "state": {},
    }
    anyio.run(app, scope, receive, send)
    return result


def test_an_upload_without_a_key_is_refused_before_its_body_is_read(
    service_without_workers: Service,
) -> None:
    app = service_without_workers.client.app
    multipart = {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(BIG)}
    refused = call(app, "/api/v1/intake", multipart)
    assert refused["status"] == 401 and refused["receive_calls"] == 0
    problem = json.loads(refused["body"])
    assert problem["title"] == "Authentication required" and problem["status"] == 401
    assert refused["headers"]["www-authenticate"] == "Bearer"
    wrong_key = call(app, "/api/v1/intake", {**multipart, "Authorization": "Bearer ek_00_x"})
    assert wrong_key["status"] == 401 and wrong_key["receive_calls"] == 0


def test_with_a_key_the_size_limit_answers_before_the_body_is_read(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    headers = {"Content-Type": "application/json", "Content-Length": str(BIG)}
    refused = call(service.client.app, "/api/v1/keys", {**headers, **service.headers()})
    assert refused["status"] == 413 and refused["receive_calls"] == 0
    assert json.loads(refused["body"])["detail"].endswith("the limit for this address")


def test_failed_authentications_are_limited_per_address(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path / "data", http={"auth_failures_per_minute": 3, "trust_forwarded_for": True}
    )
    for service in start_service(settings, run_workers=False):
        client = service.client
        attacker = {"X-Forwarded-For": "203.0.113.66"}
        for _ in range(3):
            wrong = client.get(
                "/api/v1/documents", headers={**attacker, "Authorization": "Bearer ek_0_wrong"}
            )
            assert wrong.status_code == 401
        blocked = client.get("/api/v1/documents", headers={**attacker, **service.headers()})
        assert blocked.status_code == 429, "blocked even with a valid key: no attempt is made"
        assert 1 <= int(blocked.headers["retry-after"]) <= 60
        assert blocked.headers["content-type"] == "application/problem+json"
        health = client.get("/api/v1/health", headers={**attacker, "X-API-Key": "ek_0_guess"})
        assert health.status_code == 429, "no way around the limit through a public path"

        colleague = {"X-Forwarded-For": "203.0.113.7"}
        for _ in range(10):
            ok = client.get("/api/v1/documents", headers={**colleague, **service.headers()})
            assert ok.status_code == 200, "successful requests are never limited"


def test_401s_from_routes_on_public_paths_count_too(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", http={"auth_failures_per_minute": 2})
    for service in start_service(settings, run_workers=False):
        client = service.client
        for _ in range(2):
            assert client.get("/api/v1/health", headers={"Authorization": ""}).status_code == 401
        assert client.get("/api/v1/documents", headers={"Authorization": ""}).status_code == 429
