"""What the validation page shows of one review task: pages, text, suggestions, references.

Built from the scoped service queries only.  The classification records which references
it found (as printed in the letter) but not where; their place is derived here: the
printed form is looked up in each page's recognised text (marked in the text panel), and
in the searchable PDF's text layer for a box over the page image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api.ui.labels import REFERENCE_KINDS
from file_plan import FilePlan
from services.access.scope import Scope
from services.bootstrap import Container
from services.classification.review import task_classification
from services.db.models import ClassificationResult, ReviewTask
from services.documents.page_images import Box, page_text_boxes
from services.documents.reading import read_text
from services.errors import NotFoundError
from services.records.queries import get_akte

THUMBNAIL_WIDTH = 160
PAGE_WIDTH = 700
ZOOM_WIDTHS = (500, 700, 1000, 1300, 1600, 2000, 2400)


@dataclass(frozen=True)
class SuggestionView:
    rank: int
    code: str
    title: str
    confidence: float | None
    akte_id: str | None
    aktenzeichen: str | None
    akte_title: str | None
    reasons: list[str]
    new_akte: str | None = None
    """A routed letter's proposed new Akte: its title and subject keys, as shown."""


@dataclass(frozen=True)
class Segment:
    text: str
    mark: int | None = None
    """The reference (1-based) this piece of text is, or None."""


@dataclass(frozen=True)
class ReferenceView:
    number: int
    kind: str
    label: str
    printed: str
    value: str
    page: int | None
    """Where the printed form was found in the recognised text (first occurrence)."""
    boxes: list[Box] = field(default_factory=list)
    """On that page's image, as fractions of the page (empty without a text layer)."""

    @property
    def box_attributes(self) -> list[str]:
        return [",".join(f"{v:.4f}" for v in box) for box in self.boxes]


@dataclass(frozen=True)
class PageText:
    number: int
    segments: list[Segment]


@dataclass(frozen=True)
class TaskView:
    task: ReviewTask
    result: ClassificationResult
    page_count: int
    pages: list[PageText]
    suggestions: list[SuggestionView]
    references: list[ReferenceView]
    unit_title: str | None


def build_task_view(
    session: Session, scope: Scope, container: Container, plan: FilePlan, task: ReviewTask
) -> TaskView:
    """Read the task's document text (an audited read) and explain its classification."""
    document = task.document
    result = task_classification(session, task)
    text = read_text(session, scope, document.id, page=None, clock=container.clock)
    page_texts = text.split("\f") if text else []
    page_count = max(document.page_count, len(page_texts), 1)
    references = _references(session, scope, container, document.id, result, page_texts)
    return TaskView(
        task=task,
        result=result,
        page_count=page_count,
        pages=[
            PageText(n, _segments(page_text, references))
            for n, page_text in enumerate(page_texts, start=1)
        ],
        suggestions=_suggestions(session, scope, plan, result),
        references=references,
        unit_title=plan.org_units.get(task.org_unit),
    )


def _suggestions(
    session: Session, scope: Scope, plan: FilePlan, result: ClassificationResult
) -> list[SuggestionView]:
    found = []
    for rank, raw in enumerate((s for s in result.suggestions if isinstance(s, dict)), start=1):
        code = str(raw.get("code", ""))
        akte_id, aktenzeichen, akte_title = _visible_akte(session, scope, raw.get("akte_id"))
        title = str(raw.get("title") or (plan.get(code).title if code in plan else ""))
        found.append(
            SuggestionView(
                rank=rank,
                code=code,
                title=title,
                confidence=raw.get("confidence"),
                akte_id=akte_id,
                aktenzeichen=aktenzeichen,
                akte_title=akte_title,
                reasons=[str(r) for r in raw.get("reasons") or []],
                new_akte=_new_akte(raw.get("new_akte")),
            )
        )
    return found


def _new_akte(proposed: Any) -> str | None:
    if not isinstance(proposed, dict) or not proposed.get("title"):
        return None
    keys = [
        str(k.get("display")) for k in proposed.get("subject_keys") or [] if isinstance(k, dict)
    ]
    return str(proposed["title"]) + (f" ({'; '.join(keys)})" if keys else "")


def _visible_akte(
    session: Session, scope: Scope, akte_id: Any
) -> tuple[str | None, str | None, str | None]:
    """The suggested Akte, if the caller may see it (another unit's is not theirs to know)."""
    if not akte_id:
        return None, None, None
    try:
        akte = get_akte(session, scope, str(akte_id))
    except NotFoundError:
        return None, None, None
    return akte.id, akte.aktenzeichen, akte.title


def _references(
    session: Session,
    scope: Scope,
    container: Container,
    document_id: str,
    result: ClassificationResult,
    page_texts: list[str],
) -> list[ReferenceView]:
    found = []
    raw_references = [r for r in result.references if isinstance(r, dict)]
    for number, raw in enumerate(raw_references, start=1):
        printed = str(raw.get("printed") or raw.get("value") or "")
        kind = str(raw.get("kind", ""))
        page = _page_of(printed, page_texts)
        boxes: list[Box] = []
        if page is not None:
            boxes = page_text_boxes(session, scope, container.store, document_id, page, printed)
        found.append(
            ReferenceView(
                number=number,
                kind=kind,
                label=str(raw.get("label") or REFERENCE_KINDS.get(kind, kind)),
                printed=printed,
                value=str(raw.get("value", "")),
                page=page,
                boxes=boxes,
            )
        )
    return found


def _pattern(printed: str) -> re.Pattern[str] | None:
    """The printed form with any run of white space matching any other (OCR line breaks)."""
    words = printed.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def _page_of(printed: str, page_texts: list[str]) -> int | None:
    pattern = _pattern(printed)
    if pattern is None:
        return None
    for number, text in enumerate(page_texts, start=1):
        if pattern.search(text):
            return number
    return None


def _segments(text: str, references: list[ReferenceView]) -> list[Segment]:
    """The page's text cut into plain pieces and marked references (no overlaps)."""
    spans: list[tuple[int, int, int]] = []
    for reference in references:
        pattern = _pattern(reference.printed)
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            spans.append((match.start(), match.end(), reference.number))
    spans.sort()
    segments: list[Segment] = []
    position = 0
    for start, end, number in spans:
        if start < position:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], number))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments
