"""A routed letter in the unit's Postkorb: its proposed new Akte is shown and accepted."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from services.classification.filing import apply_decision
from services.classification.policy import Decision, Outcome, Suggestion
from services.classification.routing import NewAkteProposal
from services.db.models import Document
from services.db.session import unit_of_work
from services.records.file_plans import active_plan
from services.records.subject_keys import subject_key
from tests.fixtures.browser import UiServer, sign_in
from tests.fixtures.records import insert_document


def routed_letter(server: UiServer, text: str) -> str:
    """A Bauantrag letter routed to unit 63 with a new Akte proposed (as the job would)."""
    document_id = insert_document(server.container, text)
    key = subject_key("bauantrag", "BA-2026-0417")
    with unit_of_work(server.container.session_factory) as session:
        plan = active_plan(session)
        document = session.get(Document, document_id)
        assert document is not None
        proposal = Suggestion(
            "521.01",
            plan.get("521.01").title,
            0.97,
            new_akte=NewAkteProposal("Bauantrag BA-2026-0417", (key,)),
        )
        decision = Decision(
            method="model",
            outcome=Outcome.ROUTED,
            code="521.01",
            confidence=0.97,
            threshold=0.6,
            reason="routed",
            org_unit="63",
            suggestions=(proposal,),
        )
        apply_decision(
            session, plan, document, decision, model_version=None, clock=server.container.clock
        )
    return document_id


def test_a_routed_letter_shows_and_accepts_its_proposal(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    document_id = routed_letter(server, "Bauantrag BA-2026-0417 für ein Carport")
    caseworker = server.key("caseworker", "63")
    page = new_page()
    sign_in(page, server, caseworker, next_path="/ui/postkorb")
    row = page.locator("tbody tr", has_text="Weitergeleitet")
    expect(row).to_contain_text("Vorschlag neue Akte: Bauantrag BA-2026-0417")
    row.get_by_role("link").click()
    expect(page.get_by_label("Vorschlag 1", exact=False)).to_be_checked()
    expect(page.locator("label[for=wahl-1]")).to_contain_text(
        "Neue Akte anlegen: Bauantrag BA-2026-0417 (BA-2026-0417)"
    )
    page.get_by_role("button", name="Übernehmen").click()
    for _ in range(50):  # the page's script posts the decision, then moves on
        document = server.api.get(f"/api/v1/documents/{document_id}").json()
        if document["filing_status"] == "filed":
            break
        page.wait_for_timeout(200)
    assert document["filing_status"] == "filed"
    akte = server.api.get(f"/api/v1/akten/{document['akte_id']}").json()
    assert akte["title"] == "Bauantrag BA-2026-0417" and akte["code"] == "521.01"
    assert [k["display"] for k in akte["subject_keys"]] == ["BA-2026-0417"]
