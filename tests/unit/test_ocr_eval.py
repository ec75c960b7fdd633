"""The OCR evaluation's renderer is reproducible and its metrics measure what they claim."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.ocr_eval.corpus import Letter
from benchmarks.ocr_eval.metrics import (
    bag_cer,
    best_substring_distance,
    cer,
    distinctive_word,
    word_found,
)
from benchmarks.ocr_eval.scan import profile_for, render

LETTER = Letter(
    id="t-test-1",
    kind="din5008",
    sender=("Muster GmbH", "Hauptstraße 5", "27412 Hagenbeck"),
    recipient=("Stadt Hagenbeck", "Rathausplatz 1", "27412 Hagenbeck"),
    info_block=(("Ihr Zeichen", "32-1"), ("Datum", "12.01.2026")),
    subject="Bauantrag Flurstück 340",
    body=("Sehr geehrte Damen und Herren,", "wir beantragen die Genehmigung."),
    closing=("Mit freundlichen Grüßen", "", "Erika Musterfrau"),
    references=("Kassenzeichen 5.0123.456789.0",),
)


def test_same_letter_renders_to_the_same_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = render(LETTER, tmp_path / "a"), render(LETTER, tmp_path / "b")
    digest = [hashlib.sha256(scan.path.read_bytes()).hexdigest() for scan in (first, second)]
    assert digest[0] == digest[1]
    assert first.truth == second.truth
    assert first.profile == profile_for(LETTER)


def test_truth_follows_the_reading_order(tmp_path: Path) -> None:
    lines = render(LETTER, tmp_path).truth.splitlines()
    order = ["Muster GmbH", "Stadt Hagenbeck", "Ihr Zeichen 32-1", "Bauantrag Flurstück 340",
             "wir beantragen die Genehmigung.", "Erika Musterfrau"]  # fmt: skip
    positions = [lines.index(line) for line in order]
    assert positions == sorted(positions)


def test_degradations_depend_on_the_id_not_on_the_text() -> None:
    other = replace(LETTER, sender=(), subject="anders", body=("ganz anderer Text",))
    assert profile_for(other) == profile_for(LETTER)
    labels = {profile_for(Letter(id=f"x{n}", kind="din5008")).label() for n in range(40)}
    assert len(labels) > 20


def test_cer_of_identical_text_is_zero_whatever_the_whitespace() -> None:
    assert cer("Sehr  geehrte\nDamen", "Sehr geehrte Damen") == 0.0


def test_one_substitution_in_ten_characters_is_ten_percent() -> None:
    assert cer("Hagenbeck!", "Hagenbeck.") == pytest.approx(0.1)


def test_bag_of_lines_ignores_swapped_lines_but_ordered_cer_does_not() -> None:
    truth = "Ihr Zeichen 32-1\nStadt Hagenbeck"
    ocr = "Stadt Hagenbeck\nIhr Zeichen 32-1"
    assert bag_cer(ocr, truth) == 0.0
    assert cer(ocr, truth) > 0.3


def test_bag_of_lines_counts_recognition_errors() -> None:
    truth = "Stadt Hagenbeck\nRathausplatz 1"
    assert bag_cer("Stadt Hagenbeok Rathausplatz 1", truth) == pytest.approx(1 / 29)


def test_best_substring_distance() -> None:
    assert best_substring_distance("Flur 12", "xx Flur 12 yy") == 0
    assert best_substring_distance("Flur 12", "xx Flor 12 yy") == 1
    assert best_substring_distance("Flur 12", "") == 7


def test_distinctive_word_prefers_the_printed_reference() -> None:
    word = distinctive_word(LETTER, "irrelevant")
    assert word == "5.0123.456789.0"
    assert word_found("Kassenzeichen 5.0123.456789.0 bitte", word)
    assert not word_found("Kassenzeichen 5.0123.456789.O bitte", word)
