from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from file_plan import (
    ArchiveValue,
    FilePlan,
    FilePlanItem,
    Retention,
    RetentionTrigger,
    Source,
    SubjectKind,
    UnknownFilePlanCodeError,
)

TEN_YEARS = Retention.for_years(10, RetentionTrigger.CALENDAR_YEAR_END)


def plan() -> FilePlan:
    return FilePlan(
        name="Test",
        version="1",
        aktenzeichen_pattern="{code}-{number}/{year}",
        sources=(Source("S1", "KGSt-Aktenplan", "KGSt / Bericht / Teil 1"),),
        org_units={"10": "Hauptamt", "63": "Bauordnungsamt"},
        items=(
            FilePlanItem(code="11", title="Innere Verwaltung", parent=None, level=1, org_unit="10"),
            FilePlanItem(code="111", title="Verwaltungssteuerung", parent="11", level=2),
            FilePlanItem(
                code="111.01",
                title="Rats- und Ausschussangelegenheiten",
                parent="111",
                level=3,
                retention=Retention.keep_permanently(),
                archive_value=ArchiveValue.ARCHIVE,
            ),
            FilePlanItem(code="52", title="Bauen", parent=None, level=1, org_unit="63"),
            FilePlanItem(
                code="521",
                title="Bau- und Grundstücksordnung",
                parent="52",
                level=2,
                retention=TEN_YEARS,
                archive_value=ArchiveValue.APPRAISE,
                aktenzeichen_pattern="{unit}/{code}-{number}/{yy}",
            ),
            FilePlanItem(
                code="521.01",
                title="Baugenehmigungsverfahren",
                parent="521",
                level=3,
                keywords=("Bauantrag", "Baugenehmigung"),
                subject=SubjectKind.OBJECT,
                source="S1",
            ),
            FilePlanItem(
                code="521.01.01",
                title="Bauvoranfragen",
                parent="521.01",
                level=4,
                org_unit="10",
                archive_value=ArchiveValue.DESTROY,
            ),
        ),
    )


def test_archive_values_have_german_labels() -> None:
    assert [(value.value, value.label) for value in ArchiveValue] == [
        ("A", "archivwürdig"),
        ("B", "bewerten"),
        ("V", "vernichten"),
    ]
    assert ArchiveValue("V") is ArchiveValue.DESTROY


@pytest.mark.parametrize(
    ("retention", "text"),
    [
        (TEN_YEARS, "10 Jahre nach Ablauf des Kalenderjahres der Schließung"),
        (
            Retention.for_years(1, RetentionTrigger.FILE_CLOSED),
            "1 Jahr nach Schließung der Akte (z.d.A.)",
        ),
        (
            Retention.for_years(30, RetentionTrigger.EVENT, "Tod der Person"),
            "30 Jahre nach dem Ereignis „Tod der Person“",
        ),
        (Retention.keep_permanently(), "dauernd"),
    ],
)
def test_retention_describes_itself_in_german(retention: Retention, text: str) -> None:
    assert retention.describe() == text


@pytest.mark.parametrize(
    ("retention", "trigger_date", "end"),
    [
        (TEN_YEARS, date(2026, 3, 15), date(2036, 12, 31)),
        (TEN_YEARS, date(2026, 12, 31), date(2036, 12, 31)),
        (
            Retention.for_years(0, RetentionTrigger.CALENDAR_YEAR_END),
            date(2026, 1, 1),
            date(2026, 12, 31),
        ),
        (
            Retention.for_years(6, RetentionTrigger.FILE_CLOSED),
            date(2026, 3, 15),
            date(2032, 3, 15),
        ),
        (
            Retention.for_years(5, RetentionTrigger.FILE_CLOSED),
            date(2024, 2, 29),
            date(2029, 2, 28),
        ),
        (
            Retention.for_years(4, RetentionTrigger.FILE_CLOSED),
            date(2024, 2, 29),
            date(2028, 2, 29),
        ),
        (
            Retention.for_years(30, RetentionTrigger.EVENT, "Tod der Person"),
            date(2030, 7, 1),
            date(2060, 7, 1),
        ),
        (Retention.keep_permanently(), date(2026, 3, 15), None),
    ],
)
def test_retention_end_date(retention: Retention, trigger_date: date, end: date | None) -> None:
    assert retention.end_date(trigger_date) == end


@pytest.mark.parametrize(
    "fields",
    [
        {"years": None, "trigger": None},
        {"years": -1, "trigger": RetentionTrigger.FILE_CLOSED},
        {"years": True, "trigger": RetentionTrigger.FILE_CLOSED},
        {"years": 10, "trigger": None},
        {"years": 10, "trigger": RetentionTrigger.EVENT},
        {"years": 10, "trigger": RetentionTrigger.EVENT, "event": "  "},
        {"years": 10, "trigger": RetentionTrigger.FILE_CLOSED, "event": "Tod"},
        {"years": 10, "trigger": None, "permanent": True},
        {"years": None, "trigger": RetentionTrigger.FILE_CLOSED, "permanent": True},
    ],
)
def test_inconsistent_retention_is_rejected(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Retention(**fields)  # type: ignore[arg-type]


def test_lookup_by_code() -> None:
    p = plan()

    assert p.get("521.01").title == "Baugenehmigungsverfahren"
    assert "521.01" in p
    assert "999" not in p
    with pytest.raises(UnknownFilePlanCodeError, match="'999' is not a code"):
        p.get("999")


def test_hierarchy() -> None:
    p = plan()

    assert [item.code for item in p.roots()] == ["11", "52"]
    assert [item.code for item in p.children("52")] == ["521"]
    assert p.children("111.01") == ()
    assert [item.code for item in p.ancestors("521.01.01")] == ["52", "521", "521.01"]
    assert p.ancestors("11") == ()
    assert [item.code for item in p.leaves()] == ["111.01", "521.01.01"]
    assert p.is_leaf("111.01")
    assert not p.is_leaf("521.01")
    assert p.path_titles("111.01") == (
        "Innere Verwaltung",
        "Verwaltungssteuerung",
        "Rats- und Ausschussangelegenheiten",
    )
    with pytest.raises(UnknownFilePlanCodeError):
        p.children("999")


def test_values_are_inherited_from_the_nearest_ancestor() -> None:
    p = plan()

    assert p.effective_org_unit("111.01") == "10"
    assert p.effective_org_unit("521.01") == "63"
    assert p.effective_org_unit("521.01.01") == "10"
    assert p.effective_retention("521.01.01") == TEN_YEARS
    assert p.effective_retention("111.01") == Retention.keep_permanently()
    assert p.effective_retention("11") is None
    assert p.effective_archive_value("521.01") is ArchiveValue.APPRAISE
    assert p.effective_archive_value("521.01.01") is ArchiveValue.DESTROY
    assert p.effective_pattern("111.01") == "{code}-{number}/{year}"
    assert p.effective_pattern("521.01.01") == "{unit}/{code}-{number}/{yy}"


def test_plan_is_immutable_and_hashable() -> None:
    org_units = {"10": "Hauptamt"}
    p = dataclasses.replace(plan(), org_units=org_units)
    org_units["99"] = "nachträglich"

    assert "99" not in p.org_units
    with pytest.raises(TypeError):
        p.org_units["99"] = "x"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.name = "x"  # type: ignore[misc]
    assert isinstance(p.items, tuple)
    assert plan() == plan()
    assert hash(plan()) == hash(plan())


def test_lookups_stop_at_a_cycle_or_a_missing_parent() -> None:
    p = FilePlan(
        name="Broken",
        version="1",
        aktenzeichen_pattern="{code}-{number}/{year}",
        sources=(),
        org_units={},
        items=(
            FilePlanItem(code="11", title="A", parent="111", level=1),
            FilePlanItem(code="111", title="B", parent="11", level=2),
            FilePlanItem(code="121", title="C", parent="12", level=2),
        ),
    )

    assert [item.code for item in p.ancestors("11")] == ["111"]
    assert p.ancestors("121") == ()
    assert p.effective_org_unit("11") is None
