"""Types: the types collection, type entries, type descendants, createType/updateType/deleteType."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.cmis.atom.body import read_entry
from api.cmis.atom.entries import feed, paging_links
from api.cmis.atom.ns import CMISRA, ENTRY_TYPE, FEED_TYPE, TREE_TYPE, sub
from api.cmis.atom.support import (
    AtomRoute,
    flag,
    non_negative,
    number,
    param,
    required,
    run,
    xml_response,
)
from api.cmis.atom.types_xml import type_entry, type_json_from_xml
from api.cmis.atom.urls import AtomUrls
from services.cmis.errors import InvalidArgument
from services.cmis.types.mutability import create_type, delete_type, update_type
from services.cmis.types.service import (
    TypeTree,
    page_size,
    type_children,
    type_definition,
    type_descendants,
)

router = APIRouter(route_class=AtomRoute, include_in_schema=False)


@router.get("/{repository_id}/types")
async def get_types(request: Request, repository_id: str) -> Response:
    type_id = param(request, "typeId")
    with_definitions = flag(request, "includePropertyDefinitions")
    skip_count = non_negative(request, "skipCount") or 0
    max_items = non_negative(request, "maxItems")

    def work(ctx: Any) -> tuple[list[Any], bool, int, int]:
        types, more, total = type_children(
            ctx,
            type_id,
            include_property_definitions=with_definitions,
            skip_count=skip_count,
            max_items=max_items,
        )
        return types, more, total, page_size(ctx, max_items)

    types, more, total, size = await run(request, repository_id, work, write=False)
    urls = AtomUrls(request, repository_id)
    self_url = urls.types(type_id, includePropertyDefinitions=with_definitions or None)
    root = feed(
        urls, title=f"Types below {type_id or 'the base'}", self_url=self_url, num_items=total
    )
    paging_links(root, self_url, skip_count=skip_count, max_items=size, has_more=more)
    for t in types:
        type_entry(t, urls, parent=root, include_property_definitions=with_definitions)
    return xml_response(root, FEED_TYPE)


def _add_trees(parent: Any, trees: list[TypeTree], urls: AtomUrls, with_definitions: bool) -> None:
    for tree in trees:
        entry = type_entry(
            tree.type, urls, parent=parent, include_property_definitions=with_definitions
        )
        if tree.children:
            children = sub(entry, CMISRA, "children")
            nested = feed(
                urls,
                title=tree.type.id,
                self_url=urls.type_descendants(tree.type.id),
                parent=children,
            )
            _add_trees(nested, tree.children, urls, with_definitions)


@router.get("/{repository_id}/typedesc")
async def get_type_descendants(request: Request, repository_id: str) -> Response:
    type_id = param(request, "typeId")
    depth = number(request, "depth")
    with_definitions = flag(request, "includePropertyDefinitions")
    trees = await run(
        request,
        repository_id,
        lambda ctx: type_descendants(
            ctx,
            type_id,
            -1 if depth is None else depth,
            include_property_definitions=with_definitions,
        ),
        write=False,
    )
    urls = AtomUrls(request, repository_id)
    root = feed(
        urls,
        title=f"Type descendants of {type_id or 'the base'}",
        self_url=urls.type_descendants(type_id),
    )
    _add_trees(root, trees, urls, with_definitions)
    return xml_response(root, TREE_TYPE)


@router.get("/{repository_id}/type")
async def get_type(request: Request, repository_id: str) -> Response:
    type_id = required(request, "id")
    t = await run(request, repository_id, lambda ctx: type_definition(ctx, type_id), write=False)
    return xml_response(type_entry(t, AtomUrls(request, repository_id)), ENTRY_TYPE)


async def _definition(request: Request) -> dict[str, Any]:
    entry = await read_entry(request)
    entry.close()
    if "type" not in entry.captured:
        raise InvalidArgument("the entry has no cmisra:type")
    return type_json_from_xml(entry.captured["type"])


@router.post("/{repository_id}/types")
async def post_type(request: Request, repository_id: str) -> Response:
    definition = await _definition(request)
    t = await run(request, repository_id, lambda ctx: create_type(ctx, definition), write=True)
    urls = AtomUrls(request, repository_id)
    location = urls.type_entry(t.id)
    return xml_response(type_entry(t, urls), ENTRY_TYPE, 201, Location=location)


@router.put("/{repository_id}/type")
async def put_type(request: Request, repository_id: str) -> Response:
    definition = await _definition(request)
    definition.setdefault("id", required(request, "id"))
    t = await run(request, repository_id, lambda ctx: update_type(ctx, definition), write=True)
    return xml_response(type_entry(t, AtomUrls(request, repository_id)), ENTRY_TYPE)


@router.delete("/{repository_id}/type")
async def remove_type(request: Request, repository_id: str) -> Response:
    type_id = required(request, "id")
    await run(request, repository_id, lambda ctx: delete_type(ctx, type_id), write=True)
    return Response(status_code=204)
