"""Request bodies of the AtomPub binding, spooled (never whole in memory) and parsed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import IO, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api.cmis.atom.reading import (
    SMALL_DOCUMENT_BYTES,
    BodyTooLarge,
    ParsedEntry,
    parse_entry,
    parse_small,
)
from api.spooled_body import spool_body
from services.cmis.model import IncomingContent
from services.errors import LimitExceededError
from services.settings import Settings

_XML_OVERHEAD = 1024 * 1024
"""Room for the entry's properties around base64 content."""


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.container.settings
    return settings


def content_limit(request: Request) -> int:
    return _settings(request).cmis.max_upload_bytes


async def _spool(request: Request, limit: int, setting: str) -> IO[bytes]:
    try:
        return await spool_body(request, limit, setting=setting)
    except LimitExceededError as exc:
        raise BodyTooLarge(exc.detail) from exc


async def read_entry(request: Request) -> ParsedEntry:
    """The entry of the request, its content (if any) spooled; the caller closes it."""
    limit = content_limit(request)
    body = await _spool(request, limit * 4 // 3 + _XML_OVERHEAD, "EAKTE_CMIS__MAX_UPLOAD_BYTES")
    try:
        return await run_in_threadpool(parse_entry, body, content_limit=limit)
    finally:
        body.close()


async def read_small(request: Request) -> Any:
    """The root element of a small XML body (query, ACL, type)."""
    body = await _spool(request, SMALL_DOCUMENT_BYTES, "1 MiB for XML documents")
    try:
        return await run_in_threadpool(parse_small, body)
    finally:
        body.close()


@asynccontextmanager
async def media_stream(request: Request, filename: str | None) -> AsyncIterator[IncomingContent]:
    """A raw content stream (PUT/POST of media), spooled; closed after the block."""
    spool = await _spool(request, content_limit(request), "EAKTE_CMIS__MAX_UPLOAD_BYTES")
    try:
        spool.seek(0, 2)
        size = spool.tell()
        spool.seek(0)
        mime_type = request.headers.get("content-type")
        yield IncomingContent(filename=filename, mime_type=mime_type, file=spool, size=size)
    finally:
        spool.close()


def is_entry(request: Request) -> bool:
    """Whether the body is an Atom entry (else it is a media stream)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type in ("application/atom+xml", "application/cmisatom+xml")
