"""Running a CMIS query: parse, translate per source, page in SQL, answer rows.

Every source's statement carries the caller's visibility; several sources (a query on
``cmis:folder`` reads plan items, Akten, Vorgänge and folders) are one UNION ALL,
ordered and cut to the page by the database.  CONTAINS asks the search index (which
applies the same visibility) for the best matches first and filters by their ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.sql.elements import False_

from services.cmis.errors import InvalidArgument
from services.cmis.model import CmisContext, QueryResult, TypeDefinition
from services.cmis.query import ast
from services.cmis.query.folders import FolderConditions
from services.cmis.query.parser import parse
from services.cmis.query.results import Selected, rows_of
from services.cmis.query.sources import Source, SourceKind, sources_for
from services.cmis.query.translate import Translator
from services.cmis.query.type_filter import type_condition
from services.cmis.resolve import require_read
from services.cmis.types.registry import TypeRegistry, registry
from services.cmis.types.service import page_size
from services.db.pagination import MAX_SQL_INT

MAX_CONTAINS_HITS = 1000
"""CONTAINS considers the best this many matches of the search index."""

_SOURCES = {
    "cmis:document": {SourceKind.DOCUMENT},
    "cmis:folder": {SourceKind.PLAN, SourceKind.AKTE, SourceKind.VORGANG, SourceKind.FOLDER},
    "cmis:secondary": {SourceKind.DOCUMENT, SourceKind.AKTE, SourceKind.VORGANG, SourceKind.FOLDER},
}


def query(
    ctx: CmisContext,
    statement: str,
    *,
    search_all_versions: bool,
    include_allowable_actions: bool,
    skip_count: int,
    max_items: int | None,
) -> QueryResult:
    """The rows of ``statement`` the caller may see, one page of them."""
    require_read(ctx)
    if search_all_versions:
        raise InvalidArgument(
            "searchAllVersions is not supported: only latest versions are searchable"
        )
    if not 0 <= skip_count <= MAX_SQL_INT:
        raise InvalidArgument("skipCount must not be negative")
    size = page_size(ctx, max_items)
    parsed = parse(statement)
    types = registry(ctx.session)
    queried = _queried(types, parsed)
    qualifiers = frozenset({parsed.alias or queried.query_name})
    contains = _contains(parsed.where)
    hits = None
    if contains is not None:
        page = ctx.search.search(
            ctx.session, ctx.scope, contains.text, limit=MAX_CONTAINS_HITS, offset=0
        )
        hits = {hit.document_id: hit.score for hit in page.hits}
    translator = Translator(
        types,
        queried,
        qualifiers,
        FolderConditions(ctx.session, ctx.scope),
        hits,
        glob=ctx.session.get_bind().dialect.name == "sqlite",
    )
    selected = _selected(translator, parsed.select)
    order = _order(translator, parsed, selected)
    statements: list[Any] = []
    sorted_by: list[Any] = []
    for source in sources_for(ctx.scope, _SOURCES[queried.base_id.value]):
        condition = type_condition(source, types, queried)
        if isinstance(condition, False_):
            continue
        where = [condition]
        if parsed.where is not None:
            where.append(translator.condition(parsed.where, source))
        columns: list[Any] = [
            literal(source.kind.value).label("kind"),
            source.id_column.label("id"),
            translator.score_expression(source).label("score"),
        ]
        for index, (target, _) in enumerate(order):
            expression = (
                translator.score_expression(source)
                if target is None
                else translator.order_expression(target, source)
            )
            columns.append(expression.label(f"o{index}"))
        statements.append(_statement(source, columns, where))
        sorted_by.append(source.id_column)
    if not statements:
        return QueryResult(rows=[], has_more_items=False, num_items=0)
    descending = [d for _, d in order]
    if len(statements) == 1:
        # One source: ordered in place, so that the primary key's order can serve.
        single = statements[0]
        keys = [single.selected_columns[f"o{i}"] for i in range(len(order))]
        counted = single
        paged = single.order_by(*_directed(keys, descending), sorted_by[0])
    else:
        table = union_all(*statements).subquery()
        keys = [table.c[f"o{i}"] for i in range(len(order))]
        counted = select(table)
        paged = select(table.c.kind, table.c.id, table.c.score).order_by(
            *_directed(keys, descending), table.c.kind, table.c.id
        )
    page_rows = ctx.session.execute(paged.limit(size + 1).offset(skip_count)).all()
    more = len(page_rows) > size
    page_rows = page_rows[:size]
    if more or (not page_rows and skip_count):
        total = ctx.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    else:
        total = skip_count + len(page_rows)
    rows = rows_of(
        ctx,
        queried,
        selected,
        [(r.kind, r.id, r.score) for r in page_rows],
        include_allowable_actions=include_allowable_actions,
    )
    return QueryResult(rows=rows, has_more_items=more, num_items=total)


def _directed(keys: list[Any], descending: list[bool]) -> list[Any]:
    return [k.desc() if d else k.asc() for k, d in zip(keys, descending, strict=True)]


def _statement(source: Source, columns: list[Any], where: list[Any]) -> Any:
    statement = select(*columns).select_from(source.table)
    for table, on in source.joins:
        statement = statement.join(table, on)
    return statement.where(source.visible, *where)


def _queried(types: TypeRegistry, parsed: ast.Statement) -> TypeDefinition:
    queried = types.by_query_name(parsed.type_name)
    if queried is None:
        raise InvalidArgument(f"Query: unknown type {parsed.type_name!r} in FROM")
    if not queried.queryable or queried.base_id.value not in _SOURCES:
        raise InvalidArgument(f"Query: type {parsed.type_name} is not queryable")
    return queried


def _contains(where: ast.Condition | None) -> ast.Contains | None:
    """The statement's CONTAINS; at most one, and only ANDed at the top (CMIS 2.1.14.2.4.4)."""
    found: list[ast.Contains] = []

    def walk(node: ast.Condition | None, top: bool) -> None:
        if isinstance(node, ast.Contains):
            if not top:
                raise InvalidArgument(
                    f"Query: CONTAINS at position {node.position + 1} may not be negated or ORed"
                )
            found.append(node)
        elif isinstance(node, ast.And):
            for operand in node.operands:
                walk(operand, top)
        elif isinstance(node, ast.Or):
            for operand in node.operands:
                walk(operand, False)
        elif isinstance(node, ast.Not):
            walk(node.operand, False)

    walk(where, True)
    if len(found) > 1:
        raise InvalidArgument(
            f"Query: only one CONTAINS is allowed (second at position {found[1].position + 1})"
        )
    return found[0] if found else None


def _selected(
    translator: Translator, items: Sequence[ast.SelectItem] | None
) -> list[Selected] | None:
    if items is None:
        return None
    selected: list[Selected] = []
    for item in items:
        if isinstance(item.target, ast.Score):
            selected.append((None, item.alias or "SEARCH_SCORE"))
            continue
        definition = translator.definition(item.target, where=False)
        selected.append((definition, item.alias or definition.query_name))
    return selected


def _order(
    translator: Translator, parsed: ast.Statement, selected: list[Selected] | None
) -> list[tuple[Any, bool]]:
    """(property definition or None for SCORE(), descending) per ORDER BY item."""
    aliases = {name: d for d, name in selected or [] if name}
    order: list[tuple[Any, bool]] = []
    for item in parsed.order_by:
        target = item.target
        if isinstance(target, ast.Score):
            order.append((None, item.descending))
            continue
        if target.qualifier is None and target.name in aliases:
            definition = aliases[target.name]
        else:
            definition = translator.definition(target, where=False)
        if definition is not None and not definition.orderable:
            raise InvalidArgument(
                f"Query: property {definition.id} is not orderable (position {target.position + 1})"
            )
        order.append((definition, item.descending))
    return order
