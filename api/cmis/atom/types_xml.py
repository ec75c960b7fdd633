"""Type definitions as AtomPub XML (``cmisra:type``), out and (for createType) in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.cmis.atom.entries import atom_id, link, new_root
from api.cmis.atom.ns import (
    APP,
    ATOM,
    CMIS,
    CMISRA,
    ENTRY_TYPE,
    FEED_TYPE,
    SERVICE_TYPE,
    TREE_TYPE,
    XSI,
    boolean,
    q,
    sub,
)
from api.cmis.atom.properties_xml import ELEMENT_OF_TYPE, iso_datetime, value_text
from api.cmis.atom.urls import AtomUrls
from services.cmis.errors import InvalidArgument
from services.cmis.model import BaseTypeId, PropertyDefinition, PropertyType, TypeDefinition

_SCHEMA_TYPE = {
    BaseTypeId.DOCUMENT: "cmis:cmisTypeDocumentDefinitionType",
    BaseTypeId.FOLDER: "cmis:cmisTypeFolderDefinitionType",
    BaseTypeId.RELATIONSHIP: "cmis:cmisTypeRelationshipDefinitionType",
    BaseTypeId.POLICY: "cmis:cmisTypePolicyDefinitionType",
    BaseTypeId.ITEM: "cmis:cmisTypeItemDefinitionType",
    BaseTypeId.SECONDARY: "cmis:cmisTypeSecondaryDefinitionType",
}
_DEFINITION_ELEMENT = {kind: name + "Definition" for kind, name in ELEMENT_OF_TYPE.items()}
_KIND_OF_DEFINITION = {name: kind for kind, name in _DEFINITION_ELEMENT.items()}


def _add_values(
    parent: Any, name: str, definition: PropertyDefinition, values: tuple[Any, ...]
) -> None:
    element = sub(parent, CMIS, name, propertyDefinitionId=definition.id)
    for value in values:
        sub(element, CMIS, "value", value_text(value))


def add_property_definition(parent: Any, d: PropertyDefinition) -> None:
    element = sub(parent, CMIS, _DEFINITION_ELEMENT[d.property_type])
    for name, text in (
        ("id", d.id),
        ("localName", d.local_name or d.id),
        ("localNamespace", d.local_namespace),
        ("displayName", d.display_name or d.id),
        ("queryName", d.query_name or d.id),
        ("description", d.description),
        ("propertyType", d.property_type.value),
        ("cardinality", d.cardinality.value),
        ("updatability", d.updatability.value),
        ("inherited", boolean(d.inherited)),
        ("required", boolean(d.required)),
        ("queryable", boolean(d.queryable)),
        ("orderable", boolean(d.orderable)),
        ("openChoice", boolean(d.open_choice)),
    ):
        sub(element, CMIS, name, text)
    if d.default_value:
        _add_values(element, "defaultValue", d, d.default_value)
    for choice in d.choices:
        choice_element = sub(element, CMIS, "choice", displayName=choice.display_name)
        for value in choice.values:
            sub(choice_element, CMIS, "value", value_text(value))
    if d.max_length is not None:
        sub(element, CMIS, "maxLength", str(d.max_length))
    if d.min_value is not None:
        sub(element, CMIS, "minValue", value_text(d.min_value))
    if d.max_value is not None:
        sub(element, CMIS, "maxValue", value_text(d.max_value))
    if d.precision is not None:
        sub(element, CMIS, "precision", str(d.precision))
    if d.resolution is not None:
        sub(element, CMIS, "resolution", d.resolution)


def add_type(parent: Any, t: TypeDefinition, *, include_property_definitions: bool) -> Any:
    """``cmisra:type`` with the elements in the order of the schema."""
    element = sub(parent, CMISRA, "type", **{q(XSI, "type"): _SCHEMA_TYPE[t.base_id]})
    for name, text in (
        ("id", t.id),
        ("localName", t.local_name or t.id),
        ("localNamespace", t.local_namespace),
        ("displayName", t.display_name or t.id),
        ("queryName", t.query_name or t.id),
        ("description", t.description),
        ("baseId", t.base_id.value),
    ):
        sub(element, CMIS, name, text)
    if t.parent_id:
        sub(element, CMIS, "parentId", t.parent_id)
    for name, flag in (
        ("creatable", t.creatable),
        ("fileable", t.fileable),
        ("queryable", t.queryable),
        ("fulltextIndexed", t.fulltext_indexed),
        ("includedInSupertypeQuery", t.included_in_supertype_query),
        ("controllablePolicy", t.controllable_policy),
        ("controllableACL", t.controllable_acl),
    ):
        sub(element, CMIS, name, boolean(flag))
    mutability = sub(element, CMIS, "typeMutability")
    sub(mutability, CMIS, "create", boolean(t.type_mutability.create))
    sub(mutability, CMIS, "update", boolean(t.type_mutability.update))
    sub(mutability, CMIS, "delete", boolean(t.type_mutability.delete))
    if include_property_definitions:
        for definition in t.property_definitions.values():
            add_property_definition(element, definition)
    if t.base_id is BaseTypeId.DOCUMENT:
        sub(element, CMIS, "versionable", boolean(bool(t.versionable)))
        sub(element, CMIS, "contentStreamAllowed", t.content_stream_allowed or "allowed")
    return element


def type_entry(
    t: TypeDefinition,
    urls: AtomUrls,
    *,
    parent: Any | None = None,
    include_property_definitions: bool = True,
) -> Any:
    entry = new_root(ATOM, "entry") if parent is None else sub(parent, ATOM, "entry")
    author = sub(entry, ATOM, "author")
    sub(author, ATOM, "name", "eakte")
    sub(entry, ATOM, "id", atom_id("type:" + t.id))
    sub(entry, ATOM, "title", t.display_name or t.id)
    now = iso_datetime(datetime.now(UTC))
    sub(entry, ATOM, "updated", now)
    sub(entry, APP, "edited", now)
    self_url = urls.type_entry(t.id)
    link(entry, "self", self_url, ENTRY_TYPE)
    if not t.built_in:
        link(entry, "edit", self_url, ENTRY_TYPE)
    link(entry, "service", urls.service, SERVICE_TYPE)
    link(entry, "describedby", urls.type_entry(t.base_id.value), ENTRY_TYPE)
    if t.parent_id:
        link(entry, "up", urls.type_entry(t.parent_id), ENTRY_TYPE)
    link(entry, "down", urls.types(t.id), FEED_TYPE)
    link(entry, "down", urls.type_descendants(t.id), TREE_TYPE)
    add_type(entry, t, include_property_definitions=include_property_definitions)
    return entry


def _text(element: Any, name: str) -> str | None:
    found = element.find(q(CMIS, name))
    return None if found is None else (found.text or "").strip()


def _values(element: Any, kind: PropertyType) -> list[Any]:
    texts = [(v.text or "") for v in element.findall(q(CMIS, "value"))]
    if kind is PropertyType.BOOLEAN:
        return [t.strip().lower() == "true" for t in texts]
    return texts


def _property_json(element: Any, kind: PropertyType) -> dict[str, Any]:
    data: dict[str, Any] = {"propertyType": kind.value}
    for name in (
        "id", "localName", "localNamespace", "displayName", "queryName", "description",
        "cardinality", "updatability", "inherited", "required", "queryable", "orderable",
        "openChoice", "maxLength", "minValue", "maxValue", "precision", "resolution",
    ):  # fmt: skip
        text = _text(element, name)
        if text is not None:
            data[name] = (
                int(text) if name in ("maxLength", "precision") and text.isdigit() else text
            )
    default = element.find(q(CMIS, "defaultValue"))
    if default is not None:
        data["defaultValue"] = _values(default, kind)
    choices = element.findall(q(CMIS, "choice"))
    if choices:
        data["choice"] = [
            {"displayName": c.get("displayName", ""), "value": _values(c, kind)} for c in choices
        ]
    return data


def type_json_from_xml(root: Any) -> dict[str, Any]:
    """A ``cmisra:type`` element as the CMIS JSON the type services take."""
    if root.tag != q(CMISRA, "type"):
        raise InvalidArgument("expected a cmisra:type element")
    data: dict[str, Any] = {}
    for name in (
        "id", "localName", "localNamespace", "displayName", "queryName", "description",
        "baseId", "parentId", "creatable", "fileable", "queryable", "fulltextIndexed",
        "includedInSupertypeQuery", "controllablePolicy", "controllableACL", "versionable",
        "contentStreamAllowed",
    ):  # fmt: skip
        text = _text(root, name)
        if text is not None:
            data[name] = text
    mutability = root.find(q(CMIS, "typeMutability"))
    if mutability is not None:
        data["typeMutability"] = {
            key: value
            for key in ("create", "update", "delete")
            if (value := _text(mutability, key))
        }
    definitions: dict[str, Any] = {}
    for child in root:
        kind = _KIND_OF_DEFINITION.get(child.tag.removeprefix(f"{{{CMIS}}}"))
        if kind is not None:
            prop = _property_json(child, kind)
            definitions[str(prop.get("id"))] = prop
    data["propertyDefinitions"] = definitions
    return data
