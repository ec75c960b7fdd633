"""The parsed form of a CMIS 1.1 query statement (CMIS 1.1, 2.1.14)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Literal = Any
"""str, int, Decimal, bool or an aware datetime (from TIMESTAMP '…')."""


@dataclass(frozen=True)
class Column:
    """A property by its query name, optionally qualified by the FROM alias."""

    name: str
    qualifier: str | None
    position: int


@dataclass(frozen=True)
class Score:
    position: int


@dataclass(frozen=True)
class SelectItem:
    target: Column | Score
    alias: str | None


@dataclass(frozen=True)
class Comparison:
    """``column op literal``; ``op`` is one of = <> < > <= >=."""

    column: Column
    op: str
    value: Literal


@dataclass(frozen=True)
class Like:
    column: Column
    pattern: str
    """As written, with the backslash escapes ``\\%``, ``\\_``, ``\\'`` and ``\\\\``."""
    negated: bool


@dataclass(frozen=True)
class InList:
    column: Column
    values: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class IsNull:
    column: Column
    negated: bool


@dataclass(frozen=True)
class AnyEquals:
    """``literal = ANY column`` on a multi-valued property."""

    column: Column
    value: Literal


@dataclass(frozen=True)
class AnyIn:
    """``ANY column [NOT] IN (…)`` on a multi-valued property."""

    column: Column
    values: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class InFolder:
    qualifier: str | None
    folder_id: str
    position: int


@dataclass(frozen=True)
class InTree:
    qualifier: str | None
    folder_id: str
    position: int


@dataclass(frozen=True)
class Contains:
    qualifier: str | None
    text: str
    position: int


@dataclass(frozen=True)
class Not:
    operand: Condition


@dataclass(frozen=True)
class And:
    operands: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Condition, ...]


Condition = (
    Comparison
    | Like
    | InList
    | IsNull
    | AnyEquals
    | AnyIn
    | InFolder
    | InTree
    | Contains
    | Not
    | And
    | Or
)


@dataclass(frozen=True)
class OrderItem:
    target: Column | Score
    descending: bool


@dataclass(frozen=True)
class Statement:
    select: tuple[SelectItem, ...] | None
    """None for ``*``."""
    type_name: str
    alias: str | None
    where: Condition | None
    order_by: tuple[OrderItem, ...]
