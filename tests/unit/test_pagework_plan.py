"""The plan of a page work, the PDFs it builds, and the pages it proposes to drop."""

from __future__ import annotations

import pytest

from services.errors import InvalidInputError
from services.media.pdfium import PdfiumDocument
from services.pagework.pdf import build_pdf, page_count, page_rotations
from services.pagework.plan import PagePick, PageworkRequest, plan_results
from services.pagework.proposal import ProposalKind, propose_drops
from tests.fixtures.pagework import BLANK, stack_pdf


def pages(parts: list[list[PagePick]]) -> list[list[tuple[int, int, int]]]:
    return [[(p.source, p.page, p.rotated) for p in part] for part in parts]


def test_split_drop_and_rotate_name_pages_of_the_stack() -> None:
    request = PageworkRequest(
        append=("b",), rotate={2: 90, 4: -90}, drop=frozenset({3}), split_before=frozenset({4})
    )
    assert request.kinds == ["merge", "split", "rotate", "drop"]
    assert pages(plan_results(request, [3, 2])) == [
        [(0, 1, 0), (0, 2, 90)],
        [(1, 1, 270), (1, 2, 0)],
    ]


def test_a_full_turn_is_no_change() -> None:
    with pytest.raises(InvalidInputError, match="nothing to do"):
        plan_results(PageworkRequest(rotate={1: 360}), [2])


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        (PageworkRequest(drop=frozenset({0})), r"outside 1-2"),
        (PageworkRequest(split_before=frozenset({3})), r"outside 1-2"),
        (PageworkRequest(rotate={1: 45}), "multiples of 90"),
        (PageworkRequest(split_before=frozenset({1})), "page 1"),
        (PageworkRequest(drop=frozenset({1, 2})), "every page"),
        (PageworkRequest(drop=frozenset({1}), split_before=frozenset({2})), "part before"),
    ],
)
def test_impossible_plans_are_refused(request_: PageworkRequest, words: str) -> None:
    with pytest.raises(InvalidInputError, match=words):
        plan_results(request_, [2])


def test_build_keeps_text_turns_pages_and_leaves_the_sources_alone() -> None:
    first, second = stack_pdf(["eins", "zwei"]), stack_pdf(["drei"])
    before = (bytes(first), bytes(second))
    built = build_pdf([first, second], [PagePick(1, 1, 180), PagePick(0, 2, 0)])
    assert (first, second) == before
    assert page_count(built) == 2
    assert page_rotations(built) == [180, 0]
    with PdfiumDocument(built) as document:
        assert [document.page_text(i) for i in range(2)] == ["drei", "zwei"]
    # An earlier turn stays and adds up.
    assert page_rotations(build_pdf([built], [PagePick(0, 1, 90)])) == [270]


def test_blank_pages_and_separator_sheets_are_proposed_with_their_reason() -> None:
    pdf = stack_pdf(["Brief", BLANK, "EAKTE-TRENNBLATT", "Noch ein Brief"])
    found = propose_drops(pdf, "EAKTE-TRENNBLATT")
    assert [(p.page, p.kind) for p in found] == [
        (2, ProposalKind.BLANK),
        (3, ProposalKind.SEPARATOR),
    ]
    assert "marker" in found[1].reason
