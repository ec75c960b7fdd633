"""GET requests of the Browser binding: ``cmisselector`` on the repository and object URLs.

Selector names are matched case-insensitively.  Without a selector the repository URL
answers its repository info, a folder its children and a document its content (as
the OpenCMIS server does).  Object selectors also work on the repository URL when an
``objectId`` is given.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response

from api.cmis.browser import render
from api.cmis.browser.call import BrowserCall, json_response
from api.cmis.browser.content import content_response, requested_range
from api.cmis.browser.params import depth
from api.cmis.browser.repository import repository_info_json
from services.cmis.acl import get_acl
from services.cmis.actions import get_allowable_actions
from services.cmis.changes import content_changes
from services.cmis.content import get_content_stream
from services.cmis.errors import InvalidArgument, NotSupported
from services.cmis.model import BaseTypeId, CmisContext, CmisObject
from services.cmis.navigation import (
    get_checked_out_docs,
    get_children,
    get_descendants,
    get_folder_parent,
    get_object,
    get_object_by_path,
    get_object_parents,
)
from services.cmis.query import query
from services.cmis.renditions import get_renditions
from services.cmis.repository_info import repository_info
from services.cmis.types.json_format import type_to_json
from services.cmis.types.service import type_children, type_definition, type_descendants
from services.cmis.versioning import get_all_versions, get_object_of_latest_version

Handler = Callable[[CmisContext, BrowserCall], Response]

DEFAULT_DESCENDANTS_DEPTH = 2
"""getDescendants without ``depth``: two levels (the spec leaves it to the repository)."""


def writes(selector: str | None) -> bool:
    """Whether answering needs a writing unit of work (content reads are audited)."""
    return selector is None or selector == "content"


def dispatch_repository(ctx: CmisContext, call: BrowserCall, selector: str | None) -> Response:
    if selector is None or selector == "repositoryinfo":
        info = repository_info(ctx)
        return json_response({ctx.repository_id: repository_info_json(info, call)})
    handler = _REPOSITORY.get(selector)
    if handler is not None:
        return handler(ctx, call)
    if selector in _OBJECT and call.params.text("objectId") is not None:
        return _OBJECT[selector](ctx, call)
    raise NotSupported(f"unknown selector '{selector}' on the repository URL")


def dispatch_object(ctx: CmisContext, call: BrowserCall, selector: str | None) -> Response:
    if selector is None:
        found = _the_object(ctx, call)
        if found.base_type_id is BaseTypeId.DOCUMENT:
            return _content(ctx, call, found.object_id)
        if found.base_type_id is BaseTypeId.FOLDER:
            return _children(ctx, call)
        return json_response(render.object_json(found, succinct=call.succinct))
    handler = _OBJECT.get(selector) or _REPOSITORY_ON_ROOT.get(selector)
    if handler is None:
        raise NotSupported(f"unknown selector '{selector}'")
    return handler(ctx, call)


def _the_object(ctx: CmisContext, call: BrowserCall) -> CmisObject:
    """The object of getObject / getObjectByPath, following ``returnVersion``."""
    oc = call.oc(ctx)
    object_id = call.params.text("objectId")
    if object_id is None and call.path is not None and call.path.strip("/"):
        found = get_object_by_path(ctx, call.path, oc)
    else:
        found = get_object(ctx, call.object_id(ctx), oc)
    version = (call.params.text("returnVersion") or "this").lower()
    if version == "this":
        return found
    if version not in ("latest", "latestmajor"):
        raise InvalidArgument("returnVersion must be this, latest or latestmajor")
    if found.base_type_id is not BaseTypeId.DOCUMENT:
        return found
    return get_object_of_latest_version(ctx, found.object_id, major=version == "latestmajor", oc=oc)


def _object(ctx: CmisContext, call: BrowserCall) -> Response:
    return json_response(render.object_json(_the_object(ctx, call), succinct=call.succinct))


def _properties(ctx: CmisContext, call: BrowserCall) -> Response:
    found = _the_object(ctx, call)
    if call.succinct:
        return json_response(
            {k: render.property_value(p.definition, p.values) for k, p in found.properties.items()}
        )
    return json_response(
        {
            k: render.property_json(p.definition, p.definition.query_name or k, p.values)
            for k, p in found.properties.items()
        }
    )


def _allowable_actions(ctx: CmisContext, call: BrowserCall) -> Response:
    actions = get_allowable_actions(ctx, call.object_id(ctx))
    return json_response(render.allowable_actions_json(actions))


def _acl(ctx: CmisContext, call: BrowserCall) -> Response:
    return json_response(render.acl_json(get_acl(ctx, call.object_id(ctx))))


def _policies(ctx: CmisContext, call: BrowserCall) -> Response:
    get_object(ctx, call.object_id(ctx), call.oc(ctx))  # objectNotFound as for any object
    return json_response([])


def _relationships(ctx: CmisContext, call: BrowserCall) -> Response:
    get_object(ctx, call.object_id(ctx), call.oc(ctx))
    return json_response({"objects": [], "hasMoreItems": False, "numItems": 0})


def _renditions(ctx: CmisContext, call: BrowserCall) -> Response:
    object_id = call.object_id(ctx)
    return json_response([render.rendition_json(r) for r in get_renditions(ctx, object_id)])


def _content_selector(ctx: CmisContext, call: BrowserCall) -> Response:
    return _content(ctx, call, call.object_id(ctx))


def _content(ctx: CmisContext, call: BrowserCall, object_id: str) -> Response:
    offset, length = requested_range(call.request, call.params)
    stream = get_content_stream(ctx, object_id, call.params.text("streamId"), offset, length)
    attachment = (call.params.text("download") or "").lower() == "attachment"
    return content_response(
        stream, ranged=offset is not None or length is not None, attachment=attachment
    )


def _children(ctx: CmisContext, call: BrowserCall) -> Response:
    page = get_children(ctx, call.object_id(ctx), call.oc(ctx))
    return json_response(render.children_json(page, succinct=call.succinct))


def _descendants(ctx: CmisContext, call: BrowserCall) -> Response:
    levels = depth(call.params, DEFAULT_DESCENDANTS_DEPTH)
    nodes = get_descendants(ctx, call.object_id(ctx), levels, call.oc(ctx), folders_only=False)
    return json_response(render.tree_json(nodes, succinct=call.succinct))


def _folder_tree(ctx: CmisContext, call: BrowserCall) -> Response:
    levels = depth(call.params, -1)
    nodes = get_descendants(ctx, call.object_id(ctx), levels, call.oc(ctx), folders_only=True)
    return json_response(render.tree_json(nodes, succinct=call.succinct))


def _parent(ctx: CmisContext, call: BrowserCall) -> Response:
    parent = get_folder_parent(ctx, call.object_id(ctx), call.oc(ctx))
    return json_response(render.object_json(parent, succinct=call.succinct))


def _parents(ctx: CmisContext, call: BrowserCall) -> Response:
    parents = get_object_parents(ctx, call.object_id(ctx), call.oc(ctx))
    return json_response(render.parents_json(parents, succinct=call.succinct))


def _versions(ctx: CmisContext, call: BrowserCall) -> Response:
    versions = get_all_versions(ctx, call.object_id(ctx), call.oc(ctx))
    return json_response(render.objects_json(versions, succinct=call.succinct))


def _checked_out(ctx: CmisContext, call: BrowserCall) -> Response:
    folder_id = call.params.text("folderId") or call.target_id(ctx, required=False)
    page = get_checked_out_docs(ctx, folder_id, call.oc(ctx))
    return json_response(render.object_list_json(page, succinct=call.succinct))


def _type_children(ctx: CmisContext, call: BrowserCall) -> Response:
    params = call.params
    include = params.flag("includePropertyDefinitions")
    types, has_more, total = type_children(
        ctx,
        params.text("typeId"),
        include_property_definitions=include,
        skip_count=params.integer("skipCount", minimum=0) or 0,
        max_items=params.integer("maxItems", minimum=0),
    )
    return json_response(
        {
            "types": [type_to_json(t, include_property_definitions=include) for t in types],
            "hasMoreItems": has_more,
            "numItems": total,
        }
    )


def _type_descendants(ctx: CmisContext, call: BrowserCall) -> Response:
    include = call.params.flag("includePropertyDefinitions")
    trees = type_descendants(
        ctx,
        call.params.text("typeId"),
        depth(call.params, -1),
        include_property_definitions=include,
    )
    return json_response(render.type_tree_json(trees, include_property_definitions=include))


def _type_definition(ctx: CmisContext, call: BrowserCall) -> Response:
    return json_response(type_to_json(type_definition(ctx, call.params.require("typeId"))))


def run_query(ctx: CmisContext, call: BrowserCall) -> Response:
    """The query, on GET or POST: the statement in ``q`` or ``statement``."""
    params = call.params
    statement = params.text("q") or params.text("statement")
    if statement is None:
        raise InvalidArgument("the query statement is missing (parameter 'q' or 'statement')")
    result = query(
        ctx,
        statement,
        search_all_versions=params.flag("searchAllVersions"),
        include_allowable_actions=params.flag("includeAllowableActions"),
        skip_count=params.integer("skipCount", minimum=0) or 0,
        max_items=params.integer("maxItems", minimum=0),
    )
    return json_response(render.query_json(result, succinct=call.succinct))


def _content_changes(ctx: CmisContext, call: BrowserCall) -> Response:
    events, token, has_more = content_changes(
        ctx,
        call.params.text("changeLogToken"),
        max_items=call.params.integer("maxItems", minimum=0),
    )
    return json_response(render.changes_json(events, token, has_more, succinct=call.succinct))


_REPOSITORY: dict[str, Handler] = {
    "typechildren": _type_children,
    "typedescendants": _type_descendants,
    "typedefinition": _type_definition,
    "query": run_query,
    "contentchanges": _content_changes,
    "checkedout": _checked_out,
}
_REPOSITORY_ON_ROOT: dict[str, Handler] = {
    k: v for k, v in _REPOSITORY.items() if k != "checkedout"
}
"""Repository selectors that clients also send to the root folder URL."""

_OBJECT: dict[str, Handler] = {
    "object": _object,
    "properties": _properties,
    "allowableactions": _allowable_actions,
    "acl": _acl,
    "policies": _policies,
    "relationships": _relationships,
    "renditions": _renditions,
    "content": _content_selector,
    "children": _children,
    "descendants": _descendants,
    "foldertree": _folder_tree,
    "parent": _parent,
    "parents": _parents,
    "versions": _versions,
    "checkedout": _checked_out,
}
