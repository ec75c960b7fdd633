"""What every AtomPub route shares: service calls, request parameters, responses.

Services run in a worker thread inside a CMIS context (one unit of work).

Errors are answered with the status of the CMIS exception (part 3, 3.2.4) and an HTML
body as OpenCMIS writes it, whose ``<!--exception-->`` and ``<!--message-->`` markers
OpenCMIS clients read; the body is sandboxed like every download.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from html import escape
from typing import Any, TypeVar

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.cmis.atom.ns import serialize
from api.cmis.atom.reading import BodyTooLarge
from api.cmis.atom.urls import AtomUrls
from api.cmis.context import cmis_context
from api.download import ATTACHMENT_CSP
from services.cmis.errors import CmisError, InvalidArgument, ObjectNotFound, as_cmis_error
from services.cmis.model import CmisContext, OperationContext
from services.errors import EAkteError

T = TypeVar("T")
log = logging.getLogger(__name__)


def error_response(error: CmisError, status: int | None = None) -> Response:
    if error.http_status >= 500:
        log.error("CMIS %s: %s", error.name, error.detail)
    message = escape(str(error.detail))
    body = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{error.name}</title></head><body><h1>{error.name}</h1>"
        f"<p><!--message-->{message}<!--/message--></p>"
        f"<p hidden><!--exception-->{error.name}<!--/exception--></p></body></html>"
    )
    headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": ATTACHMENT_CSP}
    if error.http_status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="eakte CMIS", charset="UTF-8"'
    return Response(
        body,
        status_code=error.http_status if status is None else status,
        media_type="text/html",
        headers=headers,
    )


class AtomRoute(APIRoute):
    """A route whose eakte and CMIS errors become CMIS error responses."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except BodyTooLarge as exc:  # 413, as the body limit middleware answers
                return error_response(as_cmis_error(exc), 413)
            except EAkteError as exc:
                return error_response(as_cmis_error(exc))

        return handle


def xml_response(root: Any, media_type: str, status_code: int = 200, **headers: str) -> Response:
    return Response(
        serialize(root), status_code=status_code, media_type=media_type, headers=headers
    )


async def run(
    request: Request, repository_id: str, work: Callable[[CmisContext], T], *, write: bool
) -> T:
    """``work`` in a worker thread inside a CMIS context (committed when it succeeds)."""

    def call() -> T:
        with cmis_context(request, write=write) as ctx:
            if repository_id != ctx.repository_id:
                raise ObjectNotFound(f"no repository {repository_id!r}")
            return work(ctx)

    return await run_in_threadpool(call)


def urls_for(request: Request, repository_id: str) -> AtomUrls:
    return AtomUrls(request, repository_id)


def param(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return value if value not in (None, "") else None


def required(request: Request, name: str) -> str:
    value = param(request, name)
    if value is None:
        raise InvalidArgument(f"the parameter {name} is required")
    return value


def flag(request: Request, name: str, default: bool = False) -> bool:
    value = param(request, name)
    if value is None:
        return default
    if value.lower() not in ("true", "false"):
        raise InvalidArgument(f"{name} must be true or false")
    return value.lower() == "true"


def number(request: Request, name: str) -> int | None:
    value = param(request, name)
    if value is None:
        return None
    try:
        parsed = int(value)
    except ValueError:
        raise InvalidArgument(f"{name} must be an integer") from None
    return parsed


def non_negative(request: Request, name: str) -> int | None:
    value = number(request, name)
    if value is not None and value < 0:
        raise InvalidArgument(f"{name} must not be negative")
    return value


def operation_context(request: Request) -> OperationContext:
    raw_filter = param(request, "filter")
    names = None
    if raw_filter is not None and raw_filter.strip() != "*":
        names = frozenset(part.strip() for part in raw_filter.split(",") if part.strip())
    return OperationContext(
        filter=names,
        include_allowable_actions=flag(request, "includeAllowableActions"),
        include_acl=flag(request, "includeACL"),
        include_path_segment=flag(request, "includePathSegment")
        or flag(request, "includeRelativePathSegment"),
        rendition_filter=param(request, "renditionFilter") or "cmis:none",
        order_by=param(request, "orderBy"),
        skip_count=non_negative(request, "skipCount") or 0,
        max_items=non_negative(request, "maxItems"),
    )


def page_size(ctx: CmisContext, max_items: int | None) -> int:
    """The page size a request gets: the default when not asked, at most the limit."""
    settings = ctx.settings.cmis
    wanted = settings.max_items_default if max_items is None else max_items
    return min(wanted, settings.max_items_limit)
