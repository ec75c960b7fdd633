"""Suche: filters, highlighted snippets, totals, pages, keyboard, and nothing of other units."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from api.ui.pages.search import highlight
from tests.fixtures.browser import UiServer, assert_accessible, assert_no_script_errors, sign_in
from tests.ui.casework_setup import filed_letter, open_akte


@pytest.fixture(scope="module")
def town(ui_server_module: UiServer) -> dict[str, str]:
    server = ui_server_module
    bau = open_akte(server, "521.01", "Neubau Gartenstraße 12")
    laerm = open_akte(server, "521.02", "Lärmbeschwerde Lindenweg")
    ausland = open_akte(server, "122.04", "Aufenthalt Demir")
    ids = {"bau": bau["id"], "bau_az": bau["aktenzeichen"]}
    for n in range(23):
        filed_letter(server, bau, f"Stellungnahme {n} zur Baugenehmigung Gartenstraße")
    ids["laerm_doc"] = filed_letter(
        server, laerm, "Baugenehmigung <script>alert(1)</script> fehlt", title="Beschwerde"
    )
    for n in range(4):
        filed_letter(server, ausland, f"Baugenehmigung Ausland {n}", title="Ordnungsamt")
    return ids


def test_search_with_a_filter_highlights_snippets_and_counts_right(
    ui_server_module: UiServer, town: dict[str, str], new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    page = new_page()
    # Cleared for VS-NfD, so that only the unit keeps 32.3's letters from this caller.
    cleared = server.key("caseworker", "63", clearance="002")
    sign_in(page, server, cleared, next_path="/ui/suche")
    expect(page.get_by_role("heading", name="Suche", level=1)).to_be_visible()
    assert_accessible(page)

    page.keyboard.press("/")
    expect(page.get_by_label("Suchbegriffe")).to_be_focused()
    page.keyboard.type("Baugenehmigung")
    page.keyboard.press("Enter")
    # Unit 63 sees its 24 letters; the 4 of unit 32.3 are neither listed nor counted.
    expect(page.get_by_role("heading", name="24 Treffer")).to_be_visible()
    results = page.get_by_role("table", name="24 Treffer")
    expect(results.locator("tbody tr")).to_have_count(20)
    expect(results).not_to_contain_text("Ausland")
    expect(results.locator("mark").first).to_have_text("Baugenehmigung")
    assert_accessible(page)

    page.get_by_role("link", name="Nächste Seite").click()
    expect(page.get_by_role("table", name="24 Treffer").locator("tbody tr")).to_have_count(4)
    expect(page.get_by_text("Seite 2 von 2")).to_be_visible()

    page.get_by_label("Aktenzeichen").fill(town["bau_az"])
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("heading", name="23 Treffer")).to_be_visible()
    page.get_by_label("Aktenzeichen").fill("")
    page.get_by_label("Aktenplan").select_option("521.02")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("heading", name="1 Treffer")).to_be_visible()
    row = page.get_by_role("table", name="1 Treffer").locator("tbody tr")
    expect(row.locator("mark")).to_have_text("Baugenehmigung")
    # Letter text is shown as text, never as markup.
    expect(row.locator("script")).to_have_count(0)
    expect(row).to_contain_text("<script>alert(1)</script>")
    page.get_by_label("Ablagestatus").select_option("in_review")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("heading", name="0 Treffer")).to_be_visible()
    page.get_by_label("Eingang von").fill("2000-01-01")
    page.get_by_label("Eingang bis").fill("2000-01-31")
    page.get_by_label("Ablagestatus").select_option("")
    page.get_by_label("Aktenplan").select_option("")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("heading", name="0 Treffer")).to_be_visible()
    assert_accessible(page)
    assert_no_script_errors(page)


def test_rows_move_with_j_and_k_and_enter_opens(
    ui_server_module: UiServer, town: dict[str, str], new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), next_path="/ui/suche?q=Beschwerde")
    expect(page.get_by_role("heading", name="1 Treffer")).to_be_visible()
    page.locator("main h1").click()
    page.keyboard.press("j")
    link = page.get_by_role("link", name="Beschwerde")
    expect(link).to_be_focused()
    page.keyboard.press("Shift+?")
    expect(page.get_by_role("dialog", name="Tastaturbefehle")).to_contain_text("Nächste Zeile")
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ui/dokumente/{town['laerm_doc']}")


def test_other_units_and_search_api_filters(
    ui_server_module: UiServer, town: dict[str, str], new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    page = new_page()
    cleared = server.key("caseworker", "32", clearance="002")
    sign_in(page, server, cleared, next_path="/ui/suche?q=Baugenehmigung")
    expect(page.get_by_role("heading", name="4 Treffer")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Gartenstraße")
    api = server.api.get(
        "/api/v1/search",
        params={"q": "Baugenehmigung", "code": "521", "filing_status": "filed"},
    )
    assert api.status_code == 200 and api.json()["total"] == 24
    as_63 = {"Authorization": f"Bearer {server.key('caseworker', '63', clearance='002')}"}
    foreign = server.api.get(
        "/api/v1/search", params={"q": "Baugenehmigung", "code": "122.04"}, headers=as_63
    )
    assert foreign.status_code == 200 and foreign.json()["total"] == 0
    bad = server.api.get("/api/v1/search", params={"q": "x", "filing_status": "weg"})
    assert bad.status_code == 422


def test_did_you_mean_offers_the_word_the_index_knows(
    ui_server_module: UiServer, town: dict[str, str], new_page: Callable[[], Page]
) -> None:
    server = ui_server_module
    page = new_page()
    sign_in(page, server, server.key("caseworker", "63"), next_path="/ui/suche?q=Stellungnahrne")
    expect(page.get_by_role("heading", name="0 Treffer")).to_be_visible()
    page.get_by_role("link", name="stellungnahme").click()
    expect(page.get_by_role("heading", name="23 Treffer")).to_be_visible()
    api = server.api.get("/api/v1/search", params={"q": "Stellungnahrne"}).json()
    assert (api["total"], api["did_you_mean"], api["total_is_lower_bound"]) == (
        0,
        "stellungnahme",
        False,
    )


def test_only_the_backends_markers_become_markup() -> None:
    snippet = "a &lt;mark&gt;b&lt;/mark&gt; <mark>Treffer</mark> &amp; <b>c</b> <mark>offen"
    assert str(highlight(snippet)) == (
        "a &lt;mark&gt;b&lt;/mark&gt; <mark>Treffer</mark> &amp; &lt;b&gt;c&lt;/b&gt; "
        "<mark>offen</mark>"
    )
