"""POST requests of the Browser binding: ``cmisaction`` (matched case-insensitively).

The object an action is about comes from ``objectId``, else from the URL's path; the
repository URL and the root folder URL accept every action (clients differ in which
they use).  Creating answers 201 with ``Location``; actions without a result answer an
empty 200.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from starlette.responses import Response

from api.cmis.browser import render
from api.cmis.browser.call import BrowserCall, empty_response, json_response
from api.cmis.browser.params import collect_aces, collect_properties, versioning_state
from api.cmis.browser.selectors import run_query
from services.cmis.acl import apply_acl
from services.cmis.content import (
    append_content_stream,
    delete_content_stream,
    set_content_stream,
)
from services.cmis.create import create_document, create_document_from_source, create_folder
from services.cmis.deletion import delete_object, delete_tree
from services.cmis.errors import InvalidArgument, NotSupported
from services.cmis.model import CmisContext, CmisObject, IncomingContent
from services.cmis.move import move_object
from services.cmis.types.json_format import type_to_json
from services.cmis.types.mutability import create_type, delete_type, update_type
from services.cmis.update import bulk_update_properties, update_properties
from services.cmis.versioning import cancel_check_out, check_in, check_out

Handler = Callable[[CmisContext, BrowserCall], Response]


def dispatch_action(ctx: CmisContext, call: BrowserCall, action: str) -> Response:
    handler = _ACTIONS.get(action)
    if handler is None:
        if action in _NOT_SUPPORTED:
            raise NotSupported(f"{action} is not supported by this repository")
        raise NotSupported(f"unknown cmisaction '{action}'")
    return handler(ctx, call)


def writes(action: str) -> bool:
    return action != "query"


def _object(call: BrowserCall, obj: CmisObject, status: int = 200) -> Response:
    headers = {"Location": call.object_url(obj.object_id)} if status == 201 else None
    return json_response(render.object_json(obj, succinct=call.succinct), status, headers)


def _properties(call: BrowserCall) -> dict[str, list[str]]:
    return collect_properties(call.params)


def _create_document(ctx: CmisContext, call: BrowserCall) -> Response:
    folder_id = call.params.text("folderId") or call.target_id(ctx, required=False)
    created = create_document(
        ctx, folder_id, _properties(call), call.content, versioning_state(call.params)
    )
    return _object(call, created, 201)


def _create_document_from_source(ctx: CmisContext, call: BrowserCall) -> Response:
    folder_id = call.params.text("folderId") or call.target_id(ctx, required=False)
    created = create_document_from_source(
        ctx,
        call.params.require("sourceId"),
        folder_id,
        _properties(call),
        versioning_state(call.params),
    )
    return _object(call, created, 201)


def _create_folder(ctx: CmisContext, call: BrowserCall) -> Response:
    parent_id = call.params.text("folderId") or call.object_id(ctx)
    created = create_folder(ctx, parent_id, _properties(call))
    return _object(call, created, 201)


def _update(ctx: CmisContext, call: BrowserCall) -> Response:
    object_id = call.object_id(ctx)
    updated = update_properties(ctx, object_id, _properties(call), call.params.text("changeToken"))
    return _object(call, updated, 201 if updated.object_id != object_id else 200)


def _bulk_update(ctx: CmisContext, call: BrowserCall) -> Response:
    params = call.params
    ids = params.indexed("objectId")
    tokens = params.indexed("changeToken")
    objects = [
        (ids[i][-1][1].strip(), tokens[i][-1][1].strip() or None if i in tokens else None)
        for i in sorted(ids)
        if ids[i][-1][1].strip()
    ]
    if not objects:
        raise InvalidArgument("bulkUpdate needs objectId[0], objectId[1] …")
    results = bulk_update_properties(
        ctx,
        objects,
        _properties(call),
        params.indexed_list("addSecondaryTypeId"),
        params.indexed_list("removeSecondaryTypeId"),
    )
    return json_response(
        [{"id": old, "newId": new, "changeToken": token} for old, new, token in results]
    )


def _set_content(ctx: CmisContext, call: BrowserCall) -> Response:
    updated = set_content_stream(
        ctx,
        call.object_id(ctx),
        _required_content(call),
        overwrite=call.params.flag("overwriteFlag", default=True),
        change_token=call.params.text("changeToken"),
    )
    return _object(call, updated, 201)


def _append_content(ctx: CmisContext, call: BrowserCall) -> Response:
    updated = append_content_stream(
        ctx,
        call.object_id(ctx),
        _required_content(call),
        is_last_chunk=call.params.flag("isLastChunk"),
    )
    return _object(call, updated, 201)


def _delete_content(ctx: CmisContext, call: BrowserCall) -> Response:
    updated = delete_content_stream(ctx, call.object_id(ctx), call.params.text("changeToken"))
    return _object(call, updated)


def _move(ctx: CmisContext, call: BrowserCall) -> Response:
    moved = move_object(
        ctx,
        call.object_id(ctx),
        call.params.require("targetFolderId"),
        call.params.text("sourceFolderId"),
    )
    return _object(call, moved, 201)


def _delete(ctx: CmisContext, call: BrowserCall) -> Response:
    delete_object(ctx, call.object_id(ctx), all_versions=call.params.flag("allVersions", True))
    return empty_response()


def _delete_tree(ctx: CmisContext, call: BrowserCall) -> Response:
    failed = delete_tree(
        ctx,
        call.object_id(ctx),
        all_versions=call.params.flag("allVersions", True),
        continue_on_failure=call.params.flag("continueOnFailure"),
    )
    if not failed:
        return empty_response()
    return json_response({"ids": failed})


def _check_out(ctx: CmisContext, call: BrowserCall) -> Response:
    return _object(call, check_out(ctx, call.object_id(ctx)), 201)


def _cancel_check_out(ctx: CmisContext, call: BrowserCall) -> Response:
    cancel_check_out(ctx, call.object_id(ctx))
    return empty_response()


def _check_in(ctx: CmisContext, call: BrowserCall) -> Response:
    checked_in = check_in(
        ctx,
        call.object_id(ctx),
        major=call.params.flag("major", default=True),
        properties=_properties(call),
        content=call.content,
        comment=call.params.text("checkinComment"),
    )
    return _object(call, checked_in, 201)


def _apply_acl(ctx: CmisContext, call: BrowserCall) -> Response:
    propagation = (call.params.text("ACLPropagation") or "propagate").lower()
    if propagation not in ("propagate", "repositorydetermined", "objectonly"):
        raise InvalidArgument(
            "ACLPropagation must be objectonly, propagate or repositorydetermined"
        )
    if propagation == "objectonly":
        raise NotSupported("eakte's access rights hold for a whole Akte (ACLPropagation=propagate)")
    acl = apply_acl(
        ctx,
        call.object_id(ctx),
        collect_aces(call.params, "add"),
        collect_aces(call.params, "remove"),
    )
    return json_response(render.acl_json(acl))


def _type_json(call: BrowserCall) -> Mapping[str, Any]:
    raw = call.params.require("type")
    try:
        definition = json.loads(raw)
    except ValueError:
        raise InvalidArgument("the parameter 'type' must be a JSON type definition") from None
    if not isinstance(definition, dict):
        raise InvalidArgument("the parameter 'type' must be a JSON object")
    return definition


def _create_type(ctx: CmisContext, call: BrowserCall) -> Response:
    created = create_type(ctx, _type_json(call))
    return json_response(type_to_json(created), 201)


def _update_type(ctx: CmisContext, call: BrowserCall) -> Response:
    return json_response(type_to_json(update_type(ctx, _type_json(call))))


def _delete_type(ctx: CmisContext, call: BrowserCall) -> Response:
    delete_type(ctx, call.params.require("typeId"))
    return empty_response()


def _required_content(call: BrowserCall) -> IncomingContent:
    if call.content is None:
        raise InvalidArgument("a content stream is required (a multipart part named 'content')")
    return call.content


_ACTIONS: dict[str, Handler] = {
    "createdocument": _create_document,
    "createdocumentfromsource": _create_document_from_source,
    "createfolder": _create_folder,
    "update": _update,
    "bulkupdate": _bulk_update,
    "setcontent": _set_content,
    "appendcontent": _append_content,
    "deletecontent": _delete_content,
    "move": _move,
    "delete": _delete,
    "deletetree": _delete_tree,
    "checkout": _check_out,
    "cancelcheckout": _cancel_check_out,
    "checkin": _check_in,
    "applyacl": _apply_acl,
    "createtype": _create_type,
    "updatetype": _update_type,
    "deletetype": _delete_type,
    "query": run_query,
}
_NOT_SUPPORTED = frozenset(
    {
        "createrelationship",
        "createpolicy",
        "createitem",
        "applypolicy",
        "removepolicy",
        "addobjecttofolder",
        "removeobjectfromfolder",
    }
)
