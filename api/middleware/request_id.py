"""The outermost middleware: a request id for every request, and its latency.

The id comes from the client's ``X-Request-ID`` when well-formed, else it is new; it is
returned in the response's ``X-Request-ID`` and set as the current request id
(:mod:`services.observability.request_context`), so every log line written while the
request is served carries it, uvicorn's access line included.

The latency is observed by route template (``/api/v1/documents/{document_id}``), never
by the path with its ids.  A request that never reached a route, refused before routing
(401, 429, 413 from the middleware) or matching none (404), is counted as ``none``.

Only an unexpected error's 500 escapes both: Starlette answers it outside every added
middleware.  Its log line still carries the id, because the id stays set in the
request's task when the error passes through here.
"""

from __future__ import annotations

import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.observability.http_metrics import NO_ROUTE, RequestMetrics
from services.observability.request_context import (
    REQUEST_ID_HEADER,
    accepted_or_new,
    set_request_id,
)


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accepted_or_new(Headers(scope=scope).get(REQUEST_ID_HEADER))
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        # Set for the rest of this request's task, not reset: an unexpected error is
        # logged by Starlette's outermost layer after it has passed through here.
        set_request_id(request_id)
        self.metrics.started()
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self.metrics.finished(
                _template(scope), scope["method"], status, time.perf_counter() - started
            )


def _template(scope: Scope) -> str:
    """The matched route's path template (a mount's prefix), set by the router."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else NO_ROUTE
