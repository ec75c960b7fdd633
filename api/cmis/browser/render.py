"""CMIS values as the Browser binding's JSON (CMIS 1.1, 5.2 and 5.3).

Properties either in full (``properties``: id, names, type, cardinality, value) or
succinct (``succinctProperties``: id -> value); date-times as epoch milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from services.cmis.model import (
    Acl,
    Cardinality,
    ChangeEvent,
    CmisObject,
    ObjectInFolder,
    ObjectList,
    ObjectParent,
    PropertyDefinition,
    QueryResult,
    QueryRow,
    Rendition,
    TreeNode,
)
from services.cmis.types.json_format import json_value, type_to_json
from services.cmis.types.service import TypeTree

ALLOWABLE_ACTIONS = (
    "canDeleteObject",
    "canUpdateProperties",
    "canGetFolderTree",
    "canGetProperties",
    "canGetObjectRelationships",
    "canGetObjectParents",
    "canGetFolderParent",
    "canGetDescendants",
    "canMoveObject",
    "canDeleteContentStream",
    "canCheckOut",
    "canCancelCheckOut",
    "canCheckIn",
    "canSetContentStream",
    "canGetAllVersions",
    "canAddObjectToFolder",
    "canRemoveObjectFromFolder",
    "canGetContentStream",
    "canApplyPolicy",
    "canGetAppliedPolicies",
    "canRemovePolicy",
    "canGetChildren",
    "canCreateDocument",
    "canCreateFolder",
    "canCreateRelationship",
    "canCreateItem",
    "canDeleteTree",
    "canGetRenditions",
    "canGetACL",
    "canApplyACL",
)
"""Every action of CMIS 1.1 (2.2.1.2.6): each is answered true or false, never left out
(clients index the map without checking)."""


def property_value(definition: PropertyDefinition, values: tuple[Any, ...]) -> Any:
    converted = [json_value(v) for v in values]
    if definition.cardinality is Cardinality.MULTI:
        return converted
    return converted[0] if converted else None


def property_json(
    definition: PropertyDefinition, key: str, values: tuple[Any, ...]
) -> dict[str, Any]:
    return {
        "id": definition.id,
        "localName": definition.local_name or definition.id,
        "displayName": definition.display_name or definition.id,
        "queryName": key,
        "type": definition.property_type.value,
        "cardinality": definition.cardinality.value,
        "value": property_value(definition, values),
    }


def allowable_actions_json(actions: frozenset[str]) -> dict[str, bool]:
    return {name: name in actions for name in ALLOWABLE_ACTIONS}


def acl_json(acl: Acl) -> dict[str, Any]:
    return {
        "aces": [
            {
                "principal": {"principalId": ace.principal_id},
                "permissions": list(ace.permissions),
                "isDirect": ace.direct,
            }
            for ace in acl.aces
        ],
        "isExact": acl.exact,
    }


def rendition_json(rendition: Rendition) -> dict[str, Any]:
    return {
        "streamId": rendition.stream_id,
        "mimeType": rendition.mime_type,
        "length": rendition.length,
        "kind": rendition.kind,
        "title": rendition.title or rendition.stream_id,
    }


def object_json(obj: CmisObject, *, succinct: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if succinct:
        out["succinctProperties"] = {
            key: property_value(p.definition, p.values) for key, p in obj.properties.items()
        }
    else:
        out["properties"] = {
            key: property_json(p.definition, p.definition.query_name or key, p.values)
            for key, p in obj.properties.items()
        }
    if obj.allowable_actions is not None:
        out["allowableActions"] = allowable_actions_json(obj.allowable_actions)
    if obj.acl is not None:
        out["acl"] = acl_json(obj.acl)
        out["exactACL"] = obj.acl.exact
    if obj.renditions:
        out["renditions"] = [rendition_json(r) for r in obj.renditions]
    return out


def objects_json(objects: Iterable[CmisObject], *, succinct: bool) -> list[dict[str, Any]]:
    return [object_json(o, succinct=succinct) for o in objects]


def object_in_folder_json(item: ObjectInFolder, *, succinct: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"object": object_json(item.object, succinct=succinct)}
    if item.path_segment is not None:
        out["pathSegment"] = item.path_segment
    return out


def children_json(page: ObjectList, *, succinct: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "objects": [object_in_folder_json(i, succinct=succinct) for i in page.objects],
        "hasMoreItems": page.has_more_items,
    }
    if page.num_items is not None:
        out["numItems"] = page.num_items
    return out


def object_list_json(page: ObjectList, *, succinct: bool) -> dict[str, Any]:
    """A plain object list (checkedOut): objects themselves, not objects in a folder."""
    out: dict[str, Any] = {
        "objects": [object_json(i.object, succinct=succinct) for i in page.objects],
        "hasMoreItems": page.has_more_items,
    }
    if page.num_items is not None:
        out["numItems"] = page.num_items
    return out


def tree_json(nodes: Sequence[TreeNode], *, succinct: bool) -> list[dict[str, Any]]:
    out = []
    for node in nodes:
        container: dict[str, Any] = {"object": object_in_folder_json(node.item, succinct=succinct)}
        if node.children:
            container["children"] = tree_json(node.children, succinct=succinct)
        out.append(container)
    return out


def parents_json(parents: Sequence[ObjectParent], *, succinct: bool) -> list[dict[str, Any]]:
    out = []
    for parent in parents:
        entry: dict[str, Any] = {"object": object_json(parent.object, succinct=succinct)}
        if parent.relative_path_segment is not None:
            entry["relativePathSegment"] = parent.relative_path_segment
        out.append(entry)
    return out


def query_row_json(row: QueryRow, *, succinct: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if succinct:
        out["succinctProperties"] = {
            key: property_value(definition, values) for definition, key, values in row.properties
        }
    else:
        out["properties"] = {
            key: property_json(definition, key, values)
            for definition, key, values in row.properties
        }
    if row.allowable_actions is not None:
        out["allowableActions"] = allowable_actions_json(row.allowable_actions)
    return out


def query_json(result: QueryResult, *, succinct: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "results": [query_row_json(r, succinct=succinct) for r in result.rows],
        "hasMoreItems": result.has_more_items,
    }
    if result.num_items is not None:
        out["numItems"] = result.num_items
    return out


def changes_json(
    events: Sequence[ChangeEvent], token: str | None, has_more: bool, *, succinct: bool
) -> dict[str, Any]:
    objects = []
    for event in events:
        if succinct:
            properties: dict[str, Any] = {"succinctProperties": {"cmis:objectId": event.object_id}}
        else:
            properties = {
                "properties": {
                    "cmis:objectId": {
                        "id": "cmis:objectId",
                        "localName": "objectId",
                        "displayName": "Object Id",
                        "queryName": "cmis:objectId",
                        "type": "id",
                        "cardinality": "single",
                        "value": event.object_id,
                    }
                }
            }
        objects.append(
            {
                **properties,
                "changeEventInfo": {
                    "changeType": event.change_type,
                    "changeTime": json_value(event.change_time),
                },
            }
        )
    return {
        "objects": objects,
        "hasMoreItems": has_more,
        "numItems": len(objects),
        "changeLogToken": token,
    }


def type_tree_json(
    trees: Sequence[TypeTree], *, include_property_definitions: bool
) -> list[dict[str, Any]]:
    out = []
    for tree in trees:
        entry: dict[str, Any] = {
            "type": type_to_json(
                tree.type, include_property_definitions=include_property_definitions
            )
        }
        if tree.children:
            entry["children"] = type_tree_json(
                tree.children, include_property_definitions=include_property_definitions
            )
        out.append(entry)
    return out
