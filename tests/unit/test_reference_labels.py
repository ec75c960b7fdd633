"""Labels writers of real letters use for references, beyond the textbook ones."""

from __future__ import annotations

import pytest

from tests.unit.test_references import kinds_values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Betr. Hundesteuer – Kassenz. 6.0310.228107.9", ("kassenzeichen", "603102281079")),
        ("Unser interner Vorgang: OWI-26-04471.", ("sender_reference", "OWI-26-04471")),
        (
            "Bitte geben Sie unser Zeichen an: IM-2026-33018.",
            ("sender_reference", "IM-2026-33018"),
        ),
        ("Schaden-Nr.: KH-26-0483317", ("sender_reference", "KH-26-0483317")),
        ("Prüfbericht-Nr.: PB-2026-0219", ("sender_reference", "PB-2026-0219")),
        (
            "WEG Fasanenweg 1–5, Objekt-Nr. 5371-00882 – Behälter",
            ("sender_reference", "5371-00882"),
        ),
        ("Unser Zeichen: BRÜ/mf 10455", ("sender_reference", "BRÜ/MF10455")),
        ("Unser Zeichen: DW-KiTa/Fi 2026-08", ("sender_reference", "DW-KITA/FI2026-08")),
        ("Geschäfts-Nr.: 12 IN 45/26", ("sender_reference", "12IN45/26")),  # a court's
        ("Geschäfts-Nr.: 14 F 233/26 VA", ("sender_reference", "14F233/26VA")),
        ("Unser Zeichen: 12 IN 45/26 vom 03.03.2026", ("sender_reference", "12IN45/26")),
        ("zu unserem Bauantrag BA-2025-0988, Anbau Wintergarten", ("bauantrag", "BA-2025-988")),
        ("Ihr Zeichen: BA-2026-0173", ("bauantrag", "BA-2026-173")),
        ("Ihr Zeichen: BA 2026/0219", ("bauantrag", "BA-2026-219")),
        ("Baubeginnsanzeige – Az. 63/0412/2025, Neubau", ("bauantrag", "63-412-2025")),
    ],
)
def test_labels_of_real_letters(text: str, expected: tuple[str, str]) -> None:
    assert kinds_values(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Ihr Zeichen: RA-2026/0815",  # ours by its label, but no building number
        "Ihr Zeichen: 63.2-ks",
        "Az.: 20.3 - VE 2026/0041",
        "zu unserem Bauantrag vom 12.01.2026",
        "Ihr Bauantrag 2026 ist eingegangen",
    ],
)
def test_no_bauantrag_under_other_labels(text: str) -> None:
    assert [kind for kind, _ in kinds_values(text)] != ["bauantrag"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Doris Lange-Meinhardt, geb. Lange, geb. 29.01.1976", "lange meinhardt|doris|1976-01-29"),
        ("Mustermann, Max, geb. Muster, geb. 01.02.1990", "mustermann|max|1990-02-01"),
        ("Betreff: Ihr Vorgang zu Anna Müller, geb. 03.04.1985", "mueller|anna|1985-04-03"),
        ("Maria de la Cruz Garcia, geb. 03.04.1985", "de la cruz garcia|maria|1985-04-03"),
    ],
)
def test_persons_with_a_birth_name_or_after_a_preposition(text: str, value: str) -> None:
    assert kinds_values(text) == [("person", value)]


def test_an_aktenzeichen_seen_only_with_ocr_letters_as_digits_is_a_misread_one() -> None:
    assert kinds_values("Ihr Zeichen: 122.O4-1/2026") == [("aktenzeichen_misread", "122.04-1/2026")]
    assert kinds_values("Ihr Zeichen: 122.04-1/2026") == [("aktenzeichen", "122.04-1/2026")]
    assert kinds_values("Unser Zeichen: 122.O4-1/2026") == [
        ("sender_reference", "122.O4-1/2026")
    ]  # the sender's: no Aktenzeichen of ours either way
    assert kinds_values("Rechnungsnummer 122.O4-311/2025") == []
