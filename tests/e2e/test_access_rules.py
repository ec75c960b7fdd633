"""The access rules one by one: shares, confidentiality, review decisions, reads in the trail,
keys, and the findings of the outside review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from services.access.confidentiality import Confidentiality, readable_levels
from services.db.session import unit_of_work
from services.ports import IndexableDocument
from tests.e2e.test_records_api import open_akte
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.clock import ShiftedClock
from tests.fixtures.records import classify_now, insert_document


def key(
    service: Service, role: str, org_unit: str | None, clearance: str = "003", **extra: Any
) -> str:
    body = {
        "name": f"{role} {org_unit}",
        "role": role,
        "org_unit": org_unit,
        "clearance": clearance,
    }
    response = service.client.post("/api/v1/keys", json={**body, **extra})
    assert response.status_code == 201, response.text
    return str(response.json()["key"])


def filed_document(service: Service, akte: dict[str, Any], text: str = "Antrag") -> str:
    document_id = insert_document(service.container, text, org_unit=akte["org_unit"])
    response = service.client.put(
        f"/api/v1/documents/{document_id}/filing", json={"akte_id": akte["id"], "reason": "Test"}
    )
    assert response.status_code == 200, response.text
    return document_id


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def town(tmp_path: Path, clock: ShiftedClock) -> Iterator[Service]:
    yield from start_service(make_settings(tmp_path / "data"), run_workers=False, clock=clock)


def test_levels_sort_by_xdomea_meaning_not_by_code() -> None:
    order = ["003", "002", "005", "001", "004"]
    assert sorted(Confidentiality, key=lambda c: c.rank) == [Confidentiality(c) for c in order]
    assert readable_levels(Confidentiality.VS_NFD) == {"003", "002"}
    assert Confidentiality.parse("vs-nfd") is Confidentiality.VS_NFD


def test_a_share_opens_an_akte_to_another_unit_until_its_end_date(
    town: Service, clock: ShiftedClock
) -> None:
    bau = open_akte(town, code="521.01", title="Neubau Gartenstraße 12")
    document_id = filed_document(town, bau)
    feuerwehr = key(town, "caseworker", "37")
    as_37 = town.headers(feuerwehr)
    assert town.client.get(f"/api/v1/akten/{bau['id']}", headers=as_37).status_code == 404
    today = clock.now().date()
    share = town.client.post(
        f"/api/v1/akten/{bau['id']}/shares",
        json={
            "grantee_kind": "unit",
            "grantee": "37",
            "access": "read",
            "valid_until": (today + timedelta(days=7)).isoformat(),
            "reason": "Brandschutzprüfung",
        },
    )
    assert share.status_code == 201, share.text
    assert (
        town.client.get(f"/api/v1/documents/{document_id}/text", headers=as_37).status_code == 200
    )
    closing = town.client.post(f"/api/v1/akten/{bau['id']}/close", headers=as_37)
    assert closing.status_code == 403  # read only
    clock.advance(timedelta(days=8))
    assert town.client.get(f"/api/v1/akten/{bau['id']}", headers=as_37).status_code == 404
    trail = town.client.get(f"/api/v1/audit?object=akte:{bau['id']}&action=akte.shared").json()
    assert trail["items"][0]["details"]["grantee"] == "unit:37"


def test_a_write_share_lets_the_other_unit_file_and_revoking_it_ends_access(
    town: Service,
) -> None:
    bau = open_akte(town, code="521.01", title="Kanalanschluss Lindenweg 3")
    abwasser = town.headers(key(town, "caseworker", "66"))
    share = town.client.post(
        f"/api/v1/akten/{bau['id']}/shares",
        json={"grantee_kind": "unit", "grantee": "66", "access": "write"},
    ).json()
    vorgang = town.client.post(
        f"/api/v1/akten/{bau['id']}/vorgaenge", json={"title": "Anschluss"}, headers=abwasser
    )
    assert vorgang.status_code == 201, vorgang.text
    revoked = town.client.delete(f"/api/v1/akten/{bau['id']}/shares/{share['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert town.client.get(f"/api/v1/akten/{bau['id']}", headers=abwasser).status_code == 404


def test_parent_units_see_sub_units_and_clearance_gates_foreigners_files(town: Service) -> None:
    akte = open_akte(
        town,
        code="122.04",
        title="Demir, Yusuf",
        subject_keys=[{"kind": "person", "value": "Demir, Yusuf, 01.02.1990"}],
    )
    assert akte["confidentiality"] == "002"  # the file plan's floor for foreigners' files
    document_id = filed_document(town, akte)
    cleared = town.headers(key(town, "caseworker", "32", clearance="002"))
    uncleared = town.headers(key(town, "caseworker", "32.3", clearance="003"))
    assert town.client.get(f"/api/v1/documents/{document_id}", headers=cleared).status_code == 200
    assert town.client.get(f"/api/v1/documents/{document_id}", headers=uncleared).status_code == 404
    assert town.client.get("/api/v1/akten", headers=uncleared).json()["total"] == 0
    lowered = town.client.put(
        f"/api/v1/akten/{akte['id']}/confidentiality", json={"level": "003", "reason": "x"}
    )
    assert lowered.status_code == 422  # never below the plan's default


def test_only_records_managers_lower_a_level_and_nobody_beyond_their_clearance(
    town: Service,
) -> None:
    akte = open_akte(town, code="521.01", title="Bauakte")
    caseworker = town.headers(key(town, "caseworker", "63", clearance="005"))
    url = f"/api/v1/akten/{akte['id']}/confidentiality"
    raised = town.client.put(
        url, json={"level": "005", "reason": "Sicherheitsbelange"}, headers=caseworker
    )
    assert raised.status_code == 200 and raised.json()["confidentiality"] == "005"
    too_high = town.client.put(url, json={"level": "001", "reason": "x"}, headers=caseworker)
    assert too_high.status_code == 403
    lowered = town.client.put(url, json={"level": "003", "reason": "x"}, headers=caseworker)
    assert lowered.status_code == 403
    assert town.client.put(url, json={"level": "003", "reason": "herabgestuft"}).status_code == 200


def test_review_decisions_are_checked_like_creating_and_filing(town: Service) -> None:
    other_unit = open_akte(
        town,
        code="122.04",
        title="Fremde Akte",
        subject_keys=[{"kind": "person", "value": "X, Y, 01.01.1980"}],
    )
    document_id = insert_document(
        town.container, "Bauantrag für ein Einfamilienhaus Gartenstraße 12", org_unit="63"
    )
    classify_now(town.container, document_id)
    bau = town.headers(key(town, "caseworker", "63"))
    tasks = town.client.get("/api/v1/review-queue", headers=bau).json()["items"]
    assert [t["document"]["id"] for t in tasks] == [document_id]
    decide = f"/api/v1/review-queue/{tasks[0]['id']}/decision"
    into_other = town.client.post(
        decide, json={"action": "correct", "akte_id": other_unit["id"]}, headers=bau
    )
    assert into_other.status_code in {403, 422}, into_other.text
    new_elsewhere = town.client.post(
        decide,
        json={"action": "correct", "code": "122.04", "new_akte": {"title": "Neu"}},
        headers=bau,
    )
    assert new_elsewhere.status_code == 403, new_elsewhere.text
    mailroom = town.headers(key(town, "mailroom", "POST"))
    routed = town.client.post(
        decide,
        json={
            "action": "correct",
            "code": "122.04",
            "new_akte": {
                "title": "Neu",
                "subject_keys": [{"kind": "person", "value": "Neu, Anna, 02.02.1992"}],
            },
        },
        headers=mailroom,
    )
    assert routed.status_code == 200, routed.text  # the mail room routes to any unit
    assert town.client.get(f"/api/v1/documents/{document_id}", headers=mailroom).status_code == 404


def test_retention_can_never_be_set_into_the_past_and_new_mail_cannot_be_destroyed(
    town: Service, clock: ShiftedClock
) -> None:
    document_id = insert_document(town.container, "Neue Post", org_unit="63")
    past = (clock.now().date() - timedelta(days=1)).isoformat()
    refused = town.client.put(
        f"/api/v1/documents/{document_id}/retention", json={"retain_until": past, "reason": "x y"}
    )
    assert refused.status_code == 422, refused.text
    soon = (clock.now().date() + timedelta(days=1)).isoformat()
    extended = town.client.put(
        f"/api/v1/documents/{document_id}/retention", json={"retain_until": soon, "reason": "x y"}
    )
    assert extended.status_code == 200, extended.text
    clock.advance(timedelta(days=3))
    destroyed = town.client.post(
        f"/api/v1/documents/{document_id}/destruction", json={"reason": "Ablauf der Frist"}
    )
    assert destroyed.status_code == 409, destroyed.text  # unfiled: no end from the plan yet


def test_every_read_of_text_and_snippets_is_in_the_trail(town: Service) -> None:
    akte = open_akte(town, code="521.01", title="Bauakte")
    document_id = filed_document(town, akte, "Gartenhaus")
    reader = key(town, "caseworker", "63")
    assert town.client.get(
        f"/api/v1/documents/{document_id}/text", headers=town.headers(reader)
    ).text
    actions = [
        e["action"]
        for e in town.client.get(f"/api/v1/audit?object=document:{document_id}").json()["items"]
    ]
    assert "text.read" in actions


def test_keys_expire_rotate_and_refuse_unknown_units(town: Service, clock: ShiftedClock) -> None:
    unknown = town.client.post(
        "/api/v1/keys", json={"name": "x", "role": "caseworker", "org_unit": "Bauamt"}
    )
    assert unknown.status_code == 422 and "unknown organisational unit" in unknown.text
    expiring = key(
        town, "station", "POST", expires_at=(clock.now() + timedelta(days=1)).isoformat()
    )
    listed = town.client.get("/api/v1/keys").json()
    old = next(k for k in listed if k["name"] == "station POST")
    rotated = town.client.post(f"/api/v1/keys/{old['id']}/rotation", json={"grace_hours": 1})
    assert rotated.status_code == 201, rotated.text
    new_key = rotated.json()["key"]
    items = "/api/v1/intake/items"
    assert town.client.get(items, headers=town.headers(expiring)).status_code == 200
    clock.advance(timedelta(hours=2))
    assert town.client.get(items, headers=town.headers(expiring)).status_code == 401
    assert town.client.get(items, headers=town.headers(new_key)).status_code == 200


def test_a_task_of_a_destroyed_document_cannot_be_decided_again(
    town: Service, clock: ShiftedClock
) -> None:
    document_id = insert_document(town.container, "Fundsache: schwarzer Regenschirm", org_unit="33")
    classify_now(town.container, document_id)
    tasks = town.client.get("/api/v1/review-queue").json()["items"]
    task = next(t for t in tasks if t["document"]["id"] == document_id)
    decide = f"/api/v1/review-queue/{task['id']}/decision"
    assert (
        town.client.post(decide, json={"action": "correct", "code": "122.03.04"}).status_code == 200
    )
    akte_id = town.client.get(f"/api/v1/documents/{document_id}").json()["akte_id"]
    assert town.client.post(f"/api/v1/akten/{akte_id}/close").status_code == 200
    clock.advance(timedelta(days=366 * 5))
    destroyed = town.client.post(
        f"/api/v1/documents/{document_id}/destruction", json={"reason": "Frist abgelaufen"}
    )
    assert destroyed.status_code == 200, destroyed.text
    again = town.client.post(decide, json={"action": "correct", "code": "122.03.04"})
    assert again.status_code in {409, 410}, again.text


def test_search_titles_are_escaped_like_snippets(town: Service) -> None:
    document_id = insert_document(town.container, "Antrag", org_unit="63")
    with unit_of_work(town.container.session_factory) as session:
        town.container.search.index_document(
            session,
            IndexableDocument(
                document_id=document_id,
                title='<img src=x onerror="alert(1)"> Bauantrag',
                metadata_text="",
                pages=["Bauantrag Gartenstraße"],
            ),
        )
    hit = town.client.get("/api/v1/search", params={"q": "Bauantrag"}).json()["hits"][0]
    assert "<img" not in hit["title"] and "&lt;img" in hit["title"]


def test_a_refused_decision_does_not_name_another_units_akte(town: Service) -> None:
    planning = open_akte(town, code="511.01", title="Bebauungsplan Nr. 12")
    document_id = insert_document(
        town.container, "Bauantrag für ein Einfamilienhaus Gartenstraße 12", org_unit="63"
    )
    classify_now(town.container, document_id)
    bau = town.headers(key(town, "caseworker", "63"))
    task = town.client.get("/api/v1/review-queue", headers=bau).json()["items"][0]
    refused = town.client.post(
        f"/api/v1/review-queue/{task['id']}/decision",
        json={"action": "correct", "akte_id": planning["id"]},
        headers=bau,
    )
    assert refused.status_code == 422, refused.text
    assert planning["aktenzeichen"] not in refused.text
    assert refused.json()["detail"] == f"no Akte {planning['id']}"
