"""Which rows of a source belong to the queried type (and the subtypes it includes).

A record has its built-in type (by source, and for record folders by kind) unless
``cmis_object_types`` gives it a client-defined one; secondary types are listed there
too.  Conditions look up each candidate's row there by its key.
"""

from __future__ import annotations

from sqlalchemy import String, and_, cast, exists, false, or_, true

from services.cmis.model import BaseTypeId, TypeDefinition
from services.cmis.query.sources import (
    BUILTIN_TYPES,
    FOLDER_KIND_TYPES,
    Expr,
    Source,
    SourceKind,
)
from services.cmis.types.registry import TypeRegistry
from services.db.models import CmisObjectType


def source_base(kind: SourceKind) -> BaseTypeId:
    return BaseTypeId.DOCUMENT if kind is SourceKind.DOCUMENT else BaseTypeId.FOLDER


def ids_with(source: Source, condition: Expr) -> Expr:
    """Objects of ``source`` whose ``cmis_object_types`` row passes ``condition``.

    Correlated (a primary-key probe per candidate row): a type covers many objects, so
    the other conditions (a property value, a folder) should drive the statement.
    """
    if source.key_prefix is None:
        return false()
    return exists().where(CmisObjectType.object_key == source.object_key(), condition)


def has_secondary(source: Source, type_ids: tuple[str, ...]) -> Expr:
    """Objects with one of the secondary types (the JSON list's text names it)."""
    listed = cast(CmisObjectType.secondary_type_ids, String)
    return ids_with(source, or_(*(listed.contains(f'"{t}"') for t in type_ids)))


def has_any_secondary(source: Source) -> Expr:
    return ids_with(source, cast(CmisObjectType.secondary_type_ids, String).contains('"'))


def _builtin(source: Source, type_ids: list[str]) -> Expr:
    """Rows whose built-in type is one of ``type_ids``."""
    if source.folder_kind is not None:
        kinds = [k for k, t in FOLDER_KIND_TYPES.items() if t in type_ids]
        return source.folder_kind.in_(kinds) if kinds else false()
    return true() if set(BUILTIN_TYPES[source.kind]) & set(type_ids) else false()


def type_condition(source: Source, types: TypeRegistry, queried: TypeDefinition) -> Expr:
    """The rows of ``source`` whose type is ``queried`` or an included subtype of it."""
    covered = types.query_type_ids(queried.id)
    if queried.base_id is BaseTypeId.SECONDARY:
        return has_secondary(source, covered)
    return _type_in(source, types, covered)


def _type_in(source: Source, types: TypeRegistry, covered: tuple[str, ...]) -> Expr:
    base = source_base(source.kind)
    builtin_in = [t for t in BUILTIN_TYPES[source.kind] if t in covered]
    if source.key_prefix is None:
        return _builtin(source, builtin_in)
    custom = [t for t in types.types.values() if not t.built_in and t.base_id is base]
    custom_in = [t.id for t in custom if t.id in covered]
    custom_out = [t.id for t in custom if t.id not in covered]
    parts: list[Expr] = []
    if builtin_in:
        builtin = _builtin(source, builtin_in)
        if custom_out:
            excluded = ids_with(source, CmisObjectType.type_id.in_(custom_out))
            parts.append(and_(builtin, ~excluded))
        else:
            parts.append(builtin)
    if custom_in:
        parts.append(ids_with(source, CmisObjectType.type_id.in_(custom_in)))
    return or_(*parts) if parts else false()


def type_is(source: Source, types: TypeRegistry, type_ids: tuple[str, ...]) -> Expr:
    """``cmis:objectTypeId`` is one of ``type_ids`` (exactly, not their subtypes)."""
    return _type_in(source, types, type_ids)
