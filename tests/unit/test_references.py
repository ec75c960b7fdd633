"""Reference extraction from the OCR text of letters: what is found, its normal form, and
the numbers that must not become references (IBANs, phone numbers, dates, postcodes,
invoice numbers)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from services.classification.references import (
    Reference,
    ReferenceKind,
    extract_references,
    normalize_bauantrag,
    normalize_kassenzeichen,
    normalize_sender_reference,
    person_key,
)

_AZ = re.compile(r"\b(\d{3}\.\d{2})\s*-\s*0*(\d+)\s*/\s*(\d{4})\b")


def finder(text: str) -> list[tuple[str, int, int]]:
    """A stand-in for the file plan's finder: ``{code}-{number}/{year}``."""
    return [(f"{m[1]}-{int(m[2])}/{m[3]}", m.start(), m.end()) for m in _AZ.finditer(text)]


def refs(text: str) -> list[Reference]:
    found = extract_references(text, find_aktenzeichen=finder)
    for ref in found:  # printed and start always point at the text
        assert text[ref.start : ref.start + len(ref.printed)] == ref.printed
    return found


def kinds_values(text: str) -> list[tuple[str, str]]:
    return [(r.kind.value, r.value) for r in refs(text)]


def full(text: str) -> list[tuple[str, str, str, str | None]]:
    return [(r.kind.value, r.value, r.printed, r.label) for r in refs(text)]


# --- Aktenzeichen and sender references ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ihr Zeichen: 521.01 - 0002 / 2026   Unser Zeichen: AL-77\nNachreichung",
            [
                ("aktenzeichen", "521.01-2/2026", "521.01 - 0002 / 2026", "Ihr Zeichen"),
                ("sender_reference", "AL-77", "AL-77", "Unser Zeichen"),
            ],
        ),
        (
            "lhr Zeichen: 122.04-311/2025",  # OCR: l for I
            [("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "lhr Zeichen")],
        ),
        (
            "Ihr Az.: 122.05-0301/2025",
            [("aktenzeichen", "122.05-301/2025", "122.05-0301/2025", "Ihr Az.")],
        ),
        (
            "Ihr Aktenzeichen 122.06-0077/2026",
            [("aktenzeichen", "122.06-77/2026", "122.06-0077/2026", "Ihr Aktenzeichen")],
        ),
        (
            "Ihr Schreiben vom 01.02.2026, Az. 122.04-311/2025",
            [("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "Az.")],
        ),
        (
            "Ihre Nachricht vom 01.02.2026 / Ihr Zeichen 122.04-311/2025",
            [("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "Ihr Zeichen")],
        ),
        (
            "Ihr Zeichen/Ihre Nachricht vom: 122.04-311/2025 vom 01.02.2026",
            [("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "Ihr Zeichen")],
        ),
        (
            "Ihr Zeichen/vom: 511.01 - 9 / 2026, 12.02.2026",
            [("aktenzeichen", "511.01-9/2026", "511.01 - 9 / 2026", "Ihr Zeichen")],
        ),
        (
            "Geschäftszeichen 122.07 - 0118 / 2026 (laut Ihrer Eingangsbestätigung)",
            [("aktenzeichen", "122.07-118/2026", "122.07 - 0118 / 2026", "Geschäftszeichen")],
        ),
        (
            "bezugnehmend auf das Verfahren 122.04-311/2025 teilen wir mit",
            [("aktenzeichen", "122.04-311/2025", "122.04-311/2025", None)],
        ),
        (
            "Unser Zeichen: RA-2026/0815 Bitte bei Antwort angeben",
            [("sender_reference", "RA-2026/0815", "RA-2026/0815", "Unser Zeichen")],
        ),
        (
            "Unser Zeichen: 233/25 WL/sk",
            [("sender_reference", "233/25WL/SK", "233/25 WL/sk", "Unser Zeichen")],
        ),
        (
            "Unser Zeichen: NH-PE 26/031 Sch",
            [("sender_reference", "NH-PE26/031SCH", "NH-PE 26/031 Sch", "Unser Zeichen")],
        ),
        (
            "Unser Zeichen: VR 26/0342 – Vo/lb",
            [("sender_reference", "VR26/0342", "VR 26/0342", "Unser Zeichen")],
        ),
        (
            "Mein Zeichen: 70.2-0418/26           Auskunft erteilt: Frau Tenbrink",
            [("sender_reference", "70.2-0418/26", "70.2-0418/26", "Mein Zeichen")],
        ),
        (
            "Unsere Referenz: 2026-RE-4711",
            [("sender_reference", "2026-RE-4711", "2026-RE-4711", "Unsere Referenz")],
        ),
        (
            "Ihre Referenz: 122.04-311/2025",
            [("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "Ihre Referenz")],
        ),
        (
            "Unser Az.: 0815/26",
            [("sender_reference", "0815/26", "0815/26", "Unser Az.")],
        ),
        (
            "Mandant/Az.: Mustermann ./. Stadt Musterstadt, 0815/26",
            [("sender_reference", "0815/26", "0815/26", "Mandant/Az.")],
        ),
        (
            # another authority using the same file plan: its number is not ours
            "Unser Zeichen: 122.04-311/2025",
            [("sender_reference", "122.04-311/2025", "122.04-311/2025", "Unser Zeichen")],
        ),
    ],
)
def test_aktenzeichen_and_sender_references(
    text: str, expected: list[tuple[str, str, str, str | None]]
) -> None:
    assert full(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ihr Zeichen: RA-2026/0815",  # ours by its label, but not an Aktenzeichen: not invented
        "Ihr Zeichen: 651.42.220981.4",
        "Ihr Zeichen: –",
        "Unser Zeichen: PA/kr",  # initials only
        "Unser Zeichen: Mü/ks",
        "Unser Zeichen: 12",
        "Unser Zeichen: 03.03.2026",
        "Az.: 20.3 - VE 2026/0041",  # whose Az. is not said: no sender reference
        "Amtsgericht Münster – Insolvenzgericht – Az. 74 IN 312/25",
        "Rechnungsnummer 122.04-311/2025",  # an invoice number shaped like an Aktenzeichen
        "bitte geben Sie unser Zeichen bei Antwort an",
    ],
)
def test_no_aktenzeichen_or_sender_reference(text: str) -> None:
    assert kinds_values(text) == []


# --- DIN 5008 Bezugszeichenzeile ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ihr Zeichen   Unser Zeichen   Datum\n122.04-311/2025   RA-2026/0815   03.03.2026\n",
            [
                ("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "Ihr Zeichen"),
                ("sender_reference", "RA-2026/0815", "RA-2026/0815", "Unser Zeichen"),
            ],
        ),
        (
            # OCR text keeps single spaces only: the values are told apart by their shape
            "Ihr Zeichen Unser Zeichen Datum\n122.04-311/2025 RA-2026/0815 03.03.2026",
            [
                ("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "Ihr Zeichen"),
                ("sender_reference", "RA-2026/0815", "RA-2026/0815", "Unser Zeichen"),
            ],
        ),
        (
            "lhr Zeichen\tUnser Zeichen\tDatum\n122.04 - 0311 / 2025\tRA 2026/0815\t03.03.2026",
            [
                ("aktenzeichen", "122.04-311/2025", "122.04 - 0311 / 2025", "lhr Zeichen"),
                ("sender_reference", "RA2026/0815", "RA 2026/0815", "Unser Zeichen"),
            ],
        ),
        (
            "Ihr Zeichen, Ihre Nachricht vom   Unser Zeichen, unsere Nachricht vom   "
            "Telefon, Name   Datum\n"
            "122.04-311/2025, 01.02.2026   RA-2026/0815   0221 123-45, Frau Meier   03.03.2026",
            [
                ("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "Ihr Zeichen"),
                ("sender_reference", "RA-2026/0815", "RA-2026/0815", "Unser Zeichen"),
            ],
        ),
        (
            "Ihre Nachricht vom / Ihr Zeichen   Unser Zeichen   Datum\n"
            "01.02.2026 / 122.04-311/2025   0815/26 KM/ks   03.03.2026",
            [
                ("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "Ihr Zeichen"),
                ("sender_reference", "0815/26KM/KS", "0815/26 KM/ks", "Unser Zeichen"),
            ],
        ),
        (
            # first letter of the sender: "Ihr Zeichen" is empty, the columns still show it
            "Ihr Zeichen    Unser Zeichen    Datum\n               RA-2026/0815     03.03.2026",
            [("sender_reference", "RA-2026/0815", "RA-2026/0815", "Unser Zeichen")],
        ),
        (
            "Ihr Zeichen    Unser Zeichen    Datum\n122.04-311/2025                 03.03.2026",
            [("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "Ihr Zeichen")],
        ),
        (
            "Ihr Zeichen    Unser Zeichen    Datum\n"
            "521.01-17/2026    122.04-311/2025    03.03.2026",
            [
                ("aktenzeichen", "521.01-17/2026", "521.01-17/2026", "Ihr Zeichen"),
                ("sender_reference", "122.04-311/2025", "122.04-311/2025", "Unser Zeichen"),
            ],
        ),
        (
            "Kassenzeichen    Telefon          Datum\n"
            "5.0123.456789.0    0221 221-4711    03.03.2026",
            [("kassenzeichen", "501234567890", "5.0123.456789.0", "Kassenzeichen")],
        ),
        (
            "Kassenzeichen Datum\n6 1100 123456 7 03.03.2026",
            [("kassenzeichen", "611001234567", "6 1100 123456 7", "Kassenzeichen")],
        ),
        (
            "Unser Zeichen\nRA-2026/0815",  # label above value, one per line
            [("sender_reference", "RA-2026/0815", "RA-2026/0815", "Unser Zeichen")],
        ),
        (
            "Ihr Zeichen\n\n122.04-311/2025",
            [("aktenzeichen", "122.04-311/2025", "122.04-311/2025", "Ihr Zeichen")],
        ),
    ],
)
def test_reference_line(text: str, expected: list[tuple[str, str, str, str | None]]) -> None:
    assert full(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # one value, two reference columns: whose it is cannot be told, so it is dropped
        "Ihr Zeichen Unser Zeichen Datum\n122.04-311/2025 03.03.2026",
        # the sender reference and the phone number run into each other
        "Ihr Zeichen Unser Zeichen Telefon Datum\n122.04-311/2025 0815/26 0221 12345 03.03.2026",
        "Kassenzeichen Telefon\n5.0123.456789.0 0221 221-4711",
        "Rechnungsnummer   Kundennummer   Datum\nRE-2026-00017   4711   03.03.2026",
        "Rechnungsnummer   Datum\n122.04-311/2025   03.03.2026",
        "Unser Zeichen\nWir beziehen uns auf Ihr Schreiben und bitten um Rückruf unter 0221 12345.",
        "Datum\n03.03.2026",
    ],
)
def test_reference_line_that_reads_two_ways_or_holds_no_reference(text: str) -> None:
    assert kinds_values(text) == []


# --- Kassenzeichen ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "printed", "label"),
    [
        ("Kassenzeichen: 5.0123.456789.0", "501234567890", "5.0123.456789.0", "Kassenzeichen"),
        ("Kassenzeichen : 5.0123.456789.0", "501234567890", "5.0123.456789.0", "Kassenzeichen"),
        ("Kassen-Zeichen 6 1100 123456 7", "611001234567", "6 1100 123456 7", "Kassen-Zeichen"),
        ("KZ: 6-1100-123456-7", "611001234567", "6-1100-123456-7", "KZ"),
        ("Kz. 12 3456 7890", "1234567890", "12 3456 7890", "Kz."),
        ("Buchungszeichen 1234567890123", "1234567890123", "1234567890123", "Buchungszeichen"),
        ("Personenkonto-Nr.: 4711081512", "4711081512", "4711081512", "Personenkonto-Nr."),
        ("Personenkonto 4711081512", "4711081512", "4711081512", "Personenkonto"),
        (
            "Bitte geben Sie bei Zahlung das Kassenzeichen 5.0123.456789.0 an. "
            "IBAN DE02 1203 0000 0000 2020 51",
            "501234567890",
            "5.0123.456789.0",
            "Kassenzeichen",
        ),
        (
            "unter Angabe des Kassenzeichens 5.0208.771204.1 (Lindenstraße 40)",
            "502087712041",
            "5.0208.771204.1",
            "Kassenzeichens",
        ),
        (
            "Betreff: Ihr Brief vom 15.01.2026, Kassenzeichen 5.0612.010455.9",
            "506120104559",
            "5.0612.010455.9",
            "Kassenzeichen",
        ),
        (
            "Kassenzeichen 5.0612.011207.0 – Fahrzeug COE-CM 611",
            "506120112070",
            "5.0612.011207.0",
            "Kassenzeichen",
        ),
        ("Kassenzeichen 5.0123.456789.0.", "501234567890", "5.0123.456789.0", "Kassenzeichen"),
        (
            "Kassenzeichen: 5.0612.0I0988.2",  # OCR read a 1 as I
            "506120109882",
            "5.0612.0I0988.2",
            "Kassenzeichen",
        ),
        (
            "Kassenzeichen : 5.0123.456789.0 vom 03.03.2026",
            "501234567890",
            "5.0123.456789.0",
            "Kassenzeichen",
        ),
    ],
)
def test_kassenzeichen(text: str, value: str, printed: str, label: str) -> None:
    assert full(text) == [("kassenzeichen", value, printed, label)]


@pytest.mark.parametrize(
    "text",
    [
        "Kassenzeichen: DE89 3704 0044 0532 0130 00",
        "IBAN DE00 1234 5678 9012 3456 78, BIC GENODEM1XXX",
        "Kassenzeichen 03.03.2026",
        "Kassenzeichen: 0221 / 221-12345",
        "Kassenzeichen 12345",
        "Kassenzeichen 123456789ABC",
        "Das Kassenzeichen habe ich nicht mehr, der Bescheid liegt bei meiner Schwester.",
        "Kassenzeichen bitte angeben. Tel. 02541 123456",
        "Besuch der KZ-Gedenkstätte 2026 am 12.05.2026",
        "Tel. 02541 123456, Fax 02541 123457",
        "48653 Coesfeld, Tel. 02541 18-0",
        "Am 12.04.2026 habe ich Ihnen geschrieben, PLZ 48653 Coesfeld.",
        "Rechnungsnummer 2026-00017 vom 03.03.2026 über 1.234,56 EUR",
        "Steuernummer 336/5071/1234, Kundennummer 4711081512",
    ],
)
def test_numbers_that_are_no_kassenzeichen(text: str) -> None:
    assert kinds_values(text) == []


# --- Bauantrag ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "printed", "label"),
    [
        ("Betreff: Bauantrag Nr. BA-2026-0173", "BA-2026-173", "BA-2026-0173", "Bauantrag Nr."),
        (
            "Bauantrag Nr. BA-2026-0091, Neubau Einfamilienhaus Auf der Heide 17",
            "BA-2026-91",
            "BA-2026-0091",
            "Bauantrag Nr.",
        ),
        (
            "Ihr Bauantrag Nr. BA-2026-0173 vom 12.01.2026",
            "BA-2026-173",
            "BA-2026-0173",
            "Bauantrag Nr.",
        ),
        ("Bauantrag Nr.: BA-2026-0173.", "BA-2026-173", "BA-2026-0173", "Bauantrag Nr."),
        ("Bauantragsnummer 63/0173/2026", "63-173-2026", "63/0173/2026", "Bauantragsnummer"),
        ("Bauantrags-Nr. 63 / 0173 / 2026", "63-173-2026", "63 / 0173 / 2026", "Bauantrags-Nr."),
        (
            "Vorgangs-Nr. (Bauaufsicht) 63-173-26",
            "63-173-26",
            "63-173-26",
            "Vorgangs-Nr. (Bauaufsicht)",
        ),
        ("Az. der Bauaufsicht: BA 173/2026", "BA-173-2026", "BA 173/2026", "Az. der Bauaufsicht"),
    ],
)
def test_bauantrag(text: str, value: str, printed: str, label: str) -> None:
    assert full(text) == [("bauantrag", value, printed, label)]


@pytest.mark.parametrize(
    "text",
    [
        "Bauantrag vom 12.01.2026",
        "Bauantrag Nr. 12",
        "Hiermit nehme ich meinen Bauantrag vom 4. September 2025 zurück.",
        "Vorgangs-Nr. 63/0173/2026",  # a Vorgang of any department
        "Amtlicher Lageplan zum Bauantrag",
    ],
)
def test_no_bauantrag(text: str) -> None:
    assert kinds_values(text) == []


def test_an_aktenzeichen_under_a_bauantrag_label_is_an_aktenzeichen() -> None:
    assert full("Az. der Bauaufsicht: 521.01-17/2026") == [
        ("aktenzeichen", "521.01-17/2026", "521.01-17/2026", "Az. der Bauaufsicht")
    ]


# --- persons ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "printed"),
    [
        (
            "Max Mustermann, geb. 03.04.1985",
            "mustermann|max|1985-04-03",
            "Max Mustermann, geb. 03.04.1985",
        ),
        (
            "Herr Max Mustermann (geb. am 3. April 1985)",
            "mustermann|max|1985-04-03",
            "Max Mustermann (geb. am 3. April 1985",
        ),
        (
            "Mustermann, Max, geboren am 03.04.1985",
            "mustermann|max|1985-04-03",
            "Mustermann, Max, geboren am 03.04.1985",
        ),
        (
            "Name: Mustermann Vorname: Max Geburtsdatum: 03.04.1985",
            "mustermann|max|1985-04-03",
            "Mustermann Vorname: Max Geburtsdatum: 03.04.1985",
        ),
        (
            "Name: Mustermann\nVorname: Max\nGeburtsdatum: 03.04.1985",
            "mustermann|max|1985-04-03",
            "Mustermann\nVorname: Max\nGeburtsdatum: 03.04.1985",
        ),
        (
            "Frau Dr. Amira El-Sayed, *12.09.1991",
            "el sayed|amira|1991-09-12",
            "Amira El-Sayed, *12.09.1991",
        ),
        (
            "meines Aufenthaltstitels.\nAmira El-Sayed, geb. 12.09.1991\nMit freundlichen Grüßen",
            "el sayed|amira|1991-09-12",
            "Amira El-Sayed, geb. 12.09.1991",
        ),
        (
            "Herrn Richard von Weizsäcker, geb. 15.04.1920",
            "von weizsaecker|richard|1920-04-15",
            "Richard von Weizsäcker, geb. 15.04.1920",
        ),
        (
            "Anna Maria van der Berg, geb. 01.01.1990",
            "van der berg|anna|1990-01-01",
            "Anna Maria van der Berg, geb. 01.01.1990",
        ),
        (
            "Max Peter Mustermann, geb. 03.04.1985",
            "mustermann|max|1985-04-03",
            "Max Peter Mustermann, geb. 03.04.1985",
        ),
        (
            "Herr Max A. Mustermann, geb. 03.04.1985",
            "mustermann|max|1985-04-03",
            "Max A. Mustermann, geb. 03.04.1985",
        ),
        (
            "Jürgen Groß, geb. 1.2.1970",
            "gross|juergen|1970-02-01",
            "Jürgen Groß, geb. 1.2.1970",
        ),
        (
            "Sean O'Brien, geb. 05.06.1977",
            "obrien|sean|1977-06-05",
            "Sean O'Brien, geb. 05.06.1977",
        ),
        (
            "Fatma Kocabaş, geb. 01.01.1956",
            "kocabas|fatma|1956-01-01",
            "Fatma Kocabaş, geb. 01.01.1956",
        ),
        (
            "WANJIRU, Grace Njeri, geb. 15.06.1997, kenianische Staatsangehörige",
            "wanjiru|grace|1997-06-15",
            "WANJIRU, Grace Njeri, geb. 15.06.1997",
        ),
        (
            "Antragstellerin: GASHI, Arben\ngeb.: 07.05.1998",
            "gashi|arben|1998-05-07",
            "GASHI, Arben\ngeb.: 07.05.1998",
        ),
        (
            "die Antragstellerin Erika Mustermann, geboren am 12. März 1964, wohnhaft",
            "mustermann|erika|1964-03-12",
            "Erika Mustermann, geboren am 12. März 1964",
        ),
        (
            "Mandantin, Frau Erika Mustermann, geb. 12.03.1964",
            "mustermann|erika|1964-03-12",
            "Erika Mustermann, geb. 12.03.1964",
        ),
        (
            "mein Mann, Heinrich Ostendorf, geb. 12.05.1941, ist verstorben",
            "ostendorf|heinrich|1941-05-12",
            "Heinrich Ostendorf, geb. 12.05.1941",
        ),
        (
            "Ehefrau: Melina Tenbrink geb. Schulze Hessing, geb. 27.07.1996 in Coesfeld",
            "tenbrink|melina|1996-07-27",
            "Melina Tenbrink geb. Schulze Hessing, geb. 27.07.1996",
        ),
        (
            "Betreff: Aufenthaltserlaubnis Max Mustermann, geb. 03.04.1985",
            "mustermann|max|1985-04-03",
            "Max Mustermann, geb. 03.04.1985",
        ),
        (
            "Antrag auf Einbürgerung, Dokumente anbei. Yusuf Demir, geb. 01.02.1990",
            "demir|yusuf|1990-02-01",
            "Yusuf Demir, geb. 01.02.1990",
        ),
        (
            "Name, Vorname: Müller-Lüdenscheidt, Hans-Peter\nGeburtsdatum: 01.02.1970",
            "mueller luedenscheidt|hans|1970-02-01",
            "Müller-Lüdenscheidt, Hans-Peter\nGeburtsdatum: 01.02.1970",
        ),
        (
            "Familienname: von Weizsäcker   Vorname(n): Richard Karl   Geb.-Datum: 15.04.1920",
            "von weizsaecker|richard|1920-04-15",
            "von Weizsäcker   Vorname(n): Richard Karl   Geb.-Datum: 15.04.1920",
        ),
        (
            " 1 Name:                 Janßen\n 2 Vornamen:             Kira\n"
            " 6 Geburtsdatum:         11.02.1994",
            "janssen|kira|1994-02-11",
            "Janßen\n 2 Vornamen:             Kira\n 6 Geburtsdatum:         11.02.1994",
        ),
    ],
)
def test_persons(text: str, value: str, printed: str) -> None:
    assert full(text) == [("person", value, printed, None)]


@pytest.mark.parametrize(
    "text",
    [
        "Max Mustermann, geb. 03.04.85",  # two-digit year: which century?
        "Max Mustermann, geb. 31.02.1985",  # no such day
        "Max Mustermann, Musterstraße 1, 48653 Coesfeld",
        "Sehr geehrte Damen und Herren, geb. 12.09.1991 steht im Pass.",
        "geb. 03.04.1985",
        "Mustermann, geb. 03.04.1985",  # no given name
        "Ursula Bernzen geb. Tepe",  # birth name, no date
        "meine Kinder (Leon, geb. 2014; Mia, geb. 2017)",
        "Jonas M., geb. 07.05.2021",
        "Geburtsname: Schmidt Vorname: Anna Geburtsdatum: 12.03.1964",
        "Hagenbeck, 03.03.2026\nSehr geehrte Frau Meier,",
    ],
)
def test_no_person(text: str) -> None:
    assert kinds_values(text) == []


def test_two_persons_in_one_letter() -> None:
    text = (
        "Antragstellerin: WANJIRU, Grace Njeri, geb. 15.06.1997\n"
        "Bezugsperson: Herr Daniel Otieno WANJIRU, geb. 22.09.1992\n"
    )
    assert kinds_values(text) == [
        ("person", "wanjiru|grace|1997-06-15"),
        ("person", "wanjiru|daniel|1992-09-22"),
    ]


# --- normal forms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "printed",
    [
        "5.0123.456789.0",
        "5 0123 456789 0",
        "5-0123-456789-0",
        "501234567890",
        "Kassenzeichen 5.0123.456789.0",
        "5.O123.456789.0",
    ],
)
def test_kassenzeichen_normal_form(printed: str) -> None:
    assert normalize_kassenzeichen(printed) == "501234567890"


def test_kassenzeichen_without_digits_is_empty() -> None:
    assert normalize_kassenzeichen("Kassenzeichen") == ""


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("BA-2026-0173", "BA-2026-173"),
        ("BA 2026/0173", "BA-2026-173"),
        ("ba2026.173", "BA-2026-173"),
        ("BA-2026-173", "BA-2026-173"),
        ("Bauantrag Nr. BA-2026-0173", "BA-2026-173"),
        ("63/0173/2026", "63-173-2026"),
        ("63 - 173 - 2026", "63-173-2026"),
        ("BA 173/2026", "BA-173-2026"),  # the order of the parts counts
        ("63-173-26", "63-173-26"),  # a two-digit year stays two digits
        ("BA-2026-0000", "BA-2026-0"),
        ("Bauantrag", ""),
    ],
)
def test_bauantrag_normal_form(printed: str, value: str) -> None:
    assert normalize_bauantrag(printed) == value


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("RA-2026/0815", "RA-2026/0815"),
        ("ra-2026/0815", "RA-2026/0815"),
        ("RA - 2026 / 0815", "RA-2026/0815"),
        ("233/25 WL/sk", "233/25WL/SK"),
        ("65.52.1-2026-0871", "65.52.1-2026-0871"),
        ("Mü/ks", "MÜ/KS"),
        ("AZ#12_3", "AZ123"),
        ("RA-2026/0815.", "RA-2026/0815"),
        ("/0815/26-", "0815/26"),
    ],
)
def test_sender_reference_normal_form(printed: str, value: str) -> None:
    assert normalize_sender_reference(printed) == value


@pytest.mark.parametrize(
    ("family", "given"),
    [
        ("Müller", "Jörg"),
        ("MÜLLER", "JÖRG"),
        ("Mueller", "Joerg"),
        ("Mu\u0308ller", "Jo\u0308rg"),  # decomposed umlauts, as some PDFs carry them
        ("Müller", "Jörg Karl"),  # further given names do not count
        ("Müller", "Jörg-Peter"),  # nor the second part of a hyphenated one
        ("Müller", "Dr. Jörg"),
        ("  Müller ", " Jörg "),
    ],
)
def test_person_key_folds_printed_variants(family: str, given: str) -> None:
    assert person_key(family, given, date(1970, 1, 2)) == "mueller|joerg|1970-01-02"


@pytest.mark.parametrize(
    ("family", "given", "key"),
    [
        ("Groß", "Jürgen", "gross|juergen|1990-05-06"),
        ("Çelik", "Zoë", "celik|zoe|1990-05-06"),
        ("Dvořák", "Pavel", "dvorak|pavel|1990-05-06"),
        ("El-Sayed", "Amira", "el sayed|amira|1990-05-06"),
        ("El Sayed", "Amira", "el sayed|amira|1990-05-06"),
        ("O'Brien", "Seán", "obrien|sean|1990-05-06"),
        ("von Weizsäcker", "Richard", "von weizsaecker|richard|1990-05-06"),
        ("Sørensen", "Åse", "sorensen|ase|1990-05-06"),
        ("", "Max", ""),
        ("Mustermann", "Dr.", ""),
    ],
)
def test_person_key(family: str, given: str, key: str) -> None:
    assert person_key(family, given, date(1990, 5, 6)) == key


def test_a_letter_and_a_typed_subject_key_give_the_same_values() -> None:
    text = (
        "Ihr Zeichen: 122.04 - 0311 / 2025\n"
        "Unser Zeichen: RA 2026/0815\n"
        "Kassenzeichen 5 0123 456789 0\n"
        "Bauantrag Nr. BA 2026/0173\n"
        "Herrn MAX Peter MUSTERMANN, geb. am 3. April 1985\n"
    )
    assert kinds_values(text) == [
        ("aktenzeichen", "122.04-311/2025"),
        ("sender_reference", normalize_sender_reference("ra2026/0815")),
        ("kassenzeichen", normalize_kassenzeichen("5.0123.456789.0")),
        ("bauantrag", normalize_bauantrag("BA-2026-0173")),
        ("person", person_key("Mustermann", "Max", date(1985, 4, 3))),
    ]


# --- the whole letter ---------------------------------------------------------------------


def test_a_whole_letter() -> None:
    text = (
        "Rechtsanwälte Osterkamp & Yilmaz · Marktstraße 3 · 48653 Coesfeld\n"
        "Stadt Hagenbeck\nAusländerbehörde\nRathausplatz 1\n48651 Hagenbeck\n\n"
        "Ihr Zeichen   Unser Zeichen   Telefon   Datum\n"
        "122.04 - 0468 / 2024   RA-2026/0815 Y/km   02541 18-0   03.03.2026\n\n"
        "Widerspruch gegen den Bescheid vom 06.02.2026\n"
        "Unser Mandant: Herr Bilal Haddad, geb. 11.04.1994\n"
        "Kassenzeichen 5.0123.456789.0\n\n"
        "Sehr geehrte Damen und Herren,\n"
        "namens unseres Mandanten legen wir Widerspruch ein. Die Gebühr von 1.234,56 EUR "
        "haben wir am 01.03.2026 unter dem Kassenzeichen 5.0123.456789.0 überwiesen.\n"
        "Mit freundlichen Grüßen\n"
        "Tel. 02541 18-0 · IBAN DE02 1203 0000 0000 2020 51 · USt-IdNr. DE123456789\n"
    )
    assert full(text) == [
        ("aktenzeichen", "122.04-468/2024", "122.04 - 0468 / 2024", "Ihr Zeichen"),
        ("sender_reference", "RA-2026/0815Y/KM", "RA-2026/0815 Y/km", "Unser Zeichen"),
        ("person", "haddad|bilal|1994-04-11", "Bilal Haddad, geb. 11.04.1994", None),
        ("kassenzeichen", "501234567890", "5.0123.456789.0", "Kassenzeichen"),
    ]


def test_duplicates_are_reported_once_in_text_order() -> None:
    text = (
        "Kassenzeichen 5.0123.456789.0\n"
        "Ihr Zeichen: 111.07-3/2026\n"
        "Kassenzeichen 501234567890\n"
        "Az. 111.07-0003/2026"
    )
    found = refs(text)
    assert [(r.kind, r.start, r.label) for r in found] == [
        (ReferenceKind.KASSENZEICHEN, 14, "Kassenzeichen"),
        (ReferenceKind.AKTENZEICHEN, 43, "Ihr Zeichen"),
    ]


def test_the_finder_decides_what_an_aktenzeichen_is() -> None:
    text = "Ihr Zeichen: 122.04-311/2025"
    assert extract_references(text, find_aktenzeichen=lambda _: []) == []
    found = extract_references(text, find_aktenzeichen=lambda _: [("X-1", 13, 28)])
    assert found == [Reference(ReferenceKind.AKTENZEICHEN, "X-1", text[13:28], 13, "Ihr Zeichen")]


def test_empty_text() -> None:
    assert refs("") == []
