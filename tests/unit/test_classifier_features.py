from __future__ import annotations

from services.classification.features import char_text, clean, content_words, word_terms


def test_a_word_hyphenated_at_a_line_break_is_joined() -> None:
    assert clean("Die Stadtverwal-\n  tung prüft") == "Die Stadtverwaltung prüft"
    assert word_terms("Verwal-\ntung") == word_terms("Verwaltung")


def test_a_hyphen_before_a_capital_or_a_conjunction_stays() -> None:
    assert clean("Bau-\nGenehmigung") == "Bau-\nGenehmigung"
    assert clean("Ein- und Ausfahrt") == "Ein- und Ausfahrt"


def test_digit_runs_become_one_placeholder_and_no_word() -> None:
    assert clean("Az. 521.01-17/2026 vom 3.2.2026") == "Az. 0.0-0/0 vom 0.0.0"
    assert content_words(clean("Bescheid 2026 Nr 4711")) == ["Bescheid", "Nr"]


def test_words_are_stemmed_without_stop_words_with_bigrams() -> None:
    terms = word_terms("Der Antrag auf Baugenehmigungen")
    assert terms == ["antrag", "baugenehm", "antrag baugenehm"]
    assert word_terms("Baugenehmigung") == ["baugenehm"]


def test_characters_are_folded_so_ocr_variants_meet() -> None:
    assert char_text("Gebühren, Gebuehren; Gebuhren!") == "gebuhren gebuhren gebuhren"
    assert char_text("Straße") == "strasse"
