"""A recursive-descent parser of the CMIS 1.1 query language (2.1.14.2).

Supported: ``SELECT`` with ``*``, ``alias.*``, property query names (qualified or not)
with ``AS`` aliases and ``SCORE()``; ``FROM`` one type with an optional alias; ``WHERE``
with comparisons, ``[NOT] LIKE``, ``[NOT] IN``, ``IS [NOT] NULL``, ``= ANY`` and
``ANY … [NOT] IN``, ``IN_FOLDER``, ``IN_TREE``, ``CONTAINS``, ``AND``/``OR``/``NOT``
and parentheses; ``ORDER BY`` with ``ASC``/``DESC``.  ``JOIN`` is not supported.
Errors name the position (1-based) where the statement stops making sense.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from services.cmis.errors import InvalidArgument, NotSupported
from services.cmis.query.ast import (
    And,
    AnyEquals,
    AnyIn,
    Column,
    Comparison,
    Condition,
    Contains,
    InFolder,
    InList,
    InTree,
    IsNull,
    Like,
    Literal,
    Not,
    Or,
    OrderItem,
    Score,
    SelectItem,
    Statement,
)
from services.cmis.query.lexer import Kind, Token, tokenize, unescape

_OPERATORS = ("=", "<>", "<", ">", "<=", ">=")
_MIRRORED = {"=": "=", "<>": "<>", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_RESERVED = frozenset(
    {
        "SELECT", "FROM", "WHERE", "AS", "AND", "OR", "NOT", "IN", "LIKE", "IS", "NULL",
        "ANY", "ORDER", "BY", "ASC", "DESC", "JOIN", "INNER", "LEFT", "OUTER", "ON",
        "TIMESTAMP", "TRUE", "FALSE", "SCORE", "CONTAINS", "IN_FOLDER", "IN_TREE",
    }
)  # fmt: skip
_TIMESTAMP_FORMAT = "YYYY-MM-DDThh:mm:ss.sss[Z|+hh:mm|-hh:mm]"


def parse_timestamp(text: str, position: int) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(
            f"Query: invalid TIMESTAMP {text!r} at position {position + 1} "
            f"(expected {_TIMESTAMP_FORMAT})"
        ) from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class _Parser:
    def __init__(self, statement: str) -> None:
        self.tokens = tokenize(statement)
        self.index = 0

    # --- helpers -----------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.token
        self.index += 1
        return token

    def error(self, expected: str, token: Token | None = None) -> InvalidArgument:
        token = token or self.token
        found = "the end" if token.kind is Kind.END else repr(token.text)
        return InvalidArgument(
            f"Query: expected {expected} at position {token.position + 1}, found {found}"
        )

    def accept_word(self, *words: str) -> bool:
        if self.token.is_word(*words):
            self.index += 1
            return True
        return False

    def expect_word(self, word: str) -> Token:
        if not self.token.is_word(word):
            raise self.error(word)
        return self.advance()

    def accept_symbol(self, symbol: str) -> bool:
        if self.token.kind is Kind.SYMBOL and self.token.text == symbol:
            self.index += 1
            return True
        return False

    def expect_symbol(self, symbol: str) -> None:
        if not self.accept_symbol(symbol):
            raise self.error(f"'{symbol}'")

    def identifier(self, what: str) -> Token:
        token = self.token
        if token.kind is Kind.QUOTED or (
            token.kind is Kind.WORD and token.text.upper() not in _RESERVED
        ):
            return self.advance()
        raise self.error(what)

    # --- statement ---------------------------------------------------------------

    def statement(self) -> Statement:
        self.expect_word("SELECT")
        select = self.select_list()
        self.expect_word("FROM")
        type_name = self.identifier("a type's query name").text
        alias = self.optional_alias()
        if self.token.is_word("JOIN", "INNER", "LEFT", "OUTER"):
            raise NotSupported(
                f"Query: JOIN is not supported (position {self.token.position + 1}); "
                "capabilityJoin is none"
            )
        where = None
        if self.accept_word("WHERE"):
            where = self.disjunction()
        order: tuple[OrderItem, ...] = ()
        if self.accept_word("ORDER"):
            self.expect_word("BY")
            order = self.order_list()
        if self.token.kind is not Kind.END:
            raise self.error("the end of the statement")
        return Statement(select, type_name, alias, where, order)

    def optional_alias(self) -> str | None:
        if self.accept_word("AS"):
            return self.identifier("an alias").text
        token = self.token
        if token.kind is Kind.QUOTED or (
            token.kind is Kind.WORD and token.text.upper() not in _RESERVED
        ):
            return self.advance().text
        return None

    def select_list(self) -> tuple[SelectItem, ...] | None:
        if self.accept_symbol("*"):
            return None
        items = [self.select_item()]
        while self.accept_symbol(","):
            items.append(self.select_item())
        if any(item is None for item in items):
            return None
        return tuple(item for item in items if item is not None)

    def select_item(self) -> SelectItem | None:
        if self.token.is_word("SCORE"):
            target: Column | Score = self.score()
        else:
            first = self.identifier("a property query name, '*' or SCORE()")
            if self.accept_symbol("."):
                if self.accept_symbol("*"):
                    return None  # alias.*: every property
                name = self.identifier("a property query name")
                target = Column(name.text, first.text, first.position)
            else:
                target = Column(first.text, None, first.position)
        return SelectItem(target, self.optional_alias())

    def score(self) -> Score:
        token = self.expect_word("SCORE")
        self.expect_symbol("(")
        self.expect_symbol(")")
        return Score(token.position)

    def column(self) -> Column:
        first = self.identifier("a property query name")
        if self.accept_symbol("."):
            name = self.identifier("a property query name")
            return Column(name.text, first.text, first.position)
        return Column(first.text, None, first.position)

    def order_list(self) -> tuple[OrderItem, ...]:
        items = []
        while True:
            target: Column | Score = self.score() if self.token.is_word("SCORE") else self.column()
            descending = False
            if self.accept_word("DESC"):
                descending = True
            else:
                self.accept_word("ASC")
            items.append(OrderItem(target, descending))
            if not self.accept_symbol(","):
                return tuple(items)

    # --- conditions --------------------------------------------------------------

    def disjunction(self) -> Condition:
        operands = [self.conjunction()]
        while self.accept_word("OR"):
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def conjunction(self) -> Condition:
        operands = [self.negation()]
        while self.accept_word("AND"):
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def negation(self) -> Condition:
        if self.accept_word("NOT"):
            return Not(self.negation())
        return self.predicate()

    def predicate(self) -> Condition:
        token = self.token
        if self.accept_symbol("("):
            inner = self.disjunction()
            self.expect_symbol(")")
            return inner
        if token.is_word("IN_FOLDER", "IN_TREE", "CONTAINS"):
            return self.function()
        if token.is_word("ANY"):
            self.advance()
            column = self.column()
            negated = self.accept_word("NOT")
            self.expect_word("IN")
            return AnyIn(column, self.literal_list(), negated)
        if self.starts_literal():
            value = self.literal()
            operator = self.operator()
            if self.accept_word("ANY"):
                if operator != "=":
                    raise self.error("'=' before ANY", token)
                return AnyEquals(self.column(), value)
            return Comparison(self.column(), _MIRRORED[operator], value)
        column = self.column()
        return self.column_predicate(column)

    def column_predicate(self, column: Column) -> Condition:
        if self.accept_word("IS"):
            negated = self.accept_word("NOT")
            self.expect_word("NULL")
            return IsNull(column, negated)
        negated = self.accept_word("NOT")
        if self.accept_word("LIKE"):
            pattern = self.token
            if pattern.kind is not Kind.STRING:
                raise self.error("a string pattern")
            self.advance()
            return Like(column, pattern.text, negated)
        if self.accept_word("IN"):
            return InList(column, self.literal_list(), negated)
        if negated:
            raise self.error("LIKE or IN after NOT")
        operator = self.operator()
        return Comparison(column, operator, self.literal())

    def operator(self) -> str:
        token = self.token
        if token.kind is Kind.SYMBOL and token.text in _OPERATORS:
            return self.advance().text
        raise self.error("a comparison operator (=, <>, <, >, <=, >=)")

    def function(self) -> Condition:
        name = self.advance()
        self.expect_symbol("(")
        qualifier = None
        if self.token.kind in (Kind.WORD, Kind.QUOTED) and not name.is_word("CONTAINS"):
            qualifier = self.identifier("a qualifier").text
            self.expect_symbol(",")
        elif name.is_word("CONTAINS") and self.token.kind is not Kind.STRING:
            qualifier = self.identifier("a qualifier or a search text").text
            self.expect_symbol(",")
        argument = self.token
        if argument.kind is not Kind.STRING:
            raise self.error("a string literal")
        self.advance()
        self.expect_symbol(")")
        text = unescape(argument.text)
        if name.is_word("CONTAINS"):
            return Contains(qualifier, text, name.position)
        if name.is_word("IN_FOLDER"):
            return InFolder(qualifier, text, name.position)
        return InTree(qualifier, text, name.position)

    # --- literals ----------------------------------------------------------------

    def starts_literal(self) -> bool:
        token = self.token
        return token.kind in (Kind.STRING, Kind.NUMBER) or token.is_word(
            "TRUE", "FALSE", "TIMESTAMP"
        )

    def literal_list(self) -> tuple[Literal, ...]:
        self.expect_symbol("(")
        values = [self.literal()]
        while self.accept_symbol(","):
            values.append(self.literal())
        self.expect_symbol(")")
        return tuple(values)

    def literal(self) -> Literal:
        token = self.token
        if token.kind is Kind.STRING:
            self.advance()
            return unescape(token.text)
        if token.kind is Kind.NUMBER:
            self.advance()
            return _number(token)
        if token.is_word("TRUE", "FALSE"):
            self.advance()
            return token.text.upper() == "TRUE"
        if token.is_word("TIMESTAMP"):
            self.advance()
            value = self.token
            if value.kind is not Kind.STRING:
                raise self.error("a quoted timestamp after TIMESTAMP")
            self.advance()
            return parse_timestamp(unescape(value.text), value.position)
        raise self.error("a literal (string, number, TRUE, FALSE or TIMESTAMP '…')")


def _number(token: Token) -> int | Decimal:
    text = token.text
    if all(c.isdigit() for c in text.lstrip("+-")):
        return int(text)
    try:
        return Decimal(text)
    except InvalidOperation:  # the lexer only lets numbers through; kept for safety
        raise InvalidArgument(f"Query: invalid number at position {token.position + 1}") from None


def parse(statement: str) -> Statement:
    """The statement's syntax tree; InvalidArgument (with the position) when malformed."""
    if not statement or not statement.strip():
        raise InvalidArgument("Query: the statement is empty")
    return _Parser(statement).statement()
