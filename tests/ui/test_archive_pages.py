"""Aussonderung in the browser: due list, appraisal, offer, processes, approval, certificates.

One server for the module, two-step flow with approval, the official xdomea schemas, and
the archive side played by :class:`tests.archive_simulator.ArchiveSimulator`.  The clock
runs with real time and jumps eleven years once the first Akten are closed; Akten made
later get their opening and closing days in the past.  Default plan: 111.02.03 is A,
537.01 is B, 573.01 is V (ten years from the end of the closing year).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.archive_simulator import ArchiveSimulator
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

XSD = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "xdomea" / "xsd"
ELEVEN_YEARS = timedelta(days=366 * 11 + 2)
FORBIDDEN = "Dafür fehlt Ihnen die Berechtigung"
DUE = "/ui/verwaltung/aussonderung"
PROCESSES = "/ui/verwaltung/aussonderung/verfahren"
CERTIFICATES = "/ui/verwaltung/vernichtungsprotokolle"
GHOST = "7d9c1d8e-0c0b-4d1e-9a53-3f3b3c1f0a11"


@pytest.fixture(scope="module")
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: ShiftedClock) -> Iterator[UiServer]:
    settings = make_settings(
        tmp_path_factory.mktemp("archive-ui") / "data",
        archive={
            "schema_dir": XSD,
            "settle_seconds": 0,
            "flow": "two-step",
            "approval_required": True,
            "sender_authority_key": "05958016",
            "sender_name": "Stadt Hagen",
            "archive_authority_key": "LATh",
            "archive_name": "Landesarchiv",
        },
    )
    # No workers: the scheduled poll must not read the archive's replies before the test.
    yield from serve(settings, clock=clock, run_workers=False)


@pytest.fixture(scope="module")
def archive(server: UiServer) -> ArchiveSimulator:
    return ArchiveSimulator(server.container.settings.archive_transfer_dir, XSD)


def closed_akte(
    server: UiServer,
    code: str,
    title: str,
    *texts: str,
    opened_on: date | None = None,
    closed_on: date | None = None,
) -> dict[str, Any]:
    """An Akte with a document per text, closed (on ``closed_on`` if given)."""
    body: dict[str, Any] = {"code": code, "title": title}
    if opened_on is not None:
        body["opened_on"] = opened_on.isoformat()
    created = server.api.post("/api/v1/akten", json=body)
    assert created.status_code == 201, created.text
    akte: dict[str, Any] = created.json()
    akte["documents"] = []
    for text in texts:
        document_id = insert_document(server.container, text)
        filed = server.api.put(
            f"/api/v1/documents/{document_id}/filing",
            json={"akte_id": akte["id"], "reason": "Ablage"},
        )
        assert filed.status_code == 200, filed.text
        akte["documents"].append(document_id)
    close = {"closed_on": closed_on.isoformat(), "reason": "Altakte"} if closed_on else None
    closed = server.api.post(f"/api/v1/akten/{akte['id']}/close", json=close)
    assert closed.status_code == 200, closed.text
    return {**akte, **closed.json(), "documents": akte["documents"]}


def content_status(server: UiServer, document_id: str) -> int:
    return server.api.get(f"/api/v1/documents/{document_id}/content").status_code


def audit(server: UiServer, action: str) -> list[dict[str, Any]]:
    answer = server.api.get("/api/v1/audit", params={"action": action})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def shot(page: Page, name: str) -> None:
    page.screenshot(path=f"/tmp/archive_ui_{name}.png", full_page=True)


def test_pages_refuse_roles_without_the_permission(
    server: UiServer, new_page: Callable[[], Page]
) -> None:
    caseworker = new_page()
    sign_in(caseworker, server, server.key("caseworker", "32"))
    for path in (
        DUE,
        PROCESSES,
        f"{PROCESSES}/{GHOST}",
        CERTIFICATES,
        f"{CERTIFICATES}/{GHOST}/pdf",
    ):
        answer = caseworker.goto(server.url(path))
        assert answer is not None and answer.status == 403, path
        expect(caseworker.get_by_role("heading", level=1)).to_have_text(FORBIDDEN)
    auditor = new_page()
    sign_in(auditor, server, server.key("auditor"), next_path="/ui/verwaltung")
    expect(auditor.get_by_role("main").get_by_role("link")).to_contain_text(
        ["Vernichtungsprotokolle"]
    )
    expect(auditor.get_by_role("link", name="Aussonderung", exact=True)).to_have_count(0)
    for path in (DUE, PROCESSES):
        auditor.goto(server.url(path))
        expect(auditor.get_by_role("heading", level=1)).to_have_text(FORBIDDEN)
    auditor.goto(server.url(CERTIFICATES))
    expect(auditor.get_by_role("heading", level=1)).to_have_text("Vernichtungsprotokolle")
    expect(auditor.get_by_text("Noch kein Vernichtungs- oder Löschprotokoll.")).to_be_visible()
    manager = new_page()
    sign_in(manager, server, server.key("records_manager"))
    answer = manager.goto(server.url(f"{PROCESSES}/{GHOST}"))
    assert answer is not None and answer.status == 404
    assert_no_script_errors(manager)


def test_records_manager_takes_due_akten_to_destruction_with_a_certificate(
    server: UiServer,
    clock: ShiftedClock,
    archive: ArchiveSimulator,
    new_page: Callable[[], Page],
) -> None:
    satzung = closed_akte(server, "111.02.03", "Satzung Friedhof", "Satzung", "Beschluss Rat")
    abfall = closed_akte(server, "537.01", "Abfallgebühren Widerspruch", "Widerspruch Müll")
    owi = closed_akte(server, "573.01", "Ordnungswidrigkeit Falschparker", "Anhörung", "Bescheid")
    clock.advance(ELEVEN_YEARS)
    page = new_page()
    sign_in(page, server, server.key("records_manager"), next_path="/ui/verwaltung")
    page.get_by_role("main").get_by_role("link", name="Aussonderung", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aussonderung fällig")
    table = page.get_by_role("table", name=re.compile("Fällige Akten"))
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.get_by_role("row", name=abfall["aktenzeichen"])).to_contain_text(
        "B – noch nicht bewertet"
    )
    expect(table.get_by_role("row", name=satzung["aktenzeichen"])).to_contain_text(
        "A – archivwürdig (Aktenplan)"
    )
    expect(table.get_by_role("row", name=owi["aktenzeichen"])).to_contain_text(
        "Ordnungswidrigkeit Falschparker"
    )
    assert_accessible(page)
    shot(page, "due")

    form = page.locator(f"#bewertung-{abfall['id']}")
    form.get_by_label("V – vernichten").check()
    form.get_by_label("Begründung der Bewertung").fill("Gleichförmige Massenakten ohne Belang")
    form.get_by_role("button", name="Bewertung speichern").click()
    expect(page.locator("#ergebnis")).to_have_text(
        f"Die Akte {abfall['aktenzeichen']} ist mit V bewertet (zu vernichten)."
    )
    expect(table.get_by_role("row", name=abfall["aktenzeichen"])).to_contain_text(
        "V – vernichten (B, bewertet)"
    )
    appraised = audit(server, "akte.appraised")
    assert appraised[-1]["details"]["reason"] == "Gleichförmige Massenakten ohne Belang"
    assert appraised[-1]["details"]["aktenzeichen"] == abfall["aktenzeichen"]

    page.get_by_role("button", name="Anbieten / Aussondern").click()
    expect(page.locator("#ergebnis")).to_have_text(
        "1 Verfahren gestartet: 3 Akten angeboten oder übergeben, "
        "0 unter Anbietungsverzicht, 0 übersprungen."
    )
    report = page.get_by_role("region", name="Ergebnis des Anbietens")
    expect(report).to_contain_text("Angeboten oder übergeben (3)")
    expect(page.get_by_text("Keine Akte ist zur Aussonderung fällig.")).to_be_visible()
    assert_accessible(page)
    shot(page, "offer_report")

    report.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aussonderungsverfahren")
    process_id = page.url.rsplit("/", 1)[-1]
    approval = page.get_by_role("region", name="Vernichtung freigeben")
    expect(approval.locator("#freigabe-umfang")).to_contain_text("2 Akten mit 3 Dokumenten")
    messages = page.get_by_role("table", name=re.compile("Nachrichten"))
    expect(messages).to_contain_text("0503 Abgabe (Aussonderung)")
    expect(page.locator("#verfahren-freigabe")).to_have_text("steht aus")
    assert_accessible(page)
    shot(page, "process_awaiting")

    with page.expect_download() as download:
        messages.get_by_role("link", name=re.compile("0503")).click()
    xml = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Aussonderung.Aussonderung.0503" in xml and process_id in xml
    assert audit(server, "archive.message_read")

    approval.get_by_role("button", name="Vernichtung freigeben …").click()
    dialog = page.get_by_role("dialog", name="Vernichtung endgültig freigeben?")
    expect(dialog).to_contain_text("2 Akten mit 3 Dokumenten")
    expect(dialog.get_by_role("button", name="Abbrechen")).to_be_focused()
    assert_accessible(page)
    shot(page, "approve_dialog")
    dialog.get_by_role("button", name="Endgültig vernichten").click()
    expect(page.locator("#ergebnis")).to_contain_text("Die Vernichtung ist freigegeben")
    expect(page.get_by_role("region", name="Vernichtung freigeben")).to_have_count(0)
    expect(page.locator("#verfahren-freigabe")).to_contain_text("records_manager")
    akten = page.get_by_role("table", name=re.compile("^Akten"))
    for akte in (abfall, owi):
        row = akten.get_by_role("row", name=akte["aktenzeichen"])
        expect(row).to_contain_text("vernichtet/gelöscht")
    for document_id in abfall["documents"] + owi["documents"]:
        assert content_status(server, document_id) == 410
    for document_id in satzung["documents"]:
        assert content_status(server, document_id) == 200  # not before the 0506
    certificates = page.get_by_role("table", name=re.compile("Vernichtungs- und Löschprotokolle"))
    expect(certificates.locator("tbody tr")).to_have_count(1)

    assert [reply.code for reply in archive.step()] == ["0507", "0506"], archive.errors
    page.get_by_role("link", name="Aussonderungsverfahren").first.click()
    page.get_by_role("button", name="Abruf jetzt").click()
    expect(page.locator("#ergebnis")).to_have_text(
        "Abruf beendet: 2 Nachrichten gelesen; 1 Verfahren weitergeführt."
    )
    expect(page.get_by_role("region", name="Ergebnis des Abrufs")).to_contain_text("(0506)")
    row = page.get_by_role("table", name="Verfahren").get_by_role("row", name=process_id)
    expect(row).to_contain_text("abgeschlossen")
    expect(page.get_by_text("Keine offenen Warnungen.")).to_be_visible()
    assert_accessible(page)
    shot(page, "processes")
    for document_id in satzung["documents"]:
        assert content_status(server, document_id) == 410

    row.get_by_role("link").click()
    expect(page.locator("#verfahren-status")).to_have_text("abgeschlossen")
    satzung_row = page.get_by_role("table", name=re.compile("^Akten")).get_by_role(
        "row", name=satzung["aktenzeichen"]
    )
    expect(satzung_row).to_contain_text("vernichtet/gelöscht")
    expect(satzung_row).to_contain_text("Best. 123")  # the archive's signature
    shot(page, "process_done")

    page.goto(server.url(CERTIFICATES))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vernichtungsprotokolle")
    rows = page.get_by_role("table", name=re.compile("Protokolle")).locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Übernahme mit xdomea-Nachricht 0506")
    expect(rows.last).to_contain_text("Von der Behörde als nicht archivwürdig bewertet")
    assert_accessible(page)
    shot(page, "certificates")
    with page.expect_download() as download:
        rows.last.get_by_role("link", name=re.compile("^PDF")).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    with page.expect_download() as download:
        rows.last.get_by_role("link", name=re.compile("^JSON")).click()
    certificate = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert abfall["aktenzeichen"] in json.dumps(certificate, ensure_ascii=False)
    assert [e["details"]["format"] for e in audit(server, "certificate.read")][-2:] == [
        "pdf",
        "json",
    ]
    assert_no_script_errors(page)


def test_refused_reply_raises_an_alert_and_a_cancelled_process_releases_its_akte(
    server: UiServer,
    clock: ShiftedClock,
    archive: ArchiveSimulator,
    new_page: Callable[[], Page],
) -> None:
    today = clock.now().date()
    old = {"opened_on": today - timedelta(days=366 * 13), "closed_on": today - ELEVEN_YEARS}
    bauakte = closed_akte(server, "111.02.03", "Ortsrecht Altbestand", "Satzung 1990", **old)
    page = new_page()
    sign_in(page, server, server.key("records_manager"), next_path=DUE)
    expect(page.get_by_role("table", name=re.compile("Fällige Akten"))).to_contain_text(
        bauakte["aktenzeichen"]
    )
    page.get_by_role("button", name="Anbieten / Aussondern").click()
    expect(page.locator("#ergebnis")).to_contain_text("1 Verfahren gestartet")

    archive.schema_invalid_replies = {"0506"}
    assert [reply.code for reply in archive.step()] == ["0507", "0506"]
    page.goto(server.url(PROCESSES))
    page.get_by_role("button", name="Abruf jetzt").click()
    expect(page.locator("#ergebnis")).to_contain_text("davon 1 abgewiesen")
    alerts = page.get_by_role("region", name=re.compile("Offene Warnungen"))
    expect(alerts).to_contain_text("Nachricht abgewiesen")
    expect(page.get_by_role("table", name="Verfahren").locator("tbody tr").first).to_contain_text(
        "1 Warnung"
    )
    assert_accessible(page)
    shot(page, "alerts")

    page.get_by_role("link", name="Nur laufende").click()
    page.get_by_role("table", name="Verfahren").get_by_role("link").first.click()
    expect(page.get_by_role("region", name="Warnungen")).to_contain_text("Nachricht abgewiesen")
    page.get_by_label("Grund für den Abbruch").fill("Archiv meldet Fehler, Abgabe neu planen")
    page.get_by_role("button", name="Verfahren abbrechen").click()
    expect(page.locator("#ergebnis")).to_have_text(
        "Das Verfahren ist abgebrochen. Die Akten sind wieder frei."
    )
    expect(page.locator("#verfahren-status")).to_have_text("abgebrochen")
    expect(page.get_by_role("button", name="Verfahren abbrechen")).to_have_count(0)
    assert content_status(server, bauakte["documents"][0]) == 200
    assert_accessible(page)
    page.goto(server.url(DUE))
    expect(page.get_by_role("table", name=re.compile("Fällige Akten"))).to_contain_text(
        bauakte["aktenzeichen"]
    )
    assert_no_script_errors(page)
