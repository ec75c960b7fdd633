"""Reading the repository's types: getTypeChildren, getTypeDescendants, getTypeDefinition."""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.access.roles import Permission
from services.cmis.errors import InvalidArgument
from services.cmis.model import CmisContext, TypeDefinition
from services.cmis.types.registry import TypeRegistry, registry


@dataclass
class TypeTree:
    type: TypeDefinition
    children: list[TypeTree]


def page_size(ctx: CmisContext, max_items: int | None) -> int:
    """A client's maxItems: the default when not given, never above the limit."""
    if max_items is not None and max_items < 0:
        raise InvalidArgument("maxItems must not be negative")
    wanted = ctx.settings.cmis.max_items_default if max_items is None else max_items
    return min(wanted, ctx.settings.cmis.max_items_limit)


def _shown(t: TypeDefinition, include_property_definitions: bool) -> TypeDefinition:
    return t if include_property_definitions else replace(t, property_definitions={})


def type_definition(ctx: CmisContext, type_id: str) -> TypeDefinition:
    ctx.scope.require(Permission.READ_DOCUMENTS)
    return registry(ctx.session).get(type_id)


def type_children(
    ctx: CmisContext,
    type_id: str | None,
    *,
    include_property_definitions: bool,
    skip_count: int,
    max_items: int | None,
) -> tuple[list[TypeDefinition], bool, int]:
    """One page of the direct subtypes (base types for None), has more, total."""
    ctx.scope.require(Permission.READ_DOCUMENTS)
    if skip_count < 0:
        raise InvalidArgument("skipCount must not be negative")
    children = registry(ctx.session).children(type_id)
    size = page_size(ctx, max_items)
    page = children[skip_count : skip_count + size]
    shown = [_shown(t, include_property_definitions) for t in page]
    return shown, skip_count + len(page) < len(children), len(children)


def _tree(
    types: TypeRegistry, type_id: str | None, depth: int, include_property_definitions: bool
) -> list[TypeTree]:
    return [
        TypeTree(
            _shown(child, include_property_definitions),
            _tree(types, child.id, depth - 1, include_property_definitions) if depth != 1 else [],
        )
        for child in types.children(type_id)
    ]


def type_descendants(
    ctx: CmisContext, type_id: str | None, depth: int, *, include_property_definitions: bool
) -> list[TypeTree]:
    """The subtypes as trees; depth -1 for all levels, 0 is not allowed (CMIS 2.2.2.4)."""
    ctx.scope.require(Permission.READ_DOCUMENTS)
    if depth == 0 or depth < -1:
        raise InvalidArgument("depth must be -1 or at least 1")
    return _tree(registry(ctx.session), type_id, depth, include_property_definitions)
