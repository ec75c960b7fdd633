"""Content streams: download (with Range), setContentStream/append (PUT), delete."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from fastapi import APIRouter
from services.cmis.content import (
    append_content_stream,
    delete_content_stream,
    get_content_stream,
    set_content_stream,
)
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from api.cmis.atom.body import media_stream
from api.cmis.atom.routes_write import created
from api.cmis.atom.support import AtomRoute, flag, param, required, run
from api.download import safe_download_headers
from services.cmis.errors import InvalidArgument
from services.cmis.model import CmisContext, ContentStream

router = APIRouter(route_class=AtomRoute, include_in_schema=False)

_RANGE = re.compile(r"bytes=(\d+)-(\d*)")
_FILENAME = re.compile(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", re.IGNORECASE)


def parse_range(header: str | None) -> tuple[int, int | None] | None:
    """(offset, length or None) of a single ``bytes=a-b`` / ``bytes=a-`` range.

    Other forms (several ranges, suffix ranges) are ignored, as HTTP allows: the whole
    content is sent.
    """
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    start = int(match[1])
    if not match[2]:
        return start, None
    end = int(match[2])
    if end < start:
        return None
    return start, end - start + 1


def _body(first: bytes, stream: ContentStream) -> Iterator[bytes]:
    try:
        if first:
            yield first
        yield from stream.chunks
    finally:
        stream.close()


def _opened(
    ctx: CmisContext, object_id: str, stream_id: str | None, wanted: tuple[int, int | None] | None
) -> tuple[ContentStream, bytes]:
    offset, length = wanted if wanted is not None else (None, None)
    stream = get_content_stream(ctx, object_id, stream_id, offset, length)
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
    stream, first = await run(
        request,
        repository_id,
        lambda ctx: _opened(ctx, object_id, stream_id, wanted),
        write=True,  # the read is audited
    )
    headers = safe_download_headers(stream.mime_type, stream.filename, first)
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
    return created(request, repository_id, obj)


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
