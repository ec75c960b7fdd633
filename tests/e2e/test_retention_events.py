"""Legacy files with their true dates, and event-triggered retention, through the API.

A legacy Akte opened and closed in 2009 keeps its retention from 2009; a plan event (the
person moved away) gives an event-triggered Akte its retention end; ends only move later
and legal holds still stop destruction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from services.db.models import AuditEvent
from services.db.session import unit_of_work
from services.settings import Settings
from services.storage.jobs import APPLY_PROTECTION
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.clock import ShiftedClock
from tests.fixtures.records import insert_document

FOREIGNERS = "122.04"  # 10 years after „Wegzug, Ausreise, Einbürgerung oder Tod der Person“
DEPARTURE = "Wegzug, Ausreise, Einbürgerung oder Tod der Person"
WASTE = "537.01"  # 10 years after the end of the closing year


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def service(tmp_path: Path, clock: ShiftedClock) -> Iterator[Service]:
    settings: Settings = make_settings(tmp_path / "data")
    yield from start_service(settings, run_workers=False, clock=clock)


def run_job(service: Service, kind: str) -> None:
    service.container.handlers()[kind].run({})


def key(service: Service, role: str, unit: str) -> dict[str, str]:
    created = service.client.post(
        "/api/v1/keys", json={"name": f"{role} {unit}", "role": role, "org_unit": unit}
    )
    assert created.status_code in (200, 201), created.text
    return service.headers(created.json()["key"])


def audit(service: Service, action: str, object_id: str) -> list[AuditEvent]:
    with unit_of_work(service.container.session_factory, write=False) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == action, AuditEvent.object_id == object_id
                )
            )
        )


def open_akte(
    service: Service, code: str, headers: dict[str, str] | None = None, **extra: object
) -> httpx.Response:
    response: httpx.Response = service.client.post(
        "/api/v1/akten",
        json={"code": code, "title": "Altakte", **extra},
        headers=headers or service.headers(),
    )
    return response


def file(service: Service, document_id: str, akte_id: str) -> None:
    filed = service.client.put(
        f"/api/v1/documents/{document_id}/filing", json={"akte_id": akte_id, "reason": "Test"}
    )
    assert filed.status_code == 200, filed.text


def destroy(service: Service, document_id: str) -> httpx.Response:
    response: httpx.Response = service.client.post(
        f"/api/v1/documents/{document_id}/destruction", json={"reason": "Aussonderung"}
    )
    return response


def test_legacy_akte_keeps_its_2009_dates_and_is_due(service: Service) -> None:
    manager = key(service, "records_manager", "70")
    opened = open_akte(service, WASTE, manager, opened_on="2009-03-02")
    assert opened.status_code == 201, opened.text
    akte = opened.json()
    assert akte["opened_at"].startswith("2009-03-02") and akte["year"] == 2009
    assert akte["aktenzeichen"].endswith("/2009")
    created = audit(service, "akte.created", akte["id"])
    assert created[0].details["opened_on"] == "2009-03-02" and created[0].details["backdated"]
    document_id = insert_document(service.container, "Abfallgebühren 2009")
    file(service, document_id, akte["id"])
    too_early = service.client.post(
        f"/api/v1/akten/{akte['id']}/close",
        json={"closed_on": "2009-01-10", "reason": "Altbestand"},
        headers=manager,
    )
    assert too_early.status_code == 422 and "before" in too_early.json()["detail"]
    closed = service.client.post(
        f"/api/v1/akten/{akte['id']}/close",
        json={"closed_on": "2009-11-30", "reason": "Retrodigitalisierung Altbestand"},
        headers=manager,
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["closed_at"].startswith("2009-11-30")
    assert closed.json()["retention_trigger_date"] == "2009-11-30"
    assert closed.json()["retention_until"] == "2019-12-31"
    [event] = audit(service, "akte.closed", akte["id"])
    assert event.details["reason"] == "Retrodigitalisierung Altbestand"
    assert event.details["closed_on"] == "2009-11-30" and event.details["backdated"]
    run_job(service, APPLY_PROTECTION)
    retention = service.client.get(f"/api/v1/documents/{document_id}/retention").json()
    assert retention["retention_until"] == "2019-12-31"
    destroyed = destroy(service, document_id)
    assert destroyed.status_code == 200, destroyed.text


def test_a_reopened_akte_cannot_be_closed_again_in_the_past(service: Service) -> None:
    manager = key(service, "records_manager", "70")
    akte = open_akte(service, WASTE, manager, opened_on="2009-03-02").json()
    close = f"/api/v1/akten/{akte['id']}/close"
    first = service.client.post(close, json={"closed_on": "2015-06-30"}, headers=manager)
    assert first.json()["retention_until"] == "2025-12-31"
    reopened = service.client.post(f"/api/v1/akten/{akte['id']}/reopen", headers=manager)
    assert reopened.status_code == 200, reopened.text
    earlier = service.client.post(close, json={"closed_on": "2009-11-30"}, headers=manager)
    assert earlier.status_code == 409, "a past day would shorten the retention it had"
    assert "reopened" in earlier.json()["detail"]
    today = service.client.post(close, headers=manager)
    assert today.status_code == 200, today.text
    assert today.json()["retention_until"] > "2025-12-31"


def test_a_case_worker_cannot_back_date(service: Service) -> None:
    worker = key(service, "caseworker", "70")
    refused = open_akte(service, WASTE, worker, opened_on="2009-03-02")
    assert refused.status_code == 403 and "records managers" in refused.json()["detail"]
    today = open_akte(service, WASTE, worker, opened_on=date.today().isoformat())
    assert today.status_code == 201, today.text
    akte_id = today.json()["id"]
    back = service.client.post(
        f"/api/v1/akten/{akte_id}/close", json={"closed_on": "2020-01-01"}, headers=worker
    )
    assert back.status_code == 403 and "records managers" in back.json()["detail"]
    plain = service.client.post(f"/api/v1/akten/{akte_id}/close", headers=worker)
    assert plain.status_code == 200, plain.text


def test_future_dates_are_refused(service: Service) -> None:
    future = (date.today() + timedelta(days=3)).isoformat()
    assert open_akte(service, WASTE, opened_on=future).status_code == 422
    akte = open_akte(service, FOREIGNERS).json()
    closing = service.client.post(f"/api/v1/akten/{akte['id']}/close", json={"closed_on": future})
    assert closing.status_code == 422 and "future" in closing.json()["detail"]
    event = service.client.post(
        f"/api/v1/akten/{akte['id']}/events", json={"event": DEPARTURE, "occurred_on": future}
    )
    assert event.status_code == 422 and "future" in event.json()["detail"]
    assert service.client.get(f"/api/v1/akten/{akte['id']}/events").json() == []


def test_event_sets_the_retention_end_and_never_shortens_it(
    service: Service, clock: ShiftedClock
) -> None:
    akte = open_akte(service, FOREIGNERS, opened_on="2001-05-01").json()
    document_id = insert_document(service.container, "Aufenthaltserlaubnis Demir")
    file(service, document_id, akte["id"])
    closed = service.client.post(f"/api/v1/akten/{akte['id']}/close").json()
    assert closed["retention_until"] is None  # the event is not known yet
    assert destroy(service, document_id).status_code == 409
    wrong = service.client.post(
        f"/api/v1/akten/{akte['id']}/events",
        json={"event": "Abbruch des Gebäudes", "occurred_on": "2015-06-30"},
    )
    assert wrong.status_code == 422 and DEPARTURE in wrong.json()["detail"]
    recorded = service.client.post(
        f"/api/v1/akten/{akte['id']}/events",
        json={"event": DEPARTURE.lower(), "occurred_on": "2020-06-30", "note": "Wegzug Köln"},
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["event"] == DEPARTURE
    after = service.client.get(f"/api/v1/akten/{akte['id']}").json()
    assert after["retention_until"] == "2030-06-30"
    assert after["retention_trigger_date"] == "2020-06-30"
    earlier = service.client.post(
        f"/api/v1/akten/{akte['id']}/events",
        json={"event": DEPARTURE, "occurred_on": "2012-01-15"},
    )
    assert earlier.status_code == 201
    kept = service.client.get(f"/api/v1/akten/{akte['id']}").json()
    assert kept["retention_until"] == "2030-06-30"
    listed = service.client.get(f"/api/v1/akten/{akte['id']}/events").json()
    assert [e["occurred_on"] for e in listed] == ["2012-01-15", "2020-06-30"]
    [moved, not_moved] = sorted(
        (e.details for e in audit(service, "akte.event_recorded", akte["id"])),
        key=lambda d: str(d["occurred_on"]),
        reverse=True,
    )
    assert moved["retention_moved"] and not not_moved["retention_moved"]
    run_job(service, APPLY_PROTECTION)
    early = destroy(service, document_id)
    assert early.status_code == 409 and "retained until" in early.json()["detail"]
    held = service.client.put(
        f"/api/v1/akten/{akte['id']}/legal-hold",
        json={"active": True, "reason": "Klage VG Köln"},
    )
    assert held.status_code == 200, held.text
    clock.advance(date(2031, 1, 1) - date.today())
    under_hold = destroy(service, document_id)
    assert under_hold.status_code == 409 and "legal hold" in under_hold.json()["detail"]
    service.client.put(
        f"/api/v1/akten/{akte['id']}/legal-hold",
        json={"active": False, "reason": "Verfahren beendet"},
    )
    assert destroy(service, document_id).status_code == 200


def test_an_event_on_an_open_akte_counts_from_closing(service: Service) -> None:
    akte = open_akte(service, FOREIGNERS).json()
    recorded = service.client.post(
        f"/api/v1/akten/{akte['id']}/events", json={"event": DEPARTURE, "occurred_on": "2024-02-29"}
    )
    assert recorded.status_code == 201
    assert service.client.get(f"/api/v1/akten/{akte['id']}").json()["retention_until"] is None
    closed = service.client.post(f"/api/v1/akten/{akte['id']}/close").json()
    assert closed["retention_until"] == "2034-02-28"


def test_events_need_write_access_and_a_visible_akte(service: Service) -> None:
    akte = open_akte(service, FOREIGNERS).json()
    other_unit = key(service, "caseworker", "70")
    body = {"event": DEPARTURE, "occurred_on": "2020-01-01"}
    hidden = service.client.post(
        f"/api/v1/akten/{akte['id']}/events", json=body, headers=other_unit
    )
    assert hidden.status_code in (403, 404)
    missing = service.client.post("/api/v1/akten/nope/events", json=body)
    assert missing.status_code == 404
    auditor = key(service, "auditor", "32.3")
    read_only = service.client.post(
        f"/api/v1/akten/{akte['id']}/events", json=body, headers=auditor
    )
    assert read_only.status_code == 403


def test_a_letter_keeps_its_own_date_and_the_real_date_received(service: Service) -> None:
    document_id = insert_document(service.container, "Bauantrag von 1998")
    url = f"/api/v1/documents/{document_id}/dates"
    body = {
        "letter_date": "1998-04-02",
        "received_on": "1998-04-06",
        "direction": "incoming",
        "sender": "Architekturbüro Krämer",
        "reason": "Mikrofiche-Digitalisierung",
    }
    changed = service.client.put(url, json=body)
    assert changed.status_code == 200, changed.text
    shown = service.client.get(f"/api/v1/documents/{document_id}").json()
    assert (shown["letter_date"], shown["received_on"]) == ("1998-04-02", "1998-04-06")
    assert shown["sender"] == "Architekturbüro Krämer"
    (event,) = audit(service, "document.dates_changed", document_id)
    assert event.details["after"]["received_on"] == "1998-04-06"
    assert event.details["before"]["letter_date"] is None

    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    for wrong in (
        {**body, "received_on": tomorrow},
        {**body, "letter_date": "1998-04-07"},
        {**body, "direction": "sideways"},
        {**body, "reason": ""},
    ):
        refused = service.client.put(url, json=wrong)
        assert refused.status_code == 422, refused.text
    assert len(audit(service, "document.dates_changed", document_id)) == 1
    caseworker = key(service, "caseworker", "32")
    hidden = service.client.put(url, json=body, headers=caseworker)
    assert hidden.status_code == 404
