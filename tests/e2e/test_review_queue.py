"""Automatic filing and the review queue: references first, then the calibrated classifier."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from file_plan.letters import load_letters
from services.classification.jobs import TRAIN_CLASSIFIER
from services.db.models import Job, TrainingExample
from services.db.session import unit_of_work
from tests.e2e.test_records_api import key_for, open_akte, unit_of
from tests.fixtures.app import Service
from tests.fixtures.records import classify_now, insert_document

YEAR = date.today().year


def filed(service: Service, text: str, *, org_unit: str | None = None) -> dict:
    document_id = insert_document(service.container, text, org_unit=org_unit)
    classify_now(service.container, document_id)
    document = service.client.get(f"/api/v1/documents/{document_id}").json()
    classification = service.client.get(f"/api/v1/documents/{document_id}/classification")
    assert classification.status_code == 200, classification.text
    return {"document": document, "classification": classification.json()}


def open_tasks(service: Service, key: str | None = None) -> list[dict]:
    response = service.client.get("/api/v1/review-queue", headers=service.headers(key))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_our_aktenzeichen_in_a_reply_files_it_into_that_akte(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    open_akte(service, code="521.01", title="Neubau Gartenstraße 12")
    akte = open_akte(service, code="521.01", title="Anbau Lindenweg 3")
    letter = (
        "Architekturbüro Lenz · Hauptstr. 4 · 58095 Hagen\n"
        f"Ihr Zeichen: 521.01 - 0002 / {YEAR}   Unser Zeichen: AL-77\n"
        "Nachreichung der Standsicherheitsnachweise\n"
        "anbei übersenden wir die geprüfte Statik für das Vorhaben."
    )
    result = filed(service, letter)
    assert result["document"]["filing_status"] == "auto_filed"
    assert result["document"]["akte_id"] == akte["id"]
    classification = result["classification"]
    assert classification["method"] == "reference" and classification["decision"] == "auto"
    assert akte["aktenzeichen"] in classification["reason"]
    assert open_tasks(service) == []


def test_subject_keys_identify_the_case_file(service_without_workers: Service) -> None:
    service = service_without_workers
    person = open_akte(
        service,
        code="122.04",
        title="El-Sayed, Amira",
        subject_keys=[{"kind": "person", "value": "El-Sayed, Amira, 12.09.1991"}],
    )
    building = open_akte(
        service,
        code="521.01",
        title="Bauantrag Kirchplatz 1",
        subject_keys=[{"kind": "bauantrag", "value": "BA-2026-0173"}],
    )
    by_person = filed(
        service,
        "Sehr geehrte Damen und Herren,\nich bitte um einen Termin zur Verlängerung "
        "meines Aufenthaltstitels.\nAmira El-Sayed, geb. 12.09.1991\nMit freundlichen Grüßen",
    )
    assert by_person["document"]["akte_id"] == person["id"]
    by_number = filed(
        service,
        "Betreff: Bauantrag Nr. BA-2026-0173\nwir reichen die fehlenden Bauvorlagen nach.",
    )
    assert by_number["document"]["akte_id"] == building["id"]


def test_references_to_two_akten_go_to_review_with_both(service_without_workers: Service) -> None:
    service = service_without_workers
    first = open_akte(service, code="521.01", title="Gartenstraße 12")
    second = open_akte(
        service,
        code="521.02",
        title="Schwarzbau Lindenweg",
        subject_keys=[{"kind": "bauantrag", "value": "BA-2025-0099"}],
    )
    result = filed(
        service,
        f"Ihr Zeichen: {first['aktenzeichen']}\nBetreff: Bauantrag Nr. BA-2025-0099\n"
        "bitte prüfen Sie beide Vorgänge.",
    )
    assert result["document"]["filing_status"] == "in_review"
    suggested = {s["akte_id"] for s in result["classification"]["suggestions"]}
    assert suggested == {first["id"], second["id"]}
    assert "2 different Akten" in result["classification"]["reason"]


def test_a_confident_per_person_letter_is_routed_to_the_responsible_unit(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    letter = (
        "Sehr geehrte Damen und Herren,\n"
        "mein Sohn (3 Jahre) braucht ab August einen Platz in einer Kita oder bei einer "
        "Tagesmutter. Wie hoch sind die Elternbeiträge und wo melde ich ihn an?\n"
        "Mit freundlichen Grüßen, Jana Beispiel"
    )
    result = filed(service, letter)
    classification = result["classification"]
    top = classification["suggestions"][0]
    assert top["code"] == "365.01"
    assert len(classification["suggestions"]) == 3
    assert top["reasons"], "the model must name the terms that weighed most"
    assert classification["decision"] == "routed", classification["reason"]
    assert classification["proposal"]["new_akte"] is not None
    unit = unit_of(service, "365.01")
    assert result["document"]["org_unit"] == unit
    [task] = open_tasks(service)
    assert task["org_unit"] == unit and task["document"]["id"] == result["document"]["id"]


def test_an_unsure_letter_goes_to_the_central_mail_room(service_without_workers: Service) -> None:
    service = service_without_workers
    result = filed(service, "Sehr geehrte Damen und Herren, anbei wie besprochen. Gruß, K. Otto")
    classification = result["classification"]
    assert classification["decision"] == "review" and classification["proposal"] is None
    assert classification["confidence"] < classification["threshold"]
    [task] = open_tasks(service)
    assert task["org_unit"] == result["document"]["org_unit"] == "POST"


def test_a_confident_subject_matter_letter_is_filed_into_the_sammelakte(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    plan = service.client.get("/api/v1/file-plan").json()
    subject_free = {i["code"] for i in plan["items"] if i["leaf"] and i["subject"] is None}
    letter = next(
        letter
        for letter in load_letters()
        if letter.code in subject_free and "Ihr Zeichen" not in letter.text
    )
    result = filed(service, letter.text)
    classification = result["classification"]
    assert classification["decision"] == "auto", classification["reason"]
    assert classification["code"] == letter.code
    assert classification["confidence"] >= classification["threshold"]
    akte = service.client.get(f"/api/v1/akten/{result['document']['akte_id']}").json()
    assert akte["general"] and akte["code"] == letter.code and akte["year"] == YEAR


def test_case_workers_see_only_their_units_queue(service_without_workers: Service) -> None:
    service = service_without_workers
    kita_unit, building_unit = unit_of(service, "365.01"), unit_of(service, "521.01")
    kita = filed(service, "Anmeldung für einen Kita-Platz, Elternbeitrag", org_unit=kita_unit)
    building = filed(service, "Frage zur Baugenehmigung", org_unit=building_unit)
    kita_key = key_for(service, "caseworker", kita_unit)
    building_key = key_for(service, "caseworker", building_unit)
    assert [t["document"]["id"] for t in open_tasks(service, kita_key)] == [kita["document"]["id"]]
    building_tasks = open_tasks(service, building_key)
    assert [t["document"]["id"] for t in building_tasks] == [building["document"]["id"]]
    assert len(open_tasks(service)) == 2, "a records manager or admin sees every queue"
    foreign = building_tasks[0]["id"]
    assert (
        service.client.get(
            f"/api/v1/review-queue/{foreign}", headers=service.headers(kita_key)
        ).status_code
        == 404
    )
    decided = service.client.post(
        f"/api/v1/review-queue/{foreign}/decision",
        json={"action": "correct", "code": "537.01"},
        headers=service.headers(kita_key),
    )
    assert decided.status_code == 404
    no_unit = key_for(service, "caseworker", None)
    assert open_tasks(service, no_unit) == [], "a key without a unit sees no queue"


def test_decisions_file_the_letter_and_feed_training(service_without_workers: Service) -> None:
    service = service_without_workers
    waste = filed(service, "Sehr geehrte Damen und Herren, anbei wie besprochen. Gruß, K. Otto")
    [task] = open_tasks(service)
    corrected = service.client.post(
        f"/api/v1/review-queue/{task['id']}/decision",
        json={"action": "correct", "code": "537.01"},
    )
    assert corrected.status_code == 200, corrected.text
    outcome = corrected.json()["outcome"]
    assert outcome["code"] == "537.01" and outcome["action"] == "correct"
    document = service.client.get(f"/api/v1/documents/{waste['document']['id']}").json()
    assert document["filing_status"] == "filed"
    akte = service.client.get(f"/api/v1/akten/{document['akte_id']}").json()
    assert akte["general"] and akte["code"] == "537.01"
    again = service.client.post(
        f"/api/v1/review-queue/{task['id']}/decision", json={"action": "confirm"}
    )
    assert again.status_code == 409
    with unit_of_work(service.container.session_factory, write=False) as session:
        examples = session.scalars(select(TrainingExample)).all()
        training_jobs = session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == TRAIN_CLASSIFIER)
        )
    assert [(e.document_id, e.code) for e in examples] == [(waste["document"]["id"], "537.01")]
    assert training_jobs == 1


@pytest.mark.parametrize("body", [{"action": "correct"}, {"action": "correct", "code": "122.04"}])
def test_incomplete_decisions_are_refused(service_without_workers: Service, body: dict) -> None:
    service = service_without_workers
    filed(service, "Ich brauche einen Termin bei der Ausländerbehörde.")
    [task] = open_tasks(service)
    response = service.client.post(f"/api/v1/review-queue/{task['id']}/decision", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert open_tasks(service)[0]["id"] == task["id"], "a refused decision changes nothing"


def test_a_decision_can_open_the_new_case_file(service_without_workers: Service) -> None:
    service = service_without_workers
    result = filed(
        service, "Antrag auf Einbürgerung, Dokumente anbei. Yusuf Demir, geb. 01.02.1990"
    )
    [task] = open_tasks(service)
    response = service.client.post(
        f"/api/v1/review-queue/{task['id']}/decision",
        json={
            "action": "correct",
            "code": "122.05",
            "new_akte": {
                "title": "Demir, Yusuf",
                "subject_keys": [{"kind": "person", "value": "Demir, Yusuf, 01.02.1990"}],
            },
        },
    )
    assert response.status_code == 200, response.text
    document = service.client.get(f"/api/v1/documents/{result['document']['id']}").json()
    assert document["aktenzeichen"] == f"122.05-1/{YEAR}"
    follow_up = filed(service, "Nachtrag: Yusuf Demir, geb. 01.02.1990, Sprachzertifikat B1")
    assert follow_up["document"]["akte_id"] == document["akte_id"]
