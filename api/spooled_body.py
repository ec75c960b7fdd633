"""Reading a raw request body without holding more than the limit, nor all of it in memory.

The body is streamed into a temporary file that stays in memory up to
``IN_MEMORY_BYTES`` and moves to disk beyond it; the first chunk past the limit ends
the reading with :class:`services.errors.LimitExceededError` (413).
"""

from __future__ import annotations

import tempfile
from typing import IO

from starlette.requests import Request

from services.errors import LimitExceededError

IN_MEMORY_BYTES = 1024 * 1024


async def spool_body(request: Request, limit: int, *, setting: str) -> IO[bytes]:
    """The body as a file positioned at its start; the caller closes it.

    ``setting`` names the environment variable of the limit for the refusal message.
    """
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 (returned)
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise LimitExceededError(f"the body is larger than {limit} bytes ({setting})")
            spool.write(chunk)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool
