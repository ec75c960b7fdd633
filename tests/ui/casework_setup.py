"""Setting up Akten and filed, indexed letters for the case workers' page tests."""

from __future__ import annotations

from typing import Any

from services.db.session import unit_of_work
from services.ports import IndexableDocument
from tests.fixtures.browser import UiServer
from tests.fixtures.records import insert_document


def open_akte(server: UiServer, code: str, title: str, **body: Any) -> dict[str, Any]:
    response = server.api.post("/api/v1/akten", json={"code": code, "title": title, **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


def filed_letter(
    server: UiServer, akte: dict[str, Any] | None, text: str, *, title: str = "Brief"
) -> str:
    """A letter with ``text``, filed into ``akte`` (or unfiled) and in the search index."""
    unit = akte["org_unit"] if akte else "63"
    document_id = insert_document(server.container, text, org_unit=unit)
    if akte is not None:
        filing = server.api.put(
            f"/api/v1/documents/{document_id}/filing",
            json={"akte_id": akte["id"], "reason": "Test"},
        )
        assert filing.status_code == 200, filing.text
    with unit_of_work(server.container.session_factory) as session:
        server.container.search.index_document(
            session, IndexableDocument(document_id, title, "", [text])
        )
    return document_id
