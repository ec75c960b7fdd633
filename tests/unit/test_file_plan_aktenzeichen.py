from __future__ import annotations

import pytest

from file_plan import (
    DEFAULT_AKTENZEICHEN_PATTERN,
    AktenzeichenPattern,
    AktenzeichenPatternError,
    AktenzeichenValueError,
    ParsedAktenzeichen,
)

DEFAULT = AktenzeichenPattern(DEFAULT_AKTENZEICHEN_PATTERN)
UNIT_PADDED = AktenzeichenPattern("{unit}/{code}-{number:04}/{yy}")

LETTER = """\
Stadt Musterhausen · Bauordnungsamt · Postfach 12 34 · 12345 Musterhausen
Herrn Max Mustermann, Hauptstr. 5, 12345 Musterhausen

Ihr Zeichen: MM/2026-04          Unser Zeichen (Az.): 521.01-17/2026
Telefon: 0221 521-17 2026        Datum: 12.04.2026

Bauantrag vom 03.02.2026, Aktenzeichen 521.01 - 0017 / 2026
Bezug: Bauvoranfrage AZ:521.01-3/2025 sowie Gz.111.07-4711/2026 (Kassenzeichen)

Sehr geehrter Herr Mustermann,
bitte überweisen Sie die Gebühr von 1.521,01 EUR auf das Konto
IBAN DE89 3704 0044 0532 0130 00 unter Angabe des Geschäftszeichens
Geschäftszeichen: 122.04.01-9/2024.
Nicht gemeint: 9521.01-17/2026, 521.01-17/20265, 1.521.01-17/2026 und 521.01-0/2026.
"""


def test_format_the_default_pattern() -> None:
    assert DEFAULT.format("521.01", 17, 2026) == "521.01-17/2026"
    assert DEFAULT.placeholders == ("code", "number", "year")


def test_format_with_padding_two_digit_year_and_unit() -> None:
    assert UNIT_PADDED.format("521.01", 17, 2026, unit="63") == "63/521.01-0017/26"
    assert UNIT_PADDED.format("111.07", 123456, 2031, unit="POST") == "POST/111.07-123456/31"


@pytest.mark.parametrize(
    ("pattern", "args", "message"),
    [
        (DEFAULT, ("521.01", 0, 2026), "'0' cannot be printed as the number"),
        (DEFAULT, ("521.01", -4, 2026), "cannot be printed as the number"),
        (DEFAULT, ("5.21", 1, 2026), "'5.21' cannot be printed as the code"),
        (DEFAULT, ("521.01", 1, 26), "'26' cannot be printed as the year"),
        (DEFAULT, ("521.01", 1, None), "needs a year"),
        (UNIT_PADDED, ("521.01", 1, 2026), "needs a unit"),
        (UNIT_PADDED, ("521.01", 1, 1999, "63"), "{yy} can only print 2000-2099, not 1999"),
    ],
)
def test_values_that_would_not_read_back_are_refused(
    pattern: AktenzeichenPattern, args: tuple[object, ...], message: str
) -> None:
    with pytest.raises(
        AktenzeichenValueError, match=message.replace("{", r"\{").replace("}", r"\}")
    ):
        pattern.format(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["521.01-17/2026", "521.01 - 0017 / 2026", "  521.01-0000017/2026\n", "521.01 -17/ 2026"],
)
def test_parse_printed_variants(text: str) -> None:
    assert DEFAULT.parse(text) == ParsedAktenzeichen("521.01", 17, 2026)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "521.01-17/2026 und mehr",
        "Az. 521.01-17/2026",
        "521.01-0/2026",
        "521.01-17/26",
        "521.01/17/2026",
        "5210.01-17/2026",
        "521.1-17/2026",
        "12.04.2026",
    ],
)
def test_parse_rejects_anything_else(text: str) -> None:
    assert DEFAULT.parse(text) is None


def test_parse_with_unit_and_two_digit_year() -> None:
    assert UNIT_PADDED.parse("63 / 521.01-17/26") == ParsedAktenzeichen("521.01", 17, 2026, "63")
    assert UNIT_PADDED.parse("POST/111.07-0001/05") == ParsedAktenzeichen("111.07", 1, 2005, "POST")


def test_pattern_without_a_year() -> None:
    pattern = AktenzeichenPattern("{code}/{number:03}")

    assert pattern.format("122.04", 7, None) == "122.04/007"
    assert pattern.parse("122.04 / 7") == ParsedAktenzeichen("122.04", 7, None)


def test_find_all_in_a_letter() -> None:
    found = DEFAULT.find_all(LETTER)

    assert [(hit.printed, DEFAULT.canonical(hit.parsed)) for hit in found] == [
        ("521.01-17/2026", "521.01-17/2026"),
        ("521.01 - 0017 / 2026", "521.01-17/2026"),
        ("521.01-3/2025", "521.01-3/2025"),
        ("111.07-4711/2026", "111.07-4711/2026"),
        ("122.04.01-9/2024", "122.04.01-9/2024"),
    ]
    assert all(LETTER[hit.start : hit.end] == hit.printed for hit in found)


def test_find_all_with_a_unit_pattern() -> None:
    text = "Az.: 63/521.01-0017/26, Ihr Schreiben an POST / 111.07-2/25 vom 01.02.2025"

    found = UNIT_PADDED.find_all(text)

    assert [UNIT_PADDED.canonical(hit.parsed) for hit in found] == [
        "63/521.01-0017/26",
        "POST/111.07-0002/25",
    ]


def test_a_pattern_of_dots_does_not_find_dates() -> None:
    dotted = AktenzeichenPattern("{code}.{number}.{year}")

    found = dotted.find_all("Schreiben vom 12.04.2026 zu 521.01.17.2026")

    assert [hit.parsed for hit in found] == [ParsedAktenzeichen("521.01", 17, 2026)]
    assert dotted.parse("12.04.2026") is None


def test_canonical_makes_printed_variants_equal() -> None:
    variants = ["521.01 - 0017 / 2026", "521.01-17/2026", "521.01-017 /2026"]

    parsed = [DEFAULT.parse(text) for text in variants]

    assert {DEFAULT.canonical(p) for p in parsed if p} == {"521.01-17/2026"}
    assert len([p for p in parsed if p]) == 3


def test_patterns_compare_by_text() -> None:
    assert AktenzeichenPattern("{code}-{number}/{year}") == DEFAULT
    assert hash(AktenzeichenPattern("{code}-{number}/{year}")) == hash(DEFAULT)


def test_literal_text_in_a_pattern() -> None:
    pattern = AktenzeichenPattern("Az. {code} Nr. {number}/{year}")

    assert pattern.format("521.01", 5, 2026) == "Az. 521.01 Nr. 5/2026"
    assert pattern.parse("Az.  521.01 Nr.5 / 2026") == ParsedAktenzeichen("521.01", 5, 2026)
    assert [hit.printed for hit in pattern.find_all("siehe Az. 521.01 Nr. 5/2026.")] == [
        "Az. 521.01 Nr. 5/2026"
    ]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{code}-{nummer}/{year}", "unknown placeholder {nummer}"),
        ("{code}-{year}", "has no {number}"),
        ("{number}/{year}", "has no {code}"),
        ("{code}{number}/{year}", "needs a separator between {code} and {number}"),
        ("{code}-{number:4}/{year}", "unsupported format {number:4}"),
        ("{code}-{number}/{year:02}", "unsupported format {year:02}"),
        ("{code}-{number}/{year}/{yy}", "both {year} and {yy}"),
        ("{code}-{number}-{number}", "repeats {number}"),
        ("{code}-{number}}", "unmatched brace"),
        ("{code-{number}", "unmatched brace"),
        ("", "has no {code}"),
    ],
)
def test_invalid_patterns_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(AktenzeichenPatternError) as raised:
        AktenzeichenPattern(pattern)

    assert message in str(raised.value)
