"""The filing form's Akte typeahead (``/ui/dokumente/{id}/akten``), without a browser."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_access_rules import filed_document, key
from tests.e2e.test_records_api import open_akte
from tests.fixtures.app import Service


def offered(service: Service, document_id: str, text: str, as_key: str) -> list[dict[str, Any]]:
    response = service.client.get(
        f"/ui/dokumente/{document_id}/akten", params={"q": text}, headers=service.headers(as_key)
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def test_open_writable_akten_by_aktenzeichen_or_title_wildcards_taken_literally(
    service_without_workers: Service,
) -> None:
    service = service_without_workers
    home = open_akte(service, code="521.01", title="Neubau Gartenstraße 12")
    percent = open_akte(service, code="521.01", title="Anbau 100% Dachfläche")
    closed = open_akte(service, code="521.01", title="Neubau Lindenweg 3")
    assert service.client.post(f"/api/v1/akten/{closed['id']}/close").status_code == 200
    foreign = open_akte(service, code="537.01", title="Neubau Gebühren")
    assert foreign["org_unit"] != home["org_unit"]
    document_id = filed_document(service, home)
    caseworker = key(service, "caseworker", home["org_unit"])

    titles = [a["title"] for a in offered(service, document_id, "neubau", caseworker)]
    assert titles == ["Neubau Gartenstraße 12"]  # not closed, not another unit's
    assert [a["id"] for a in offered(service, document_id, "%", caseworker)] == [percent["id"]]
    assert offered(service, document_id, "_", caseworker) == []
    by_number = offered(service, document_id, home["aktenzeichen"], caseworker)
    assert [(a["id"], a["current"]) for a in by_number] == [(home["id"], True)]
    assert offered(service, document_id, "   ", caseworker) == []

    other_unit = service.headers(key(service, "caseworker", "37"))
    url = f"/ui/dokumente/{document_id}/akten?q=Neubau"
    assert service.client.get(url, headers=other_unit).status_code == 404
    auditor = service.headers(key(service, "auditor", None))
    assert service.client.get(url, headers=auditor).status_code == 403
