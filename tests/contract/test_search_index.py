"""One contract for every SearchIndex backend (see :mod:`tests.contract.search_backends`)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text

from services.access.scope import system_scope
from services.db.models import Document
from services.db.session import make_engine, unit_of_work
from services.errors import InvalidInputError
from services.ports import IndexableDocument, SearchPage
from services.search import query as search_query
from services.search.german_stopwords import GERMAN_STOPWORDS
from services.search.german_text import normalize_word, stem
from tests.contract.search_backends import Backend, add_document_rows, unit_scope


def test_backend_names(backend: Backend) -> None:
    assert backend.index.name in {"sqlite", "postgres", "opensearch"}


def test_german_stemming_conflates_inflections(backend: Backend) -> None:
    singular = backend.add("Schreiben", "Ihr Antrag ist eingegangen.")
    plural = backend.add("Schreiben", "Über die Anträgen wird entschieden.")
    genitive = backend.add("Schreiben", "Die Prüfung des Antrages dauert an.")
    backend.add("Schreiben", "Der Bescheid ist bestandskräftig.")

    assert set(backend.ids("Anträge")) == {singular, plural, genitive}
    assert set(backend.ids("antrag")) == {singular, plural, genitive}


def test_compound_word_finds_itself_and_its_inflections(backend: Backend) -> None:
    compound = backend.add("Bauantrag Musterstraße 4", "Der Bauantrag wurde geprüft.")
    plural = backend.add("Schreiben", "Alle Bauanträge liegen vor.")
    backend.add("Schreiben", "Ein Antrag auf Wohngeld.")

    assert set(backend.ids("Bauantrag")) == {compound, plural}


def test_search_is_case_insensitive(backend: Backend) -> None:
    document = backend.add("Schreiben", "WIDERSPRUCH gegen den Bescheid")

    assert backend.ids("widerspruch") == [document]
    assert backend.ids("Widerspruch") == [document]


def test_umlauts_and_sharp_s(backend: Backend) -> None:
    street = backend.add("Anlieger", "Sperrung der Straße wegen Bauarbeiten.")
    streets = backend.add("Anlieger", "Reinigung der Strassen im Winter.")
    fees = backend.add("Bescheid", "Festsetzung der Gebühren für 2024.")
    fee = backend.add("Bescheid", "Die Gebühr ist fällig.")

    assert set(backend.ids("Straße")) == {street, streets}
    assert set(backend.ids("STRASSE")) == {street, streets}
    assert set(backend.ids("Gebühren")) == {fees, fee}
    assert set(backend.ids("Gebuehren")) == {fees, fee}
    assert backend.ids("fällig") == [fee]


def test_decomposed_umlauts_in_ocr_text_are_found(backend: Backend) -> None:
    document = backend.add("Scan", "Gebu\u0308hren fu\u0308r die Mu\u0308llabfuhr")

    assert backend.ids("Müllabfuhr") == [document]


def test_all_terms_must_match(backend: Backend) -> None:
    both = backend.add("Hundesteuer", "Anmeldung eines Hundes zur Hundesteuer.")
    backend.add("Hundesteuer", "Die Hundesteuer wird jährlich erhoben.")
    backend.add("Anmeldung", "Anmeldung eines Gewerbes.")

    assert backend.ids("Anmeldung Hundesteuer") == [both]
    assert backend.ids("Anmeldung Hundesteuer Katze") == []


def test_quoted_phrase_matches_words_in_order(backend: Backend) -> None:
    phrase = backend.add("Förderung", "Ihr Antrag auf Förderung wurde bewilligt.")
    reordered = backend.add("Förderung", "Die Förderung erfolgt auf Antrag.")

    assert set(backend.ids("Antrag Förderung")) == {phrase, reordered}
    assert backend.ids('"Antrag auf Förderung"') == [phrase]
    assert backend.ids('"Anträge auf Förderungen"') == [phrase]
    assert backend.ids('"Förderung Antrag"') == []


def test_punctuated_word_is_a_phrase(backend: Backend) -> None:
    dated = backend.add("Termin", "Ortstermin am 12.03.2024 um 10 Uhr.")
    backend.add("Termin", "Am 12. Mai 2024 wurde die Frist um 03 Tage verlängert.")

    assert backend.ids("12.03.2024") == [dated]


def test_metadata_is_searchable(backend: Backend) -> None:
    document = backend.add("Schreiben", "Kein Treffer im Text.", "Absender: Stadtwerke Musterstadt")

    assert backend.ids("Stadtwerke") == [document]


def test_title_match_ranks_above_body_match(backend: Backend) -> None:
    body_only = backend.add("Schreiben vom Amt", "Hinweis zur Grundsteuer für das Grundstück.")
    in_title = backend.add("Grundsteuer 2024", "Hinweis zur Zahlung für das Grundstück.")

    hits = backend.search("Grundsteuer").hits

    assert [hit.document_id for hit in hits] == [in_title, body_only]
    assert hits[0].score > hits[1].score > 0


def test_more_occurrences_rank_higher(backend: Backend) -> None:
    once = backend.add("Schreiben", "Die Müllabfuhr kommt. Bitte Tonnen bereitstellen heute.")
    thrice = backend.add("Schreiben", "Die Müllabfuhr kommt. Müllabfuhr heute. Müllabfuhr morgen.")

    assert backend.ids("Müllabfuhr") == [thrice, once]


def test_snippet_marks_original_words_around_the_first_match(backend: Backend) -> None:
    filler = "Sehr geehrte Damen und Herren, wir schreiben Ihnen wegen einer Angelegenheit. " * 5
    backend.add("Schreiben", filler + "Ihre Anträgen auf Wohngeld sind vollständig." + filler)

    (hit,) = backend.search("Antrag").hits

    assert "<mark>Anträgen</mark> auf Wohngeld" in hit.snippet
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")
    assert len(hit.snippet) < 300


def test_snippet_escapes_html_in_the_text(backend: Backend) -> None:
    backend.add("<b>Titel</b>", 'Antrag <script>alert("x")</script> von Müller & Söhne')

    (hit,) = backend.search("Antrag").hits

    assert hit.snippet == (
        "<mark>Antrag</mark> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
        "von Müller &amp; Söhne"
    )
    assert hit.title == "<b>Titel</b>"


def test_snippet_without_body_match_starts_the_body(backend: Backend) -> None:
    backend.add("Wohngeld", "Sehr geehrte Frau Muster, anbei die Unterlagen.")

    (hit,) = backend.search("Wohngeld").hits

    assert hit.snippet == "Sehr geehrte Frau Muster, anbei die Unterlagen."


def test_pagination_and_total(backend: Backend) -> None:
    created = {backend.add(f"Mahnung {n}", "Zahlungserinnerung " * (n % 5 + 1)) for n in range(23)}
    backend.add("Anderes", "Nichts davon.")

    pages = [backend.search("Zahlungserinnerung", limit=10, offset=o) for o in (0, 10, 20)]

    assert [page.total for page in pages] == [23, 23, 23]
    assert [len(page.hits) for page in pages] == [10, 10, 3]
    found = [hit.document_id for page in pages for hit in page.hits]
    assert len(found) == len(set(found)) and set(found) == created
    scores = [hit.score for page in pages for hit in page.hits]
    assert scores == sorted(scores, reverse=True)

    beyond = backend.search("Zahlungserinnerung", limit=10, offset=30)
    assert beyond.total == 23 and beyond.hits == []


def test_limit_zero_counts_without_hits(backend: Backend) -> None:
    backend.add("Mahnung", "Zahlungserinnerung")
    backend.add("Mahnung", "Zweite Zahlungserinnerung")

    assert backend.search("Zahlungserinnerung", limit=0) == SearchPage(total=2, hits=[])


@pytest.mark.parametrize(("limit", "offset"), [(-1, 0), (10, -1)])
def test_negative_limit_or_offset_is_invalid(backend: Backend, limit: int, offset: int) -> None:
    with pytest.raises(InvalidInputError):
        backend.search("Antrag", limit=limit, offset=offset)


def test_stop_words_are_never_marked(backend: Backend) -> None:
    backend.add("Schreiben", "Er will den Willen des Antragstellers achten.")

    (hit,) = backend.search("Wille").hits

    assert hit.snippet == "Er will den <mark>Willen</mark> des Antragstellers achten."


def test_no_match_gives_an_empty_page(backend: Backend) -> None:
    backend.add("Schreiben", "Text")

    assert backend.search("Einbürgerung") == SearchPage(total=0, hits=[])


def test_reindex_replaces_the_entry(backend: Backend) -> None:
    document = backend.add("Hund", "Anmeldung eines Hundes")

    backend.reindex(document, "Katze", "Abmeldung einer Katze")
    backend.reindex(document, "Katze", "Abmeldung einer Katze")

    assert backend.ids("Hund") == []
    page = backend.search("Katze")
    assert page.total == 1 and [hit.title for hit in page.hits] == ["Katze"]


def test_remove_document(backend: Backend) -> None:
    kept = backend.add("Bescheid", "Wohngeld bewilligt")
    removed = backend.add("Bescheid", "Wohngeld abgelehnt")

    with unit_of_work(backend.sessions) as session:
        backend.index.remove_document(session, removed)
        backend.index.remove_document(session, "never-indexed")

    assert backend.ids("Wohngeld") == [kept]


def test_deleting_the_document_removes_it_from_the_index(backend: Backend) -> None:
    document = backend.add("Bescheid", "Wohngeld bewilligt")

    with unit_of_work(backend.sessions) as session:
        session.execute(delete(Document).where(Document.id == document))

    assert backend.search("Wohngeld").total == 0


def test_index_writes_only_within_the_callers_transaction(backend: Backend) -> None:
    """A rolled-back write never reaches the index; SQL backends see it before the commit.

    OpenSearch learns of a write after the commit (the outbox), so inside the transaction
    it must only not fail.
    """
    with backend.sessions() as session:
        document_id = add_document_rows(session, "Entwurf")
        backend.index.index_document(
            session, IndexableDocument(document_id, "Entwurf", "", ["Vorläufiger Text"])
        )
        visible = backend.index.search(session, system_scope(), "vorläufig", limit=5, offset=0)
        if backend.transactional:
            assert [hit.document_id for hit in visible.hits] == [document_id]
        session.rollback()

    assert backend.search("vorläufig").total == 0


def test_text_with_nul_characters_is_indexed(backend: Backend) -> None:
    document = backend.add("Scan", "Zeile\x00mit Steuer\x00bescheid")

    assert backend.ids("Steuerbescheid") == [document]


def test_very_large_document_is_indexed(backend: Backend) -> None:
    """Many distinct words exceed PostgreSQL's 1 MiB tsvector limit unless cut."""
    pages = [" ".join(f"Nr{page}x{n}" for n in range(1000)) for page in range(100)]
    document = backend.add("Großer Scan", "Deckblatt Grundbuchauszug", "", *pages)

    assert backend.ids("Grundbuchauszug") == [document]
    assert backend.ids("Nr0x1") == [document]


@pytest.mark.parametrize(
    "query",
    [
        'AND OR "( *',
        "NEAR(Antrag Bescheid, 2)",
        "title:Antrag",
        "Antrag OR Bescheid",
        "Antrag NOT Bescheid",
        "-Antrag",
        "Antrag*",
        "^Antrag",
        "Antrag + Bescheid",
        "'; DROP TABLE documents; --",
        "Antrag & | ! <-> :* Bescheid",
        '"Antrag',
        'Antrag"',
        '""Antrag""',
        "Antrag\x00Bescheid",
        "{Antrag}",
        "\\",
    ],
)
def test_hostile_queries_never_break_the_backend(backend: Backend, query: str) -> None:
    backend.add("Schreiben", "Ihr Antrag und unser Bescheid.")

    try:
        page = backend.search(query)
    except InvalidInputError:
        return
    assert page.total == len(page.hits) <= 1


@pytest.mark.parametrize("query", ["", "   ", "*", '"( *', "?!", '""'])
def test_query_without_words_is_invalid(backend: Backend, query: str) -> None:
    with pytest.raises(InvalidInputError):
        backend.search(query)


def test_overlong_query_is_invalid(backend: Backend) -> None:
    with pytest.raises(InvalidInputError):
        backend.search("Antrag " * 200)


def test_stop_words_alone_find_nothing(backend: Backend) -> None:
    backend.add("Schreiben", "Der Antrag und die Anlage.")

    assert backend.search("der die und").total == 0
    assert backend.ids("der Antrag") != []


PARITY_WORDS = str.split(
    """
    Antrag Anträge Anträgen Antrages Bauantrag Bauanträge Straße Strasse Straßen Gebühr
    Gebühren Gebuehren Bescheid Bescheide Widerspruch Widersprüche Förderung Foerderungen
    Häuser Haeuser Hause Grundsteuer Grundsteuerbescheid Abfallgebühren Müllabfuhr
    Aufenthaltstitel Einbürgerung Führungszeugnis Gewerbeanmeldung Personalausweis
    Meldebescheinigung Öffnungszeiten Maße Masse Feuer Feuerwehr Mauer Quelle Steuer
    Bauer Abenteuer Genehmigung genehmigt genehmigen Stellungnahme Stellungnahmen Frist
    Fristen fristgerecht Zahlung Zahlungen zahlbar Säumniszuschlag Mahnung Mahnungen
    Kindertagesstätte Kitas Ordnungswidrigkeit Bußgeld Bußgeldbescheid Anhörung Akteneinsicht
    Sozialhilfe Wohngeld Unterlagen beigefügt übersenden Verwaltungsgericht 2024 A12 13a
    """
)


@pytest.mark.postgres
def test_python_words_match_postgres_german_configuration(postgres_url: str) -> None:
    """SQLite stems in Python, PostgreSQL stems itself: both must agree."""
    words = [*PARITY_WORDS, *sorted(GERMAN_STOPWORDS)]
    engine = make_engine(postgres_url)
    with engine.connect() as connection:
        lexemes = connection.execute(
            text(
                "SELECT array_to_string(tsvector_to_array(to_tsvector('german', w)), ' ')"
                " FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS t(w, n) ORDER BY n"
            ),
            {"words": [normalize_word(word) for word in words]},
        ).scalars()
        by_postgres = dict(zip(words, lexemes, strict=True))
    engine.dispose()

    expected = {w: "" if w in GERMAN_STOPWORDS else stem(w) for w in words}
    assert by_postgres == expected


def test_hits_and_totals_count_only_what_the_scope_admits(backend: Backend) -> None:
    ours = [backend.add(f"Bauantrag {n}", "Baugenehmigung", org_unit="63") for n in range(3)]
    for n in range(25):
        backend.add(f"Aufenthalt {n}", "Baugenehmigung beantragt", org_unit="32.3")

    page = backend.search("Baugenehmigung", limit=2, scope=unit_scope("63"))
    assert page.total == 3 and {h.document_id for h in page.hits} < set(ours)
    beyond = backend.search("Baugenehmigung", offset=10, scope=unit_scope("63"))
    assert beyond.total == 3 and beyond.hits == []
    assert backend.search("Baugenehmigung", scope=unit_scope("61")).total == 0
    assert backend.search("Baugenehmigung", limit=100).total == 28


def test_compound_is_found_by_its_parts(backend: Backend) -> None:
    compound = backend.add("Schreiben", "Die Baugenehmigung wird hiermit erteilt.")
    plain = backend.add("Schreiben", "Die Genehmigung liegt vor.")
    backend.add("Schreiben", "Der Antrag wurde abgelehnt.")

    assert set(backend.ids("Genehmigung")) == {compound, plain}
    assert backend.ids("Bau") == [compound]
    hit = next(h for h in backend.search("Genehmigung").hits if h.document_id == compound)
    assert "<mark>Baugenehmigung</mark>" in hit.snippet


def test_inflected_compound_is_found_by_its_head(backend: Backend) -> None:
    plural = backend.add("Schreiben", "Alle Bauanträge liegen vor.")
    linked = backend.add("Schreiben", "Bitte wenden Sie sich an das Ordnungsamt.")

    assert backend.ids("Antrag") == [plural]
    assert backend.ids("Anträge") == [plural]
    assert backend.ids("Ordnung") == [linked]


def test_phrases_still_match_next_to_a_split_compound(backend: Backend) -> None:
    document = backend.add("Schreiben", "Die Baugenehmigung wird hiermit erteilt.")
    backend.add("Schreiben", "Die Genehmigung wird später erteilt.")

    assert backend.ids('"Baugenehmigung wird hiermit"') == [document]
    assert backend.ids('"Genehmigung wird hiermit"') == []


def test_umlaut_and_sharp_s_variants_in_compounds(backend: Backend) -> None:
    document = backend.add("Bescheid", "Festsetzung der Strassenbaubeiträge für die Massnahme.")

    assert backend.ids("Straßenbau") == [document]
    assert backend.ids("Beitraege") == [document]
    assert backend.ids("Maßnahme") == [document]


def test_did_you_mean_undoes_an_ocr_confusion(backend: Backend) -> None:
    for n in range(3):
        backend.add(f"Bescheid {n}", "Ihre Genehmigung ist erteilt.")

    page = backend.search("Genehrnigung")
    assert page.total == 0 and page.did_you_mean == "genehmigung"
    assert backend.search("Genehmigunq erteilt").did_you_mean == "genehmigung erteilt"
    assert backend.search("Genehmigung").did_you_mean is None


def test_did_you_mean_suggests_only_what_the_scope_can_find(backend: Backend) -> None:
    backend.add("Vermerk", "Die Vollstreckung ist eingeleitet.", org_unit="20")

    assert backend.search("Vollstreckunq").did_you_mean == "vollstreckung"
    assert backend.search("Vollstreckunq", scope=unit_scope("63")).did_you_mean is None


def test_total_above_the_bound_is_a_lower_bound(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_query, "TOTAL_BOUND", 5)
    # Past RANK_ALL_UP_TO hits only candidates are ranked: the newest and the title ones.
    monkeypatch.setattr(search_query, "RANK_ALL_UP_TO", 3)
    monkeypatch.setattr(search_query, "RANK_CANDIDATES", 2)
    in_title = backend.add("Zahlung Grundsteuer", "Hinweis.")
    for n in range(9):
        backend.add(f"Schreiben {n}", "Die Zahlung ist eingegangen.")
    exact = backend.add("Schreiben", "Die Mahnung ist zugestellt.")

    page = backend.search("Zahlung", limit=3)
    assert (page.total, page.total_is_lower_bound, len(page.hits)) == (5, True, 3)
    assert page.hits[0].document_id == in_title
    further = backend.search("Zahlung", limit=3, offset=6)
    assert (further.total, further.total_is_lower_bound, len(further.hits)) == (9, True, 3)
    last = backend.search("Zahlung", limit=5, offset=5)
    assert (last.total, last.total_is_lower_bound, len(last.hits)) == (10, False, 5)
    assert backend.search("Mahnung") == SearchPage(total=1, hits=backend.search("Mahnung").hits)
    assert backend.ids("Mahnung") == [exact]
