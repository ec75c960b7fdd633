"""Atom entries of CMIS objects and the feeds that list them (CMIS 1.1 part 3, 3.5-3.6)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from lxml import etree

from api.cmis.atom.ns import (
    ACL_TYPE,
    ALLOWABLE_ACTIONS_TYPE,
    APP,
    ATOM,
    CMIS,
    CMISRA,
    ENTRY_TYPE,
    FEED_TYPE,
    NSMAP,
    REL_ACL,
    REL_ALLOWABLE_ACTIONS,
    REL_FOLDER_TREE,
    SERVICE_TYPE,
    TREE_TYPE,
    boolean,
    q,
    sub,
)
from api.cmis.atom.properties_xml import add_properties, iso_datetime
from api.cmis.atom.urls import AtomUrls
from services.cmis.model import Acl, BaseTypeId, CmisObject, Rendition

ACTIONS = (
    "canDeleteObject", "canUpdateProperties", "canGetFolderTree", "canGetProperties",
    "canGetObjectRelationships", "canGetObjectParents", "canGetFolderParent",
    "canGetDescendants", "canMoveObject", "canDeleteContentStream", "canCheckOut",
    "canCancelCheckOut", "canCheckIn", "canSetContentStream", "canGetAllVersions",
    "canAddObjectToFolder", "canRemoveObjectFromFolder", "canGetContentStream",
    "canApplyPolicy", "canGetAppliedPolicies", "canRemovePolicy", "canGetChildren",
    "canCreateDocument", "canCreateFolder", "canCreateRelationship", "canCreateItem",
    "canDeleteTree", "canGetRenditions", "canGetACL", "canApplyACL",
)  # fmt: skip
"""In the order of the schema's cmisAllowableActionsType."""


def atom_id(object_id: str) -> str:
    return "urn:eakte:cmis:" + quote(object_id, safe=":;.-")


def link(parent: Any, rel: str, href: str, media_type: str | None = None, **extra: str) -> Any:
    attrib = {"rel": rel, "href": href}
    if media_type:
        attrib["type"] = media_type
    attrib.update(extra)
    return sub(parent, ATOM, "link", **attrib)


def new_root(ns: str, name: str) -> Any:
    return etree.Element(q(ns, name), nsmap=NSMAP)


def _prop(obj: CmisObject, property_id: str) -> Any:
    prop = obj.properties.get(property_id)
    return prop.first if prop else None


def _timestamp(value: Any) -> str:
    return iso_datetime(value if isinstance(value, datetime) else datetime.now(UTC))


def add_allowable_actions(parent: Any | None, actions: frozenset[str]) -> Any:
    """``cmis:allowableActions`` inside ``parent``, or as a document root when None."""
    element = (
        new_root(CMIS, "allowableActions")
        if parent is None
        else sub(parent, CMIS, "allowableActions")
    )
    for action in ACTIONS:
        sub(element, CMIS, action, boolean(action in actions))
    return element


def add_acl(parent: Any | None, acl: Acl) -> Any:
    """``cmis:acl`` inside ``parent``, or as a document root when None."""
    element = new_root(CMIS, "acl") if parent is None else sub(parent, CMIS, "acl")
    for ace in acl.aces:
        permission = sub(element, CMIS, "permission")
        principal = sub(permission, CMIS, "principal")
        sub(principal, CMIS, "principalId", ace.principal_id)
        for name in ace.permissions:
            sub(permission, CMIS, "permission", name)
        sub(permission, CMIS, "direct", boolean(ace.direct))
    return element


def add_rendition(parent: Any, rendition: Rendition) -> None:
    element = sub(parent, CMIS, "rendition")
    sub(element, CMIS, "streamId", rendition.stream_id)
    sub(element, CMIS, "mimetype", rendition.mime_type)
    if rendition.length is not None:
        sub(element, CMIS, "length", str(rendition.length))
    sub(element, CMIS, "kind", rendition.kind)
    if rendition.title:
        sub(element, CMIS, "title", rendition.title)


def add_object(parent: Any, obj: CmisObject) -> Any:
    """``cmisra:object``: properties, allowable actions, ACL, renditions."""
    element = sub(parent, CMISRA, "object")
    add_properties(element, obj.properties.values())
    if obj.allowable_actions is not None:
        add_allowable_actions(element, obj.allowable_actions)
    if obj.acl is not None:
        add_acl(element, obj.acl)
        sub(element, CMIS, "exactACL", boolean(obj.acl.exact))
    for rendition in obj.renditions:
        add_rendition(element, rendition)
    return element


def _has_content(obj: CmisObject) -> bool:
    length = _prop(obj, "cmis:contentStreamLength")
    return bool(_prop(obj, "cmis:contentStreamMimeType")) or bool(length)


def _document_links(entry: Any, obj: CmisObject, urls: AtomUrls) -> None:
    object_id = obj.object_id
    if _has_content(obj):
        mime = _prop(obj, "cmis:contentStreamMimeType") or "application/octet-stream"
        link(entry, "edit-media", urls.content(object_id), mime)
        link(entry, "enclosure", urls.content(object_id), mime)
    link(entry, "up", urls.parents(object_id), FEED_TYPE)
    series = _prop(obj, "cmis:versionSeriesId") or object_id.split(";")[0]
    link(entry, "version-history", urls.versions(series), FEED_TYPE)
    link(entry, "current-version", urls.entry(series, returnVersion="latest"), ENTRY_TYPE)
    if _prop(obj, "cmis:isPrivateWorkingCopy"):
        link(entry, "via", urls.entry(series, returnVersion="latest"), ENTRY_TYPE)
    else:
        pwc = _prop(obj, "cmis:versionSeriesCheckedOutId")
        if pwc:
            link(entry, "working-copy", urls.entry(pwc), ENTRY_TYPE)
    for rendition in obj.renditions:
        link(
            entry,
            "alternate",
            urls.content(object_id, rendition.stream_id),
            rendition.mime_type,
            **{
                q(CMISRA, "renditionKind"): rendition.kind,
                "title": rendition.title or rendition.stream_id,
            },
        )


def add_folder_tree_links(parent: Any, href: str) -> None:
    """The folder tree link, typed as a tree and as a feed: clients look for either."""
    link(parent, REL_FOLDER_TREE, href, TREE_TYPE)
    link(parent, REL_FOLDER_TREE, href, FEED_TYPE)


def _folder_links(entry: Any, obj: CmisObject, urls: AtomUrls) -> None:
    object_id = obj.object_id
    if _prop(obj, "cmis:parentId"):
        link(entry, "up", urls.parent(object_id), ENTRY_TYPE)
    link(entry, "down", urls.children(object_id), FEED_TYPE)
    link(entry, "down", urls.descendants(object_id), TREE_TYPE)
    add_folder_tree_links(entry, urls.folder_tree(object_id))


def object_entry(
    obj: CmisObject,
    urls: AtomUrls,
    *,
    parent: Any | None = None,
    path_segment: str | None = None,
    relative_path_segment: str | None = None,
) -> Any:
    """The ``atom:entry`` of an object, as a document root or inside ``parent``."""
    entry = new_root(ATOM, "entry") if parent is None else sub(parent, ATOM, "entry")
    author = sub(entry, ATOM, "author")
    sub(author, ATOM, "name", str(_prop(obj, "cmis:createdBy") or "eakte"))
    if obj.base_type_id is BaseTypeId.DOCUMENT and _has_content(obj):
        mime = _prop(obj, "cmis:contentStreamMimeType") or "application/octet-stream"
        sub(entry, ATOM, "content", src=urls.content(obj.object_id), type=mime)
    sub(entry, ATOM, "id", atom_id(obj.object_id))
    sub(entry, ATOM, "title", str(_prop(obj, "cmis:name") or obj.object_id))
    description = _prop(obj, "cmis:description")
    if description:
        sub(entry, ATOM, "summary", str(description))
    updated = _timestamp(_prop(obj, "cmis:lastModificationDate"))
    sub(entry, ATOM, "updated", updated)
    sub(entry, ATOM, "published", _timestamp(_prop(obj, "cmis:creationDate")))
    sub(entry, APP, "edited", updated)
    self_url = urls.entry(obj.object_id)
    link(entry, "self", self_url, ENTRY_TYPE)
    link(entry, "edit", self_url, ENTRY_TYPE)
    link(entry, "service", urls.service, SERVICE_TYPE)
    link(entry, "describedby", urls.type_entry(obj.type_id), ENTRY_TYPE)
    link(
        entry, REL_ALLOWABLE_ACTIONS, urls.allowable_actions(obj.object_id), ALLOWABLE_ACTIONS_TYPE
    )
    link(entry, REL_ACL, urls.acl(obj.object_id), ACL_TYPE)
    if obj.base_type_id is BaseTypeId.DOCUMENT:
        _document_links(entry, obj, urls)
    elif obj.base_type_id is BaseTypeId.FOLDER:
        _folder_links(entry, obj, urls)
    add_object(entry, obj)
    if path_segment is not None:
        sub(entry, CMISRA, "pathSegment", path_segment)
    if relative_path_segment is not None:
        sub(entry, CMISRA, "relativePathSegment", relative_path_segment)
    return entry


def feed(
    urls: AtomUrls,
    *,
    title: str,
    self_url: str,
    parent: Any | None = None,
    num_items: int | None = None,
) -> Any:
    """An empty ``atom:feed`` with its required elements and self link."""
    root = new_root(ATOM, "feed") if parent is None else sub(parent, ATOM, "feed")
    author = sub(root, ATOM, "author")
    sub(author, ATOM, "name", "eakte")
    sub(root, ATOM, "id", atom_id(self_url))
    sub(root, ATOM, "title", title)
    sub(root, ATOM, "updated", iso_datetime(datetime.now(UTC)))
    link(root, "self", self_url, FEED_TYPE)
    link(root, "service", urls.service, SERVICE_TYPE)
    if num_items is not None:
        sub(root, CMISRA, "numItems", str(num_items))
    return root


def paging_links(
    root: Any, base_url: str, *, skip_count: int, max_items: int, has_more: bool
) -> None:
    """``first`` and, when there are, ``previous`` and ``next`` pages."""
    joiner = "&" if "?" in base_url else "?"
    link(root, "first", f"{base_url}{joiner}skipCount=0&maxItems={max_items}", FEED_TYPE)
    if skip_count > 0:
        previous = max(0, skip_count - max_items)
        link(
            root,
            "previous",
            f"{base_url}{joiner}skipCount={previous}&maxItems={max_items}",
            FEED_TYPE,
        )
    if has_more:
        link(
            root,
            "next",
            f"{base_url}{joiner}skipCount={skip_count + max_items}&maxItems={max_items}",
            FEED_TYPE,
        )


def add_entries(root: Any, objects: Iterable[CmisObject], urls: AtomUrls) -> None:
    for obj in objects:
        object_entry(obj, urls, parent=root)
