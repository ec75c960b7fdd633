"""Changing objects: create, move, update, check in and out, delete.

Creating and moving post to a folder's children; updating and checking in put the
entry; deleting an entry, a version series or a tree deletes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.cmis.atom.body import is_entry, media_stream, read_entry
from api.cmis.atom.entries import object_entry
from api.cmis.atom.ns import ENTRY_TYPE
from api.cmis.atom.reading import ParsedEntry
from api.cmis.atom.support import AtomRoute, flag, param, required, run, xml_response
from api.cmis.atom.urls import AtomUrls
from services.cmis.content import set_content_stream
from services.cmis.create import create_document, create_folder
from services.cmis.deletion import delete_object, delete_tree
from services.cmis.errors import Constraint, InvalidArgument, NotSupported, Runtime
from services.cmis.ids import parse_object_id
from services.cmis.model import (
    BaseTypeId,
    CmisContext,
    CmisObject,
    IncomingContent,
    VersioningState,
)
from services.cmis.move import move_object
from services.cmis.types.service import type_definition
from services.cmis.update import update_properties
from services.cmis.versioning import cancel_check_out, check_in, check_out

router = APIRouter(route_class=AtomRoute, include_in_schema=False)

Raw = Mapping[str, Sequence[str]]


def created(request: Request, repository_id: str, obj: CmisObject) -> Response:
    """201 with the new object's entry, ``Location`` and ``Content-Location``."""
    urls = AtomUrls(request, repository_id)
    location = urls.entry(obj.object_id)
    return xml_response(
        object_entry(obj, urls),
        ENTRY_TYPE,
        201,
        Location=location,
        **{"Content-Location": location},
    )


def _versioning_state(request: Request) -> VersioningState | None:
    raw = param(request, "versioningState")
    if raw is None:
        return None
    try:
        return VersioningState(raw.lower())
    except ValueError:
        raise InvalidArgument("versioningState must be none, major, minor or checkedout") from None


def _first(properties: Raw, property_id: str) -> str | None:
    values = properties.get(property_id) or ()
    return values[0] if values and values[0] else None


def _with_name(entry: ParsedEntry) -> dict[str, list[str]]:
    """The entry's properties; ``atom:title`` names the object when cmis:name is not given."""
    properties = dict(entry.properties)
    if not _first(properties, "cmis:name") and entry.title:
        properties["cmis:name"] = [entry.title]
    return properties


def _named_content(content: IncomingContent | None, properties: Raw) -> IncomingContent | None:
    if content is None or content.filename:
        return content
    filename = _first(properties, "cmis:contentStreamFileName") or _first(properties, "cmis:name")
    return IncomingContent(filename, content.mime_type, content.file, content.size)


def _post_entry(
    ctx: CmisContext,
    folder_id: str,
    entry: ParsedEntry,
    source_folder_id: str | None,
    versioning_state: VersioningState | None,
) -> CmisObject:
    properties = _with_name(entry)
    object_id = _first(properties, "cmis:objectId")
    if source_folder_id is not None:
        if object_id is None:
            raise InvalidArgument("moving needs the object's cmis:objectId in the entry")
        return move_object(ctx, object_id, folder_id, source_folder_id)
    type_id = _first(properties, "cmis:objectTypeId")
    if type_id is None:
        if object_id is not None:
            raise NotSupported("multi-filing is not supported (addObjectToFolder)")
        raise InvalidArgument("the entry needs cmis:objectTypeId")
    base = type_definition(ctx, type_id).base_id
    if base is BaseTypeId.FOLDER:
        return create_folder(ctx, folder_id, properties)
    if base is BaseTypeId.DOCUMENT:
        content = _named_content(entry.content, properties)
        return create_document(ctx, folder_id, properties, content, versioning_state)
    raise Constraint(f"objects of base type {base.value} cannot be created here")


def _slug_name(request: Request) -> str | None:
    slug = request.headers.get("slug")
    if slug:
        return unquote(slug)
    return None


@router.post("/{repository_id}/children")
async def post_child(request: Request, repository_id: str) -> Response:
    """CreateDocument / createFolder (an entry or a media stream with Slug), or move."""
    folder_id = required(request, "id")
    source_folder_id = param(request, "sourceFolderId")
    versioning_state = _versioning_state(request)
    if is_entry(request):
        entry = await read_entry(request)
        try:
            obj = await run(
                request,
                repository_id,
                lambda ctx: _post_entry(ctx, folder_id, entry, source_folder_id, versioning_state),
                write=True,
            )
        finally:
            entry.close()
        return created(request, repository_id, obj)
    name = _slug_name(request)
    if not name:
        raise InvalidArgument("a media stream needs a Slug header with the document's name")
    async with media_stream(request, name) as content:
        properties = {"cmis:name": [name], "cmis:objectTypeId": ["cmis:document"]}
        obj = await run(
            request,
            repository_id,
            lambda ctx: create_document(ctx, folder_id, properties, content, versioning_state),
            write=True,
        )
    return created(request, repository_id, obj)


@dataclass(frozen=True)
class _PutOptions:
    checkin: bool
    major: bool
    comment: str | None
    change_token: str | None


def _put_entry(
    ctx: CmisContext, options: _PutOptions, object_id: str, entry: ParsedEntry
) -> CmisObject:
    properties = entry.properties
    content = _named_content(entry.content, properties)
    if options.checkin:
        return check_in(
            ctx,
            object_id,
            major=options.major,
            properties=properties,
            content=content,
            comment=options.comment,
        )
    obj = (
        update_properties(ctx, object_id, properties, options.change_token) if properties else None
    )
    if content is not None:
        target = obj.object_id if obj is not None else object_id
        return set_content_stream(ctx, target, content, overwrite=True, change_token=None)
    if obj is None:
        raise InvalidArgument("the entry changes nothing")
    return obj


@router.put("/{repository_id}/entry")
async def put_entry(request: Request, repository_id: str) -> Response:
    """updateProperties, or checkIn with ``checkin=true`` on a private working copy."""
    object_id = required(request, "id")
    options = _PutOptions(
        checkin=flag(request, "checkin"),
        major=flag(request, "major", default=True),
        comment=param(request, "checkinComment"),
        change_token=param(request, "changeToken"),
    )
    entry = await read_entry(request)
    try:
        obj = await run(
            request,
            repository_id,
            lambda ctx: _put_entry(ctx, options, object_id, entry),
            write=True,
        )
    finally:
        entry.close()
    return xml_response(object_entry(obj, AtomUrls(request, repository_id)), ENTRY_TYPE)


def _delete(ctx: CmisContext, object_id: str, all_versions: bool) -> None:
    if parse_object_id(object_id).pwc:
        cancel_check_out(ctx, object_id)
    else:
        delete_object(ctx, object_id, all_versions=all_versions)


@router.delete("/{repository_id}/entry")
async def delete_entry(request: Request, repository_id: str) -> Response:
    """deleteObject; on a private working copy cancelCheckOut."""
    object_id = required(request, "id")
    all_versions = flag(request, "allVersions", default=True)
    await run(request, repository_id, lambda ctx: _delete(ctx, object_id, all_versions), write=True)
    return Response(status_code=204)


@router.delete("/{repository_id}/versions")
async def delete_versions(request: Request, repository_id: str) -> Response:
    """Deleting the version series: every version."""
    object_id = required(request, "id")
    await run(
        request,
        repository_id,
        lambda ctx: delete_object(ctx, object_id, all_versions=True),
        write=True,
    )
    return Response(status_code=204)


@router.delete("/{repository_id}/descendants")
@router.delete("/{repository_id}/foldertree")
async def delete_folder_tree(request: Request, repository_id: str) -> Response:
    """deleteTree; what could not be deleted is named in the error (HTTP 500)."""
    folder_id = required(request, "id")
    all_versions = flag(request, "allVersions", default=True)
    continue_on_failure = flag(request, "continueOnFailure")
    unfile = (param(request, "unfileObjects") or "delete").lower()
    if unfile != "delete":
        raise NotSupported("unfiling is not supported: unfileObjects must be delete")
    failed = await run(
        request,
        repository_id,
        lambda ctx: delete_tree(
            ctx, folder_id, all_versions=all_versions, continue_on_failure=continue_on_failure
        ),
        write=True,
    )
    if failed:  # 500, as clients expect; they then list what is left in the folder
        raise Runtime("not deleted: " + ", ".join(failed))
    return Response(status_code=204)


@router.post("/{repository_id}/checkedout")
async def post_checked_out(request: Request, repository_id: str) -> Response:
    """checkOut: the entry names the document by cmis:objectId; answers the PWC."""
    entry = await read_entry(request)
    entry.close()
    object_id = _first(entry.properties, "cmis:objectId")
    if object_id is None:
        raise InvalidArgument("the entry needs the document's cmis:objectId")
    pwc = await run(request, repository_id, lambda ctx: check_out(ctx, object_id), write=True)
    return created(request, repository_id, pwc)
