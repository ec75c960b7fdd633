"""One page of a query's rows, with the total count (used by every list endpoint)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def paginate(session: Session, query: Select[Row], *, limit: int, offset: int) -> Page[Row]:
    """Count the whole query, then fetch one page of it (the query carries the order)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.limit(limit).offset(offset)).all()
    return Page(items=list(rows), total=total, limit=limit, offset=offset)
