"""Client-defined types (CMIS 1.1 type mutability): create, add properties, delete.

A client may derive document, folder and secondary types from any type that allows it
(the base types and eakte's record types except the plan item).  Definitions are kept
with their own properties only; existing properties never change (their stored values
and queries rely on them), so an update may only add properties.  Every change is in
the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import String, cast, exists, select

from services.access.roles import Permission
from services.audit.trail import record_event
from services.cmis.errors import Constraint, InvalidArgument, ObjectNotFound
from services.cmis.model import (
    BaseTypeId,
    Cardinality,
    CmisContext,
    PropertyDefinition,
    PropertyType,
    TypeDefinition,
    Updatability,
)
from services.cmis.types.builtin import RESERVED_PREFIXES
from services.cmis.types.json_format import type_from_json, type_to_json
from services.cmis.types.registry import TypeRegistry, registry, resolve_custom
from services.db.models import CmisObjectType, CmisPropertyValue, CmisType

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*(:[A-Za-z_][A-Za-z0-9_.\-]*)?$")
_QUERY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z_][A-Za-z0-9_]*)?$")
"""What a query may name without quotes (CMIS 2.1.2.1.3: no spaces, commas, dots …)."""
MAX_STRING_LENGTH = 4000
"""``cmis_property_values.value_string`` holds at most this many characters."""
_BASES = (BaseTypeId.DOCUMENT, BaseTypeId.FOLDER, BaseTypeId.SECONDARY)


def _check_name(kind: str, value: str) -> None:
    query_name = "query name" in kind
    if len(value) > 200 or not (_QUERY_NAME if query_name else _ID).match(value):
        allowed = "letters, digits, _" + ("" if query_name else " . -")
        raise InvalidArgument(f"{kind} {value!r} is not well-formed ({allowed} and one ':')")
    if value.startswith(RESERVED_PREFIXES):
        raise InvalidArgument(f"{kind} {value!r}: the prefixes cmis: and eakte: are reserved")


def _own_property(d: PropertyDefinition) -> PropertyDefinition:
    """A client's property definition, checked and completed."""
    _check_name("Property id", d.id)
    _check_name("Property query name", d.query_name)
    if d.property_type is PropertyType.STRING or d.property_type is PropertyType.HTML:
        if d.max_length is not None and d.max_length > MAX_STRING_LENGTH:
            raise Constraint(f"Property {d.id}: maxLength is at most {MAX_STRING_LENGTH}")
        d = replace(d, max_length=d.max_length or MAX_STRING_LENGTH)
    if d.required and d.updatability is Updatability.READONLY and not d.default_value:
        raise Constraint(f"Property {d.id} is required and read-only without a default")
    if d.cardinality is Cardinality.SINGLE and len(d.default_value) > 1:
        raise InvalidArgument(f"Property {d.id} is single-valued but has several defaults")
    return replace(d, inherited=False, queryable=True)


def _check_against_others(
    types: TypeRegistry, own: TypeDefinition, properties: Mapping[str, PropertyDefinition]
) -> None:
    """Property ids stay unambiguous: same id elsewhere means the same type and cardinality."""
    for other in types.types.values():
        if other.id == own.id:
            continue
        for pid, d in properties.items():
            theirs = other.property_definitions.get(pid)
            if theirs is None or theirs.inherited:
                continue
            if (theirs.property_type, theirs.cardinality) != (d.property_type, d.cardinality):
                raise Constraint(
                    f"Property {pid} is already defined by {other.id} with another type"
                )
        if other.query_name == own.query_name:
            raise Constraint(f"Query name {own.query_name!r} is taken by {other.id}")


def _validated(types: TypeRegistry, definition: Mapping[str, Any]) -> TypeDefinition:
    own = type_from_json(definition)
    _check_name("Type id", own.id)
    _check_name("Type query name", own.query_name)
    if own.parent_id is None:
        raise InvalidArgument("A type definition needs a parentId")
    parent = types.find(own.parent_id)
    if parent is None:
        raise InvalidArgument(f"Parent type {own.parent_id!r} does not exist")
    if parent.base_id not in _BASES or not parent.type_mutability.create:
        raise Constraint(f"Type {parent.id} does not allow subtypes")
    if own.base_id is not parent.base_id:
        raise InvalidArgument(f"baseId {own.base_id} does not match the parent's {parent.base_id}")
    properties = {pid: _own_property(d) for pid, d in own.property_definitions.items()}
    for pid in properties:
        if pid in parent.property_definitions:
            raise Constraint(f"Property {pid} is already defined by {parent.id}")
    _check_against_others(types, own, properties)
    creatable = own.creatable and own.base_id is not BaseTypeId.SECONDARY
    return replace(own, property_definitions=properties, creatable=creatable)


def _event(ctx: CmisContext, action: str, type_id: str, details: dict[str, Any]) -> None:
    record_event(
        ctx.session,
        actor=ctx.scope.actor,
        action=action,
        object_type="cmis_type",
        object_id=type_id,
        details={"via": "cmis", **details},
        clock=ctx.clock,
    )


def create_type(ctx: CmisContext, definition: Mapping[str, Any]) -> TypeDefinition:
    """Define a new type (CMIS JSON format); answers the stored definition."""
    ctx.scope.require(Permission.MANAGE_TYPES)
    types = registry(ctx.session)
    own = _validated(types, definition)
    if types.find(own.id) is not None:
        raise Constraint(f"Type {own.id} already exists")
    now = ctx.clock.now()
    ctx.session.add(
        CmisType(
            id=own.id,
            base_id=own.base_id.value,
            parent_id=own.parent_id,
            definition=type_to_json(own),
            created_at=now,
            created_by=ctx.scope.actor,
            updated_at=now,
        )
    )
    _event(
        ctx,
        "cmis.type.created",
        own.id,
        {"parent": own.parent_id, "properties": sorted(own.property_definitions)},
    )
    ctx.session.flush()
    return registry(ctx.session).get(own.id)


def _stored(ctx: CmisContext, type_id: str) -> CmisType:
    row = ctx.session.get(CmisType, type_id)
    if row is None:
        if registry(ctx.session).find(type_id) is not None:
            raise Constraint(f"Type {type_id} is built in and cannot be changed")
        raise ObjectNotFound(f"Type {type_id!r} does not exist")
    return row


def update_type(ctx: CmisContext, definition: Mapping[str, Any]) -> TypeDefinition:
    """Add properties to a client-defined type; changing existing ones is refused."""
    ctx.scope.require(Permission.MANAGE_TYPES)
    type_id = definition.get("id")
    if not isinstance(type_id, str):
        raise InvalidArgument("A type definition needs an id")
    row = _stored(ctx, type_id)
    types = registry(ctx.session)
    current = type_from_json(row.definition)
    if not types.get(type_id).type_mutability.update:
        raise Constraint(f"Type {type_id} cannot be updated")
    wanted = _validated(types, {**definition, "parentId": row.parent_id, "baseId": row.base_id})
    for pid, existing in current.property_definitions.items():
        if wanted.property_definitions.get(pid, existing) != existing:
            raise Constraint(f"Property {pid} exists; only new properties may be added")
    added = {
        pid: d
        for pid, d in wanted.property_definitions.items()
        if pid not in current.property_definitions
    }
    for pid, d in added.items():
        if d.required and not d.default_value:
            raise Constraint(f"Property {pid}: a required property added later needs a default")
    updated = replace(current, property_definitions={**current.property_definitions, **added})
    resolve_custom(types.get(row.parent_id), updated)
    row.definition = type_to_json(updated)
    row.updated_at = ctx.clock.now()
    _event(ctx, "cmis.type.updated", type_id, {"added": sorted(added)})
    ctx.session.flush()
    return registry(ctx.session).get(type_id)


def delete_type(ctx: CmisContext, type_id: str) -> None:
    """Delete a client-defined type no object uses and no type derives from."""
    ctx.scope.require(Permission.MANAGE_TYPES)
    row = _stored(ctx, type_id)
    types = registry(ctx.session)
    if not types.get(type_id).type_mutability.delete:
        raise Constraint(f"Type {type_id} cannot be deleted")
    if types.children(type_id):
        raise Constraint(f"Type {type_id} has subtypes")
    if _in_use(ctx, types, type_id):
        raise Constraint(f"Type {type_id} is used by objects")
    ctx.session.delete(row)
    _event(ctx, "cmis.type.deleted", type_id, {"parent": row.parent_id})
    ctx.session.flush()


def _in_use(ctx: CmisContext, types: TypeRegistry, type_id: str) -> bool:
    session = ctx.session
    primary = session.scalar(select(exists().where(CmisObjectType.type_id == type_id)))
    if primary:
        return True
    if types.get(type_id).base_id is not BaseTypeId.SECONDARY:
        return False
    # Secondary ids live in a JSON list: its text finds the candidates, Python confirms.
    lists = session.scalars(
        select(CmisObjectType.secondary_type_ids).where(
            cast(CmisObjectType.secondary_type_ids, String).contains(f'"{type_id}"')
        )
    )
    if any(type_id in (ids or []) for ids in lists):
        return True
    own = list(types.get(type_id).property_definitions)
    return bool(
        own and session.scalar(select(exists().where(CmisPropertyValue.property_id.in_(own))))
    )
