"""All types of the repository: eakte's built-ins and the types clients defined.

Client-defined types are stored with their own property definitions only; the registry
adds what they inherit, so a parent's definition is always the current one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.cmis.errors import ObjectNotFound
from services.cmis.model import PropertyDefinition, TypeDefinition
from services.cmis.types.builtin import BASE_TYPES, BUILT_IN
from services.cmis.types.json_format import type_from_json
from services.db.models import CmisType


@dataclass(frozen=True)
class TypeRegistry:
    types: Mapping[str, TypeDefinition]
    """Every type by id: built-ins first, then client-defined ones in creation order."""

    def find(self, type_id: str) -> TypeDefinition | None:
        return self.types.get(type_id)

    def get(self, type_id: str) -> TypeDefinition:
        found = self.types.get(type_id)
        if found is None:
            raise ObjectNotFound(f"Type {type_id!r} does not exist")
        return found

    def by_query_name(self, query_name: str) -> TypeDefinition | None:
        for t in self.types.values():
            if t.query_name == query_name:
                return t
        return None

    def children(self, type_id: str | None) -> list[TypeDefinition]:
        """Direct subtypes; for None the base types."""
        if type_id is None:
            return list(BASE_TYPES)
        self.get(type_id)
        return [t for t in self.types.values() if t.parent_id == type_id]

    def descendants(self, type_id: str) -> list[TypeDefinition]:
        """All subtypes below ``type_id``, depth first (the type itself not included)."""
        found: list[TypeDefinition] = []
        for child in self.children(type_id):
            found.append(child)
            found.extend(self.descendants(child.id))
        return found

    def is_a(self, type_id: str, ancestor_id: str) -> bool:
        current = self.types.get(type_id)
        while current is not None:
            if current.id == ancestor_id:
                return True
            current = self.types.get(current.parent_id) if current.parent_id else None
        return False

    def query_type_ids(self, type_id: str) -> tuple[str, ...]:
        """The types a query ``FROM type_id`` covers: it and its subtypes that opt in."""
        below = [t.id for t in self.descendants(type_id) if t.included_in_supertype_query]
        return (type_id, *below)

    def property_definition(
        self, type_ids: Iterable[str], property_id: str
    ) -> PropertyDefinition | None:
        """The definition of ``property_id`` in the first of ``type_ids`` that has it."""
        for type_id in type_ids:
            t = self.types.get(type_id)
            if t is not None and property_id in t.property_definitions:
                return t.property_definitions[property_id]
        return None

    def is_custom_property(self, property_id: str) -> bool:
        """A property a client defined (stored in ``cmis_property_values``)."""
        return not property_id.startswith(("cmis:", "eakte:"))


def resolve_custom(parent: TypeDefinition, own: TypeDefinition) -> TypeDefinition:
    """A client-defined type with its parent's properties (inherited) before its own.

    What eakte must keep whatever the client asked for comes from the parent: base type,
    versioning and content rules (eakte always versions and every document has content).
    """
    properties = {pid: replace(d, inherited=True) for pid, d in parent.property_definitions.items()}
    properties.update(
        {pid: replace(d, inherited=False) for pid, d in own.property_definitions.items()}
    )
    return replace(
        own,
        base_id=parent.base_id,
        parent_id=parent.id,
        fileable=parent.fileable,
        versionable=parent.versionable,
        content_stream_allowed=parent.content_stream_allowed,
        property_definitions=properties,
        built_in=False,
    )


def build_registry(stored: Iterable[TypeDefinition]) -> TypeRegistry:
    """Built-ins plus the stored own definitions, each resolved against its parent."""
    pending = {t.id: t for t in stored}
    types: dict[str, TypeDefinition] = dict(BUILT_IN)
    progress = True
    while pending and progress:
        progress = False
        for type_id, own in list(pending.items()):
            parent = types.get(own.parent_id or "")
            if parent is not None:
                types[type_id] = resolve_custom(parent, own)
                del pending[type_id]
                progress = True
    return TypeRegistry(types)


def registry(session: Session) -> TypeRegistry:
    """The repository's types as stored now (one query)."""
    rows = session.scalars(select(CmisType).order_by(CmisType.created_at, CmisType.id))
    return build_registry(type_from_json(row.definition) for row in rows)
