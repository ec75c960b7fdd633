"""A size limit on every request body, enforced before and while it is read.

A declared ``Content-Length`` over the limit is refused (413 problem+json) before a
byte of the body is read; a body without one (chunked) is cut off as soon as it passes
the limit.  The limit depends on the route: uploads get theirs from the settings,
everything else ``EAKTE_HTTP__MAX_JSON_BYTES``.  CMIS requests may carry a content
stream (``EAKTE_CMIS__MAX_UPLOAD_BYTES``; AtomPub sends it base64-encoded in an entry);
the bindings spool it to disk and keep form fields and XML to the small limit themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.cmis.errors import cmis_error_response, is_cmis_path
from api.errors import problem
from services.errors import LimitExceededError
from services.settings import Settings

FORM_OVERHEAD_BYTES = 64 * 1024
"""Room for a multipart body's form fields and boundaries besides the files."""
PART_OVERHEAD_BYTES = 1024
"""Room for one file part's boundary and headers (a long file name included)."""

BASE64_GROWTH_PERCENT = 137
"""Base64 takes 4/3 of the bytes, and line breaks every 76 characters a little more."""

_VERSIONS = re.compile(r"/api/v1/documents/[^/]+/versions/?")


class BodyTooLargeError(HTTPException):
    """Raised from ``receive`` when a body passes its limit.

    An HTTPException, so that FastAPI's body parsing passes it on unchanged and it
    becomes a 413 wherever it is raised.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


@dataclass(frozen=True)
class BodyLimits:
    intake: int
    version: int
    einvoice: int
    cmis_browser: int
    cmis_atom: int
    default: int

    @classmethod
    def from_settings(cls, settings: Settings) -> BodyLimits:
        upload = settings.limits.max_upload_bytes
        files = settings.limits.max_files_per_request
        cmis = settings.cmis.max_upload_bytes
        return cls(
            intake=(upload + PART_OVERHEAD_BYTES) * files + FORM_OVERHEAD_BYTES,
            version=upload + PART_OVERHEAD_BYTES + FORM_OVERHEAD_BYTES,
            einvoice=settings.einvoice.max_bytes + PART_OVERHEAD_BYTES + FORM_OVERHEAD_BYTES,
            cmis_browser=cmis + PART_OVERHEAD_BYTES + FORM_OVERHEAD_BYTES,
            cmis_atom=cmis * BASE64_GROWTH_PERCENT // 100 + FORM_OVERHEAD_BYTES,
            default=settings.http.max_json_bytes,
        )

    def for_path(self, path: str) -> int:
        if path.rstrip("/") == "/api/v1/intake":
            return self.intake
        if path.rstrip("/") == "/api/v1/einvoices":
            return self.einvoice
        if _VERSIONS.fullmatch(path):
            return self.version
        if _under(path, "/cmis/browser"):
            return self.cmis_browser
        if _under(path, "/cmis/atom"):
            return self.cmis_atom
        return self.default


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope["path"])
        try:
            declared = _content_length(scope)
        except ValueError:
            await problem(400, "Bad request", "invalid Content-Length header")(scope, receive, send)
            return
        if declared is not None and declared > limit:
            await _too_large(limit, scope["path"])(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if started:
                raise
            await _too_large(limit, scope["path"])(scope, receive, send)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _content_length(scope: Scope) -> int | None:
    values = Headers(scope=scope).getlist("content-length")
    if not values:
        return None
    if len(set(values)) != 1 or not values[0].strip().isdigit():
        raise ValueError(values)
    return int(values[0])


def _too_large(limit: int, path: str) -> ASGIApp:
    detail = f"the request body is larger than {limit} bytes, the limit for this address"
    if is_cmis_path(path):  # CMIS clients expect the spec's JSON; 413 says what happened
        return cmis_error_response(LimitExceededError(detail), status=413)
    return problem(413, "Request too large", detail)
