"""German word handling, query parsing and snippets shared by the search backends."""

from __future__ import annotations

import pytest

from services.backends.postgres_search import fit_tsvector, to_tsquery_sql
from services.backends.sqlite_search import to_fts5
from services.errors import InvalidInputError
from services.search.german_text import (
    MAX_WORD_LENGTH,
    normalize_word,
    normalized_words,
    stem,
    stemmed_text,
    words,
)
from services.search.query import MAX_QUERY_WORDS, SearchQuery, parse_query
from services.search.snippets import SNIPPET_CHARS, make_snippet

INFLECTIONS = [
    ("Antrag", "Anträge", "Anträgen", "Antrages", "ANTRAG"),
    ("Bauantrag", "Bauanträge"),
    ("Straße", "Strasse", "Straßen", "STRASSE"),
    ("Gebühr", "Gebühren", "Gebuehren", "GEBÜHREN"),
    ("Bescheid", "Bescheide", "Bescheiden"),
    ("Förderung", "Förderungen", "Foerderung"),
    ("Haus", "Häuser", "Hause", "Haeuser"),
]


@pytest.mark.parametrize("forms", INFLECTIONS, ids=lambda forms: forms[0])
def test_inflections_share_a_stem(forms: tuple[str, ...]) -> None:
    assert len({stem(form) for form in forms}) == 1


def test_different_words_keep_different_stems() -> None:
    assert len({stem(w) for w in ("Antrag", "Bauantrag", "Bescheid", "Masse", "Maß")}) == 4
    assert stem("Masse") == stem("Maße")  # Snowball conflates these, as PostgreSQL does


@pytest.mark.parametrize(
    ("word", "normalized"),
    [
        ("Gebuehren", "gebühren"),
        ("AERGER", "ärger"),
        ("Foerderung", "förderung"),
        ("Feuer", "feuer"),  # u between vowels is a consonant
        ("Mauer", "mauer"),
        ("Quelle", "quelle"),
        ("Queue", "queue"),
        ("Straße", "straße"),
        ("Müller", "müller"),
    ],
)
def test_normalize_word(word: str, normalized: str) -> None:
    assert normalize_word(word) == normalized
    assert normalize_word(normalized) == normalized


def test_words_are_letters_and_digits_in_nfc() -> None:
    decomposed = "Gebu\u0308hr"
    noise = "x" * (MAX_WORD_LENGTH + 1)

    assert words(f"Bau-Antrag vom 12.03.2024: {decomposed}, snake_case {noise}!") == [
        "Bau", "Antrag", "vom", "12", "03", "2024", "Gebühr", "snake", "case",
    ]  # fmt: skip


def test_stemmed_text_keeps_stop_word_positions() -> None:
    assert stemmed_text("Der Antrag auf Förderungen") == "_ antrag _ forder"


def test_normalized_words_keep_stop_words_for_postgres() -> None:
    assert normalized_words("Der Antrag\nauf FÖRDERUNG, Gebuehr") == [
        "der", "antrag", "auf", "förderung", "gebühr",
    ]  # fmt: skip


def test_parse_query_terms_phrases_and_punctuated_words() -> None:
    query = parse_query('Anträge "Antrag auf Förderung" Bau-Antrag 12.03.2024 Anträge')

    assert query.groups == (
        ("anträge",),
        ("antrag", "auf", "förderung"),
        ("bau", "antrag"),
        ("12", "03", "2024"),
    )
    assert query.stems == {"antrag", "forder", "bau", "12", "03", "2024"}


def test_parse_query_drops_stop_words_except_inside_phrases() -> None:
    query = parse_query('der Antrag "die Anträge der Stadt und"')

    assert query.groups == (("antrag",), ("anträge", "der", "stadt"))
    assert parse_query("der die das").is_empty


def test_unclosed_quote_is_ignored() -> None:
    assert parse_query('Antrag "Bescheid Widerspruch').groups == (
        ("antrag",),
        ("bescheid",),
        ("widerspruch",),
    )


@pytest.mark.parametrize("raw", ["", "  ", '"', "( * )", "§$%&/"])
def test_query_without_words_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_query(raw)


def test_overlong_queries_are_rejected() -> None:
    with pytest.raises(InvalidInputError):
        parse_query("a" * 1001)
    with pytest.raises(InvalidInputError):
        parse_query(" ".join(f"wort{n}" for n in range(MAX_QUERY_WORDS + 1)))
    assert len(parse_query(" ".join(f"wort{n}" for n in range(MAX_QUERY_WORDS))).groups) == 32


def test_fts5_expression_quotes_every_phrase() -> None:
    query = parse_query('AND OR ( * Anträge "Antrag auf Förderung" "')

    assert to_fts5(query) == '"and" AND "or" AND "antrag" AND "antrag _ forder"'


def test_tsquery_sql_passes_words_only_as_parameters() -> None:
    sql, params = to_tsquery_sql(SearchQuery((("anträge",), ("antrag", "auf", "förderung"))))

    assert sql == (
        "(plainto_tsquery('german', CAST(:q0 AS text))"
        " && phraseto_tsquery('german', CAST(:q1 AS text)))"
    )
    assert params == {"q0": "anträge", "q1": "antrag auf förderung"}


def test_snippet_marks_every_inflection_and_escapes_html() -> None:
    snippet = make_snippet(["<p>Der Antrag & die Anträge</p>"], frozenset({"antrag"}))

    assert snippet == "&lt;p&gt;Der <mark>Antrag</mark> &amp; die <mark>Anträge</mark>&lt;/p&gt;"


def test_snippet_is_a_window_around_the_first_match() -> None:
    before = " ".join(f"vorher{n}" for n in range(50))
    after = " ".join(f"nachher{n}" for n in range(50))
    snippet = make_snippet(
        [f"{before}\n\nWIDERSPRUCH eingelegt {after}"], frozenset({"widerspruch"})
    )

    assert snippet.startswith("…vorher")
    assert snippet.endswith("…")
    assert "<mark>WIDERSPRUCH</mark> eingelegt nachher0" in snippet
    assert "\n" not in snippet
    plain = snippet.replace("<mark>", "").replace("</mark>", "")
    assert len(plain) <= SNIPPET_CHARS + 2
    assert plain.index("WIDERSPRUCH") > 30


def test_snippet_falls_back_to_later_texts_then_to_the_start() -> None:
    stems = frozenset({"stadtwerk"})

    assert make_snippet(["Kein Treffer", "Absender: Stadtwerke"], stems) == (
        "Absender: <mark>Stadtwerke</mark>"
    )
    assert make_snippet(["", "Kein Treffer"], stems) == "Kein Treffer"
    assert make_snippet(["", ""], stems) == ""


def test_fit_tsvector_cuts_only_what_postgres_would_refuse() -> None:
    repeated = ["antrag", "der"] * 5000
    distinct = [f"wort{n}" for n in range(100)]

    assert fit_tsvector(repeated, budget=600) == repeated  # 256 positions at most
    assert fit_tsvector(distinct, budget=10_000) == distinct
    assert fit_tsvector(distinct, budget=180) == distinct[:12]  # 10 x 14 + 2 x 15 bytes
