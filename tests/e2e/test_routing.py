"""Routed letters: straight to the responsible unit's Postkorb with a proposal to accept."""

from __future__ import annotations

from datetime import date

from services.db.models import FilingStatus
from tests.e2e.test_records_api import open_akte, unit_of
from tests.e2e.test_review_queue import filed, open_tasks
from tests.fixtures.app import Service

YEAR = date.today().year
RESIDENCE = (
    "Sehr geehrte Damen und Herren,\n"
    "meine Aufenthaltserlaubnis läuft im Mai ab. Ich beantrage hiermit die Verlängerung "
    "meines Aufenthaltstitels und bitte um einen Termin bei der Ausländerbehörde. Eine "
    "Kopie meines Reisepasses, die Meldebescheinigung und den Arbeitsvertrag lege ich bei.\n"
    "Mit freundlichen Grüßen\n"
)


def cleared_key(service: Service, role: str, org_unit: str) -> str:
    """A key cleared for VS-NfD, the level of the plan's foreigners' files."""
    response = service.client.post(
        "/api/v1/keys",
        json={"name": f"{role} {org_unit}", "role": role, "org_unit": org_unit, "clearance": "002"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["key"])


def trail(service: Service, document_id: str, action: str) -> list[dict]:
    response = service.client.get(
        "/api/v1/audit", params={"object": f"document:{document_id}", "action": action}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_a_routed_letter_waits_in_the_units_queue_with_the_existing_akte(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    unit = unit_of(service, "122.04")
    akte = open_akte(
        service,
        code="122.04",
        title="Haddad, Samir",
        subject_keys=[{"kind": "person", "value": "Haddad, Samir, 02.03.1996"}],
    )
    result = filed(service, RESIDENCE + "Samir Haddad")
    classification = result["classification"]
    assert classification["decision"] == "routed", classification["reason"]
    assert classification["code"] == "122.04"
    proposal = classification["proposal"]
    assert proposal["akte_id"] == akte["id"] and proposal["new_akte"] is None
    document = result["document"]
    assert document["filing_status"] == FilingStatus.IN_REVIEW and document["akte_id"] is None
    assert document["org_unit"] == unit
    [task] = open_tasks(service)
    assert task["org_unit"] == unit != "POST"
    mail_room = service.client.get("/api/v1/review-queue", params={"org_unit": "POST"}).json()
    assert mail_room["items"] == [], "the central mail room never sees a routed letter"
    [event] = trail(service, document["id"], "document.classified")
    assert event["details"]["decision"] == "routed"
    assert event["details"]["proposal"]["akte_id"] == akte["id"]

    other = cleared_key(service, "caseworker", unit_of(service, "365.01"))
    task_url = f"/api/v1/review-queue/{task['id']}"
    assert service.client.get(task_url, headers=service.headers(other)).status_code == 404
    refused = service.client.post(
        f"{task_url}/decision", json={"action": "confirm"}, headers=service.headers(other)
    )
    assert refused.status_code == 404
    responsible = cleared_key(service, "caseworker", unit)
    accepted = service.client.post(
        f"{task_url}/decision", json={"action": "confirm"}, headers=service.headers(responsible)
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["outcome"]["akte_id"] == akte["id"]
    document = service.client.get(f"/api/v1/documents/{document['id']}").json()
    assert document["akte_id"] == akte["id"] and document["filing_status"] == "filed"


def test_accepting_a_new_akte_proposal_opens_it_with_the_letters_keys(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    unit = unit_of(service, "122.04")
    result = filed(service, RESIDENCE + "Amira El-Sayed, geb. 12.09.1991")
    classification = result["classification"]
    assert classification["decision"] == "routed", classification["reason"]
    new = classification["proposal"]["new_akte"]
    assert classification["proposal"]["akte_id"] is None
    assert new["title"] == "El-Sayed, Amira (geb. 12.09.1991)"
    assert [(k["kind"], k["display"]) for k in new["subject_keys"]] == [
        ("person", "El-Sayed, Amira, 12.09.1991")
    ]
    [task] = open_tasks(service)
    assert task["classification"]["proposal"] == classification["proposal"]

    station = cleared_key(service, "station", unit)
    denied = service.client.post(
        f"/api/v1/review-queue/{task['id']}/decision",
        json={"action": "confirm"},
        headers=service.headers(station),
    )
    assert denied.status_code == 403, "a scanning station of the unit may not decide"
    responsible = cleared_key(service, "caseworker", unit)
    accepted = service.client.post(
        f"/api/v1/review-queue/{task['id']}/decision",
        json={"action": "confirm"},
        headers=service.headers(responsible),
    )
    assert accepted.status_code == 200, accepted.text
    outcome = accepted.json()["outcome"]
    assert outcome["code"] == "122.04" and outcome["aktenzeichen"] == f"122.04-1/{YEAR}"
    akte = service.client.get(f"/api/v1/akten/{outcome['akte_id']}").json()
    assert akte["title"] == "El-Sayed, Amira (geb. 12.09.1991)" and akte["org_unit"] == unit
    assert [k["display"] for k in akte["subject_keys"]] == ["El-Sayed, Amira, 12.09.1991"]
    created = service.client.get(
        "/api/v1/audit", params={"object": f"akte:{akte['id']}", "action": "akte.created"}
    ).json()["items"]
    assert [e["actor"] for e in created] != [] and created[0]["actor"] != "system"
    follow_up = filed(service, "Nachtrag: Amira El-Sayed, geb. 12.09.1991, Arbeitsvertrag")
    assert follow_up["document"]["akte_id"] == akte["id"], "the new Akte's key matches"
