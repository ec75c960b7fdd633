"""Page work over HTTP: split, merge, rotate and drop pages of unfiled mail, with real PDFs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from services.pagework.pdf import page_count, page_rotations
from services.settings import SearchBackend
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.pagework import BLANK, classify_jobs, insert_stack, open_task_of, to_review

D = "/api/v1/documents"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def svc(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service without workers: the results' classification jobs stay queued."""
    data_dir = tmp_path_factory.mktemp("pagework") / "data"
    if request.param == "sqlite":
        settings = make_settings(data_dir)
    else:
        url = request.getfixturevalue("postgres_url_module")
        settings = make_settings(data_dir, database_url=url, search_backend=SearchBackend.POSTGRES)
    yield from start_service(settings, run_workers=False)


def key(svc: Service, role: str, unit: str | None = None, clearance: str = "003") -> str:
    response = svc.client.post(
        "/api/v1/keys",
        json={"name": f"{role} {unit}", "role": role, "org_unit": unit, "clearance": clearance},
    )
    response.raise_for_status()
    return str(response.json()["key"])


def get(svc: Service, url: str, who: str | None = None) -> Any:
    response = svc.client.get(url, headers=svc.headers(who))
    assert response.status_code == 200, response.text
    return response.json() if "json" in response.headers["content-type"] else response.content


def rework(svc: Service, document_id: str, body: dict[str, Any], who: str | None = None) -> Any:
    return svc.client.post(f"{D}/{document_id}/pagework", json=body, headers=svc.headers(who))


def fingerprint(svc: Service, document_id: str) -> tuple[str, str]:
    content = get(svc, f"{D}/{document_id}/content")
    rendition = get(svc, f"{D}/{document_id}/rendition")
    return hashlib.sha256(content).hexdigest(), hashlib.sha256(rendition).hexdigest()


def queue_ids(svc: Service) -> set[str]:
    page = get(svc, "/api/v1/review-queue?limit=500")
    return {task["document"]["id"] for task in page["items"]}


def test_split_rotate_drop_makes_new_documents_and_keeps_the_original(svc: Service) -> None:
    (source,) = insert_stack(
        svc.container, [["Antrag Seite eins", "Antrag Seite zwei", BLANK, "Rechnung Seite eins"]]
    )
    assert source in queue_ids(svc)
    before = fingerprint(svc, source)

    proposal = get(svc, f"{D}/{source}/pagework/proposal")
    assert proposal["pages"] == 4
    assert [(p["page"], p["kind"]) for p in proposal["proposals"]] == [(3, "blank")]

    body = {"split_before": [4], "drop": [3], "rotate": [{"page": 2, "degrees": 90}]}
    response = rework(svc, source, body)
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["kinds"] == ["split", "rotate", "drop"]
    first, second = out["results"]
    assert [p["source_page"] for p in first["pages"]] == [1, 2]
    assert [p["rotated"] for p in first["pages"]] == [0, 90]
    assert [p["source_page"] for p in second["pages"]] == [4]
    assert {p["source_document_id"] for p in first["pages"] + second["pages"]} == {source}
    assert first["document"]["title"] == "Stapel – Teil 1/2"
    assert first["org_unit"] == second["org_unit"] == "63"

    # The stored original is untouched; the results are real PDFs of their pages.
    assert fingerprint(svc, source) == before
    rendition = get(svc, f"{D}/{first['document']['id']}/rendition")
    assert page_rotations(rendition) == [0, 90]
    content = get(svc, f"{D}/{second['document']['id']}/content")
    assert page_count(content) == 1
    text = svc.client.get(f"{D}/{second['document']['id']}/text").text
    assert text == "Rechnung Seite eins"

    # The source left the queue but stays readable, pointing at its successors.
    assert source not in queue_ids(svc)
    lineage = get(svc, f"{D}/{source}/pagework")
    successor_ids = [d["id"] for d in lineage["superseded"]["successors"]]
    assert successor_ids == [first["document"]["id"], second["document"]["id"]]
    assert get(svc, f"{D}/{source}")["id"] == source
    derived = get(svc, f"{D}/{successor_ids[0]}/pagework")
    assert [s["id"] for s in derived["sources"]] == [source]

    # The results are classified again, like fresh mail; the source is not.
    assert set(successor_ids) <= classify_jobs(svc.container)
    assert source not in classify_jobs(svc.container)
    assert {get(svc, f"{D}/{r}")["filing_status"] for r in successor_ids} == {"unfiled"}

    events = get(svc, f"/api/v1/audit?object=document:{source}&action=pagework.superseded")
    assert events["items"][0]["details"]["successors"] == successor_ids
    created = get(svc, f"/api/v1/audit?object=document:{successor_ids[1]}")
    assert "pagework.created" in {e["action"] for e in created["items"]}

    again = rework(svc, source, {"drop": [1]})
    assert again.status_code == 409
    assert "successors" in again.json()["detail"]


def test_merge_in_chosen_order_carries_corrections_and_rotations(svc: Service) -> None:
    one, two = insert_stack(svc.container, [["Brief eins"], ["Anlage eins", "Anlage zwei"]])
    corrected = svc.client.put(
        f"{D}/{two}/confidentiality", json={"level": "005", "reason": "Gesundheitsdaten"}
    )
    assert corrected.status_code == 200, corrected.text
    turned = rework(svc, two, {"rotate": [{"page": 1, "degrees": -90}]}).json()
    (rotated,) = turned["results"]
    assert rotated["confidentiality"] == "005"
    assert rotated["document"]["title"] == "Stapel – Teil 2/2"
    rotated_id = rotated["document"]["id"]
    to_review(svc.container, rotated_id, "63")

    held = svc.client.put(f"{D}/{one}/legal-hold", json={"active": True, "reason": "Klage"})
    assert held.status_code == 200, held.text
    merged = rework(svc, one, {"append": [rotated_id]})
    assert merged.status_code == 200, merged.text
    (result,) = merged.json()["results"]
    assert result["document"]["pages"] == 3
    assert result["document"]["title"] == "Stapel – Teil 1/2"
    assert result["confidentiality"] == "005"  # the strictest of the sources
    assert [(p["source_document_id"], p["source_page"]) for p in result["pages"]] == [
        (one, 1),
        (rotated_id, 1),
        (rotated_id, 2),
    ]
    merged_document = get(svc, f"{D}/{result['document']['id']}")
    assert merged_document["legal_hold"] is True
    assert merged_document["org_unit"] == "63"
    rendition = get(svc, f"{D}/{result['document']['id']}/rendition")
    assert page_rotations(rendition) == [0, 270, 0]  # the earlier rotation survives
    assert get(svc, f"{D}/{rotated_id}/pagework")["superseded"] is not None
    assert {one, two, rotated_id}.isdisjoint(queue_ids(svc))


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"drop": [5]}, "outside 1-3"),
        ({"drop": [1, 2, 3]}, "every page would be dropped"),
        ({"split_before": [1]}, "page 1"),
        ({"split_before": [3], "drop": [3]}, "last part"),
        ({}, "nothing to do"),
        ({"rotate": [{"page": 1, "degrees": 45}]}, "multiple"),
    ],
)
def test_invalid_requests_are_422_problems(svc: Service, body: dict[str, Any], words: str) -> None:
    (source,) = insert_stack(svc.container, [["A", "B", "C"]], filename=f"{words}.pdf")
    response = rework(svc, source, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.text
    assert source in queue_ids(svc)


def test_refusals_filed_foreign_and_unprivileged(svc: Service) -> None:
    (source,) = insert_stack(svc.container, [["Brief", "Seite zwei"]], filename="r.pdf")
    assert rework(svc, source, {"append": [source]}).status_code == 422
    stranger = key(svc, "caseworker", "32")
    hidden = rework(svc, source, {"drop": [1]}, who=stranger)
    assert hidden.status_code == 404
    assert (
        svc.client.get(f"{D}/{source}/pagework/proposal", headers=svc.headers(stranger)).status_code
        == 404
    )
    assert rework(svc, source, {"drop": [1]}, who=key(svc, "auditor")).status_code == 403

    (other,) = insert_stack(svc.container, [["Fremd"]], org_unit="32", filename="f.pdf")
    owner = key(svc, "caseworker", "63")
    assert rework(svc, source, {"append": [other]}, who=owner).status_code == 404
    mailroom = key(svc, "mailroom", "POST")
    assert rework(svc, source, {"split_before": [2]}, who=mailroom).status_code == 200

    (letter,) = insert_stack(svc.container, [["Abgelegt"]], filename="a.pdf")
    akte = svc.client.post("/api/v1/akten", json={"code": "521.01", "title": "Bauakte"})
    assert akte.status_code == 201, akte.text
    task = open_task_of(svc.container, letter)
    decided = svc.client.post(
        f"/api/v1/review-queue/{task}/decision",
        json={"action": "correct", "akte_id": akte.json()["id"]},
    )
    assert decided.status_code == 200, decided.text
    filed = rework(svc, letter, {"rotate": [{"page": 1, "degrees": 180}]})
    assert filed.status_code == 409
    assert "filed" in filed.json()["detail"]
    assert rework(svc, source, {"append": [letter]}).status_code == 409


def test_two_page_works_on_one_letter_at_once_one_wins(svc: Service) -> None:
    (source,) = insert_stack(svc.container, [["Eins", "Zwei"]], filename="race.pdf")
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(
            pool.map(lambda body: rework(svc, source, body), [{"drop": [1]}, {"drop": [2]}])
        )
    assert sorted(a.status_code for a in answers) == [200, 409]
    lineage = get(svc, f"{D}/{source}/pagework")
    assert len(lineage["superseded"]["successors"]) == 1
