from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from services.db.pagination import Page

T = TypeVar("T")
Row = TypeVar("Row")


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None


def next_offset(*, limit: int, offset: int, total: int) -> int | None:
    """Offset of the following page, or None on the last page."""
    return offset + limit if offset + limit < total else None


def page_out(page: Page[Row], present: Callable[[Row], T]) -> PageOut[T]:
    """A page of ORM rows as its API schema, each row shown by ``present``."""
    return PageOut[T](
        items=[present(row) for row in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next_offset=next_offset(limit=page.limit, offset=page.offset, total=page.total),
    )


MAX_OFFSET = 2**31 - 1
"""Largest offset any list accepts (beyond it the database's integers overflow)."""
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
