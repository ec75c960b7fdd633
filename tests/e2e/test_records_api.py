"""Akten, Vorgänge and filing over HTTP: numbering, subject keys, closing, units, audit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from services.db.models import AuditEvent
from services.db.session import unit_of_work
from tests.fixtures.app import Service
from tests.fixtures.records import insert_document


def key_for(service: Service, role: str, org_unit: str | None) -> str:
    response = service.client.post(
        "/api/v1/keys", json={"name": f"{role} {org_unit}", "role": role, "org_unit": org_unit}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["key"])


def unit_of(service: Service, code: str) -> str:
    response = service.client.get(f"/api/v1/file-plan/{code}")
    assert response.status_code == 200, response.text
    return str(response.json()["org_unit"])


def open_akte(service: Service, key: str | None = None, **body: object) -> dict:
    response = service.client.post("/api/v1/akten", json=body, headers=service.headers(key))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_default_plan_is_active_on_first_start(service_without_workers: Service) -> None:
    plan = service_without_workers.client.get("/api/v1/file-plan").json()
    codes = {item["code"]: item for item in plan["items"]}
    assert len(codes) >= 150
    item = codes["122.04"]
    assert item["title"] == "Ausländerangelegenheiten"
    assert item["leaf"] and item["subject"] == "person"
    assert item["retention"]["text"] and item["archive_value"] in {"A", "B", "V"}
    assert item["org_unit"] in plan["org_units"]
    subtree = service_without_workers.client.get("/api/v1/file-plan", params={"under": "52"})
    assert {i["code"] for i in subtree.json()["items"]} >= {"52", "521", "521.01", "521.02"}
    assert all(i["code"].startswith("52") for i in subtree.json()["items"])


def test_aktenzeichen_are_numbered_per_code_and_year(service_without_workers: Service) -> None:
    service = service_without_workers
    year = date.today().year
    first = open_akte(service, code="521.01", title="Neubau Einfamilienhaus Gartenstraße 12")
    second = open_akte(service, code="521.01", title="Anbau Wintergarten Lindenweg 3")
    other = open_akte(service, code="537.01", title="Abfallgebühren Widersprüche")
    older = open_akte(service, code="521.01", title="Altfall", year=2019)
    assert first["aktenzeichen"] == f"521.01-1/{year}"
    assert second["aktenzeichen"] == f"521.01-2/{year}"
    assert other["aktenzeichen"] == f"537.01-1/{year}"
    assert older["aktenzeichen"] == "521.01-1/2019"
    assert first["org_unit"] == unit_of(service, "521.01")
    assert first["status"] == "open" and first["retention_until"] is None


def test_bad_akten_are_refused_with_problem_json(service_without_workers: Service) -> None:
    client = service_without_workers.client
    unknown = client.post("/api/v1/akten", json={"code": "999.99", "title": "x"})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    inner = client.post("/api/v1/akten", json={"code": "52", "title": "x"})
    assert inner.status_code == 422 and "lowest level" in inner.json()["detail"]
    bad_key = client.post(
        "/api/v1/akten",
        json={"code": "122.04", "title": "x", "subject_keys": [{"kind": "person", "value": "x"}]},
    )
    assert bad_key.status_code == 422 and "family name" in bad_key.json()["detail"]


def test_subject_keys_find_the_case_file(service_without_workers: Service) -> None:
    service = service_without_workers
    akte = open_akte(
        service,
        code="122.04",
        title="El-Sayed, Amira",
        subject_keys=[{"kind": "person", "value": "El-Sayed, Amira Nour, 12.09.1991"}],
    )
    open_akte(
        service,
        code="122.04",
        title="Beispiel, Max",
        subject_keys=[{"kind": "person", "value": "Beispiel, Max, 03.04.1985"}],
    )
    found = service.client.get(
        "/api/v1/akten",
        params={"subject_kind": "person", "subject_value": "EL-SAYED, Amira, 1991-09-12"},
    ).json()
    assert [a["id"] for a in found["items"]] == [akte["id"]]


def test_closing_starts_retention_and_blocks_filing(service_without_workers: Service) -> None:
    service = service_without_workers
    akte = open_akte(service, code="537.01", title="Abfall 2026")
    vorgang = service.client.post(
        f"/api/v1/akten/{akte['id']}/vorgaenge", json={"title": "Beschwerde Leerung"}
    )
    assert vorgang.status_code == 201 and vorgang.json()["number"] == 1
    closed = service.client.post(f"/api/v1/akten/{akte['id']}/close").json()
    assert closed["status"] == "closed"
    assert closed["vorgaenge"][0]["status"] == "closed"
    retention = service.client.get("/api/v1/file-plan/537.01").json()["retention"]
    if retention["permanent"] or retention["trigger"] == "event":
        assert closed["retention_until"] is None
    else:
        assert int(closed["retention_until"][:4]) >= date.today().year + retention["years"]
    document_id = insert_document(service.container, "Beschwerde über die Müllabfuhr")
    refused = service.client.put(
        f"/api/v1/documents/{document_id}/filing",
        json={"akte_id": akte["id"], "reason": "gehört dazu"},
    )
    assert refused.status_code == 409 and "closed" in refused.json()["detail"]
    again = service.client.post(f"/api/v1/akten/{akte['id']}/close")
    assert again.status_code == 409
    reopened = service.client.post(f"/api/v1/akten/{akte['id']}/reopen").json()
    assert reopened["status"] == "open" and reopened["retention_until"] is None


def test_filing_and_moving_are_audited(service_without_workers: Service) -> None:
    service = service_without_workers
    first = open_akte(service, code="541.01", title="Lindenweg Sanierung")
    second = open_akte(service, code="541.01", title="Gartenstraße Sanierung")
    vorgang = service.client.post(
        f"/api/v1/akten/{second['id']}/vorgaenge", json={"title": "Anliegerbeschwerden"}
    ).json()
    document_id = insert_document(service.container, "Schlagloch vor dem Haus")
    filed = service.client.put(
        f"/api/v1/documents/{document_id}/filing",
        json={"akte_id": first["id"], "reason": "Eingang"},
    )
    assert filed.status_code == 200, filed.text
    assert filed.json()["akte"]["aktenzeichen"] == first["aktenzeichen"]
    wrong_vorgang = service.client.put(
        f"/api/v1/documents/{document_id}/filing",
        json={"akte_id": first["id"], "vorgang_id": vorgang["id"], "reason": "x"},
    )
    assert wrong_vorgang.status_code == 422
    moved = service.client.put(
        f"/api/v1/documents/{document_id}/filing",
        json={"akte_id": second["id"], "vorgang_id": vorgang["id"], "reason": "falsche Straße"},
    )
    assert moved.json()["akte"]["id"] == second["id"] and moved.json()["vorgang_id"]
    listed = service.client.get(f"/api/v1/akten/{second['id']}/documents").json()
    assert [d["id"] for d in listed["items"]] == [document_id]
    assert service.client.get(f"/api/v1/akten/{first['id']}/documents").json()["total"] == 0
    document = service.client.get(f"/api/v1/documents/{document_id}").json()
    assert document["aktenzeichen"] == second["aktenzeichen"]
    assert document["filing_status"] == "filed"
    with unit_of_work(service.container.session_factory, write=False) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == document_id).order_by(AuditEvent.id)
        ).all()
    assert [e.action for e in events] == ["document.filed", "document.moved"]
    assert events[1].details["from"] == first["aktenzeichen"]
    assert events[1].details["to"] == second["aktenzeichen"]
    assert events[1].details["reason"] == "falsche Straße"
    assert events[1].actor.startswith("key:")


def test_case_workers_change_only_their_own_units_records(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    building_unit = unit_of(service, "521.01")
    foreigners_unit = unit_of(service, "122.04")
    assert building_unit != foreigners_unit
    building = key_for(service, "caseworker", building_unit)
    own = open_akte(service, building, code="521.01", title="Bauantrag Lindenweg 3")
    assert own["org_unit"] == building_unit
    refused = service.client.post(
        "/api/v1/akten",
        json={"code": "122.04", "title": "Fremde Akte"},
        headers=service.headers(building),
    )
    assert refused.status_code == 403
    foreign = open_akte(service, code="122.04", title="Akte der Ausländerbehörde")
    close = service.client.post(
        f"/api/v1/akten/{foreign['id']}/close", headers=service.headers(building)
    )
    assert close.status_code == 404, "another unit's Akte is not even visible"
    station = key_for(service, "station", None)
    assert service.client.get("/api/v1/akten", headers=service.headers(station)).status_code == 403
