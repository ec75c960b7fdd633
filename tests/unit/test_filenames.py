from __future__ import annotations

import unicodedata

import pytest

from services.intake.filenames import MAX_FILENAME_CHARS, clean_filename
from services.intake.receive import IncomingFile


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("brief.pdf", "brief.pdf"),
        ("bri\x00ef.pdf", "brief.pdf"),
        ("scan\r\nX-Injected: 1.pdf", "scanX-Injected: 1.pdf"),
        ("C:\\Users\\poststelle\\scan 1.pdf", "scan 1.pdf"),
        ("../../etc/passwd", "passwd"),
        ("rechnung\u202efdp.exe", "rechnungfdp.exe"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("  Antrag   Müller .pdf ", "Antrag Müller .pdf"),
        ("..", None),
        ("/", None),
        ("\x00\x01", None),
        (None, None),
    ],
)
def test_control_characters_separators_and_bidi_overrides_are_removed(
    sent: str | None, kept: str | None
) -> None:
    assert clean_filename(sent) == kept


def test_names_are_stored_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Bescheid Größe.pdf")
    assert decomposed != "Bescheid Größe.pdf"
    assert clean_filename(decomposed) == "Bescheid Größe.pdf"


def test_long_names_are_cut_to_255_characters_keeping_the_extension() -> None:
    cleaned = clean_filename("a" * 5000 + ".pdf")
    assert cleaned is not None
    assert len(cleaned) == MAX_FILENAME_CHARS and cleaned.endswith("a.pdf")
    no_extension = clean_filename("b" * 5000)
    assert no_extension == "b" * MAX_FILENAME_CHARS


def test_an_incoming_file_never_carries_the_name_as_sent() -> None:
    assert IncomingFile(filename="x\x00" + "y" * 1000 + ".tif", data=b"").filename == (
        "x" + "y" * 250 + ".tif"
    )
