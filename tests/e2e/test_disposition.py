"""The disposition list and the appraisal of plan value B (issue 13, part 2).

The clock runs with real time but jumps years ahead, so the Akten closed today are due.
Default plan: 111.02.03 is A, 537.01 and 122.08 are B, 573.01 and 612.02 are V (all
counted from the end of the closing year).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

import api.cli.context
import api.cli.disposition_cmd
from api.cli.main import app as cli
from api.cli.server import ServerClient
from services.bootstrap import build_container
from services.db.models import AuditEvent
from services.db.session import unit_of_work
from services.settings import Settings
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.clock import ShiftedClock
from tests.fixtures.records import insert_document

ELEVEN_YEARS = timedelta(days=366 * 11 + 2)
DUE = "/api/v1/disposition/due"


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def storage_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def service(storage_settings: Settings, clock: ShiftedClock) -> Iterator[Service]:
    yield from start_service(storage_settings, run_workers=False, clock=clock)


def key_for(service: Service, role: str, org_unit: str | None) -> str:
    response = service.client.post(
        "/api/v1/keys", json={"name": f"{role} {org_unit}", "role": role, "org_unit": org_unit}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["key"])


def closed_akte(service: Service, code: str, title: str) -> dict[str, Any]:
    akte = service.client.post("/api/v1/akten", json={"code": code, "title": title})
    assert akte.status_code == 201, akte.text
    closed = service.client.post(f"/api/v1/akten/{akte.json()['id']}/close")
    assert closed.status_code == 200, closed.text
    return dict(closed.json())


@pytest.fixture
def akten(service: Service) -> dict[str, dict[str, Any]]:
    made = {
        "A": closed_akte(service, "111.02.03", "Satzung Archiv"),
        "B": closed_akte(service, "537.01", "Abfall Bewertung"),
        "V": closed_akte(service, "573.01", "Ordnungswidrigkeit"),
        "held": closed_akte(service, "612.02", "Gehaltene Akte"),
        "held_document": closed_akte(service, "122.08", "Akte mit gehaltenem Dokument"),
    }
    opened = service.client.post("/api/v1/akten", json={"code": "537.01", "title": "Offen"})
    assert opened.status_code == 201
    held = service.client.put(
        f"/api/v1/akten/{made['held']['id']}/legal-hold",
        json={"active": True, "reason": "Rechtsstreit"},
    )
    assert held.status_code == 200, held.text
    made["held_document"] = dict(
        service.client.post(f"/api/v1/akten/{made['held_document']['id']}/reopen").json()
    )
    document_id = insert_document(service.container, "Bescheid Gewerbe")
    filed = service.client.put(
        f"/api/v1/documents/{document_id}/filing",
        json={"akte_id": made["held_document"]["id"], "reason": "Test"},
    )
    assert filed.status_code == 200, filed.text
    closed = service.client.post(f"/api/v1/akten/{made['held_document']['id']}/close")
    assert closed.status_code == 200, closed.text
    hold = service.client.put(
        f"/api/v1/documents/{document_id}/legal-hold",
        json={"active": True, "reason": "Prüfung"},
    )
    assert hold.status_code == 200, hold.text
    made["document"] = {"id": document_id}
    return made


def appraised_events(service: Service, akte_id: str) -> list[AuditEvent]:
    with unit_of_work(service.container.session_factory, write=False) as session:
        query = select(AuditEvent).where(
            AuditEvent.action == "akte.appraised", AuditEvent.object_id == akte_id
        )
        return list(session.scalars(query.order_by(AuditEvent.seq)))


def test_due_list_after_the_retention_end(
    service: Service, clock: ShiftedClock, akten: dict[str, dict[str, Any]]
) -> None:
    assert service.client.get(DUE).json()["total"] == 0
    clock.advance(ELEVEN_YEARS)
    manager = key_for(service, "records_manager", "10")
    page = service.client.get(DUE, headers=service.headers(manager))
    assert page.status_code == 200, page.text
    body = page.json()
    by_code = {item["code"]: item for item in body["items"]}
    assert body["total"] == 3 and set(by_code) == {"111.02.03", "537.01", "573.01"}
    a, b, v = by_code["111.02.03"], by_code["537.01"], by_code["573.01"]
    assert (a["plan_archive_value"], a["archive_value"], a["appraisal_pending"]) == (
        "A",
        "A",
        False,
    )
    assert (v["plan_archive_value"], v["archive_value"]) == ("V", "V")
    assert (b["plan_archive_value"], b["archive_value"], b["appraisal_pending"]) == ("B", "B", True)
    assert b["archive_value_text"] == "B, not yet appraised" and b["appraisal"] is None
    assert b["aktenzeichen"] == akten["B"]["aktenzeichen"] and b["title"] == "Abfall Bewertung"
    assert b["org_unit"] == "70" and a["org_unit"] == "10"  # a records manager sees all units
    assert (
        b["closed_at"] and b["opened_at"] and b["retention_until"] == akten["B"]["retention_until"]
    )
    first = service.client.get(DUE, params={"limit": 2, "offset": 0}).json()
    second = service.client.get(DUE, params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 3 and first["next_offset"] == 2
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert akten["held"]["id"] not in {item["akte_id"] for item in body["items"]}
    released = service.client.put(
        f"/api/v1/documents/{akten['document']['id']}/legal-hold",
        json={"active": False, "reason": "erledigt"},
    )
    assert released.status_code == 200, released.text
    after = {item["akte_id"] for item in service.client.get(DUE).json()["items"]}
    assert akten["held_document"]["id"] in after and akten["held"]["id"] not in after


def test_case_workers_are_refused(service: Service, akten: dict[str, dict[str, Any]]) -> None:
    worker = key_for(service, "caseworker", "70")
    assert service.client.get(DUE, headers=service.headers(worker)).status_code == 403
    refused = service.client.put(
        f"/api/v1/akten/{akten['B']['id']}/appraisal",
        json={"value": "A", "reason": "Stadtgeschichte"},
        headers=service.headers(worker),
    )
    assert refused.status_code == 403


def test_appraisal_of_a_b_code(
    service: Service, clock: ShiftedClock, akten: dict[str, dict[str, Any]]
) -> None:
    url = f"/api/v1/akten/{akten['B']['id']}/appraisal"
    first = service.client.put(url, json={"value": "V", "reason": "ohne Bedeutung"})
    assert first.status_code == 200, first.text
    assert first.json()["archive_value"] == "V" and first.json()["appraisal"]["value"] == "V"
    again = service.client.put(url, json={"value": "A", "reason": "Stadtgeschichte"})
    assert again.status_code == 200, again.text
    assert again.json()["appraisal"]["reason"] == "Stadtgeschichte"
    events = appraised_events(service, akten["B"]["id"])
    assert [(e.details["value"], e.details["previous"]) for e in events] == [
        ("V", None),
        ("A", "V"),
    ]
    clock.advance(ELEVEN_YEARS)
    due = {item["akte_id"]: item for item in service.client.get(DUE).json()["items"]}
    b = due[akten["B"]["id"]]
    assert (b["plan_archive_value"], b["archive_value"], b["appraisal_pending"]) == (
        "B",
        "A",
        False,
    )
    assert b["archive_value_text"] == "A (B, appraised)"


def test_the_plan_decides_a_and_v(service: Service, akten: dict[str, dict[str, Any]]) -> None:
    for name in ("A", "V"):
        refused = service.client.put(
            f"/api/v1/akten/{akten[name]['id']}/appraisal",
            json={"value": "V" if name == "A" else "A", "reason": "Versuch"},
        )
        assert refused.status_code == 409, refused.text
        assert "the file plan decides" in refused.json()["detail"]
        assert not appraised_events(service, akten[name]["id"])


def test_an_appraisal_needs_a_reason_and_a_or_v(
    service: Service, akten: dict[str, dict[str, Any]]
) -> None:
    url = f"/api/v1/akten/{akten['B']['id']}/appraisal"
    for body in ({"value": "A"}, {"value": "A", "reason": "   "}, {"value": "B", "reason": "x"}):
        assert service.client.put(url, json=body).status_code == 422, body
    assert not appraised_events(service, akten["B"]["id"])


def test_cli_due_json_embedded_and_against_the_server(
    service: Service,
    clock: ShiftedClock,
    akten: dict[str, dict[str, Any]],
    storage_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock.advance(ELEVEN_YEARS)
    expected = {akten[name]["aktenzeichen"] for name in ("A", "B", "V")}
    monkeypatch.setenv("EAKTE_DATA_DIR", str(storage_settings.data_dir))
    monkeypatch.setattr(
        api.cli.context, "build_container", lambda settings: build_container(settings, clock=clock)
    )
    runner = CliRunner()
    local = runner.invoke(cli, ["disposition", "due", "--json"])
    assert local.exit_code == 0, local.output
    listed = json.loads(local.stdout)
    assert listed["total"] == 3 and {i["aktenzeichen"] for i in listed["items"]} == expected

    app = service.client.app

    class InProcessServer(ServerClient):
        def __init__(self, base_url: str, api_key: str, *, timeout: float) -> None:
            self._client = TestClient(
                app, base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}
            )

    monkeypatch.setattr(api.cli.disposition_cmd, "ServerClient", InProcessServer)
    manager = key_for(service, "records_manager", "10")
    monkeypatch.setenv("EAKTE_URL", "http://testserver")
    monkeypatch.setenv("EAKTE_API_KEY", manager)
    remote = runner.invoke(cli, ["disposition", "due", "--json"])
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout) == listed
    text = runner.invoke(cli, ["disposition", "due"])
    assert text.exit_code == 0 and "B, not yet appraised" in text.stdout

    worker = key_for(service, "caseworker", "70")
    refused = runner.invoke(cli, ["disposition", "due", "--api-key", worker])
    assert refused.exit_code == 1
    assert "403" in refused.stderr
