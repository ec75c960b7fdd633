"""Client property values: parsed by their definitions, stored when clients define them.

The Browser binding sends every value as a string (AtomPub sends typed XML, turned into
strings by the binding), so :func:`parse_properties` converts by the property's type and
checks the definition's constraints.  Properties of client-defined types live in
``cmis_property_values``, one typed row per value, and the object's client-defined type
and secondary types in ``cmis_object_types``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.cmis.errors import Constraint, InvalidArgument
from services.cmis.model import (
    Cardinality,
    PropertyDefinition,
    PropertyType,
    TypeDefinition,
    Updatability,
)
from services.cmis.types.registry import TypeRegistry, registry
from services.db.models import CmisObjectType, CmisPropertyValue

_TRUE = ("true", "1")
_FALSE = ("false", "0")
_STRINGS = (PropertyType.STRING, PropertyType.ID, PropertyType.URI, PropertyType.HTML)
_BATCH = 500
"""Object keys per IN list when loading in bulk."""


class WriteMode(StrEnum):
    """When values are written; decides which updatabilities are allowed."""

    CREATE = "create"
    UPDATE = "update"
    CHECKED_OUT = "checkedout"
    """Changing a private working copy (or checking it in)."""


_ALLOWED = {
    WriteMode.CREATE: {Updatability.READWRITE, Updatability.ONCREATE, Updatability.WHENCHECKEDOUT},
    WriteMode.UPDATE: {Updatability.READWRITE},
    WriteMode.CHECKED_OUT: {Updatability.READWRITE, Updatability.WHENCHECKEDOUT},
}
_TYPE_IDS = ("cmis:objectTypeId", "cmis:secondaryObjectTypeIds")
"""Checked by the callers, which decide about types; passed through here."""


@dataclass(frozen=True)
class CustomState:
    """What ``cmis_object_types`` and ``cmis_property_values`` hold for one object."""

    type_id: str | None = None
    secondary_ids: tuple[str, ...] = ()
    values: dict[str, tuple[Any, ...]] = field(default_factory=dict)


def parse_value(definition: PropertyDefinition, raw: str) -> Any:
    """One string as the property's Python value; InvalidArgument when it is not one."""
    ptype = definition.property_type
    text = raw.strip()
    try:
        if ptype in _STRINGS:
            return raw
        if ptype is PropertyType.BOOLEAN:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError
        if ptype is PropertyType.INTEGER:
            return int(text)
        if ptype is PropertyType.DECIMAL:
            number = Decimal(text)
            if not number.is_finite():
                raise ValueError
            return number
        return parse_datetime(text)
    except (ValueError, InvalidOperation, OverflowError):
        raise InvalidArgument(
            f"Property {definition.id}: {raw!r} is not a valid {ptype.value}"
        ) from None


def parse_datetime(text: str) -> datetime:
    """Epoch milliseconds or ISO 8601; without a zone UTC is meant."""
    if text.lstrip("-").isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    parsed = datetime.fromisoformat(text)
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check_value(definition: PropertyDefinition, value: Any) -> None:
    pid = definition.id
    limit = definition.max_length
    if limit is not None and isinstance(value, str) and len(value) > limit:
        raise Constraint(f"Property {pid} is longer than {definition.max_length} characters")
    if definition.min_value is not None and value < definition.min_value:
        raise Constraint(f"Property {pid} is below its minimum {definition.min_value}")
    if definition.max_value is not None and value > definition.max_value:
        raise Constraint(f"Property {pid} is above its maximum {definition.max_value}")
    if definition.choices and not definition.open_choice:
        allowed = {v for choice in definition.choices for v in choice.values}
        if value not in allowed:
            raise Constraint(f"Property {pid}: {value!r} is not one of its choices")


def _definitions(
    type_def: TypeDefinition, secondary_defs: Sequence[TypeDefinition]
) -> dict[str, PropertyDefinition]:
    found = dict(type_def.property_definitions)
    for secondary in secondary_defs:
        for pid, definition in secondary.property_definitions.items():
            found.setdefault(pid, definition)
    return found


def parse_properties(
    type_def: TypeDefinition,
    secondary_defs: Sequence[TypeDefinition],
    raw: Mapping[str, Sequence[str]],
    *,
    mode: WriteMode = WriteMode.CREATE,
) -> dict[str, tuple[Any, ...]]:
    """The given properties as typed value tuples, checked against their definitions.

    Unknown property → InvalidArgument; a value that is not of the property's type →
    InvalidArgument; several values for a single-valued property, a property that may
    not be written now (``mode``), a required one left empty, a value too long, out of
    range or not among closed choices → Constraint.  On create, properties not given
    that have a default get it.  ``cmis:objectTypeId`` and
    ``cmis:secondaryObjectTypeIds`` are returned as given: the callers decide on types.
    """
    definitions = _definitions(type_def, secondary_defs)
    parsed: dict[str, tuple[Any, ...]] = {}
    for pid, raw_values in raw.items():
        definition = definitions.get(pid)
        if definition is None:
            raise InvalidArgument(f"Property {pid!r} is not defined for type {type_def.id}")
        values = [raw_values] if isinstance(raw_values, str) else list(raw_values)
        if definition.property_type not in _STRINGS:
            values = [v for v in values if v.strip() != ""]
        if pid in _TYPE_IDS:
            parsed[pid] = tuple(values)
            continue
        if definition.updatability not in _ALLOWED[mode]:
            raise Constraint(f"Property {pid} is {definition.updatability.value}")
        if definition.cardinality is Cardinality.SINGLE and len(values) > 1:
            raise Constraint(f"Property {pid} is single-valued; {len(values)} values given")
        typed = tuple(parse_value(definition, v) for v in values)
        for value in typed:
            _check_value(definition, value)
        if definition.required and not typed:
            raise Constraint(f"Property {pid} is required")
        parsed[pid] = typed
    if mode is WriteMode.CREATE:
        _complete_for_create(definitions, parsed)
    return parsed


def _complete_for_create(
    definitions: Mapping[str, PropertyDefinition], parsed: dict[str, tuple[Any, ...]]
) -> None:
    for pid, definition in definitions.items():
        if pid in parsed or pid in _TYPE_IDS:
            continue
        if definition.updatability is Updatability.READONLY:
            continue
        if definition.default_value:
            parsed[pid] = definition.default_value
        elif definition.required:
            raise Constraint(f"Property {pid} is required")


# --- stored values of client-defined properties ------------------------------------


def _column_values(definition: PropertyDefinition, value: Any) -> dict[str, Any]:
    ptype = definition.property_type
    if ptype in (PropertyType.INTEGER, PropertyType.DECIMAL):
        return {"value_number": Decimal(value)}
    if ptype is PropertyType.DATETIME:
        return {"value_datetime": value}
    if ptype is PropertyType.BOOLEAN:
        return {"value_bool": value}
    return {"value_string": value}


def stored_value(definition: PropertyDefinition | None, row: CmisPropertyValue) -> Any:
    """A stored row's value as the property's Python value."""
    if row.value_number is not None:
        ptype = definition.property_type if definition else PropertyType.DECIMAL
        return int(row.value_number) if ptype is PropertyType.INTEGER else row.value_number
    if row.value_datetime is not None:
        return row.value_datetime
    if row.value_bool is not None:
        return row.value_bool
    return row.value_string


def _chunks(keys: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(keys), _BATCH):
        yield keys[start : start + _BATCH]


def load_custom(
    session: Session, object_keys: Iterable[str], types: TypeRegistry | None = None
) -> dict[str, CustomState]:
    """Client-defined type, secondary types and values of many objects (two queries a batch).

    Every key asked for is in the answer; objects without rows get an empty state.
    """
    keys = list(dict.fromkeys(object_keys))
    types = types or registry(session)
    kinds: dict[str, CmisObjectType] = {}
    rows: dict[str, list[CmisPropertyValue]] = {}
    for chunk in _chunks(keys):
        for kind in session.scalars(
            select(CmisObjectType).where(CmisObjectType.object_key.in_(chunk))
        ):
            kinds[kind.object_key] = kind
        for row in session.scalars(
            select(CmisPropertyValue)
            .where(CmisPropertyValue.object_key.in_(chunk))
            .order_by(
                CmisPropertyValue.object_key,
                CmisPropertyValue.property_id,
                CmisPropertyValue.position,
            )
        ):
            rows.setdefault(row.object_key, []).append(row)
    states: dict[str, CustomState] = {}
    for key in keys:
        found = kinds.get(key)
        type_id = found.type_id if found else None
        secondary = tuple(str(s) for s in found.secondary_type_ids) if found else ()
        lookup = (*([type_id] if type_id else []), *secondary)
        values: dict[str, list[Any]] = {}
        for row in rows.get(key, []):
            definition = types.property_definition(lookup, row.property_id)
            values.setdefault(row.property_id, []).append(stored_value(definition, row))
        states[key] = CustomState(
            type_id, secondary, {pid: tuple(found) for pid, found in values.items()}
        )
    return states


def save_custom(
    session: Session,
    object_key: str,
    type_id: str | None,
    secondary_ids: Sequence[str],
    values: Mapping[str, tuple[Any, ...]],
    types: TypeRegistry | None = None,
) -> None:
    """Set an object's client-defined type, secondary types and property values.

    ``type_id`` is the client-defined primary type (None for a built-in one).  Each
    property in ``values`` replaces its stored values (an empty tuple removes them);
    properties that are not client-defined (``cmis:``, ``eakte:``) are ignored, and values
    of properties that neither the type nor a secondary type defines any more are removed.
    """
    types = types or registry(session)
    lookup = (*([type_id] if type_id else []), *secondary_ids)
    kind = session.get(CmisObjectType, object_key)
    if type_id is None and not secondary_ids:
        if kind is not None:
            session.delete(kind)
    elif kind is None:
        session.add(
            CmisObjectType(
                object_key=object_key, type_id=type_id, secondary_type_ids=list(secondary_ids)
            )
        )
    else:
        kind.type_id = type_id
        kind.secondary_type_ids = list(secondary_ids)
    stored = session.scalars(
        select(CmisPropertyValue.property_id)
        .where(CmisPropertyValue.object_key == object_key)
        .distinct()
    ).all()
    defined = {
        pid
        for t in lookup
        if (found := types.find(t)) is not None
        for pid in found.property_definitions
    }
    replaced = {pid for pid in values if types.is_custom_property(pid)}
    dropped = {pid for pid in stored if pid not in defined} | replaced
    if dropped:
        session.execute(
            delete(CmisPropertyValue).where(
                CmisPropertyValue.object_key == object_key,
                CmisPropertyValue.property_id.in_(dropped),
            )
        )
    for pid in sorted(replaced):
        definition = types.property_definition(lookup, pid)
        if definition is None:
            raise InvalidArgument(f"Property {pid!r} is not defined for this object's types")
        for position, value in enumerate(values[pid]):
            session.add(
                CmisPropertyValue(
                    object_key=object_key,
                    property_id=pid,
                    position=position,
                    **_column_values(definition, value),
                )
            )
    session.flush()
