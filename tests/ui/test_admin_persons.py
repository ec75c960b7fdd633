"""Verwaltung › Personen: an admin signs in through the real OIDC provider in the browser
and changes, resets, disables and enables another person's assignment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from services.access.confidentiality import Confidentiality
from services.access.persons import sign_in_person
from services.db.session import unit_of_work
from tests.fixtures.app import make_settings
from tests.fixtures.browser import UiServer, assert_accessible, assert_no_script_errors, serve
from tests.fixtures.oidc_provider import APP_BASE, PASSWORD, OidcTestProvider


@pytest.fixture(scope="module")
def sso_server(
    tmp_path_factory: pytest.TempPathFactory, oidc_provider: OidcTestProvider
) -> Iterator[UiServer]:
    data = tmp_path_factory.mktemp("ui-sso") / "data"
    yield from serve(make_settings(data, oidc=oidc_provider.settings()))


def sign_in_with_provider(page: Page, server: UiServer, login: str, next_path: str) -> None:
    """The sign-in page's provider button, the provider's form, and back into eakte.

    The provider knows eakte as https://testserver (its registered redirect URI); the
    browser is sent on from there to the server under test, query string and all.
    """

    def forward(route: Route) -> None:
        parts = urlsplit(route.request.url)
        route.fulfill(status=302, headers={"location": server.url(f"{parts.path}?{parts.query}")})

    page.context.route(f"{APP_BASE}/**", forward)
    page.goto(server.url(f"/ui/anmelden?next={next_path}"))
    page.get_by_role("link", name="Mit dem Konto der Verwaltung anmelden").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url(next_path))


def test_an_admin_signed_in_by_sso_changes_a_persons_clearance(
    sso_server: UiServer, oidc_provider: OidcTestProvider, new_page: Callable[[], Page]
) -> None:
    container = sso_server.container
    with unit_of_work(container.session_factory) as session:
        sign_in_person(
            session,
            issuer=oidc_provider.issuer,
            subject="anna",
            name="Anna Bauer",
            email="anna.bauer@example.org",
            assignment=(["caseworker"], ["63"], Confidentiality.VS_NFD),
            login=True,
            clock=container.clock,
        )

    page = new_page()
    sign_in_with_provider(page, sso_server, "bernd", "/ui/verwaltung/personen")
    expect(page.get_by_role("heading", level=1, name="Personen")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Bernd Admin")).to_contain_text("Sie")
    anna = page.get_by_role("row").filter(has_text="Anna Bauer")
    expect(anna).to_contain_text("VS - Nur für den Dienstgebrauch")
    expect(anna).to_contain_text("vom Anmeldedienst")
    assert_accessible(page)

    anna.get_by_role("button", name="Anna Bauer bearbeiten").click()
    dialog = page.get_by_role("dialog", name="Zuordnung von Anna Bauer")
    expect(dialog.get_by_role("checkbox", name="Sachbearbeitung")).to_be_checked()
    expect(dialog.get_by_role("checkbox", name="63", exact=False).first).to_be_checked()
    assert_accessible(page)
    dialog.get_by_label("Freigabe").select_option("005")
    dialog.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status").filter(has_text="Anna Bauer ist gespeichert")).to_be_visible()
    expect(anna).to_contain_text("VS - Vertraulich")
    expect(anna).to_contain_text("in eakte festgelegt")

    confirm = page.get_by_role("dialog", name="Bitte bestätigen")
    anna.get_by_role("button", name="Zuordnung von Anna Bauer zurücksetzen").click()
    confirm.get_by_role("button", name="Zurücksetzen").click()
    expect(anna).to_contain_text("vom Anmeldedienst")

    anna.get_by_role("button", name="Anna Bauer sperren").click()
    confirm.get_by_role("button", name="Sperren").click()
    expect(anna).to_contain_text("gesperrt seit")
    anna.get_by_role("button", name="Anna Bauer entsperren").click()
    expect(anna).to_contain_text("aktiv")
    assert_no_script_errors(page)
