"""Real scans from public test suites through the HTTP pipeline: known words come out."""

from __future__ import annotations

import pytest

from tests.fixtures.app import Service
from tests.fixtures.server import SCANS, wait_for_item

pytestmark = [pytest.mark.ocr, pytest.mark.slow]

# file, words the recognised text must contain (case-insensitive), expected pages
REAL_SCANS = [
    ("ocrmypdf/linn.pdf", ["LinnSequencer", "polyphonic", "synthesizers"], 1),
    ("ocrmypdf/skew.pdf", ["LinnSequencer", "sequences"], 1),
    ("ocrmypdf/cardinal.pdf", ["LinnSequencer"], 4),
    ("ocrmypdf/ccitt.pdf", ["LinnSequencer", "MIDI"], 1),
    ("paperless-ngx/rotated.pdf", [], 4),
    ("ocrmypdf/francais.pdf", [], 1),
]


@pytest.mark.parametrize(("name", "words", "pages"), REAL_SCANS)
def test_real_scan_is_recognised(service: Service, name: str, words: list[str], pages: int) -> None:
    data = (SCANS / name).read_bytes()
    response = service.client.post("/api/v1/intake", files=[("files", (name, data))])
    assert response.status_code == 202, response.text
    done = wait_for_item(service.client.get, response.json()["items"][0]["id"])
    assert done["status"] == "done", done["failure_reason"]
    [document] = done["documents"]
    assert document["pages"] == pages
    text = service.client.get(f"{document['url']}/text").text.lower()
    assert document["text_chars"] > 200
    for word in words:
        assert word.lower() in text, f"{word!r} not recognised in {name}"
    if name == "ocrmypdf/cardinal.pdf":
        # every page of cardinal.pdf is the same text turned 0/90/180/270 degrees
        for page in range(1, pages + 1):
            page_text = service.client.get(f"{document['url']}/text?page={page}").text
            assert "linnsequencer" in page_text.lower(), f"page {page} not rotated upright"
