"""Reference extraction from letter text: values, normal forms, and what must not match."""

from __future__ import annotations

import re
from datetime import date

import pytest

from services.classification.references import (
    ReferenceKind,
    extract_references,
    normalize_bauantrag,
    normalize_kassenzeichen,
    person_key,
)

_AZ = re.compile(r"\b(\d{3}\.\d{2})\s*-\s*0*(\d+)\s*/\s*(\d{4})\b")


def finder(text: str) -> list[tuple[str, int, int]]:
    return [(f"{m[1]}-{int(m[2])}/{m[3]}", m.start(), m.end()) for m in _AZ.finditer(text)]


def found(text: str) -> list[tuple[str, str]]:
    return [(r.kind.value, r.value) for r in extract_references(text, find_aktenzeichen=finder)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ihr Zeichen: 521.01 - 0002 / 2026   Unser Zeichen: AL-77\nNachreichung",
            [("aktenzeichen", "521.01-2/2026"), ("sender_reference", "AL-77")],
        ),
        (
            "Ihr Zeichen   Unser Zeichen   Datum\n122.04-311/2025   RA-2026/0815   03.03.2026\n",
            [("aktenzeichen", "122.04-311/2025"), ("sender_reference", "RA-2026/0815")],
        ),
        ("Kassenzeichen: 5.0123.456789.0", [("kassenzeichen", "501234567890")]),
        ("Kassen-Zeichen 6 1100 123456 7", [("kassenzeichen", "611001234567")]),
        ("Betreff: Bauantrag Nr. BA-2026-0173", [("bauantrag", "BA-2026-173")]),
        ("Bauantragsnummer 63/0173/2026", [("bauantrag", "63-173-2026")]),
        ("Amira El-Sayed, geb. 12.09.1991", [("person", "el-sayed|amira|1991-09-12")]),
        ("Herr Max Mustermann (geb. am 3. April 1985)", [("person", "mustermann|max|1985-04-03")]),
        ("Mustermann, Max, geboren am 03.04.1985", [("person", "mustermann|max|1985-04-03")]),
        (
            "Name: Müller Vorname: Jörg Geburtsdatum: 01.02.1970",
            [("person", "mueller|joerg|1970-02-01")],
        ),
    ],
)
def test_references_are_found_and_normalised(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "IBAN DE00 1234 5678 9012 3456 78, BIC GENODEM1XXX",
        "Tel. 02541 123456, Fax 02541 123457",
        "Am 12.04.2026 habe ich Ihnen geschrieben, PLZ 48653 Coesfeld.",
        "Rechnungsnummer 2026-00017 vom 03.03.2026 über 1.234,56 EUR",
        "Sehr geehrte Damen und Herren, geb. 12.09.1991 steht im Pass.",
    ],
)
def test_numbers_that_are_no_references_give_nothing(text: str) -> None:
    assert found(text) == []


def test_the_same_reference_printed_differently_is_one_value() -> None:
    assert normalize_kassenzeichen("5.0123.456789.0") == normalize_kassenzeichen("50123 456789 0")
    assert normalize_bauantrag("BA 173/2026") == normalize_bauantrag("ba-0173-2026")
    assert person_key("Groß", "Jürgen Karl", date(1970, 1, 2)) == person_key(
        "GROSS", "Jürgen", date(1970, 1, 2)
    )
    assert person_key("Çelik", "Zoë", date(1990, 5, 6)) == "celik|zoe|1990-05-06"


def test_duplicates_are_reported_once_in_text_order() -> None:
    text = "Kassenzeichen 5.0123.456789.0\nIhr Zeichen: 111.07-3/2026\nKassenzeichen 501234567890"
    references = extract_references(text, find_aktenzeichen=finder)
    assert [r.kind for r in references] == [ReferenceKind.KASSENZEICHEN, ReferenceKind.AKTENZEICHEN]
    assert references[1].label == "Ihr Zeichen"
