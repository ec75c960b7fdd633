"""Screenshots of the web interface's main pages for the README.

    .venv/bin/python -m tests.ui.screenshots [docs/screenshots]

A real server (embedded default, with its workers) gets German letters through the
mail room (real OCR, the real classifier), an Akte with filed letters and an XRechnung;
then Chromium signs in as an admin and photographs each main page.  Not a test.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from tests.fixtures.app import make_settings
from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS, UiServer, serve, sign_in
from tests.fixtures.documents import BAUANTRAG, letter_pdf
from tests.fixtures.server import TESTDATA, wait_for_item

LETTERS = {
    "bauantrag.pdf": [BAUANTRAG, ["Anlage: Lageplan", "Flurstück 112, Gemarkung Hagen"]],
    "widerspruch.pdf": [
        [
            "Max Mustermann, Lindenweg 4, 58095 Hagen",
            "Stadt Hagen - Fachbereich Finanzen",
            "Widerspruch gegen den Gebührenbescheid",
            "Kassenzeichen 4711-2026",
            "hiermit lege ich Widerspruch gegen den Bescheid",
            "vom 12. Oktober 2026 ein. Begründung folgt.",
            "Mit freundlichen Grüßen",
        ]
    ],
    "aufenthalt.pdf": [
        [
            "An die Ausländerbehörde der Stadt Hagen",
            "Antrag auf Verlängerung der Aufenthaltserlaubnis",
            "Ich beantrage die Verlängerung meiner",
            "Aufenthaltserlaubnis nach § 16b AufenthG.",
            "Immatrikulationsbescheinigung anbei.",
        ]
    ],
}
INVOICE = TESTDATA / "xrechnung-testsuite" / "business-cases" / "standard"
PAGES = [
    ("posteingang", "/ui/posteingang"),
    ("pruefen", None),  # the first open task, found below
    ("suche", "/ui/suche?q=Bauantrag"),
    ("akte", None),
    ("dokument", None),
    ("aufbewahrung", "/ui/verwaltung/aufbewahrung"),
    ("integritaet", "/ui/verwaltung/integritaet"),
    ("e-rechnungen", "/ui/e-rechnungen"),
]


def upload(server: UiServer, name: str, data: bytes, unit: str) -> dict[str, Any]:
    response = server.api.post(
        "/api/v1/intake",
        files=[("files", (name, data, "application/pdf"))],
        data={"target_org_unit": unit, "station_id": "Scanner Poststelle 1"},
    )
    response.raise_for_status()
    item: dict[str, Any] = response.json()["items"][0]
    return wait_for_item(server.api.get, item["id"])


def prepare(server: UiServer) -> dict[str, str]:
    """Mail through the mail room, an Akte with a letter, an e-invoice; the pages' ids."""
    akte = server.api.post(
        "/api/v1/akten",
        json={"code": "521.01", "title": "Bauantrag Einfamilienhaus Gartenstraße 12"},
    ).json()
    items = [upload(server, name, letter_pdf(*pages), "63") for name, pages in LETTERS.items()]
    filed = items[0]["documents"][0]["id"]
    deadline = time.monotonic() + 300
    tasks: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not tasks:
        tasks = server.api.get("/api/v1/review-queue").json()["items"]
        time.sleep(1)
    waiting = [t for t in tasks if t["document"]["id"] == filed]
    if waiting:  # the classifier was unsure: the clerk's decision files it
        decided = server.api.post(
            f"/api/v1/review-queue/{waiting[0]['id']}/decision",
            json={"action": "correct", "akte_id": akte["id"]},
        )
    else:
        decided = server.api.put(
            f"/api/v1/documents/{filed}/filing", json={"akte_id": akte["id"], "reason": "Eingang"}
        )
    decided.raise_for_status()
    tasks = [t for t in tasks if t["document"]["id"] != filed]
    invoice = INVOICE / "01.01a-INVOICE_ubl.xml"
    server.api.post(
        "/api/v1/einvoices",
        content=invoice.read_bytes(),
        headers={"Content-Type": "application/xml", "X-Filename": invoice.name},
    ).raise_for_status()
    return {
        "pruefen": f"/ui/pruefen/{tasks[0]['id']}" if tasks else "/ui/pruefen",
        "akte": f"/ui/akten/{akte['id']}",
        "dokument": f"/ui/dokumente/{filed}",
    }


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eakte-shots-") as workdir:
        for server in serve(make_settings(Path(workdir) / "data")):
            paths = prepare(server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(locale="de-DE", viewport={"width": 1360, "height": 900})
                sign_in(page, server, server.admin_key)
                for name, path in PAGES:
                    page.goto(server.url(path or paths[name]))
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(out / f"{name}.png"))
                    print(f"{name}: {out / f'{name}.png'}")
                browser.close()


if __name__ == "__main__":
    main()
