from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from file_plan import (
    ArchiveValue,
    FilePlan,
    FilePlanItem,
    PlanProblem,
    PlanValidationError,
    Retention,
    RetentionTrigger,
    Source,
    ensure_valid,
    validate,
)

RETENTION = Retention.for_years(10, RetentionTrigger.FILE_CLOSED)


def leaf(code: str, parent: str | None, level: int = 3, **fields: object) -> FilePlanItem:
    values: dict[str, object] = {
        "title": f"Produkt {code}",
        "retention": RETENTION,
        "archive_value": ArchiveValue.DESTROY,
        **fields,
    }
    return FilePlanItem(code=code, parent=parent, level=level, **values)  # type: ignore[arg-type]


def valid_plan() -> FilePlan:
    return FilePlan(
        name="Test",
        version="1",
        aktenzeichen_pattern="{code}-{number}/{year}",
        sources=(Source("S1", "IMK-Produktrahmen", "IMK / Produktrahmen / 1"),),
        org_units={"10": "Hauptamt", "63": "Bauordnungsamt"},
        items=(
            FilePlanItem(code="11", title="Innere Verwaltung", parent=None, level=1, org_unit="10"),
            FilePlanItem(code="111", title="Verwaltungssteuerung", parent="11", level=2),
            leaf("111.01", "111", source="S1"),
            FilePlanItem(code="52", title="Bauen", parent=None, level=1, org_unit="63"),
            FilePlanItem(code="521", title="Bauordnung", parent="52", level=2),
            FilePlanItem(code="521.01", title="Baugenehmigung", parent="521", level=3),
            leaf("521.01.01", "521.01", level=4, aktenzeichen_pattern="{unit}/{code}-{number}"),
        ),
    )


def with_items(plan: FilePlan, *items: FilePlanItem) -> FilePlan:
    return dataclasses.replace(plan, items=(*plan.items, *items))


def replaced(code: str, **fields: object) -> Callable[[FilePlan], FilePlan]:
    def change(plan: FilePlan) -> FilePlan:
        items = tuple(
            dataclasses.replace(item, **fields) if item.code == code else item  # type: ignore[arg-type]
            for item in plan.items
        )
        return dataclasses.replace(plan, items=items)

    return change


def test_a_valid_plan_has_no_problems() -> None:
    plan = valid_plan()

    assert validate(plan) == []
    ensure_valid(plan)


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        (lambda p: with_items(p, leaf("111.01", "111")), "111.01", "occurs 2 times"),
        (lambda p: with_items(p, leaf("123.01", "123")), "123.01", "parent '123' is not in"),
        (
            lambda p: with_items(p, leaf("111.02", "521")),
            "111.02",
            "does not nest under its parent '521' (it nests under '111')",
        ),
        (lambda p: with_items(p, leaf("111.02", None)), "111.02", "parent is missing"),
        (
            lambda p: with_items(p, leaf("12", "11", level=1)),
            "12",
            "a level-1 code has no parent",
        ),
        (lambda p: with_items(p, leaf("111.3", "111")), "111.3", "code is malformed"),
        (lambda p: with_items(p, leaf("A1", "11")), "A1", "code is malformed"),
        (
            lambda p: with_items(p, leaf("111.02", "111", level=4)),
            "111.02",
            "level 4 does not fit the code, which is a level-3 code",
        ),
        (replaced("111", level=3), "111", "level 3 does not fit"),
        (replaced("111.01", title=" "), "111.01", "title is empty"),
        (replaced("111.01", retention=None), "111.01", "leaf needs its own retention"),
        (replaced("111.01", archive_value=None), "111.01", "leaf needs its own archive value"),
        (replaced("111", org_unit="99"), "111", "org unit '99' is not in the plan"),
        (replaced("52", org_unit=None), "52", "no org unit"),
        (replaced("111.01", source="S9"), "111.01", "source 'S9' is not in"),
        (
            replaced("111.01", aktenzeichen_pattern="{code}/{jahr}"),
            "111.01",
            "pattern is invalid: the pattern '{code}/{jahr}' has an unknown placeholder {jahr}",
        ),
        (
            replaced("111", aktenzeichen_pattern="{code}-{year}"),
            "111",
            "has no {number}",
        ),
        (
            lambda p: with_items(
                p,
                leaf(
                    "12", None, level=1, org_unit="10", aktenzeichen_pattern="{code}.{number}.{yy}"
                ),
            ),
            "12",
            "its Aktenzeichen '12.1.26' does not read back as code '12'",
        ),
    ],
)
def test_each_problem_is_reported(
    change: Callable[[FilePlan], FilePlan], code: str, message: str
) -> None:
    problems = validate(change(valid_plan()))

    assert any(p.code == code and message in p.message for p in problems), problems


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: dataclasses.replace(p, name=""), "the plan has no name"),
        (lambda p: dataclasses.replace(p, version=""), "the plan has no version"),
        (lambda p: dataclasses.replace(p, items=()), "the plan has no items"),
        (
            lambda p: dataclasses.replace(p, aktenzeichen_pattern="{number}/{year}"),
            "the Aktenzeichen pattern is invalid: the pattern '{number}/{year}' has no {code}",
        ),
        (
            lambda p: dataclasses.replace(p, sources=p.sources * 2),
            "source id 'S1' is used 2 times",
        ),
    ],
)
def test_plan_wide_problems_have_no_code(
    change: Callable[[FilePlan], FilePlan], message: str
) -> None:
    assert PlanProblem(None, message) in validate(change(valid_plan()))


def test_an_inner_item_may_leave_retention_and_archive_value_to_its_leaves() -> None:
    plan = valid_plan()

    assert plan.get("521.01").retention is None
    assert plan.get("521.01").archive_value is None
    assert validate(plan) == []


def test_a_unit_that_cannot_be_printed_in_an_aktenzeichen_is_reported() -> None:
    plan = dataclasses.replace(valid_plan(), org_units={"10": "Hauptamt", "6.3": "Bauamt"})
    plan = replaced("52", org_unit="6.3")(plan)

    problems = validate(plan)

    assert problems == [
        PlanProblem(
            "521.01.01",
            "no Aktenzeichen can be printed for it: '6.3' cannot be printed as the unit",
        )
    ]


def test_a_cycle_is_reported_once() -> None:
    plan = with_items(
        valid_plan(),
        FilePlanItem(code="13", title="A", parent="131", level=1, org_unit="10"),
        FilePlanItem(code="131", title="B", parent="13", level=2),
    )

    cycles = [p for p in validate(plan) if "cycle" in p.message]

    assert cycles == [PlanProblem("13", "the parent chain is a cycle: 13 -> 131 -> 13")]


def test_a_duplicate_leaf_is_checked_once() -> None:
    plan = with_items(valid_plan(), leaf("111.01", "111", retention=None))

    assert validate(plan) == [PlanProblem("111.01", "the code occurs 2 times")]


def test_ensure_valid_lists_every_problem() -> None:
    plan = replaced("111.01", retention=None, source="S9")(valid_plan())

    with pytest.raises(PlanValidationError) as raised:
        ensure_valid(plan)

    assert raised.value.problems == (
        PlanProblem("111.01", "the source 'S9' is not in the plan's sources"),
        PlanProblem("111.01", "a leaf needs its own retention"),
    )
    assert str(raised.value) == (
        "the file plan has 2 problems:\n"
        "- 111.01: the source 'S9' is not in the plan's sources\n"
        "- 111.01: a leaf needs its own retention"
    )
