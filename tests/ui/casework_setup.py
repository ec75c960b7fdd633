"""Setting up Akten, filed and indexed letters, and queued letters for the case workers' pages."""

from __future__ import annotations

from typing import Any

from services.classification.filing import apply_decision
from services.classification.policy import Decision, Outcome, Suggestion
from services.db.models import Document
from services.db.session import unit_of_work
from services.ports import IndexableDocument
from services.records.file_plans import active_plan
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


def queued_letter(server: UiServer, text: str, *, unit: str, code: str, confidence: float) -> str:
    """A letter waiting in ``unit``'s Postkorb with ``code`` as the top suggestion.

    The review decision is applied as the classification job would; the job itself is
    not run, because its first run trains the classifier (a minute on a busy machine).
    """
    document_id = insert_document(server.container, text, org_unit=unit)
    with unit_of_work(server.container.session_factory) as session:
        plan = active_plan(session)
        document = session.get(Document, document_id)
        assert document is not None
        decision = Decision(
            method="model",
            outcome=Outcome.REVIEW,
            code=code,
            confidence=confidence,
            threshold=0.9,
            reason="below the threshold",
            org_unit=unit,
            suggestions=(Suggestion(code, plan.get(code).title, confidence),),
        )
        apply_decision(
            session, plan, document, decision, model_version=None, clock=server.container.clock
        )
    return document_id
