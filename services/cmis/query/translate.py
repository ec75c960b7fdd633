"""WHERE and ORDER BY of a parsed statement as SQL on one source.

Built-in properties compare their source's SQL expression; client-defined properties
select the ids of objects with a matching value row (``cmis_property_values`` by
property and typed value, so its indexes answer); the special ids (object, parent,
type, secondary types, subject keys) have their own translations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Numeric,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    not_,
    null,
    or_,
    select,
    true,
)

from services.cmis.errors import InvalidArgument, ObjectNotFound
from services.cmis.ids import IdKind, parse_object_id
from services.cmis.model import Cardinality, PropertyDefinition, PropertyType, TypeDefinition
from services.cmis.query import ast
from services.cmis.query.folders import FolderConditions, folder_id
from services.cmis.query.operators import (
    compare,
    date_compare,
    glob_pattern,
    like_pattern,
    pattern_parts,
    sql_type,
    value_column,
)
from services.cmis.query.parser import parse_timestamp
from services.cmis.query.sources import (
    Expr,
    Source,
    SourceKind,
    has_subject_keys,
    subject_key_matches,
)
from services.cmis.query.type_filter import has_any_secondary, has_secondary, type_is
from services.cmis.types.registry import TypeRegistry
from services.db.models import (
    Akte,
    CmisPropertyValue,
    Document,
    DocumentVersion,
    FilePlanEntry,
    RecordFolder,
    VersionLabel,
    Vorgang,
)

_STRINGS = (PropertyType.STRING, PropertyType.ID, PropertyType.URI, PropertyType.HTML)
_SPECIAL = frozenset(
    {
        "cmis:objectId",
        "cmis:parentId",
        "cmis:objectTypeId",
        "cmis:secondaryObjectTypeIds",
        "eakte:subjectKeys",
    }
)


@dataclass
class Translator:
    types: TypeRegistry
    queried: TypeDefinition
    qualifiers: frozenset[str]
    folders: FolderConditions
    hits: Mapping[str, float] | None
    """Document id → score of the CONTAINS text; None without CONTAINS."""
    glob: bool = False
    """SQLite: LIKE becomes GLOB (see :func:`glob_pattern`)."""

    # --- columns and literals ----------------------------------------------------

    def definition(self, column: ast.Column, *, where: bool = True) -> PropertyDefinition:
        if column.qualifier is not None and column.qualifier not in self.qualifiers:
            raise InvalidArgument(
                f"Query: unknown qualifier {column.qualifier!r} at position {column.position + 1}"
            )
        for definition in self.queried.property_definitions.values():
            if definition.query_name == column.name:
                if where and not definition.queryable:
                    raise InvalidArgument(
                        f"Query: property {column.name} is not queryable "
                        f"(position {column.position + 1})"
                    )
                return definition
        raise InvalidArgument(
            f"Query: type {self.queried.query_name} has no property {column.name!r} "
            f"(position {column.position + 1})"
        )

    def literal(self, definition: PropertyDefinition, value: Any, column: ast.Column) -> Any:
        ptype = definition.property_type
        ok: Any = None
        numeric = isinstance(value, int | Decimal) and not isinstance(value, bool)
        if ptype in _STRINGS and isinstance(value, str):
            ok = value
        elif ptype is PropertyType.INTEGER and numeric and value == int(value):
            ok = int(value)
        elif ptype is PropertyType.DECIMAL and numeric:
            ok = Decimal(value)
        elif ptype is PropertyType.BOOLEAN and isinstance(value, bool):
            ok = value
        elif ptype is PropertyType.DATETIME and isinstance(value, datetime | str):
            ok = value if isinstance(value, datetime) else parse_timestamp(value, column.position)
        if ok is None:
            raise InvalidArgument(
                f"Query: {value!r} does not fit {definition.id}, a {ptype.value} property "
                f"(position {column.position + 1})"
            )
        return ok

    def _single(self, definition: PropertyDefinition, column: ast.Column) -> None:
        if definition.cardinality is Cardinality.MULTI:
            raise InvalidArgument(
                f"Query: {definition.id} is multi-valued; use ANY (position {column.position + 1})"
            )

    def _multi(self, definition: PropertyDefinition, column: ast.Column) -> None:
        if definition.cardinality is not Cardinality.MULTI:
            raise InvalidArgument(
                f"Query: ANY needs a multi-valued property; {definition.id} is single-valued "
                f"(position {column.position + 1})"
            )

    # --- conditions --------------------------------------------------------------

    def condition(self, node: ast.Condition, source: Source) -> Expr:
        if isinstance(node, ast.And):
            return and_(*(self.condition(n, source) for n in node.operands))
        if isinstance(node, ast.Or):
            return or_(*(self.condition(n, source) for n in node.operands))
        if isinstance(node, ast.Not):
            return not_(self.condition(node.operand, source))
        if isinstance(node, ast.InFolder | ast.InTree):
            self._check_qualifier(node.qualifier, node.position)
            parsed = folder_id(node.folder_id, node.position)
            if isinstance(node, ast.InFolder):
                return self.folders.in_folder(source, parsed)
            return self.folders.in_tree(source, parsed)
        if isinstance(node, ast.Contains):
            self._check_qualifier(node.qualifier, node.position)
            if source.kind is not SourceKind.DOCUMENT or not self.hits:
                return false()
            return Document.id.in_(list(self.hits))
        return self.predicate(node, source)

    def _check_qualifier(self, qualifier: str | None, position: int) -> None:
        if qualifier is not None and qualifier not in self.qualifiers:
            raise InvalidArgument(
                f"Query: unknown qualifier {qualifier!r} at position {position + 1}"
            )

    def predicate(self, node: ast.Condition, source: Source) -> Expr:
        assert isinstance(
            node, ast.Comparison | ast.Like | ast.InList | ast.IsNull | ast.AnyEquals | ast.AnyIn
        )
        column = node.column
        definition = self.definition(column)
        if isinstance(node, ast.AnyEquals | ast.AnyIn):
            self._multi(definition, column)
        elif not isinstance(node, ast.IsNull):
            self._single(definition, column)
        if definition.id in _SPECIAL:
            return self.special(node, definition, source)
        if self.types.is_custom_property(definition.id):
            return self.custom(node, definition, source)
        return self.builtin(node, definition, source)

    def _values(self, node: Any, definition: PropertyDefinition) -> tuple[Any, ...]:
        if isinstance(node, ast.InList | ast.AnyIn):
            return tuple(self.literal(definition, v, node.column) for v in node.values)
        return (self.literal(definition, node.value, node.column),)

    def builtin(self, node: Any, definition: PropertyDefinition, source: Source) -> Expr:
        if source.via_akte and definition.id in source.via_akte:
            on_akte = replace(source, properties=source.via_akte, via_akte=None)
            passing = select(Akte.id).where(self.builtin(node, definition, on_akte))
            return Document.akte_id.in_(passing)
        expression = source.properties.get(definition.id)
        if isinstance(node, ast.IsNull):
            if expression is None:
                return true() if not node.negated else false()
            return expression.is_not(None) if node.negated else expression.is_(None)
        if isinstance(node, ast.Like):
            self._require_string(node, definition)
            if expression is None:
                return false()
            return self._like(expression, node)
        values = self._values(node, definition)
        if expression is None:
            return false()
        dated = definition.id in source.date_properties
        if isinstance(node, ast.Comparison):
            if dated:
                return date_compare(expression, node.op, values[0])
            return compare(expression, node.op, values[0])
        assert isinstance(node, ast.InList)
        if dated:
            matched = or_(*(date_compare(expression, "=", v) for v in values))
        else:
            matched = expression.in_(values)
        return and_(expression.is_not(None), not_(matched)) if node.negated else matched

    def _require_string(self, node: ast.Like, definition: PropertyDefinition) -> None:
        if definition.property_type not in _STRINGS:
            raise InvalidArgument(
                f"Query: LIKE needs a string property; {definition.id} is a "
                f"{definition.property_type.value} (position {node.column.position + 1})"
            )

    def matches(self, expression: Any, node: ast.Like) -> Expr:
        """``expression`` matches the LIKE pattern (case-sensitively on every database)."""
        parts = pattern_parts(node.pattern, node.column.position)
        if self.glob:
            return expression.op("GLOB", is_comparison=True)(glob_pattern(parts))  # type: ignore[no-any-return]
        return expression.like(like_pattern(parts), escape="\\")  # type: ignore[no-any-return]

    def _like(self, expression: Any, node: ast.Like) -> Expr:
        matched = self.matches(expression, node)
        return and_(expression.is_not(None), not_(matched)) if node.negated else matched

    def custom(self, node: Any, definition: PropertyDefinition, source: Source) -> Expr:
        column = value_column(definition)

        def having(condition: Any) -> Expr:
            if source.key_prefix is None:
                return false()
            prefix = source.key_prefix
            ids = select(func.substr(CmisPropertyValue.object_key, len(prefix) + 1)).where(
                CmisPropertyValue.property_id == definition.id,
                CmisPropertyValue.object_key.startswith(prefix),
                condition,
            )
            return source.id_column.in_(ids)

        if isinstance(node, ast.IsNull):
            return having(true()) if node.negated else not_(having(true()))
        if isinstance(node, ast.Like):
            self._require_string(node, definition)
            matched = self.matches(column, node)
            return having(not_(matched) if node.negated else matched)
        values = self._values(node, definition)
        if isinstance(node, ast.Comparison):
            return having(compare(column, node.op, values[0]))
        if isinstance(node, ast.AnyEquals):
            return having(column == values[0])
        if isinstance(node, ast.AnyIn):
            found = having(column.in_(values))
            return not_(found) if node.negated else found
        assert isinstance(node, ast.InList)
        return having(column.not_in(values) if node.negated else column.in_(values))

    # --- the ids -----------------------------------------------------------------

    def special(self, node: Any, definition: PropertyDefinition, source: Source) -> Expr:
        pid = definition.id
        if isinstance(node, ast.IsNull):
            present = self._present(pid, source)
            return present if node.negated else not_(present)
        if isinstance(node, ast.Like):
            if pid == "cmis:objectTypeId":
                return self.builtin(node, definition, source)
            raise InvalidArgument(
                f"Query: {pid} is compared with =, <>, IN or NOT IN "
                f"(position {node.column.position + 1})"
            )
        values = self._values(node, definition)
        if isinstance(node, ast.Comparison) and node.op not in ("=", "<>"):
            if pid == "cmis:objectTypeId":
                return self.builtin(node, definition, source)
            raise InvalidArgument(
                f"Query: {pid} is compared with =, <>, IN or NOT IN "
                f"(position {node.column.position + 1})"
            )
        matched = self._matches(pid, values, source)
        negated = getattr(node, "negated", False) or getattr(node, "op", "=") == "<>"
        return not_(matched) if negated else matched

    def _present(self, pid: str, source: Source) -> Expr:
        if pid == "cmis:secondaryObjectTypeIds":
            return has_any_secondary(source)
        if pid == "eakte:subjectKeys":
            return has_subject_keys() if source.kind is SourceKind.AKTE else false()
        return true()

    def _matches(self, pid: str, values: tuple[str, ...], source: Source) -> Expr:
        if pid == "cmis:objectTypeId":
            return type_is(source, self.types, values)
        if pid == "cmis:secondaryObjectTypeIds":
            return has_secondary(source, values)
        if pid == "eakte:subjectKeys":
            return subject_key_matches(values) if source.kind is SourceKind.AKTE else false()
        if pid == "cmis:parentId":
            return or_(
                false(),
                *(self.folders.in_folder(source, folder_id(v, 0)) for v in values),
            )
        return or_(false(), *(_object_id_is(source, v) for v in values))

    # --- order -------------------------------------------------------------------

    def order_expression(self, definition: PropertyDefinition, source: Source) -> Expr:
        if self.types.is_custom_property(definition.id):
            if source.key_prefix is None:
                return cast(null(), sql_type(definition))
            first = select(func.min(value_column(definition))).where(
                CmisPropertyValue.object_key == source.object_key(),
                CmisPropertyValue.property_id == definition.id,
            )
            return first.scalar_subquery()
        expression = source.properties.get(definition.id)
        if expression is None:
            return cast(null(), sql_type(definition))
        return expression

    def score_expression(self, source: Source) -> Expr:
        if source.kind is not SourceKind.DOCUMENT or not self.hits:
            return cast(null(), Numeric(20, 10))
        return case(
            {document_id: score for document_id, score in self.hits.items()},
            value=Document.id,
            else_=0,
        )


def _object_id_is(source: Source, text: str) -> Expr:
    try:
        parsed = parse_object_id(text)
    except ObjectNotFound:
        return false()
    kind, key = source.kind, parsed.key
    simple = {
        (SourceKind.AKTE, IdKind.AKTE): Akte.id,
        (SourceKind.VORGANG, IdKind.VORGANG): Vorgang.id,
        (SourceKind.FOLDER, IdKind.FOLDER): RecordFolder.id,
        (SourceKind.PLAN, IdKind.PLAN): FilePlanEntry.code,
    }.get((kind, parsed.kind))
    if simple is not None:
        return simple == key
    if kind is not SourceKind.DOCUMENT or parsed.kind is not IdKind.DOCUMENT or parsed.pwc:
        return false()
    if parsed.major is None or parsed.minor is None:
        return Document.id == key
    labelled = and_(VersionLabel.major == parsed.major, VersionLabel.minor == parsed.minor)
    unlabelled = and_(VersionLabel.version_id.is_(None), DocumentVersion.number == parsed.major)
    label = or_(labelled, unlabelled) if parsed.minor == 0 else labelled
    current = (
        select(DocumentVersion.id)
        .outerjoin(VersionLabel, VersionLabel.version_id == DocumentVersion.id)
        .where(
            DocumentVersion.document_id == Document.id,
            DocumentVersion.number == Document.current_version,
            label,
        )
    )
    return and_(Document.id == key, exists(current))
