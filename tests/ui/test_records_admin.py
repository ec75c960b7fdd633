"""Verwaltung for records managers: legal holds, destruction, integrity, the protocol.

One server for the module, built with a clock that can be moved forward: the last test
lets eleven years pass so that a retention period ends (it runs last, since the clock
stays moved for the rest of the module's server).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from services.settings import Settings
from tests.fixtures.app import make_settings
from tests.fixtures.browser import (
    UiServer,
    assert_accessible,
    assert_no_script_errors,
    serve,
    sign_in,
)
from tests.fixtures.clock import ShiftedClock
from tests.fixtures.records import insert_document

ELEVEN_YEARS = timedelta(days=366 * 11 + 2)
FORBIDDEN = "Dafür fehlt Ihnen die Berechtigung"


@pytest.fixture(scope="module")
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: ShiftedClock) -> Iterator[UiServer]:
    settings: Settings = make_settings(tmp_path_factory.mktemp("records-admin") / "data")
    yield from serve(settings, clock=clock)


def akte_with(server: UiServer, *texts: str, close: bool = False, **extra: Any) -> dict[str, Any]:
    """An Akte (537.01, ten years) holding a document per text; closed if asked."""
    created = server.api.post("/api/v1/akten", json={"code": "537.01", "title": "Abfall", **extra})
    assert created.status_code == 201, created.text
    akte: dict[str, Any] = created.json()
    akte["documents"] = []
    for text in texts:
        document_id = insert_document(server.container, text)
        filed = server.api.put(
            f"/api/v1/documents/{document_id}/filing",
            json={"akte_id": akte["id"], "reason": "Test"},
        )
        assert filed.status_code == 200, filed.text
        akte["documents"].append(document_id)
    if close:
        closed = server.api.post(f"/api/v1/akten/{akte['id']}/close")
        assert closed.status_code == 200, closed.text
        akte.update(retention_until=closed.json()["retention_until"])
    return akte


def retention(server: UiServer, document_id: str) -> dict[str, Any]:
    answer = server.api.get(f"/api/v1/documents/{document_id}/retention")
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def trail(server: UiServer, object_ref: str, action: str) -> list[dict[str, Any]]:
    answer = server.api.get("/api/v1/audit", params={"object": object_ref, "action": action})
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def hold_via_form(page: Page, reason: str, button: str) -> None:
    page.get_by_label(re.compile("^Grund für")).fill(reason)
    page.get_by_role("button", name=button).click()


def test_records_manager_holds_and_releases_an_akte_and_a_document(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    akte = akte_with(server, "Widerspruch Gebührenbescheid Müllabfuhr")
    document_id = akte["documents"][0]
    page = new_page()
    sign_in(page, server, server.key("records_manager"), next_path="/ui/verwaltung")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwaltung")
    sections = page.get_by_role("main").get_by_role("link")
    expect(sections).to_have_text(
        [
            "Aufbewahrung und Löschung",
            "Aussonderung",
            "Vernichtungsprotokolle",
            "Integrität und Speicher",
            "Protokoll",
            "Aktenplan",
            "Leitweg-IDs",
        ]
    )
    assert_accessible(page)

    sections.get_by_text("Aufbewahrung und Löschung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aufbewahrung und Löschung")
    assert_accessible(page)
    page.get_by_label("Aktenzeichen oder Dokument-ID").fill(akte["aktenzeichen"])
    page.get_by_role("button", name="Aufrufen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(akte["aktenzeichen"])
    assert_accessible(page)

    hold_via_form(page, "Prüfung Rechnungsprüfungsamt 2026", "Löschsperre setzen")
    expect(page.locator("#ergebnis")).to_have_text("Die Löschsperre ist gesetzt.")
    expect(page.locator("#ergebnis")).to_be_focused()
    page.reload()
    expect(page.locator("#loeschsperre")).to_contain_text("aktiv Prüfung Rechnungsprüfungsamt")
    held = retention(server, document_id)
    assert held["legal_hold"] and akte["aktenzeichen"] in held["legal_hold_reason"]
    page.goto(server.url("/ui/verwaltung/aufbewahrung"))
    expect(page.get_by_role("table", name="Akten")).to_contain_text("Rechnungsprüfungsamt")

    page.goto(server.url(f"/ui/verwaltung/aufbewahrung/akte/{akte['id']}"))
    page.get_by_role("link", name="Brief").click()
    expect(page.locator("#loeschsperre")).to_contain_text("Löschsperre auf der Akte")
    hold_via_form(page, "Beweissicherung Klage 4 K 12/26", "Löschsperre setzen")
    expect(page.locator("#ergebnis")).to_have_text("Die Löschsperre ist gesetzt.")
    page.reload()
    expect(page.locator("#loeschsperre")).to_contain_text("Löschsperre auf dem Dokument")
    assert_accessible(page)
    hold_via_form(page, "Klage zurückgenommen", "Löschsperre aufheben")
    expect(page.locator("#ergebnis")).to_have_text("Die Löschsperre ist aufgehoben.")
    assert trail(server, f"document:{document_id}", "legal_hold.released")

    page.get_by_label("Aufbewahren bis").fill("2040-12-31")
    page.get_by_label("Grund der Verlängerung").fill("Musterverfahren beim OVG")
    page.get_by_role("button", name="Frist verlängern").click()
    expect(page.locator("#ergebnis")).to_have_text(
        "Die Frist ist verlängert (aufbewahren bis 31.12.2040)."
    )
    expect(page.locator("#eigene-frist")).to_have_text("31.12.2040")
    assert retention(server, document_id)["own_retention_until"] == "2040-12-31"
    page.get_by_label("Aufbewahren bis").fill("2039-01-01")
    page.get_by_label("Grund der Verlängerung").fill("Versehen")
    page.get_by_role("button", name="Frist verlängern").click()
    expect(
        page.get_by_text("Abgelehnt: Das Dokument wird bis 31.12.2040 aufbewahrt.")
    ).to_be_visible()

    page.goto(server.url(f"/ui/verwaltung/aufbewahrung/akte/{akte['id']}"))
    hold_via_form(page, "Prüfung abgeschlossen", "Löschsperre aufheben")
    expect(page.locator("#ergebnis")).to_have_text("Die Löschsperre ist aufgehoben.")
    page.reload()
    expect(page.locator("#loeschsperre")).to_have_text("keine")
    assert not retention(server, document_id)["legal_hold"]
    released = trail(server, f"akte:{akte['id']}", "legal_hold.released")
    assert released[0]["details"]["reason"] == "Prüfung abgeschlossen"
    assert_no_script_errors(page)


def test_objects_above_the_clearance_are_not_found(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    secret = akte_with(server, "Personalsache", confidentiality="005")
    page = new_page()
    sign_in(page, server, server.key("records_manager", None, "002"), next_path="/ui/verwaltung")
    for path in (f"akte/{secret['id']}", f"dokument/{secret['documents'][0]}"):
        page.goto(server.url(f"/ui/verwaltung/aufbewahrung/{path}"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Nicht gefunden")
    page.goto(server.url("/ui/verwaltung/aufbewahrung/suchen?ref=" + secret["aktenzeichen"]))
    expect(page.get_by_role("alert")).to_contain_text("Keine sichtbare Akte")


def test_integrity_page_verifies_the_chain(server: UiServer, new_page: Callable[[], Page]) -> None:
    page = new_page()
    sign_in(page, server, server.key("records_manager"), next_path="/ui/verwaltung/integritaet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrität und Speicher")
    expect(page.locator("#object-lock")).to_contain_text("an (Aufbewahrungsliste")
    assert_accessible(page)
    page.get_by_role("button", name="Hash-Kette jetzt prüfen").click()
    expect(page.locator("#ergebnis")).to_contain_text("Die Hash-Kette ist intakt")
    expect(page.locator("#kette-status")).to_have_text("Intakt")
    assert_accessible(page)
    verified = server.api.get("/api/v1/audit", params={"action": "audit.verified"}).json()
    assert verified["items"][-1]["details"]["ok"] is True

    unchecked = server.api.get("/api/v1/health/storage").json()["never_checked"]
    assert unchecked > 0  # the documents of the tests before
    page.get_by_role("button", name="Fixity-Prüfung jetzt starten").click()
    expect(page.locator("#ergebnis")).to_contain_text("Die Fixity-Prüfung ist gestartet")
    deadline = time.monotonic() + 20
    while server.api.get("/api/v1/health/storage").json()["never_checked"] >= unchecked:
        assert time.monotonic() < deadline, "the fixity run did not start"
        time.sleep(0.1)
    page.reload()
    expect(page.locator("#fixity-nie")).not_to_have_text(str(unchecked))
    expect(page.locator("#fixity-zuletzt")).not_to_have_text("–")
    expect(page.locator("#fixity-status")).to_have_text("Keine Fehler")
    assert_no_script_errors(page)


def test_auditor_reads_integrity_and_protocol_but_changes_nothing(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    akte = akte_with(server, "Antrag Sondernutzung Gehweg")
    document_id = akte["documents"][0]
    for round_ in range(26):  # more than one page of the protocol
        for active in (True, False):
            answer = server.api.put(
                f"/api/v1/documents/{document_id}/legal-hold",
                json={"active": active, "reason": f"Runde {round_}"},
            )
            assert answer.status_code == 200
    page = new_page()
    sign_in(page, server, server.key("auditor"), next_path="/ui/verwaltung")
    expect(page.get_by_role("main").get_by_role("link")).to_have_text(
        ["Vernichtungsprotokolle", "Integrität und Speicher", "Protokoll"]
    )
    page.goto(server.url("/ui/verwaltung/integritaet"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrität und Speicher")
    expect(page.get_by_role("button", name=re.compile("Löschsperre"))).to_have_count(0)
    for path in ("", f"/akte/{akte['id']}", f"/dokument/{document_id}"):
        page.goto(server.url("/ui/verwaltung/aufbewahrung" + path))
        expect(page.get_by_role("heading", level=1)).to_have_text(FORBIDDEN)
        expect(page.get_by_role("button", name=re.compile("Löschsperre"))).to_have_count(0)

    page.goto(server.url("/ui/verwaltung/protokoll"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Protokoll")
    assert_accessible(page)
    page.get_by_label("Objektart").select_option("document")
    page.get_by_label("Objekt-ID").fill(document_id)
    page.get_by_label("Aktion").fill("legal_hold")
    page.get_by_role("button", name="Filtern").click()
    expect(page.locator("#treffer")).to_contain_text("52 Ereignisse, 1 bis 50")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("legal_hold.released")
    expect(rows.first).to_contain_text("Runde 25")
    page.get_by_role("link", name="Ältere Ereignisse").click()
    expect(rows).to_have_count(2)
    expect(rows.last).to_contain_text("Runde 0")
    expect(page.get_by_label("Aktion")).to_have_value("legal_hold")
    assert_accessible(page)
    rows.last.get_by_role("link", name=document_id).click()  # every event of the object
    expect(page.get_by_label("Objekt-ID")).to_have_value(document_id)
    expect(page.get_by_label("Aktion")).to_have_value("")
    expect(page.locator("#treffer")).to_contain_text("53 Ereignisse")  # and the filing
    page.get_by_label("Aktion").fill("legal_hold")

    today = server.container.clock.now().date()
    page.get_by_label("Von").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Bis").fill((today + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Filtern").click()
    expect(page.locator("#treffer")).to_contain_text("52 Ereignisse")
    page.get_by_label("Bis").fill((today - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Filtern").click()
    expect(page.get_by_role("main")).to_contain_text("Der Zeitraum endet, bevor er beginnt")
    page.go_back()
    page.get_by_label("Bis").fill("")
    page.get_by_label("Handelnde Person oder Schlüssel").fill("niemand-bekanntes")
    page.get_by_role("button", name="Filtern").click()
    expect(page.locator("#treffer")).to_have_text("0 Ereignisse.")
    assert_no_script_errors(page)


def test_caseworker_has_no_verwaltung(server: UiServer, new_page: Callable[[], Page]) -> None:
    akte = akte_with(server, "Anfrage Straßenreinigung")
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"))
    menu = page.get_by_role("navigation", name="Hauptmenü")
    expect(menu.get_by_role("link", name="Verwaltung")).to_have_count(0)
    for path in (
        "",
        "/aufbewahrung",
        f"/aufbewahrung/dokument/{akte['documents'][0]}",
        f"/aufbewahrung/akte/{akte['id']}",
        "/integritaet",
        "/protokoll",
    ):
        response = page.goto(server.url("/ui/verwaltung" + path))
        assert response is not None and response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text(FORBIDDEN)
    assert_accessible(page)


def test_destruction_after_retention_leaves_a_tombstone_and_is_refused_under_hold(
    server: UiServer, new_page: Callable[[], Page], clock: ShiftedClock
) -> None:
    """Runs last in the module: it moves the server's clock eleven years on."""
    akte = akte_with(server, "Beschwerde Sperrmüll", "Beschwerde Biotonne", close=True)
    free, held = akte["documents"]
    page = new_page()
    sign_in(
        page, server, server.key("records_manager"), f"/ui/verwaltung/aufbewahrung/dokument/{free}"
    )
    destroy(page, "Aussonderung zu früh")
    expect(page.locator("#vernichten-fehler")).to_contain_text(
        "Abgelehnt: Die Aufbewahrungsfrist läuft noch bis"
    )
    expect(page.locator("#vernichten-fehler")).to_be_focused()
    hold = server.api.put(
        f"/api/v1/documents/{held}/legal-hold",
        json={"active": True, "reason": "Klage VG Arnsberg 4 K 12/26"},
    )
    assert hold.status_code == 200

    clock.advance(ELEVEN_YEARS)
    page = new_page()  # the session of eleven years ago has expired
    sign_in(page, server, server.key("records_manager"), "/ui/verwaltung/aufbewahrung?zeitraum=0")
    due = page.get_by_role("table", name=re.compile("^Dokumente mit Fristende"))
    expect(due.get_by_role("row", name=re.compile("Beschwerde|Brief"))).to_have_count(2)
    expect(due).to_contain_text("Klage VG Arnsberg")
    assert_accessible(page)

    page.goto(server.url(f"/ui/verwaltung/aufbewahrung/dokument/{held}"))
    destroy(page, "Aussonderung 2037")
    expect(page.locator("#vernichten-fehler")).to_contain_text(
        "Abgelehnt: Für das Dokument besteht eine Löschsperre (Klage VG Arnsberg 4 K 12/26)"
    )
    assert server.api.get(f"/api/v1/documents/{held}/tombstone").status_code == 404

    page.goto(server.url(f"/ui/verwaltung/aufbewahrung/dokument/{free}"))
    page.get_by_role("button", name="Dokument vernichten …").click()
    dialog = page.get_by_role("dialog", name="Dokument endgültig vernichten?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Grund der Vernichtung")).to_be_focused()
    assert_accessible(page)
    dialog.get_by_role("button", name="Abbrechen").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Dokument vernichten …")).to_be_focused()

    destroy(page, "Aussonderung nach Fristablauf 2037")
    expect(page.locator("#ergebnis")).to_contain_text("Das Dokument ist vernichtet")
    proof = page.get_by_role("region", name="Nachweis der Vernichtung")
    expect(proof).to_contain_text("Aussonderung nach Fristablauf 2037")
    tombstone = server.api.get(f"/api/v1/documents/{free}/tombstone").json()
    expect(proof).to_contain_text(tombstone["versions"][0]["content_sha256"])
    expect(page.get_by_role("button", name="Dokument vernichten …")).to_have_count(0)
    assert_accessible(page)
    assert_no_script_errors(page)


def destroy(page: Page, reason: str) -> None:
    page.get_by_role("button", name="Dokument vernichten …").click()
    dialog = page.get_by_role("dialog", name="Dokument endgültig vernichten?")
    dialog.get_by_label("Grund der Vernichtung").fill(reason)
    dialog.get_by_role("button", name="Endgültig vernichten").click()
    expect(dialog).to_be_hidden()
