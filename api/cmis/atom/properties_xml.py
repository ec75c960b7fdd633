"""CMIS properties as XML (``cmis:properties``) and values as the spec writes them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from api.cmis.atom.ns import CMIS, boolean, sub
from services.cmis.model import Property, PropertyDefinition, PropertyType

ELEMENT_OF_TYPE = {
    PropertyType.STRING: "propertyString",
    PropertyType.ID: "propertyId",
    PropertyType.INTEGER: "propertyInteger",
    PropertyType.DECIMAL: "propertyDecimal",
    PropertyType.BOOLEAN: "propertyBoolean",
    PropertyType.DATETIME: "propertyDateTime",
    PropertyType.URI: "propertyUri",
    PropertyType.HTML: "propertyHtml",
}
TYPE_OF_ELEMENT = {name: kind for kind, name in ELEMENT_OF_TYPE.items()}


def iso_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds: ``2026-12-07T12:00:00.000Z``."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return boolean(value)
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def add_property(
    parent: Any,
    definition: PropertyDefinition,
    values: Iterable[Any],
    query_name: str | None = None,
) -> None:
    element = sub(
        parent,
        CMIS,
        ELEMENT_OF_TYPE[definition.property_type],
        propertyDefinitionId=definition.id,
        localName=definition.local_name or definition.id,
        displayName=definition.display_name or definition.id,
        queryName=query_name or definition.query_name or definition.id,
    )
    for value in values:
        sub(element, CMIS, "value", value_text(value))


def add_properties(parent: Any, properties: Iterable[Property]) -> Any:
    element = sub(parent, CMIS, "properties")
    for prop in properties:
        add_property(element, prop.definition, prop.values)
    return element
