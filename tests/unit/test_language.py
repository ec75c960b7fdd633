"""Telling German letters from other text by function words."""

from __future__ import annotations

from services.classification.language import read_language
from services.settings import ClassificationSettings

MIN_SHARE = ClassificationSettings().min_german_share


def test_a_german_letter_reads_as_german() -> None:
    reading = read_language(
        "Sehr geehrte Damen und Herren, hiermit lege ich gegen den Bescheid vom 3. Mai "
        "Widerspruch ein, da die Gebühr für die Abfuhr der Biotonne zu hoch ist."
    )
    assert reading.german_share > 0.2 and reading.english_share == 0
    assert reading.reads_as_german(MIN_SHARE)


def test_a_filled_in_form_with_few_function_words_still_reads_as_german() -> None:
    form = (
        "Antrag auf Wohngeld\nName: Petrović\nVorname: Ana\nGeburtsdatum: 04.06.1983\n"
        "Anschrift: Lindenweg 4, 48653 Hagenbeck\nHaushaltsmitglieder: 3\n"
        "[x] Mietzuschuss [ ] Lastenzuschuss\nMiete monatlich: 640 EUR\n"
        "Ich versichere, dass die Angaben richtig sind."
    )
    assert read_language(form).reads_as_german(MIN_SHARE)


def test_english_prose_does_not_read_as_german() -> None:
    reading = read_language(
        "We went tiptoeing along a path amongst the trees back towards the end of the "
        "widow's garden, stooping down so as the branches wouldn't scrape our heads. When "
        "we was passing by the kitchen I fell over a root and made a noise."
    )
    assert reading.english_share > reading.german_share
    assert not reading.reads_as_german(MIN_SHARE)


def test_no_words_read_as_nothing() -> None:
    reading = read_language("12345 ... --- 0815/26")
    assert reading.words == 0 and not reading.reads_as_german(MIN_SHARE)
