"""The id of the request being served, for every log line written while serving it.

A client (or a reverse proxy) may send its own ``X-Request-ID`` so that its logs and
ours can be joined; an id that is not well-formed is replaced by a new one rather than
written into the log, where it could forge lines or fields.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
JOB_PAYLOAD_KEY = "request_id"
"""Where a job enqueued while serving a request keeps that request's id."""
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
"""UUIDs, ULIDs, hex trace ids and the like; no spaces, quotes or control characters."""

_current: ContextVar[str | None] = ContextVar("eakte_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request this code runs for, or None outside a request."""
    return _current.get()


def accepted_or_new(sent: str | None) -> str:
    """The client's id when it is well-formed, else a new random one."""
    if sent is not None and _WELL_FORMED.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


def set_request_id(request_id: str) -> None:
    """Make ``request_id`` the current one for the rest of this context.

    Every ASGI request runs in a task of its own, with a copy of the context, so the id
    ends with the request's task; threads started through helpers that copy the context
    (anyio's ``to_thread``, which runs FastAPI's sync routes) see it too.
    """
    _current.set(request_id)


@contextmanager
def bound_request_id(request_id: object) -> Iterator[None]:
    """Make ``request_id`` current inside the block.

    A job runs under the id of the request that enqueued it, so its log lines join that
    request's.  Anything that is not a well-formed id (a job enqueued outside a request)
    leaves the context unchanged.
    """
    if not isinstance(request_id, str) or not _WELL_FORMED.fullmatch(request_id):
        yield
        return
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)
