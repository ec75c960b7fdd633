"""Postkorb: the unit's open tasks with their suggestion, links to validation, decisions."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.fixtures.browser import UiServer, assert_accessible, assert_no_script_errors, sign_in
from tests.ui.casework_setup import queued_letter


def test_the_units_tasks_link_to_validation_and_decisions_are_listed(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    letters = [
        queued_letter(server, f"Bauantrag {n}", unit="63", code="521.01", confidence=0.42)
        for n in range(2)
    ]
    queued_letter(server, "Aufenthaltstitel", unit="32.3", code="122.04", confidence=0.5)
    caseworker = server.key("caseworker", "63")
    queue = server.api.get(
        "/api/v1/review-queue", headers={"Authorization": f"Bearer {caseworker}"}
    )
    assert queue.status_code == 200, queue.text
    tasks = queue.json()["items"]
    assert {t["document"]["id"] for t in tasks} == set(letters)

    page = new_page()
    sign_in(page, server, caseworker, next_path="/ui/postkorb")
    expect(page.get_by_role("heading", name="Postkorb", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="2 offene Aufgaben")).to_be_visible()
    table = page.get_by_role("table", name="2 offene Aufgaben")
    expect(table.locator("tbody tr")).to_have_count(2)
    first = table.locator("tbody tr").first
    expect(first).to_contain_text("63 – Bauordnungsamt")
    expect(first).to_contain_text("521.01 – Baugenehmigungsverfahren")
    expect(first).to_contain_text("42 %")
    links = table.get_by_role("link")
    expect(links.first).to_have_attribute("href", f"/ui/pruefen/{tasks[0]['id']}")
    expect(page.get_by_label("Organisationseinheit")).to_have_count(0)  # one unit: no filter
    assert_accessible(page)

    page.locator("main h1").click()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ui/pruefen/{tasks[0]['id']}")

    decided = server.api.post(
        f"/api/v1/review-queue/{tasks[0]['id']}/decision",
        json={"action": "correct", "code": "521.01", "new_akte": {"title": "Einfamilienhaus"}},
    )
    assert decided.status_code == 200, decided.text
    page.goto(server.url("/ui/postkorb"))
    expect(page.get_by_role("heading", name="1 offene Aufgabe")).to_be_visible()
    page.get_by_role("link", name="Zuletzt entschieden").click()
    expect(page.get_by_role("link", name="Zuletzt entschieden")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", name="1 entschieden")).to_be_visible()
    expect(page.get_by_role("table", name="1 entschieden")).to_contain_text("521.01")
    assert_accessible(page)
    assert_no_script_errors(page)

    planning = new_page()
    sign_in(planning, server, server.key("caseworker", "61"), next_path="/ui/postkorb")
    expect(planning.get_by_role("heading", name="0 offene Aufgaben")).to_be_visible()

    manager = new_page()
    sign_in(manager, server, server.key("records_manager"), next_path="/ui/postkorb")
    expect(manager.get_by_role("heading", name="2 offene Aufgaben")).to_be_visible()
    manager.get_by_label("Organisationseinheit").select_option("61")
    manager.get_by_role("button", name="Anzeigen").click()
    expect(manager.get_by_role("heading", name="0 offene Aufgaben")).to_be_visible()
    assert_accessible(manager)

    station = new_page()
    sign_in(station, server, server.key("station"), next_path="/ui/postkorb")
    expect(
        station.get_by_role("heading", name="Dafür fehlt Ihnen die Berechtigung")
    ).to_be_visible()
