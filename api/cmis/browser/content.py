"""Content streams in and out of the Browser binding, never all in memory.

In: a multipart part (``content``, else the first file part) that Starlette has
spooled to a temporary file; urlencoded bodies carry no content and are held to the
small JSON limit.  Out: the service's chunks as a streaming response, with a
``Range`` header answered 206, and the download safety headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import StreamingResponse

from api.cmis.browser.params import Params
from api.download import ATTACHMENT_CSP, safe_download_headers
from services.cmis.errors import InvalidArgument
from services.cmis.model import ContentStream, IncomingContent
from services.errors import LimitExceededError
from services.settings import Settings

MAX_FORM_FIELDS = 10_000
"""Enough for a bulk update of a few thousand objects with properties."""
MAX_FILE_PARTS = 4
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


class ReceivedRequest:
    """A request's parameters and content; ``close`` removes the spooled parts."""

    def __init__(
        self, params: Params, content: IncomingContent | None, form: FormData | None
    ) -> None:
        self.params = params
        self.content = content
        self._form = form

    async def close(self) -> None:
        if self._form is not None:
            await self._form.close()


async def receive(request: Request, settings: Settings) -> ReceivedRequest:
    """URL parameters merged with a POST body's (urlencoded or multipart; the body wins)."""
    pairs = list(request.query_params.multi_items())
    if request.method != "POST":
        return ReceivedRequest(Params(pairs), None, None)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        try:
            form = await request.form(
                max_files=MAX_FILE_PARTS,
                max_fields=MAX_FORM_FIELDS,
                max_part_size=settings.http.max_json_bytes,
            )
        except HTTPException as exc:  # Starlette's answer to a malformed body
            if exc.status_code != 400:
                raise
            raise InvalidArgument(f"unreadable multipart body: {exc.detail}") from None
        upload: UploadFile | None = None
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if upload is None or name.lower() == "content":
                    upload = value
            else:
                pairs.append((name, value))
        content = _incoming(upload, settings) if upload is not None else None
        return ReceivedRequest(Params(pairs), content, form)
    if media_type in ("application/x-www-form-urlencoded", ""):
        body = await _small_body(request, settings.http.max_json_bytes)
        charset = _charset(pairs, body)
        text = body.decode(charset, errors="replace")
        pairs.extend(parse_qsl(text, keep_blank_values=True, encoding=charset))
    return ReceivedRequest(Params(pairs), None, None)


async def _small_body(request: Request, limit: int) -> bytes:
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise LimitExceededError(
                f"a form without a content stream may have at most {limit} bytes "
                "(EAKTE_HTTP__MAX_JSON_BYTES); send content as multipart/form-data"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _charset(pairs: list[tuple[str, str]], body: bytes) -> str:
    """``_charset_`` from the URL or the body (HTML forms send it), else UTF-8."""
    named = [v for k, v in pairs if k.lower() == "_charset_"]
    for key, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
        if key.lower() == "_charset_":
            named.append(value)
    charset = (named[-1] if named else "utf-8").strip().lower() or "utf-8"
    try:
        "".encode(charset)
    except LookupError:
        raise InvalidArgument(f"unknown _charset_ {charset!r}") from None
    return charset


def _incoming(upload: UploadFile, settings: Settings) -> IncomingContent:
    file = upload.file
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if size > settings.cmis.max_upload_bytes:
        raise LimitExceededError(
            f"the content stream is larger than {settings.cmis.max_upload_bytes} bytes "
            "(EAKTE_CMIS__MAX_UPLOAD_BYTES)"
        )
    return IncomingContent(
        filename=upload.filename or None,
        mime_type=upload.content_type or None,
        file=file,
        size=size,
    )


def requested_range(request: Request, params: Params) -> tuple[int | None, int | None]:
    """The offset and length: from ``offset``/``length`` parameters, else a ``Range`` header.

    Only a single ``bytes=first-[last]`` range is honoured; other forms are ignored and
    the whole stream is sent (as HTTP allows).
    """
    offset = params.integer("offset", minimum=0)
    length = params.integer("length", minimum=0)
    if offset is not None or length is not None:
        return offset, length
    match = _RANGE.match(request.headers.get("range", "").replace(" ", ""))
    if match is None:
        return None, None
    first = int(match.group(1))
    if not match.group(2):
        return first, None
    last = int(match.group(2))
    if last < first:
        return None, None
    return first, last - first + 1


def content_response(stream: ContentStream, *, ranged: bool, attachment: bool) -> StreamingResponse:
    """The stream's bytes; 206 with Content-Range when a range was asked for."""
    chunks = iter(stream.chunks)
    first = b""
    try:
        for chunk in chunks:
            if chunk:
                first = chunk
                break
    except BaseException:
        stream.close()
        raise
    # Inline only for bytes that prove their type (checked at the start of the file).
    headers = safe_download_headers(
        stream.mime_type, stream.filename, first if stream.offset == 0 else b""
    )
    if attachment:
        headers["Content-Disposition"] = headers["Content-Disposition"].replace(
            "inline", "attachment", 1
        )
        headers["Content-Security-Policy"] = ATTACHMENT_CSP
    headers["Content-Length"] = str(stream.length)
    headers["Cache-Control"] = "private, max-age=0"
    headers["Accept-Ranges"] = "bytes"
    status = 200
    if ranged and (stream.offset > 0 or stream.length < stream.total_length):
        status = 206
        last = stream.offset + stream.length - 1
        headers["Content-Range"] = f"bytes {stream.offset}-{last}/{stream.total_length}"
    return StreamingResponse(
        _body(first, chunks, stream),
        status_code=status,
        media_type=stream.mime_type,
        headers=headers,
    )


def _body(first: bytes, rest: Iterator[bytes], stream: ContentStream) -> Iterator[bytes]:
    try:
        if first:
            yield first
        yield from rest
    finally:
        stream.close()
