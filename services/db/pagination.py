"""One page of a query's rows, with the total count (used by every list endpoint)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.errors import InvalidInputError

T = TypeVar("T")
Row = TypeVar("Row")

MAX_SQL_INT = 2**31 - 1
"""The largest LIMIT/OFFSET every database takes: SQLite overflows past 2**63 with a
500, PostgreSQL's ``integer`` parameters past 2**31; no page starts beyond it."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def check_window(*, limit: int, offset: int) -> None:
    """Refuse a ``limit`` or ``offset`` no database can take (a 422, never a 500)."""
    for name, value in (("limit", limit), ("offset", offset)):
        if not 0 <= value <= MAX_SQL_INT:
            raise InvalidInputError(f"{name} must lie between 0 and {MAX_SQL_INT}, not {value}")


def paginate(session: Session, query: Select[Row], *, limit: int, offset: int) -> Page[Row]:
    """Count the whole query, then fetch one page of it (the query carries the order)."""
    check_window(limit=limit, offset=offset)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.limit(limit).offset(offset)).all()
    return Page(items=list(rows), total=total, limit=limit, offset=offset)
