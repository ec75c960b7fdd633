"""Content streams: download (with Range), setContentStream/append (PUT), delete."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from api.cmis.atom.body import media_stream
from api.cmis.atom.entries import object_entry
from api.cmis.atom.ns import ENTRY_TYPE
from api.cmis.atom.routes_write import created
from api.cmis.atom.support import AtomRoute, flag, param, required, run, xml_response
from api.cmis.atom.urls import AtomUrls
from api.download import safe_download_headers
from services.cmis.content import (
    append_content_stream,
    delete_content_stream,
    get_content_stream,
    set_content_stream,
)
from services.cmis.errors import InvalidArgument, as_cmis_error
from services.cmis.model import CmisContext, ContentStream, OperationContext
from services.cmis.navigation import get_object
from services.cmis.renditions import get_renditions
from services.errors import EAkteError

router = APIRouter(route_class=AtomRoute, include_in_schema=False)

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_FILENAME = re.compile(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", re.IGNORECASE)


@dataclass(frozen=True)
class ByteRange:
    """One range of a Range header: ``start``-``end`` (end None: to the end) or a suffix."""

    start: int | None
    end: int | None
    suffix: int | None = None


def parse_range(header: str | None) -> ByteRange | None:
    """The single byte range asked for.

    Other forms (several ranges) are ignored, as HTTP allows: the whole content is sent.
    """
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None or (not match[1] and not match[2]):
        return None
    if not match[1]:
        return ByteRange(None, None, suffix=int(match[2]))
    start, end = int(match[1]), int(match[2]) if match[2] else None
    if end is not None and end < start:
        return None
    return ByteRange(start, end)


class RangeNotSatisfiable(Exception):
    def __init__(self, total: int) -> None:
        self.total = total


def _total_length(ctx: CmisContext, object_id: str, stream_id: str | None) -> int:
    """The length of the stream asked for, from the object's properties or renditions."""
    if stream_id is None:
        obj = get_object(
            ctx, object_id, OperationContext(filter=frozenset({"cmis:contentStreamLength"}))
        )
        length = obj.properties.get("cmis:contentStreamLength")
        return int(length.first or 0) if length is not None else 0
    for rendition in get_renditions(ctx, object_id):
        if rendition.stream_id == stream_id:
            return rendition.length or 0
    return 0


def _body(first: bytes, stream: ContentStream) -> Iterator[bytes]:
    try:
        if first:
            yield first
        yield from stream.chunks
    finally:
        stream.close()


def _opened(
    ctx: CmisContext, object_id: str, stream_id: str | None, wanted: ByteRange | None
) -> tuple[ContentStream, bytes]:
    offset = length = None
    if wanted is not None:
        if wanted.suffix is not None:
            total = _total_length(ctx, object_id, stream_id)
            if wanted.suffix == 0:
                raise RangeNotSatisfiable(total)
            offset = max(0, total - wanted.suffix)
        else:
            offset = wanted.start
            if wanted.end is not None and wanted.start is not None:
                length = wanted.end - wanted.start + 1
    try:
        stream = get_content_stream(ctx, object_id, stream_id, offset, length)
    except EAkteError as exc:
        if offset is None or not isinstance(as_cmis_error(exc), InvalidArgument):
            raise
        total = _total_length(ctx, object_id, stream_id)
        if offset < total:
            raise
        raise RangeNotSatisfiable(total) from None
    try:
        first = next(stream.chunks, b"")
    except BaseException:
        stream.close()
        raise
    return stream, first


@router.get("/{repository_id}/content")
async def get_content(request: Request, repository_id: str) -> Response:
    object_id = required(request, "id")
    stream_id = param(request, "streamId")
    wanted = parse_range(request.headers.get("range"))
    try:
        stream, first = await run(
            request,
            repository_id,
            lambda ctx: _opened(ctx, object_id, stream_id, wanted),
            write=True,  # the read is audited
        )
    except RangeNotSatisfiable as exc:
        return Response(status_code=416, headers={"Content-Range": f"bytes */{exc.total}"})
    # Inline only for bytes that prove their type, which only the file's start can.
    headers = safe_download_headers(
        stream.mime_type, stream.filename, first if stream.offset == 0 else b""
    )
    headers["Content-Length"] = str(stream.length)
    headers["Accept-Ranges"] = "bytes"
    status = 200
    if wanted is not None:
        status = 206
        end = stream.offset + stream.length - 1
        headers["Content-Range"] = f"bytes {stream.offset}-{end}/{stream.total_length}"
    return StreamingResponse(
        _body(first, stream), status_code=status, media_type=stream.mime_type, headers=headers
    )


def _filename(request: Request) -> str | None:
    disposition = request.headers.get("content-disposition")
    if disposition:
        match = _FILENAME.search(disposition)
        if match:
            return unquote(match[1])
    return None


@router.put("/{repository_id}/content")
async def put_content(request: Request, repository_id: str) -> Response:
    """SetContentStream (a new version, or the PWC's content) or, with append, append."""
    object_id = required(request, "id")
    overwrite = flag(request, "overwriteFlag", default=True)
    append = flag(request, "append")
    last_chunk = flag(request, "isLastChunk")
    change_token = param(request, "changeToken")
    async with media_stream(request, _filename(request)) as content:
        if append:
            obj = await run(
                request,
                repository_id,
                lambda ctx: append_content_stream(
                    ctx, object_id, content, is_last_chunk=last_chunk
                ),
                write=True,
            )
        else:
            obj = await run(
                request,
                repository_id,
                lambda ctx: set_content_stream(
                    ctx, object_id, content, overwrite=overwrite, change_token=change_token
                ),
                write=True,
            )
    if obj.object_id == object_id:  # the working copy's content changed in place
        return xml_response(object_entry(obj, AtomUrls(request, repository_id)), ENTRY_TYPE)
    return created(request, repository_id, obj)  # a new version


@router.delete("/{repository_id}/content")
async def delete_content(request: Request, repository_id: str) -> Response:
    object_id = required(request, "id")
    change_token = param(request, "changeToken")
    if param(request, "streamId") is not None:
        raise InvalidArgument("renditions cannot be deleted")
    await run(
        request,
        repository_id,
        lambda ctx: delete_content_stream(ctx, object_id, change_token),
        write=True,
    )
    return Response(status_code=204)
