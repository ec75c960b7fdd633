"""Near misses of a letter's references are proposed, never matched, on SQLite and PostgreSQL.

Akten are opened the way the API, the CLI, the legacy import and CMIS open them
(:func:`create_akte`), so their near keys come from the model; letters are read by the
real extraction.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.bootstrap import Container, build_container, prepare
from services.classification.matching import find_references, match_references
from services.classification.near_miss import NearMiss, find_near_misses
from services.db.models import Akte, AkteSubjectKey
from services.db.session import unit_of_work
from services.records.akten import NewAkte, create_akte
from services.records.file_plans import active_plan
from services.records.subject_keys import subject_key
from services.settings import SearchBackend
from tests.fixtures.app import make_settings

AKTEN = {
    "yilmaz": ("122.04", [("person", "Yilmaz, Ayse, 03.04.1985")]),
    "keller": ("122.02", [("person", "Keller, Stefan, 16.01.1964")]),
    "grundsteuer": ("611.01", [("kassenzeichen", "5.0123.456789.0")]),
    "carport": ("521.01", [("bauantrag", "BA-2026-0173"), ("flurstueck", "Hagenbeck 11 40/3")]),
    "kanzlei": ("122.06", [("sender_reference", "RA-2026/0815")]),
    "abfall": ("537.01", [("kassenzeichen", "6.1120.004517.3")]),
    # four Akten whose family names are one letter from "Meyer", all born the same day
    "meier": ("122.02", [("person", "Meier, Anna, 12.08.1994")]),
    "mayer": ("122.02", [("person", "Mayer, Anna, 12.08.1994")]),
    "meyr": ("122.02", [("person", "Meyr, Anna, 12.08.1994")]),
    "neyer": ("122.02", [("person", "Neyer, Anna, 12.08.1994")]),
    # two Akten one letter from "Brandt", born the same day
    "brand": ("122.02", [("person", "Brand, Paul, 01.02.1970")]),
    "brant": ("122.02", [("person", "Brant, Paul, 01.02.1970")]),
}

NEAR_MISSES = [
    ("Kassenzeichen: S.0123.456789.0", "grundsteuer"),  # S for 5
    ("Kassenzeichen: 5.0123.4567B9.0", "grundsteuer"),  # B for 8
    ("Kassenzeichen: G.1120.004517.3", "abfall"),  # G for 6
    ("Kassenzeichen: 6.11Z0.004517.3", "abfall"),  # Z for 2
    ("Betreff: Bauantrag Nr. BA-2O26-0173, Carport", "carport"),  # O for 0
    ("Betreff: Bauantrag Nr. BA-2026-Ol73, Carport", "carport"),  # O and l
    ("Betreff: Bauantrag Nr. BA-2026-0I73, Carport", "carport"),  # I for 1
    ("Betreff: Bauantrag Nr. BA-20260173, Carport", "carport"),  # dash missing
    ("Unser Zeichen: RA-2O26/O815", "kanzlei"),  # O for 0
    ("Unser Zeichen: RA 2026/0815", "kanzlei"),  # a blank for the dash
    ("Unser Zeichen: RA-2026/08l5", "kanzlei"),  # l for 1
    ("Unser Zeichen: RA-2026.0815", "kanzlei"),  # a dot for the slash
    ("Betreff: Antrag von Ayse Yilmaz, geb. 04.03.1985", "yilmaz"),  # day and month swapped
    ("Betreff: Antrag von Ayse Yilmaz, geb. 03.04.1958", "yilmaz"),  # digits transposed
    ("Betreff: Antrag von Ayse Yilmaz, geb. 30.04.1985", "yilmaz"),  # digits transposed
    ("Betreff: Antrag von Ayse Yilmaz, geb. 03.04.1986", "yilmaz"),  # one digit off
    ("Betreff: Antrag von Ayse Yilrnaz, geb. 03.04.1985", "yilmaz"),  # rn for m
    ("Betreff: Antrag von Stefan Kcller, geb. 16.01.1964", "keller"),  # c for e
    ("Betreff: Antrag von Stefan Keler, geb. 16.01.1964", "keller"),  # a letter dropped
]

EXACT = [
    ("Kassenzeichen: 5.0123.456789.0", "grundsteuer"),
    ("Kassenzeichen: 5 0123 456789 0", "grundsteuer"),
    ("Kassenzeichen: 5.O123.456789.0", "grundsteuer"),  # O among digits: a Kassenzeichen's 0
    ("Betreff: Bauantrag Nr. BA 2026/0173, Carport", "carport"),
    ("Unser Zeichen: ra-2026/0815", "kanzlei"),
    ("Betreff: Antrag von Ayse Yilmaz, geb. 03.04.1985", "yilmaz"),
]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Container, dict[str, str]]]:
    """A container with the Akten of :data:`AKTEN`, and their ids by name."""
    overrides: dict[str, object] = {}
    if request.param == "postgres":
        overrides["database_url"] = request.getfixturevalue("postgres_url_module")
        overrides["search_backend"] = SearchBackend.POSTGRES
    container = build_container(make_settings(tmp_path_factory.mktemp("near"), **overrides))
    prepare(container, migrate=request.param == "sqlite")
    ids: dict[str, str] = {}
    with unit_of_work(container.session_factory) as session:
        plan = active_plan(session)
        for name, (code, keys) in AKTEN.items():
            new = NewAkte(code, name, subject_keys=[subject_key(k, v) for k, v in keys])
            akte = create_akte(session, plan, new, actor="test", clock=container.clock)
            ids[name] = akte.id
    yield container, ids
    container.close()


def _read(session: Session, text: str) -> tuple[list[str], list[NearMiss]]:
    references = find_references(active_plan(session), f"{text}\n\nSehr geehrte Damen und Herren,")
    assert references, f"no reference read in {text!r}"
    exact = [m.akte.id for m in match_references(session, references)]
    return exact, find_near_misses(session, references)


@pytest.mark.parametrize(("text", "intended"), NEAR_MISSES)
def test_a_near_miss_is_proposed_and_never_matched(
    world: tuple[Container, dict[str, str]], text: str, intended: str
) -> None:
    container, ids = world
    with container.session_factory() as session:
        exact, proposals = _read(session, text)
    assert exact == []  # never filed: the routing sees no exact match
    assert [p.akte.id for p in proposals] == [ids[intended]]
    assert proposals[0].reason and proposals[0].akte_value in proposals[0].reason


@pytest.mark.parametrize(("text", "intended"), EXACT)
def test_an_exact_match_is_no_near_miss(
    world: tuple[Container, dict[str, str]], text: str, intended: str
) -> None:
    container, ids = world
    with container.session_factory() as session:
        exact, proposals = _read(session, text)
    assert exact == [ids[intended]]
    assert proposals == []


def test_a_misread_aktenzeichen_is_proposed_and_never_matched(
    world: tuple[Container, dict[str, str]],
) -> None:
    container, ids = world
    with container.session_factory() as session:
        akte = session.get(Akte, ids["yilmaz"])
        assert akte is not None
        aktenzeichen = akte.aktenzeichen  # "122.04-1/2026"
        misread = aktenzeichen.replace("0", "O", 1)
        exact, proposals = _read(session, f"Ihr Zeichen: {misread}")
        assert exact == []
        assert [p.akte.id for p in proposals] == [ids["yilmaz"]]
        assert misread in proposals[0].reason
        exact, proposals = _read(session, f"Ihr Zeichen: {aktenzeichen}")
        assert (exact, proposals) == ([ids["yilmaz"]], [])


def test_an_akte_matched_exactly_by_one_reference_is_not_proposed_by_another(
    world: tuple[Container, dict[str, str]],
) -> None:
    container, ids = world
    with container.session_factory() as session:
        # the Bauantrag matches exactly; the Kassenzeichen is a near miss of another Akte
        exact, proposals = _read(
            session, "Bauantrag Nr. BA-2026-0173\nKassenzeichen: S.0123.456789.0"
        )
        assert exact == [ids["carport"]]
        assert [p.akte.id for p in proposals] == [ids["grundsteuer"]]
        # both point to the same Akte: it is a match, not also a proposal
        exact, proposals = _read(session, "Bauantrag Nr. BA-2026-0173\nBauantrag BA-2O26-0173")
        assert exact == [ids["carport"]]
        assert proposals == []


def test_an_ambiguous_near_miss_proposes_nothing(
    world: tuple[Container, dict[str, str]],
) -> None:
    container, ids = world
    with container.session_factory() as session:
        # Meier, Mayer, Meyr and Neyer are all one letter from Meyer: no guess among four
        exact, proposals = _read(session, "Betreff: Antrag von Anna Meyer, geb. 12.08.1994")
        assert (exact, proposals) == ([], [])
        # two are few enough to show both
        exact, proposals = _read(session, "Betreff: Antrag von Paul Brandt, geb. 01.02.1970")
        assert exact == []
        assert sorted(p.akte.id for p in proposals) == sorted([ids["brand"], ids["brant"]])
        assert (
            len(
                find_near_misses(
                    session,
                    find_references(active_plan(session), "Paul Brandt, geb. 01.02.1970"),
                    limit=1,
                )
            )
            == 0
        )


def test_a_key_nobody_has_proposes_nothing(world: tuple[Container, dict[str, str]]) -> None:
    container, _ = world
    with container.session_factory() as session:
        for text in (
            "Kassenzeichen: 5.9999.111111.9",
            "Betreff: Bauantrag Nr. BA-2019-0555",
            "Unser Zeichen: XQ-2001/0042",
            "Betreff: Antrag von Ayse Yilmaz, geb. 17.11.1962",
            "Betreff: Antrag von Berta Yilmaz, geb. 03.04.1985",  # another given name
        ):
            assert _read(session, text) == ([], [])


def test_every_subject_key_gets_its_near_key(world: tuple[Container, dict[str, str]]) -> None:
    container, ids = world
    with unit_of_work(container.session_factory) as session:
        session.execute(
            insert(AkteSubjectKey),
            [
                {
                    "akte_id": ids["abfall"],
                    "kind": "sender_reference",
                    "value": "AB-O1",
                    "display": "x",
                }
            ],
        )
        rows = session.execute(select(AkteSubjectKey.kind, AkteSubjectKey.near_key)).all()
        assert ("sender_reference", "A801") in rows  # written in bulk
        assert ("bauantrag", "8A226173") in rows  # opened as an Akte; zeros dropped
        assert ("person", "1985-04-03") in rows
        assert all(near for _, near in rows)
        session.rollback()


def test_a_misread_letter_does_not_make_a_bauantrag_near_another(
    world: tuple[Container, dict[str, str]],
) -> None:
    container, ids = world
    with unit_of_work(container.session_factory) as session:
        plan = active_plan(session)
        for number in ("BA-2023-1202", "BA-2023-0122"):
            new = NewAkte("521.01", number, subject_keys=[subject_key("bauantrag", number)])
            ids[number] = create_akte(session, plan, new, actor="t", clock=container.clock).id
    with container.session_factory() as session:
        # "BA-2023-1Z02" normalises to BA-2023-1-Z-2, which drops the zero that tells them apart
        exact, proposals = _read(session, "Bauantrag Nr. BA-2023-1Z02")
    assert exact == []
    assert [p.akte.id for p in proposals] == [ids["BA-2023-1202"]]
