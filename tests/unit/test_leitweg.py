"""Leitweg-ID: structure and ISO/IEC 7064 MOD 97-10 check digits.

Real values come from the BT-10 (BuyerReference) elements of the official test data;
the expected verdict is computed here independently (validation form: the whole number
mod 97 must be 1) instead of being copied from the implementation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from lxml import etree

from services.einvoice.leitweg import (
    InvalidLeitwegIdError,
    LeitwegId,
    check_leitweg_id,
    compute_check_digits,
    is_valid_leitweg_id,
    normalize_leitweg_id,
    parse_leitweg_id,
)

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
BT10_XPATH = "//*[local-name()='BuyerReference']/text()"
STRUCTURE = re.compile(r"[0-9]{2,12}(-[A-Za-z0-9]{1,30})?-[0-9]{2}")


def _bt10_values() -> set[str]:
    values: set[str] = set()
    for folder in ("xrechnung-testsuite", "en16931-examples"):
        for path in sorted((TESTDATA / folder).rglob("*.xml")):
            try:
                tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False))
            except etree.XMLSyntaxError:
                continue  # the deliberately broken instances
            values.update(str(v).strip() for v in tree.xpath(BT10_XPATH))
    return values


BT10 = sorted(_bt10_values())
STRUCTURED = [v for v in BT10 if STRUCTURE.fullmatch(v)]


def _oracle(value: str) -> bool:
    """MOD 97-10 validation written differently from the module: remainder of the whole is 1."""
    digits = ""
    for ch in value.replace("-", "").upper():
        digits += ch if ch.isdigit() else str(ord(ch) - ord("A") + 10)
    return int(digits) % 97 == 1


def test_test_data_has_leitweg_ids_of_both_kinds() -> None:
    assert len(STRUCTURED) >= 10
    assert any(_oracle(v) for v in STRUCTURED)
    assert any(not _oracle(v) for v in STRUCTURED)


@pytest.mark.parametrize("value", STRUCTURED)
def test_real_bt10_values_match_the_independent_oracle(value: str) -> None:
    result = check_leitweg_id(value)
    assert result.valid is _oracle(value), result.problems
    if not result.valid:
        assert [p.code for p in result.problems] == ["check-digits"]
        assert "Prüfziffer" in result.problems[0].message_de


def test_same_address_with_different_check_digits_in_the_data_has_exactly_one_right() -> None:
    by_body: defaultdict[str, set[str]] = defaultdict(set)
    for value in STRUCTURED:
        body, check = value.rsplit("-", 1)
        by_body[body].add(check)
    ambiguous = {body: checks for body, checks in by_body.items() if len(checks) > 1}
    assert ambiguous, "the test suite is expected to contain such typos"
    for body, checks in ambiguous.items():
        right = [c for c in checks if is_valid_leitweg_id(f"{body}-{c}")]
        assert len(right) <= 1, (body, checks)


@pytest.mark.parametrize(
    ("coarse", "fine", "check"),
    [
        # worked example of the KoSIT Formatspezifikation Leitweg-ID
        ("04011000", "1234512345", "06"),
        # the Bund's test Leitweg-ID used in the XRechnung test suite
        ("991", "33333TEST", "33"),
        ("04011000", "12345", "03"),
        ("992", "90009", "96"),
    ],
)
def test_known_check_digits(coarse: str, fine: str, check: str) -> None:
    assert compute_check_digits(coarse, fine) == check
    assert compute_check_digits(coarse, fine.lower()) == check
    assert is_valid_leitweg_id(f"{coarse}-{fine}-{check}")


def test_without_fine_address() -> None:
    check = compute_check_digits("991")
    assert _oracle(f"991-{check}")
    parsed = parse_leitweg_id(f"991-{check}")
    assert parsed == LeitwegId("991", None, check)
    assert str(parsed) == f"991-{check}"
    assert parsed.land == "Bund"


def test_every_other_pair_of_check_digits_is_rejected() -> None:
    accepted = [f"{n:02d}" for n in range(100) if is_valid_leitweg_id(f"04011000-12345-{n:02d}")]
    assert accepted == ["03"]


def test_single_substitutions_and_adjacent_transpositions_are_caught() -> None:
    valid = "04011000-1234512345-06"
    body = valid.replace("-", "")
    for i, ch in enumerate(valid):
        if ch == "-":
            continue
        for other in "0123456789":
            if other != ch:
                assert not is_valid_leitweg_id(valid[:i] + other + valid[i + 1 :])
    for i in range(len(valid) - 1):
        a, b = valid[i], valid[i + 1]
        if "-" in (a, b) or a == b:
            continue
        swapped = valid[:i] + b + a + valid[i + 2 :]
        assert not is_valid_leitweg_id(swapped), swapped
    assert len(body) == 20


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("qwerty", "parts"),
        ("Leitweg-ID", "coarse"),
        ("XXX-XXXXX-XX", "coarse"),
        ("A test buyer reference", "parts"),
        ("1-12345-12", "coarse"),
        ("1234567890123-12345-12", "coarse"),
        ("04011000-" + "A" * 31 + "-12", "fine"),
        ("04011000-Bürgeramt-12", "fine"),
        ("04011000--12", "fine"),
        ("04011000-12345-3", "check-format"),
        ("04011000-12345-AB", "check-format"),
        ("04011000-1-2-3-45", "parts"),
        ("04011000-12345-34", "check-digits"),
        ("04011000 12345 03", "parts"),
    ],
)
def test_malformed_values_name_the_problem(value: str, code: str) -> None:
    result = check_leitweg_id(value)
    assert not result.valid
    assert code in [p.code for p in result.problems]
    assert result.leitweg_id is None
    for problem in result.problems:
        assert problem.message_de and problem.message_en


def test_too_long_is_reported_besides_other_problems() -> None:
    value = "1" * 12 + "-" + "A" * 31 + "-00"
    codes = [p.code for p in check_leitweg_id(value).problems]
    assert codes == ["length", "fine"]


def test_unknown_land_code_is_only_a_warning() -> None:
    result = check_leitweg_id("90000000-03083-72")
    assert result.valid
    assert [w.code for w in result.warnings] == ["land"]
    assert check_leitweg_id("04011000-12345-03").warnings == ()
    assert parse_leitweg_id("04011000-12345-03").land == "Bremen"


def test_parse_raises_with_german_reason() -> None:
    with pytest.raises(InvalidLeitwegIdError, match="Prüfziffer 34 ist falsch.*03"):
        parse_leitweg_id("04011000-12345-34")


def test_normalisation_for_routing_keys() -> None:
    assert normalize_leitweg_id(" 991-33333test-33\n") == "991-33333TEST-33"
    assert parse_leitweg_id("991-33333test-33").fine == "33333TEST"
    with pytest.raises(InvalidLeitwegIdError):
        compute_check_digits("04011000", "Bürger")
