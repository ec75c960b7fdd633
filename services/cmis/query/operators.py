"""Typed value columns, SQL types, LIKE patterns and comparison operators of queries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Numeric, String, false

from services.cmis.errors import InvalidArgument
from services.cmis.model import PropertyDefinition, PropertyType
from services.cmis.query.sources import Expr
from services.db.models import CmisPropertyValue
from services.db.models.base import UtcDateTime


def value_column(definition: PropertyDefinition) -> Any:
    ptype = definition.property_type
    if ptype in (PropertyType.INTEGER, PropertyType.DECIMAL):
        return CmisPropertyValue.value_number
    if ptype is PropertyType.DATETIME:
        return CmisPropertyValue.value_datetime
    if ptype is PropertyType.BOOLEAN:
        return CmisPropertyValue.value_bool
    return CmisPropertyValue.value_string


def sql_type(definition: PropertyDefinition) -> Any:
    ptype = definition.property_type
    if ptype is PropertyType.INTEGER:
        return BigInteger()
    if ptype is PropertyType.DECIMAL:
        return Numeric(38, 10)
    if ptype is PropertyType.BOOLEAN:
        return Boolean()
    if ptype is PropertyType.DATETIME:
        return UtcDateTime()
    return String()


def pattern_parts(raw: str, position: int) -> list[tuple[str, bool]]:
    r"""A CMIS LIKE pattern as (character, is_wildcard) pairs; ``\%`` is a literal ``%``."""
    parts: list[tuple[str, bool]] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\":
            following = raw[i + 1]
            if following not in "'%_\\":
                raise InvalidArgument(
                    f"Query: invalid escape \\{following} in the LIKE pattern at position "
                    f"{position + 1}"
                )
            parts.append((following, False))
            i += 2
        elif raw.startswith("''", i):
            parts.append(("'", False))
            i += 2
        else:
            parts.append((char, char in "%_"))
            i += 1
    return parts


def like_pattern(parts: list[tuple[str, bool]]) -> str:
    r"""An SQL LIKE pattern with ``\\`` as its escape character."""
    return "".join(c if wild or c not in "%_\\" else "\\" + c for c, wild in parts)


def glob_pattern(parts: list[tuple[str, bool]]) -> str:
    """A SQLite GLOB pattern for a LIKE pattern.

    GLOB is case-sensitive like PostgreSQL's LIKE, and SQLite answers a literal prefix
    from the index (its LIKE is case-insensitive and cannot).
    """
    out = []
    for char, wild in parts:
        if wild:
            out.append("*" if char == "%" else "?")
        else:
            out.append(f"[{char}]" if char in "*?[" else char)
    return "".join(out)


def compare(column: Any, op: str, value: Any) -> Expr:
    operators = {
        "=": column.__eq__,
        "<>": column.__ne__,
        "<": column.__lt__,
        ">": column.__gt__,
        "<=": column.__le__,
        ">=": column.__ge__,
    }
    result: Expr = operators[op](value)
    return result


def date_compare(column: Any, op: str, moment: datetime) -> Expr:
    """A date column (shown as 00:00 UTC) against a datetime."""
    moment = moment.astimezone(UTC)
    day = moment.date()
    midnight = moment == datetime(day.year, day.month, day.day, tzinfo=UTC)
    if midnight:
        return compare(column, op, day)
    inexact = {
        "=": false(),
        "<>": column.is_not(None),
        "<": column <= day,
        "<=": column <= day,
        ">": column > day,
        ">=": column > day,
    }
    result: Expr = inexact[op]
    return result
