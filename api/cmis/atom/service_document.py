"""The AtomPub service document: one workspace per repository (part 3, 3.6.1).

It is written indented: whitespace between elements is insignificant in XML, and some
clients (cmislib) read the first child node of every capability as its text, which an
indented nested capability (creatablePropertyTypes) then has.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from lxml import etree
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.cmis.atom.entries import add_folder_tree_links, link, new_root
from api.cmis.atom.ns import (
    APP,
    ATOM,
    CMIS,
    CMISATOM_TYPE,
    CMISRA,
    ENTRY_TYPE,
    FEED_TYPE,
    QUERY_TYPE,
    REL_CHANGES,
    REL_ROOT_DESCENDANTS,
    REL_TYPE_DESCENDANTS,
    SERVICE_TYPE,
    TREE_TYPE,
    boolean,
    sub,
)
from api.cmis.atom.support import AtomRoute, run
from api.cmis.atom.urls import AtomUrls
from api.cmis.context import cmis_context
from services.cmis.repository_info import RepositoryInfo, repository_info

router = APIRouter(route_class=AtomRoute, include_in_schema=False)

CAPABILITY_ORDER = (
    "ACL", "allVersionsSearchable", "changes", "contentStreamUpdatability", "getDescendants",
    "getFolderTree", "orderBy", "multifiling", "PWCSearchable", "PWCUpdatable", "query",
    "renditions", "unfiling", "versionSpecificFiling", "join", "creatablePropertyTypes",
    "newTypeSettableAttributes",
)  # fmt: skip
"""The order of cmisRepositoryCapabilitiesType (CMIS 1.1 schema)."""

OBJECT_PARAMETERS = (
    "filter",
    "includeAllowableActions",
    "includePolicyIds",
    "includeRelationships",
    "includeACL",
    "renditionFilter",
)
QUERY_PARAMETERS = (
    "q",
    "searchAllVersions",
    "includeAllowableActions",
    "includeRelationships",
    "maxItems",
    "skipCount",
)


def _text(value: Any) -> str:
    return boolean(value) if isinstance(value, bool) else str(value)


def _add_capabilities(parent: Any, capabilities: dict[str, Any]) -> None:
    element = sub(parent, CMIS, "capabilities")
    for key in CAPABILITY_ORDER:
        if key not in capabilities:
            continue
        value = capabilities[key]
        name = "capability" + key[0].upper() + key[1:]
        if key == "creatablePropertyTypes":
            nested = sub(element, CMIS, name)
            for kind in value.get("canCreate", ()):
                sub(nested, CMIS, "canCreate", kind)
        elif key == "newTypeSettableAttributes":
            nested = sub(element, CMIS, name)
            for attribute, settable in value.items():
                sub(nested, CMIS, attribute, boolean(bool(settable)))
        else:
            sub(element, CMIS, name, _text(value))


def add_repository_info(parent: Any, info: RepositoryInfo) -> Any:
    element = sub(parent, CMISRA, "repositoryInfo")
    for name, text in (
        ("repositoryId", info.id),
        ("repositoryName", info.name),
        ("repositoryDescription", info.description),
        ("vendorName", info.vendor_name),
        ("productName", info.product_name),
        ("productVersion", info.product_version),
        ("rootFolderId", info.root_folder_id),
    ):
        sub(element, CMIS, name, text)
    if info.latest_change_log_token is not None:
        sub(element, CMIS, "latestChangeLogToken", info.latest_change_log_token)
    _add_capabilities(element, dict(info.capabilities))
    acl = sub(element, CMIS, "aclCapability")
    sub(acl, CMIS, "supportedPermissions", info.acl_capabilities.supported_permissions)
    sub(acl, CMIS, "propagation", info.acl_capabilities.propagation)
    for definition in info.acl_capabilities.permissions:
        permissions = sub(acl, CMIS, "permissions")
        sub(permissions, CMIS, "permission", definition.permission)
        sub(permissions, CMIS, "description", definition.description)
    for key, granting in info.acl_capabilities.mapping.items():
        mapping = sub(acl, CMIS, "mapping")
        sub(mapping, CMIS, "key", key)
        for permission in granting:
            sub(mapping, CMIS, "permission", permission)
    sub(element, CMIS, "cmisVersionSupported", info.cmis_version_supported)
    if info.thin_client_uri:
        sub(element, CMIS, "thinClientURI", info.thin_client_uri)
    sub(element, CMIS, "changesIncomplete", boolean(info.changes_incomplete))
    for type_id in info.changes_on_type:
        sub(element, CMIS, "changesOnType", type_id)
    sub(element, CMIS, "principalAnonymous", info.principal_id_anonymous)
    sub(element, CMIS, "principalAnyone", info.principal_id_anyone)
    return element


def _collection(parent: Any, href: str, title: str, kind: str, accepts: tuple[str, ...]) -> None:
    collection = sub(parent, APP, "collection", href=href)
    sub(collection, ATOM, "title", title, type="text")
    for accept in accepts:
        sub(collection, APP, "accept", accept)
    sub(collection, CMISRA, "collectionType", kind)


def _template(parent: Any, template: str, kind: str, media_type: str) -> None:
    element = sub(parent, CMISRA, "uritemplate")
    sub(element, CMISRA, "template", template)
    sub(element, CMISRA, "type", kind)
    sub(element, CMISRA, "mediatype", media_type)


def add_workspace(parent: Any, info: RepositoryInfo, urls: AtomUrls) -> None:
    workspace = sub(parent, APP, "workspace")
    sub(workspace, ATOM, "title", info.name, type="text")
    add_repository_info(workspace, info)
    root = info.root_folder_id
    _collection(workspace, urls.children(root), "Root Collection", "root", (ENTRY_TYPE,))
    _collection(workspace, urls.types(), "Types Collection", "types", (ENTRY_TYPE,))
    _collection(workspace, urls.query(), "Query Collection", "query", (QUERY_TYPE,))
    _collection(
        workspace, urls.checked_out(), "Checked Out Collection", "checkedout", (ENTRY_TYPE,)
    )
    _collection(workspace, urls.bulk_update(), "Bulk Update Collection", "update", (CMISATOM_TYPE,))
    link(workspace, REL_TYPE_DESCENDANTS, urls.type_descendants(), FEED_TYPE)
    add_folder_tree_links(workspace, urls.folder_tree(root))
    link(workspace, REL_ROOT_DESCENDANTS, urls.descendants(root), TREE_TYPE)
    link(workspace, REL_CHANGES, urls.changes(), FEED_TYPE)
    _template(workspace, urls.template("id", ("id", *OBJECT_PARAMETERS)), "objectbyid", ENTRY_TYPE)
    _template(
        workspace, urls.template("path", ("path", *OBJECT_PARAMETERS)), "objectbypath", ENTRY_TYPE
    )
    _template(workspace, urls.template("query", QUERY_PARAMETERS), "query", FEED_TYPE)
    _template(workspace, urls.template("type", ("id",)), "typebyid", ENTRY_TYPE)


def service_document(info: RepositoryInfo, urls: AtomUrls) -> bytes:
    root = new_root(APP, "service")
    add_workspace(root, info, urls)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _response(body: bytes) -> Response:
    return Response(body, media_type=SERVICE_TYPE)


@router.get("")
@router.get("/")
async def get_service_document(request: Request) -> Response:
    """All repositories (eakte has one)."""

    def work() -> RepositoryInfo:
        with cmis_context(request, write=False) as ctx:
            return repository_info(ctx)

    info = await run_in_threadpool(work)
    return _response(service_document(info, AtomUrls(request, info.id)))


@router.get("/{repository_id}")
async def get_repository_service_document(request: Request, repository_id: str) -> Response:
    info = await run(request, repository_id, repository_info, write=False)
    return _response(service_document(info, AtomUrls(request, info.id)))
