"""Reading objects: entries by id and by path, parents, allowable actions, folder feeds."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.cmis.atom.entries import (
    add_allowable_actions,
    feed,
    link,
    object_entry,
    paging_links,
)
from api.cmis.atom.ns import CMISRA, ENTRY_TYPE, FEED_TYPE, TREE_TYPE, sub
from api.cmis.atom.support import (
    AtomRoute,
    flag,
    number,
    operation_context,
    page_size,
    param,
    required,
    run,
    xml_response,
)
from api.cmis.atom.urls import AtomUrls
from services.cmis.actions import get_allowable_actions
from services.cmis.errors import InvalidArgument
from services.cmis.model import CmisContext, CmisObject, ObjectList, OperationContext, TreeNode
from services.cmis.navigation import (
    get_checked_out_docs,
    get_children,
    get_descendants,
    get_folder_parent,
    get_object,
    get_object_by_path,
    get_object_parents,
)
from services.cmis.versioning import get_object_of_latest_version

router = APIRouter(route_class=AtomRoute, include_in_schema=False)


def _latest(ctx: CmisContext, object_id: str, return_version: str | None, oc: Any) -> CmisObject:
    if return_version in (None, "this"):
        return get_object(ctx, object_id, oc)
    if return_version in ("latest", "latestmajor"):
        return get_object_of_latest_version(
            ctx, object_id, major=return_version == "latestmajor", oc=oc
        )
    raise InvalidArgument("returnVersion must be this, latest or latestmajor")


@router.get("/{repository_id}/entry")
@router.get("/{repository_id}/id")
async def get_entry(request: Request, repository_id: str) -> Response:
    object_id = required(request, "id")
    oc = operation_context(request)
    return_version = param(request, "returnVersion")
    obj = await run(
        request, repository_id, lambda ctx: _latest(ctx, object_id, return_version, oc), write=False
    )
    return xml_response(object_entry(obj, AtomUrls(request, repository_id)), ENTRY_TYPE)


@router.get("/{repository_id}/path")
async def get_entry_by_path(request: Request, repository_id: str) -> Response:
    path = required(request, "path")
    oc = operation_context(request)
    obj = await run(
        request, repository_id, lambda ctx: get_object_by_path(ctx, path, oc), write=False
    )
    return xml_response(object_entry(obj, AtomUrls(request, repository_id)), ENTRY_TYPE)


@router.get("/{repository_id}/parent")
async def get_parent(request: Request, repository_id: str) -> Response:
    folder_id = required(request, "id")
    oc = operation_context(request)
    obj = await run(
        request, repository_id, lambda ctx: get_folder_parent(ctx, folder_id, oc), write=False
    )
    return xml_response(object_entry(obj, AtomUrls(request, repository_id)), ENTRY_TYPE)


@router.get("/{repository_id}/parents")
async def get_parents(request: Request, repository_id: str) -> Response:
    object_id = required(request, "id")
    oc = operation_context(request)
    relative = flag(request, "includeRelativePathSegment")
    parents = await run(
        request, repository_id, lambda ctx: get_object_parents(ctx, object_id, oc), write=False
    )
    urls = AtomUrls(request, repository_id)
    root = feed(urls, title="Parents", self_url=urls.parents(object_id))
    link(root, "via", urls.entry(object_id), ENTRY_TYPE)
    for parent in parents:
        segment = (parent.relative_path_segment or "") if relative else None
        object_entry(parent.object, urls, parent=root, relative_path_segment=segment)
    return xml_response(root, FEED_TYPE)


@router.get("/{repository_id}/allowableactions")
async def get_actions(request: Request, repository_id: str) -> Response:
    object_id = required(request, "id")
    actions = await run(
        request, repository_id, lambda ctx: get_allowable_actions(ctx, object_id), write=False
    )
    return xml_response(
        add_allowable_actions(None, actions), "application/cmisallowableactions+xml"
    )


def _object_list_feed(
    request: Request,
    urls: AtomUrls,
    listing: ObjectList,
    *,
    title: str,
    self_url: str,
    skip_count: int,
    size: int,
) -> Any:
    root = feed(urls, title=title, self_url=self_url, num_items=listing.num_items)
    paging_links(
        root, self_url, skip_count=skip_count, max_items=size, has_more=listing.has_more_items
    )
    with_segment = flag(request, "includePathSegment")
    for item in listing.objects:
        segment = (item.path_segment or "") if with_segment else None
        object_entry(item.object, urls, parent=root, path_segment=segment)
    return root


@router.get("/{repository_id}/children")
async def get_children_feed(request: Request, repository_id: str) -> Response:
    folder_id = required(request, "id")
    oc = operation_context(request)

    def work(ctx: CmisContext) -> tuple[ObjectList, CmisObject, int]:
        folder = get_object(ctx, folder_id, OperationContext())
        return get_children(ctx, folder_id, oc), folder, page_size(ctx, oc.max_items)

    listing, folder, size = await run(request, repository_id, work, write=False)
    urls = AtomUrls(request, repository_id)
    self_url = _without_paging(request, urls.children(folder_id))
    root = _object_list_feed(
        request,
        urls,
        listing,
        title=_name(folder),
        self_url=self_url,
        skip_count=oc.skip_count,
        size=size,
    )
    link(root, "via", urls.entry(folder_id), ENTRY_TYPE)
    link(root, "down", urls.descendants(folder_id), TREE_TYPE)
    parent_id = folder.properties.get("cmis:parentId")
    if parent_id is not None and parent_id.first:
        link(root, "up", urls.parent(folder_id), ENTRY_TYPE)
    return xml_response(root, FEED_TYPE)


def _name(obj: CmisObject) -> str:
    name = obj.properties.get("cmis:name")
    return str(name.first) if name is not None and name.first else obj.object_id


def _without_paging(request: Request, base: str) -> str:
    """``base`` with the request's other parameters (filter …) kept for the page links."""
    kept = [
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in ("id", "skipCount", "maxItems")
    ]
    if not kept:
        return base
    return base + "&" + urlencode(kept)


def _add_nodes(parent: Any, nodes: list[TreeNode], urls: AtomUrls, with_segment: bool) -> None:
    for node in nodes:
        segment = (node.item.path_segment or "") if with_segment else None
        entry = object_entry(node.item.object, urls, parent=parent, path_segment=segment)
        if node.children:
            children = sub(entry, CMISRA, "children")
            object_id = node.item.object.object_id
            nested = feed(
                urls, title=object_id, self_url=urls.descendants(object_id), parent=children
            )
            _add_nodes(nested, node.children, urls, with_segment)


async def _tree(request: Request, repository_id: str, *, folders_only: bool) -> Response:
    folder_id = required(request, "id")
    depth = number(request, "depth")
    oc = operation_context(request)
    nodes = await run(
        request,
        repository_id,
        lambda ctx: get_descendants(
            ctx, folder_id, -1 if depth is None else depth, oc, folders_only=folders_only
        ),
        write=False,
    )
    urls = AtomUrls(request, repository_id)
    self_url = urls.folder_tree(folder_id) if folders_only else urls.descendants(folder_id)
    root = feed(urls, title="Folder tree" if folders_only else "Descendants", self_url=self_url)
    link(root, "via", urls.entry(folder_id), ENTRY_TYPE)
    _add_nodes(root, nodes, urls, flag(request, "includePathSegment"))
    return xml_response(root, TREE_TYPE)


@router.get("/{repository_id}/descendants")
async def get_descendants_feed(request: Request, repository_id: str) -> Response:
    return await _tree(request, repository_id, folders_only=False)


@router.get("/{repository_id}/foldertree")
async def get_folder_tree(request: Request, repository_id: str) -> Response:
    return await _tree(request, repository_id, folders_only=True)


@router.get("/{repository_id}/checkedout")
async def get_checked_out(request: Request, repository_id: str) -> Response:
    folder_id = param(request, "folderId")
    oc = operation_context(request)

    def work(ctx: CmisContext) -> tuple[ObjectList, int]:
        return get_checked_out_docs(ctx, folder_id, oc), page_size(ctx, oc.max_items)

    listing, size = await run(request, repository_id, work, write=False)
    urls = AtomUrls(request, repository_id)
    self_url = urls.checked_out(folderId=folder_id)
    root = _object_list_feed(
        request,
        urls,
        listing,
        title="Checked out",
        self_url=self_url,
        skip_count=oc.skip_count,
        size=size,
    )
    return xml_response(root, FEED_TYPE)
