"""Verwaltung › Aktenplan: the tree by keyboard, the versions, and the checked import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from file_plan import load_default_plan
from file_plan.plan_io import dump_json
from tests.fixtures.browser import UiServer, assert_accessible, assert_no_script_errors, sign_in


def plan_file(tmp_path: Path, version: str, *, break_code: str | None = None) -> tuple[Path, int]:
    """The default plan as a new version; ``break_code`` gets a wrong level.

    Returns the file and the line of the broken item's code (0 without one).
    """
    document = json.loads(dump_json(load_default_plan()))
    document["version"] = version
    for item in document["items"]:
        if item["code"] == break_code:
            item["level"] = 7
    text = json.dumps(document, ensure_ascii=False, indent=2)
    line = 0
    if break_code:
        marker = f'"code": "{break_code}"'
        line = text[: text.index(marker)].count("\n") + 1
    path = tmp_path / f"plan-{version}.json"
    path.write_text(text, encoding="utf-8")
    return path, line


def test_tree_by_keyboard_and_import_with_validation_report(
    ui_server_module: UiServer, new_page: Callable[[], Page], tmp_path: Path
) -> None:
    page = new_page()
    sign_in(
        page, ui_server_module, ui_server_module.key("records_manager"), "/ui/verwaltung/aktenplan"
    )
    expect(page.get_by_role("heading", level=1, name="Aktenplan")).to_be_visible()

    first = page.locator(".plan-tree > li > .plan-node > .plan-toggle").first
    first.focus()
    expect(first).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(first).to_have_attribute("aria-expanded", "true")
    child = page.locator(".plan-tree > li").first.locator(":scope > ul > li").first
    expect(child).to_be_visible()
    page.keyboard.press("ArrowDown")
    focused_code = page.evaluate("document.activeElement.dataset.code")
    assert focused_code and focused_code.startswith(first.get_attribute("data-code") or "?")
    page.keyboard.press("ArrowRight")
    expect(page.locator(":focus")).to_have_attribute("aria-expanded", "true")
    expect(child).to_contain_text("Aufbewahrung")
    assert_accessible(page)

    broken, line = plan_file(tmp_path, "2099.1", break_code="111.07")
    page.get_by_label("Plandatei (JSON oder CSV)").set_input_files(broken)
    page.get_by_role("button", name="Prüfen").click()
    report = page.get_by_role("region", name="Prüfbericht")
    expect(report).to_contain_text("kann so nicht eingespielt werden")
    row = report.get_by_role("row").filter(has_text="111.07").first
    expect(row).to_contain_text("Fehler")
    expect(row).to_contain_text("Die Ebene 7 passt nicht zum Code")
    expect(row.get_by_role("cell").nth(0)).to_have_text(str(line))
    expect(page.get_by_role("button", name="Einspielen")).to_be_disabled()
    assert_accessible(page)

    valid, _ = plan_file(tmp_path, "2099.2")
    page.get_by_label("Plandatei (JSON oder CSV)").set_input_files(valid)
    page.get_by_role("button", name="Prüfen").click()
    expect(report).to_contain_text("Die Datei ist gültig")
    page.get_by_role("button", name="Einspielen").click()
    expect(page.get_by_role("status").filter(has_text="ist jetzt aktiv")).to_be_visible()
    expect(page.locator("#aktive-version")).to_have_text("2099.2")
    first_version = page.locator("#versionen tbody tr").first
    expect(first_version).to_contain_text("2099.2")
    expect(first_version).to_contain_text("aktiv")
    assert_no_script_errors(page)


def test_a_caseworker_sees_the_plan_but_cannot_import(
    ui_server_module: UiServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(
        page, ui_server_module, ui_server_module.key("caseworker", "63"), "/ui/verwaltung/aktenplan"
    )
    expect(page.get_by_role("heading", level=1, name="Aktenplan")).to_be_visible()
    expect(page.get_by_label("Plandatei (JSON oder CSV)")).to_have_count(0)
