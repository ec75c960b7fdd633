"""The types and client-defined values a write names, checked against the registry.

``cmis:objectTypeId`` and ``cmis:secondaryObjectTypeIds`` arrive as raw strings with the
other properties; they decide which definitions parse the rest, and what is kept beside
the record (:func:`services.cmis.properties.save_custom`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from services.cmis.errors import Constraint, InvalidArgument
from services.cmis.model import BaseTypeId, TypeDefinition
from services.cmis.properties import save_custom
from services.cmis.types.registry import TypeRegistry

Raw = Mapping[str, Sequence[str]]
TYPE_PROPERTIES = ("cmis:objectTypeId", "cmis:secondaryObjectTypeIds")


@dataclass(frozen=True)
class RequestedTypes:
    """The primary type a client asked for and its secondary types."""

    primary: TypeDefinition
    secondaries: tuple[TypeDefinition, ...]

    @property
    def custom_type_id(self) -> str | None:
        """The client-defined primary type (stored beside the record), None for a built-in."""
        return None if self.primary.built_in else self.primary.id

    @property
    def secondary_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.secondaries)


def requested_types(
    types: TypeRegistry, raw: Raw, base: BaseTypeId, extra_secondary: Sequence[str] = ()
) -> RequestedTypes:
    """The types named in ``cmis:objectTypeId`` and ``cmis:secondaryObjectTypeIds``."""
    type_id = last_value(raw, "cmis:objectTypeId") or base.value
    primary = known_type(types, type_id)
    if primary.base_id is not base:
        raise InvalidArgument(f"type {type_id} is not a {base.value} type")
    if not primary.creatable:
        raise Constraint(f"objects of type {type_id} cannot be created")
    return RequestedTypes(
        primary,
        secondary_types(types, [*raw.get("cmis:secondaryObjectTypeIds", ()), *extra_secondary]),
    )


def secondary_types(types: TypeRegistry, ids: Sequence[str]) -> tuple[TypeDefinition, ...]:
    found: dict[str, TypeDefinition] = {}
    for type_id in ids:
        if not type_id.strip():
            continue
        definition = known_type(types, type_id.strip())
        if definition.base_id is not BaseTypeId.SECONDARY or definition.id == "cmis:secondary":
            raise InvalidArgument(f"type {type_id} is not a secondary type")
        found[definition.id] = definition
    return tuple(found.values())


def save_requested(
    session: Session,
    types: TypeRegistry,
    key: str,
    requested: RequestedTypes,
    parsed: Mapping[str, tuple[Any, ...]],
) -> None:
    custom = {pid: values for pid, values in parsed.items() if types.is_custom_property(pid)}
    if requested.custom_type_id or requested.secondaries or custom:
        save_custom(session, key, requested.custom_type_id, requested.secondary_ids, custom, types)


def last_value(raw: Raw, pid: str) -> str | None:
    values = raw.get(pid)
    if not values:
        return None
    value = values if isinstance(values, str) else values[-1]
    return value.strip() or None


def without_types(raw: Raw) -> dict[str, Sequence[str]]:
    return {pid: values for pid, values in raw.items() if pid not in TYPE_PROPERTIES}


def known_type(types: TypeRegistry, type_id: str) -> TypeDefinition:
    found = types.find(type_id)
    if found is None:
        raise InvalidArgument(f"type {type_id!r} does not exist")
    return found
