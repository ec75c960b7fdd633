"""Near keys and near names: what counts as one OCR confusion away, and what does not."""

from __future__ import annotations

import pytest

from services.classification.references import normalize_kassenzeichen
from services.classification.references.folding import (
    bauantrag_near,
    fold,
    lone_letters_as_digits,
    near_key,
)
from services.classification.references.near_names import names_near
from services.records.subject_keys import subject_key


@pytest.mark.parametrize(
    ("kind", "typed", "misread"),
    [
        ("kassenzeichen", "5.0123.456789.0", "S.0123.456789.0"),
        ("kassenzeichen", "5.0123.456789.0", "5.0123.4567B9.0"),
        ("kassenzeichen", "6.1120.004517.3", "6.11Z0.004517.3"),
        ("kassenzeichen", "6.1120.004517.3", "G.1120.004517.3"),
        ("sender_reference", "RA-2026/0815", "RA-2O26/O815"),
        ("sender_reference", "RA-2026/0815", "RA 2026 0815"),
        ("sender_reference", "KD-4471/26", "KD-447l/26"),
        ("sender_reference", "KD-4471/26", "KD4471.26"),
        ("bauantrag", "BA-2026-0173", "BA-2O26-0173"),
        ("bauantrag", "BA-2026-0173", "BA-2026-0I73"),
    ],
)
def test_a_misread_key_has_the_typed_key_s_near_key(kind: str, typed: str, misread: str) -> None:
    typed_value = subject_key(kind, typed).value
    misread_value = subject_key(kind, lone_letters_as_digits(misread)).value
    assert near_key(kind, misread_value) == near_key(kind, typed_value)


@pytest.mark.parametrize(
    ("kind", "one", "other"),
    [
        ("kassenzeichen", "5.0123.456789.0", "5.0123.456789.1"),  # another digit is no confusion
        ("kassenzeichen", "5.0123.456789.0", "5.0123.456798.0"),
        ("sender_reference", "RA-2026/0815", "RB-2026/0815"),
        ("sender_reference", "RA-2026/0815", "RA-2026/0816"),
        ("bauantrag", "BA-2026-0173", "BA-2026-1073"),
    ],
)
def test_different_keys_stay_apart(kind: str, one: str, other: str) -> None:
    first, second = subject_key(kind, one).value, subject_key(kind, other).value
    if kind == "bauantrag":
        assert not bauantrag_near(first, second)
    else:
        assert near_key(kind, first) != near_key(kind, second)


def test_a_kassenzeichen_keeps_a_letter_ocr_makes_of_5_or_8_so_it_matches_nothing_exactly() -> None:
    assert normalize_kassenzeichen("S.0123.456789.0") == "S01234567890"
    assert normalize_kassenzeichen("5.0123.4567B9.0") == "501234567B90"
    assert normalize_kassenzeichen("5.O123.456789.0") == "501234567890"  # O among digits is 0
    assert normalize_kassenzeichen("Kassenzeichen 5.0123.456789.0") == "501234567890"


def test_only_lone_letters_are_read_as_digits() -> None:
    assert lone_letters_as_digits("S.0123.456789.0") == "5.0123.456789.0"
    assert lone_letters_as_digits("BA-2O26/O173") == "BA-2026/0173"
    assert lone_letters_as_digits("BA-2026 KM/ks") == "BA-2026 KM/ks"  # letters among letters
    assert lone_letters_as_digits("Bauantrag") == "Bauantrag"


def test_bauantrag_near_misses_ignore_separators_and_leading_zeros() -> None:
    value = subject_key("bauantrag", "BA-2026-0173").value
    assert bauantrag_near(value, "BA-20260173")
    assert bauantrag_near(value, "8A 2026 173")
    assert not bauantrag_near(value, "BA-2026-0174")
    assert not bauantrag_near(value, "BA-2025-0173")
    assert fold("ba-2O26/0l73") == "8A20260173"


def test_a_person_s_near_key_is_the_birth_date() -> None:
    value = subject_key("person", "Yilmaz, Ayşe, 03.04.1985").value
    assert near_key("person", value) == "1985-04-03"


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("yilmaz|ayse", "yilrnaz|ayse"),  # rn for m
        ("keller|stefan", "kcller|stefan"),  # c for e
        ("keller|stefan", "keler|stefan"),  # a letter dropped
        ("meyer|anna", "meier|anna"),
        ("wrobel|olena", "wrobel|oelna"),  # two letters swapped
        ("haddad|samir", "hadclad|samir"),  # cl for d
    ],
)
def test_names_one_ocr_letter_apart(name: str, other: str) -> None:
    assert names_near(name, other) and names_near(other, name)


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("yilmaz|ayse", "yilmaz|ayse"),  # the same name is no near miss
        ("meyer|anna", "maier|anja"),
        ("schmidt|paul", "schmitz|paula"),
        ("nguyen|minh", "tran|minh"),
    ],
)
def test_names_further_apart(name: str, other: str) -> None:
    assert not names_near(name, other)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("Hagenbeck 11 40/3", "40/3"),
        ("Gemarkung Hagenbeck, Flur 11, Flurstück 40/3", "40/3"),
        ("Flur 3, 117/4", "117/4"),
        ("Flurstück 233", "233"),
    ],
)
def test_a_plot_s_near_key_is_its_flurstueck_number(typed: str, number: str) -> None:
    assert near_key("flurstueck", subject_key("flurstueck", typed).value) == number
