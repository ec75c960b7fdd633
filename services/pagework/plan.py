"""The plan of a page work: which pages of which sources make which new documents.

Pure logic, no I/O.  The sources are laid out one after the other as one *stack*,
numbered 1..N (the first document's pages, then each appended document's); rotations,
drops and split points all name pages of that stack.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from services.errors import InvalidInputError

MAX_PAGES = 2000


@dataclass(frozen=True)
class PageworkRequest:
    """What a person asked for, in stack page numbers."""

    append: Sequence[str] = ()
    """Documents whose pages follow the first document's, in this order."""
    rotate: Mapping[int, int] = field(default_factory=dict)
    """Stack page -> degrees clockwise (multiples of 90; negative turns left)."""
    drop: frozenset[int] = frozenset()
    split_before: frozenset[int] = frozenset()

    @property
    def kinds(self) -> list[str]:
        flags = {
            "merge": bool(self.append),
            "split": bool(self.split_before),
            "rotate": any(turn(d) for d in self.rotate.values()),
            "drop": bool(self.drop),
        }
        return [name for name, used in flags.items() if used]

    def as_dict(self) -> dict[str, object]:
        return {
            "append": list(self.append),
            "rotate": {str(page): turn(d) for page, d in sorted(self.rotate.items())},
            "drop": sorted(self.drop),
            "split_before": sorted(self.split_before),
        }


@dataclass(frozen=True)
class PagePick:
    """One page of a result: taken from ``source`` (index into the sources) page ``page``."""

    source: int
    page: int
    rotated: int


def turn(degrees: int) -> int:
    """Degrees clockwise normalised to 0, 90, 180 or 270."""
    return degrees % 360


def stack_positions(page_counts: Sequence[int]) -> list[tuple[int, int]]:
    """Stack page (1-based, by list index + 1) -> (source index, page in that source)."""
    return [
        (source, page) for source, count in enumerate(page_counts) for page in range(1, count + 1)
    ]


def plan_results(request: PageworkRequest, page_counts: Sequence[int]) -> list[list[PagePick]]:
    """The pages of each resulting document; refuses what cannot be meant.

    Raises :class:`InvalidInputError` for page numbers outside the stack, rotations that
    are not quarter turns, a split before the first page, a part left without pages, no
    page left at all, or a request that changes nothing.
    """
    positions = stack_positions(page_counts)
    total = len(positions)
    if total > MAX_PAGES:
        raise InvalidInputError(f"page work is limited to {MAX_PAGES} pages at once")
    _check_pages("rotate", request.rotate.keys(), total)
    _check_pages("drop", request.drop, total)
    _check_pages("split_before", request.split_before, total)
    bad_turns = sorted(page for page, degrees in request.rotate.items() if degrees % 90)
    if bad_turns:
        raise InvalidInputError(f"rotate: pages {bad_turns} must turn by multiples of 90 degrees")
    if 1 in request.split_before:
        raise InvalidInputError("split_before: page 1 already starts the first document")
    if not request.kinds:
        raise InvalidInputError("nothing to do: no page is rotated, dropped, split or appended")
    parts: list[list[PagePick]] = [[]]
    for number, (source, page) in enumerate(positions, start=1):
        if number in request.split_before:
            if not parts[-1]:
                raise InvalidInputError(
                    f"split_before {number}: the part before it would have no pages left"
                )
            parts.append([])
        if number in request.drop:
            continue
        parts[-1].append(PagePick(source, page, turn(request.rotate.get(number, 0))))
    if not parts[-1]:
        if len(parts) == 1:
            raise InvalidInputError("every page would be dropped; nothing would be left")
        raise InvalidInputError("the last part would have no pages left")
    return parts


def _check_pages(what: str, pages: Iterable[int], total: int) -> None:
    outside = sorted(page for page in pages if not 1 <= page <= total)
    if outside:
        raise InvalidInputError(f"{what}: pages {outside} are outside 1-{total}")
