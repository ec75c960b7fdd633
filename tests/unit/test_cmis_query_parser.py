"""The CMIS query language parser: what it accepts, what it makes of it, what it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from services.cmis.errors import InvalidArgument, NotSupported
from services.cmis.query.ast import (
    And,
    AnyEquals,
    AnyIn,
    Column,
    Comparison,
    Contains,
    InFolder,
    InList,
    InTree,
    IsNull,
    Like,
    Not,
    Or,
    Score,
    Statement,
)
from services.cmis.query.lexer import unescape
from services.cmis.query.operators import glob_pattern, like_pattern, pattern_parts
from services.cmis.query.parser import parse


def where(statement: str) -> object:
    parsed = parse(statement)
    assert parsed.where is not None
    return parsed.where


def test_select_star_from_a_type() -> None:
    parsed = parse("SELECT * FROM cmis:document")
    assert parsed == Statement(None, "cmis:document", None, None, ())


def test_keywords_are_case_insensitive() -> None:
    statement = "select * from eakte:akte as a where a.eakte:status = 'open' order by cmis:name"
    parsed = parse(statement)
    assert parsed.type_name == "eakte:akte" and parsed.alias == "a"
    column = Column("eakte:status", "a", statement.index("a.eakte"))
    assert parsed.where == Comparison(column, "=", "open")
    assert parsed.order_by[0].target == Column("cmis:name", None, statement.index("cmis:name"))


def test_select_list_with_qualifiers_aliases_and_score() -> None:
    statement = (
        "SELECT d.cmis:name AS title, cmis:objectId id, SCORE() AS relevance "
        "FROM cmis:document d WHERE CONTAINS('Bauantrag')"
    )
    parsed = parse(statement)
    assert parsed.select is not None
    targets = [(item.target, item.alias) for item in parsed.select]
    assert targets[0] == (Column("cmis:name", "d", 7), "title")
    assert targets[1] == (Column("cmis:objectId", None, 29), "id")
    assert isinstance(targets[2][0], Score) and targets[2][1] == "relevance"
    assert parsed.alias == "d"
    assert parsed.where == Contains(None, "Bauantrag", statement.index("CONTAINS"))


def test_alias_star_selects_everything() -> None:
    assert parse("SELECT d.* FROM cmis:document d").select is None


def test_comparison_operators() -> None:
    for operator in ("=", "<>", "<", ">", "<=", ">="):
        node = where(f"SELECT * FROM t WHERE p {operator} 5")
        assert node == Comparison(Column("p", None, 22), operator, 5)


def test_literal_first_mirrors_the_operator() -> None:
    node = where("SELECT * FROM t WHERE 5 < p")
    assert isinstance(node, Comparison) and node.op == ">" and node.value == 5


def test_literals() -> None:
    def value(literal: str) -> object:
        node = where(f"SELECT * FROM t WHERE p = {literal}")
        assert isinstance(node, Comparison)
        return node.value

    assert value("'Müller'") == "Müller"
    assert value(r"'O\'Brien'") == "O'Brien"
    assert value("'O''Brien'") == "O'Brien"
    assert value(r"'back\\slash'") == "back\\slash"
    assert value("-42") == -42
    assert value("3.25") == Decimal("3.25")
    assert value("1.5e3") == Decimal("1.5e3")
    assert value("TRUE") is True and value("false") is False
    assert value("TIMESTAMP '2024-03-01T10:15:30.250Z'") == datetime(
        2024, 3, 1, 10, 15, 30, 250000, tzinfo=UTC
    )
    offset = value("TIMESTAMP '2024-03-01T10:15:30.000+02:00'")
    assert offset == datetime(2024, 3, 1, 10, 15, 30, tzinfo=timezone(timedelta(hours=2)))
    assert offset == datetime(2024, 3, 1, 8, 15, 30, tzinfo=UTC)


def test_like_keeps_its_escapes_for_the_pattern() -> None:
    node = where(r"SELECT * FROM t WHERE cmis:name LIKE 'Bescheid\_2024\%%'")
    assert node == Like(Column("cmis:name", None, 22), r"Bescheid\_2024\%%", False)
    parts = pattern_parts(r"Bescheid\_2024\%%", 0)
    assert like_pattern(parts) == r"Bescheid\_2024\%%"
    assert glob_pattern(parts) == "Bescheid_2024%*"
    assert like_pattern(pattern_parts(r"O\'Brien%", 0)) == "O'Brien%"
    assert glob_pattern(pattern_parts("a*b?[c]_%", 0)) == "a[*]b[?][[]c]?*"
    with pytest.raises(InvalidArgument, match="invalid escape"):
        pattern_parts(r"\d", 0)
    negated = where("SELECT * FROM t WHERE cmis:name NOT LIKE 'A%'")
    assert isinstance(negated, Like) and negated.negated


def test_in_lists_and_null_checks() -> None:
    assert where("SELECT * FROM t WHERE p IN ('a', 'b')") == InList(
        Column("p", None, 22), ("a", "b"), False
    )
    assert where("SELECT * FROM t WHERE p NOT IN (1, 2, 3)") == InList(
        Column("p", None, 22), (1, 2, 3), True
    )
    assert where("SELECT * FROM t WHERE p IS NULL") == IsNull(Column("p", None, 22), False)
    assert where("SELECT * FROM t WHERE p IS NOT NULL") == IsNull(Column("p", None, 22), True)


def test_any_on_multi_valued_properties() -> None:
    assert where("SELECT * FROM t WHERE 'person:x' = ANY eakte:subjectKeys") == AnyEquals(
        Column("eakte:subjectKeys", None, 39), "person:x"
    )
    assert where("SELECT * FROM t WHERE ANY tags IN ('a', 'b')") == AnyIn(
        Column("tags", None, 26), ("a", "b"), False
    )
    assert where("SELECT * FROM t WHERE ANY tags NOT IN ('a')") == AnyIn(
        Column("tags", None, 26), ("a",), True
    )


def test_folder_predicates_with_and_without_qualifier() -> None:
    assert where("SELECT * FROM t WHERE IN_FOLDER('akte:1')") == InFolder(None, "akte:1", 22)
    assert where("SELECT * FROM t x WHERE IN_TREE(x, 'plan:521')") == InTree("x", "plan:521", 24)
    assert where("SELECT * FROM t x WHERE CONTAINS(x, 'Lindenweg')") == Contains(
        "x", "Lindenweg", 24
    )


def test_precedence_not_binds_tighter_than_and_than_or() -> None:
    node = where("SELECT * FROM t WHERE a = 1 OR b = 2 AND NOT c = 3")
    assert isinstance(node, Or)
    assert isinstance(node.operands[1], And)
    assert isinstance(node.operands[1].operands[1], Not)


def test_parentheses_group() -> None:
    node = where("SELECT * FROM t WHERE (a = 1 OR b = 2) AND c = 3")
    assert isinstance(node, And) and isinstance(node.operands[0], Or)


def test_order_by_several_keys() -> None:
    parsed = parse("SELECT * FROM t ORDER BY a DESC, b ASC, c, SCORE() DESC")
    assert [(type(i.target).__name__, i.descending) for i in parsed.order_by] == [
        ("Column", True),
        ("Column", False),
        ("Column", False),
        ("Score", True),
    ]


def test_quoted_identifiers() -> None:
    node = where('SELECT * FROM t WHERE "my prop" = 1')
    assert isinstance(node, Comparison) and node.column.name == "my prop"


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("SELECT", "position 7"),
        ("SELECT * FROM", "type's query name at position 14"),
        ("SELECT * cmis:document", "expected FROM at position 10"),
        ("SELECT * FROM t WHERE", "position 22"),
        ("SELECT * FROM t WHERE p =", "literal (string, number"),
        ("SELECT * FROM t WHERE p = 'open", "unterminated string literal at position 27"),
        ("SELECT * FROM t WHERE p LIKE 5", "a string pattern"),
        ("SELECT * FROM t WHERE p IN ()", "literal"),
        ("SELECT * FROM t WHERE p IN ('a'", "')'"),
        ("SELECT * FROM t WHERE (p = 1", "')'"),
        ("SELECT * FROM t WHERE p ~ 1", "unexpected character '~' at position 25"),
        ("SELECT * FROM t WHERE p NOT = 1", "LIKE or IN after NOT"),
        ("SELECT * FROM t WHERE 'x' < ANY p", "'=' before ANY"),
        ("SELECT * FROM t WHERE p = TIMESTAMP 'yesterday'", "invalid TIMESTAMP 'yesterday'"),
        ("SELECT * FROM t WHERE p = TIMESTAMP 5", "quoted timestamp"),
        ("SELECT * FROM t WHERE IN_FOLDER(5)", "string literal"),
        ("SELECT * FROM t WHERE p = 'a' ORDER p", "expected BY at position 37"),
        ("SELECT * FROM t ORDER BY", "property query name"),
        ("SELECT * FROM t extra words", "the end of the statement"),
        (r"SELECT * FROM t WHERE p = 'a\x'", r"invalid escape \x"),
        ('SELECT * FROM t WHERE "open = 1', "unterminated quoted identifier"),
        ("SELECT FROM t", "position 8"),
        ("SELECT a, FROM t", "position 11"),
    ],
)
def test_malformed_statements_name_the_position(statement: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        parse(statement)
    assert message in raised.value.detail


def test_join_is_not_supported() -> None:
    with pytest.raises(NotSupported, match="JOIN"):
        parse("SELECT * FROM cmis:document d JOIN my:aspect a ON d.cmis:objectId = a.cmis:objectId")


def test_unescape_refuses_escapes_outside_like() -> None:
    with pytest.raises(InvalidArgument):
        unescape(r"50\%")
    assert unescape(r"it\'s") == "it's"
