"""Every endpoint needs an API key; roles limit what a key may do."""

from __future__ import annotations

import pytest

from tests.fixtures.app import Service

ENDPOINTS = [
    ("GET", "/api/v1/documents"),
    ("GET", "/api/v1/documents/x"),
    ("GET", "/api/v1/documents/x/content"),
    ("GET", "/api/v1/search?q=a"),
    ("GET", "/api/v1/intake/items"),
    ("POST", "/api/v1/intake"),
    ("GET", "/api/v1/keys"),
    ("GET", "/api/v1/health"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_requests_without_a_valid_key_are_refused(
    service_without_workers: Service, method: str, path: str
) -> None:
    client = service_without_workers.client
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer ek_nope_nope"}):
        response = client.request(method, path, headers=headers)
        assert response.status_code == 401, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"


def create_key(service: Service, role: str, org_unit: str | None = None) -> str:
    response = service.client.post(
        "/api/v1/keys", json={"name": f"{role} key", "role": role, "org_unit": org_unit}
    )
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def test_roles_limit_access(service_without_workers: Service) -> None:
    service = service_without_workers
    station = create_key(service, "station", "POST")
    caseworker = create_key(service, "caseworker", "32")
    client = service.client
    assert client.get("/api/v1/search?q=a", headers=service.headers(station)).status_code == 403
    assert client.get("/api/v1/keys", headers=service.headers(caseworker)).status_code == 403
    assert client.get("/api/v1/search?q=a", headers=service.headers(caseworker)).status_code == 200
    refused = client.post(
        "/api/v1/intake",
        files=[("files", ("a.pdf", b"%PDF-1.4"))],
        headers=service.headers(caseworker),
    )
    assert refused.status_code == 403


def test_keys_are_stored_hashed_and_can_be_revoked(service_without_workers: Service) -> None:
    service = service_without_workers
    key = create_key(service, "caseworker")
    listed = service.client.get("/api/v1/keys").json()
    assert all("key" not in entry for entry in listed)
    from sqlalchemy import select

    from services.db.models import ApiKey

    with service.container.session_factory() as session:
        stored = session.scalars(select(ApiKey.secret_hash)).all()
    assert key not in stored
    key_id = next(e["id"] for e in listed if e["role"] == "caseworker")
    assert service.client.delete(f"/api/v1/keys/{key_id}").status_code == 200
    response = service.client.get("/api/v1/documents", headers=service.headers(key))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_unknown_role_is_a_clear_error(service_without_workers: Service) -> None:
    response = service_without_workers.client.post(
        "/api/v1/keys", json={"name": "x", "role": "mayor"}
    )
    assert response.status_code == 422
    assert "station" in response.json()["detail"]


def test_unknown_document_is_404_problem(service_without_workers: Service) -> None:
    response = service_without_workers.client.get("/api/v1/documents/does-not-exist")
    assert response.status_code == 404
    assert response.json()["title"] == "Not found"
