from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None


def next_offset(*, limit: int, offset: int, total: int) -> int | None:
    """Offset of the following page, or None on the last page."""
    return offset + limit if offset + limit < total else None
