"""CMIS errors as the Browser binding's JSON (CMIS 1.1, 5.2.9.4), for routes and middleware.

``{"exception": "<name>", "message": "..."}`` with the spec's HTTP status.  A 401 asks
for HTTP Basic (the password is an API key), the one scheme every CMIS client speaks.
"""

from __future__ import annotations

import logging

from starlette.responses import JSONResponse

from services.cmis.errors import Unauthorized, as_cmis_error
from services.errors import EAkteError

log = logging.getLogger(__name__)

BASIC_CHALLENGE = 'Basic realm="eakte CMIS", charset="UTF-8"'


def cmis_error_response(error: EAkteError, *, status: int | None = None) -> JSONResponse:
    """The JSON error for ``error`` (an eakte error is mapped with ``as_cmis_error``).

    ``status`` overrides the spec's status (suppressResponseCodes, or 413 from the body
    limit, which the spec has no exception for).
    """
    cmis = as_cmis_error(error)
    if cmis.http_status >= 500:
        log.error("CMIS %s: %s", cmis.name, cmis.detail)
    headers = {"WWW-Authenticate": BASIC_CHALLENGE} if isinstance(cmis, Unauthorized) else None
    return JSONResponse(
        {"exception": cmis.name, "message": cmis.detail},
        status_code=cmis.http_status if status is None else status,
        headers=headers,
    )


def is_cmis_path(path: str) -> bool:
    return path == "/cmis" or path.startswith("/cmis/")
