"""Form posts with a ``token`` (CMIS 1.1, 5.4.4.4): the result goes into a cookie.

A web page that posts an HTML form cannot read the answer; it sends ``token`` with the
form, gets an empty HTML page, and then asks ``cmisselector=lastResult&token=…`` for
the outcome (code, object id, exception, message), which is read once.  Cookie names
and values as the OpenCMIS server makes them, so its JavaScript clients work too.
"""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

COOKIE_SECONDS = 3600


def cookie_name(token: str) -> str:
    encoded = base64.b64encode(token.encode("utf-8")).decode("ascii")
    return "cmis_" + encoded.replace("=", "%")


def transaction_response(
    request: Request, repository_url_path: str, token: str, answered: Response
) -> Response:
    """The empty HTML page for a form post, with the outcome of ``answered`` as cookie."""
    body = bytes(answered.body) if answered.body else b""
    outcome: dict[str, Any] = {
        "code": answered.status_code,
        "objectId": "",
        "exception": "",
        "message": "",
    }
    if body and answered.media_type == "application/json":
        payload = json.loads(body)
        if isinstance(payload, dict):
            outcome["objectId"] = _object_id(payload)
            outcome["exception"] = payload.get("exception", "")
            outcome["message"] = payload.get("message", "")
    page = Response(b"", status_code=200, media_type="text/html")
    page.set_cookie(
        cookie_name(token),
        quote(json.dumps(outcome, separators=(",", ":"))),
        max_age=COOKIE_SECONDS,
        path=repository_url_path,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return page


def last_result(request: Request, repository_url_path: str, token: str | None) -> Response:
    """The outcome stored for ``token`` (read once), or code 0 when there is none."""
    name = cookie_name(token or "")
    raw = request.cookies.get(name)
    outcome: Any = {"code": 0, "objectId": "", "exception": "", "message": ""}
    if raw:
        with contextlib.suppress(ValueError):  # a cookie someone else wrote: no outcome
            outcome = json.loads(unquote(raw))
    response = JSONResponse(outcome)
    if raw:
        response.delete_cookie(name, path=repository_url_path)
    return response


def _object_id(payload: dict[str, Any]) -> str:
    succinct = payload.get("succinctProperties")
    if isinstance(succinct, dict):
        return str(succinct.get("cmis:objectId") or "")
    properties = payload.get("properties")
    if isinstance(properties, dict):
        entry = properties.get("cmis:objectId")
        if isinstance(entry, dict):
            return str(entry.get("value") or "")
    return ""
