"""CMIS 1.1 Browser-binding JSON of type definitions, out and in.

The shape is the one OpenCMIS writes and reads (``JSONConverter``) and cmislib
expects: camel-case keys, ``typeMutability``, ``propertyDefinitions`` keyed by id,
``choice`` lists, single values for single-valued properties and arrays for multi.
Date-time values travel as epoch milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from services.cmis.errors import InvalidArgument
from services.cmis.model import (
    BaseTypeId,
    Cardinality,
    Choice,
    PropertyDefinition,
    PropertyType,
    TypeDefinition,
    TypeMutability,
    Updatability,
)


def json_value(value: Any) -> Any:
    """One property value as JSON: datetimes as epoch ms, decimals as numbers."""
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _values_out(definition: PropertyDefinition, values: tuple[Any, ...]) -> Any:
    converted = [json_value(v) for v in values]
    if definition.cardinality is Cardinality.MULTI:
        return converted
    return converted[0] if converted else None


def property_to_json(d: PropertyDefinition) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": d.id,
        "localName": d.local_name,
        "localNamespace": d.local_namespace,
        "displayName": d.display_name,
        "queryName": d.query_name,
        "description": d.description,
        "propertyType": d.property_type.value,
        "cardinality": d.cardinality.value,
        "updatability": d.updatability.value,
        "inherited": d.inherited,
        "required": d.required,
        "queryable": d.queryable,
        "orderable": d.orderable,
        "openChoice": d.open_choice,
    }
    if d.default_value:
        result["defaultValue"] = _values_out(d, d.default_value)
    if d.choices:
        result["choice"] = [
            {"displayName": c.display_name, "value": _values_out(d, c.values)} for c in d.choices
        ]
    optional = {
        "maxLength": d.max_length,
        "minValue": json_value(d.min_value) if d.min_value is not None else None,
        "maxValue": json_value(d.max_value) if d.max_value is not None else None,
        "precision": d.precision,
        "resolution": d.resolution,
    }
    result.update({k: v for k, v in optional.items() if v is not None})
    return result


def type_to_json(t: TypeDefinition, *, include_property_definitions: bool = True) -> dict[str, Any]:
    """The CMIS JSON of a type definition (``propertyDefinitions`` only when asked for)."""
    result: dict[str, Any] = {
        "id": t.id,
        "localName": t.local_name,
        "localNamespace": t.local_namespace,
        "displayName": t.display_name,
        "queryName": t.query_name,
        "description": t.description,
        "baseId": t.base_id.value,
        "creatable": t.creatable,
        "fileable": t.fileable,
        "queryable": t.queryable,
        "fulltextIndexed": t.fulltext_indexed,
        "includedInSupertypeQuery": t.included_in_supertype_query,
        "controllablePolicy": t.controllable_policy,
        "controllableACL": t.controllable_acl,
        "typeMutability": {
            "create": t.type_mutability.create,
            "update": t.type_mutability.update,
            "delete": t.type_mutability.delete,
        },
    }
    if t.parent_id is not None:
        result["parentId"] = t.parent_id
    if t.base_id is BaseTypeId.DOCUMENT:
        result["versionable"] = bool(t.versionable)
        result["contentStreamAllowed"] = t.content_stream_allowed or "allowed"
    if include_property_definitions:
        result["propertyDefinitions"] = {
            d.id: property_to_json(d) for d in t.property_definitions.values()
        }
    return result


# --- in ------------------------------------------------------------------------------


def _enum(enum: Any, raw: Any, what: str) -> Any:
    try:
        return enum(str(raw).lower() if enum is not BaseTypeId else str(raw))
    except ValueError:
        raise InvalidArgument(f"{what}: unknown value {raw!r}") from None


def _flag(data: Mapping[str, Any], key: str, default: bool) -> bool:
    raw = data.get(key, default)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise InvalidArgument(f"{key} must be true or false, not {raw!r}")


def json_to_value(property_type: PropertyType, raw: Any, what: str) -> Any:
    """A JSON value of a definition (default, choice, min/max) as its Python value."""
    try:
        if property_type is PropertyType.INTEGER:
            if isinstance(raw, bool) or int(raw) != Decimal(str(raw)):
                raise ValueError
            return int(raw)
        if property_type is PropertyType.DECIMAL:
            return Decimal(str(raw))
        if property_type is PropertyType.BOOLEAN:
            if not isinstance(raw, bool):
                raise ValueError
            return raw
        if property_type is PropertyType.DATETIME:
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                return datetime.fromtimestamp(raw / 1000, UTC)
            parsed = datetime.fromisoformat(str(raw))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, TypeError, InvalidOperation, OverflowError):
        raise InvalidArgument(f"{what}: {raw!r} is not a {property_type.value}") from None
    if not isinstance(raw, str):
        raise InvalidArgument(f"{what}: {raw!r} is not a {property_type.value}")
    return raw


def _values_in(property_type: PropertyType, raw: Any, what: str) -> tuple[Any, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    return tuple(json_to_value(property_type, item, what) for item in items)


def _optional_value(d: Mapping[str, Any], key: str, ptype: PropertyType, pid: str) -> Any:
    raw = d.get(key)
    return None if raw is None else json_to_value(ptype, raw, f"{pid} {key}")


def property_from_json(data: Mapping[str, Any]) -> PropertyDefinition:
    pid = data.get("id")
    if not isinstance(pid, str) or not pid:
        raise InvalidArgument("a property definition needs an id")
    ptype = _enum(PropertyType, data.get("propertyType"), f"{pid} propertyType")
    choices = []
    for raw_choice in data.get("choice") or []:
        if not isinstance(raw_choice, Mapping):
            raise InvalidArgument(f"{pid}: a choice must be an object")
        choices.append(
            Choice(
                str(raw_choice.get("displayName") or ""),
                _values_in(ptype, raw_choice.get("value"), f"{pid} choice"),
            )
        )
    max_length = data.get("maxLength")
    if max_length is not None and (not isinstance(max_length, int) or max_length < 0):
        raise InvalidArgument(f"{pid} maxLength must be a non-negative integer")
    precision = data.get("precision")
    return PropertyDefinition(
        id=pid,
        property_type=ptype,
        cardinality=_enum(Cardinality, data.get("cardinality", "single"), f"{pid} cardinality"),
        updatability=_enum(
            Updatability, data.get("updatability", "readwrite"), f"{pid} updatability"
        ),
        local_name=str(data.get("localName") or pid),
        local_namespace=str(data.get("localNamespace") or ""),
        query_name=str(data.get("queryName") or pid),
        display_name=str(data.get("displayName") or pid),
        description=str(data.get("description") or ""),
        inherited=_flag(data, "inherited", False),
        required=_flag(data, "required", False),
        queryable=_flag(data, "queryable", True),
        orderable=_flag(data, "orderable", True),
        open_choice=_flag(data, "openChoice", True),
        default_value=_values_in(ptype, data.get("defaultValue"), f"{pid} defaultValue"),
        choices=tuple(choices),
        max_length=max_length,
        min_value=_optional_value(data, "minValue", ptype, pid),
        max_value=_optional_value(data, "maxValue", ptype, pid),
        precision=int(precision) if precision is not None else None,
        resolution=str(data["resolution"]) if data.get("resolution") else None,
    )


def type_from_json(data: Mapping[str, Any]) -> TypeDefinition:
    """A client's type definition as sent: own properties only (``inherited`` ones dropped).

    The registry adds the parent's properties; ``built_in`` is False.
    """
    type_id = data.get("id")
    if not isinstance(type_id, str) or not type_id:
        raise InvalidArgument("a type definition needs an id")
    raw_props = data.get("propertyDefinitions") or {}
    if isinstance(raw_props, Mapping):
        raw_props = list(raw_props.values())
    if not isinstance(raw_props, list):
        raise InvalidArgument("propertyDefinitions must be an object")
    own = [property_from_json(p) for p in raw_props if isinstance(p, Mapping)]
    if len(own) != len(raw_props):
        raise InvalidArgument("each property definition must be an object")
    mutability = data.get("typeMutability") or {}
    if not isinstance(mutability, Mapping):
        raise InvalidArgument("typeMutability must be an object")
    parent_id = data.get("parentId")
    return TypeDefinition(
        id=type_id,
        base_id=_enum(BaseTypeId, data.get("baseId"), "baseId"),
        parent_id=str(parent_id) if parent_id else None,
        local_name=str(data.get("localName") or type_id),
        local_namespace=str(data.get("localNamespace") or ""),
        query_name=str(data.get("queryName") or type_id),
        display_name=str(data.get("displayName") or type_id),
        description=str(data.get("description") or ""),
        creatable=_flag(data, "creatable", True),
        fileable=_flag(data, "fileable", True),
        queryable=_flag(data, "queryable", True),
        fulltext_indexed=_flag(data, "fulltextIndexed", False),
        included_in_supertype_query=_flag(data, "includedInSupertypeQuery", True),
        controllable_policy=_flag(data, "controllablePolicy", False),
        controllable_acl=_flag(data, "controllableACL", False),
        type_mutability=TypeMutability(
            create=_flag(mutability, "create", True),
            update=_flag(mutability, "update", True),
            delete=_flag(mutability, "delete", True),
        ),
        versionable=_flag(data, "versionable", True) if "versionable" in data else None,
        content_stream_allowed=(
            str(data["contentStreamAllowed"]) if data.get("contentStreamAllowed") else None
        ),
        property_definitions={p.id: p for p in own if not p.inherited},
        built_in=False,
    )
