"""The Browser binding's URLs: ``/cmis/browser``, ``…/{repositoryId}``, ``…/root[/path]``.

Only GET and POST, as the spec has it.  The request is read on the event loop (a
multipart content part is spooled to a temporary file while it arrives), then the
call runs in a worker thread in one unit of work.  Every failure is the spec's JSON
error; ``suppressResponseCodes=true`` answers it with 200.  Not in the OpenAPI
schema: CMIS has its own specification and its own tests.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.cmis.browser.actions import dispatch_action
from api.cmis.browser.actions import writes as action_writes
from api.cmis.browser.call import BrowserCall, json_response
from api.cmis.browser.content import receive
from api.cmis.browser.params import Params
from api.cmis.browser.repository import repository_info_json
from api.cmis.browser.selectors import dispatch_object, dispatch_repository
from api.cmis.browser.selectors import writes as selector_writes
from api.cmis.browser.transactions import last_result, transaction_response
from api.cmis.context import cmis_context, container_of
from api.cmis.errors import cmis_error_response
from services.cmis.errors import InvalidArgument, NotSupported, ObjectNotFound, Runtime
from services.cmis.repository_info import repository_info
from services.errors import EAkteError

log = logging.getLogger(__name__)

PREFIX = "/cmis/browser"
router = APIRouter(prefix=PREFIX, include_in_schema=False)
_METHODS = ["GET", "POST"]


@router.get("")
@router.get("/")
async def repositories(request: Request) -> Response:
    return await _handle(request, None, None)


@router.api_route("/{repository_id}", methods=_METHODS)
async def repository(request: Request, repository_id: str) -> Response:
    return await _handle(request, repository_id, None)


@router.api_route("/{repository_id}/root", methods=_METHODS)
@router.api_route("/{repository_id}/root/{path:path}", methods=_METHODS)
async def root(request: Request, repository_id: str, path: str = "") -> Response:
    return await _handle(request, repository_id, "/" + path.strip("/"))


@router.api_route("/{repository_id}/{rest:path}", methods=_METHODS)
async def elsewhere(request: Request, repository_id: str, rest: str) -> Response:
    """Any other address below a repository: the spec's JSON, not the API's problem."""
    return _error(
        ObjectNotFound(f"there is nothing at '{rest}'; objects live below /root"),
        Params(request.query_params.multi_items()),
    )


async def _handle(request: Request, repository_id: str | None, path: str | None) -> Response:
    settings = container_of(request).settings
    params = Params(request.query_params.multi_items())
    try:
        received = await receive(request, settings)
    except EAkteError as exc:
        return _error(exc, params)
    params = received.params
    repository_id_segment = quote(settings.cmis.repository_id, safe="")
    repository_path = f"{request.scope.get('root_path', '')}{PREFIX}/{repository_id_segment}"
    try:
        if params.text("callback") is not None:
            raise InvalidArgument("JSONP (callback) is not offered; use CORS or a server")
        base_url = str(request.base_url).rstrip("/") + PREFIX
        if repository_id is not None and repository_id != settings.cmis.repository_id:
            raise ObjectNotFound(f"there is no repository '{repository_id}'")
        call = BrowserCall(
            request=request,
            params=params,
            repository_id=settings.cmis.repository_id,
            path=path,
            content=received.content,
            base_url=base_url,
        )
        selector = (params.text("cmisselector") or "").lower()
        if request.method == "GET" and path is None and selector == "lastresult":
            return last_result(request, repository_path, params.text("token"))
        response = await run_in_threadpool(_dispatch, call, repository_id is None)
    except EAkteError as exc:
        response = _error(exc, params)
    except Exception:
        log.exception("CMIS %s %s failed", request.method, request.url.path)
        response = _error(Runtime("an unexpected error occurred; see the server log"), params)
    finally:
        await received.close()
    token = params.text("token")
    if request.method == "POST" and token is not None and repository_id is not None:
        return transaction_response(request, repository_path, token, response)
    if _suppressed(params):  # clients that cannot read a body with a status other than 200
        response.status_code = 200
    return response


def _dispatch(call: BrowserCall, all_repositories: bool) -> Response:
    request = call.request
    if request.method == "GET":
        selector = _lowered(call.params.text("cmisselector"))
        if all_repositories:
            with cmis_context(request, write=False) as ctx:
                info = repository_info_json(repository_info(ctx), call)
            return json_response({call.repository_id: info})
        with cmis_context(request, write=selector_writes(selector)) as ctx:
            if call.path is None:
                return dispatch_repository(ctx, call, selector)
            return dispatch_object(ctx, call, selector)
    action = _lowered(call.params.text("cmisaction"))
    if action is None or all_repositories:
        raise NotSupported("a POST needs a cmisaction on a repository or object URL")
    with cmis_context(request, write=action_writes(action)) as ctx:
        return dispatch_action(ctx, call, action)


def _lowered(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def _error(exc: EAkteError, params: Params) -> Response:
    return cmis_error_response(exc, status=200 if _suppressed(params) else None)


def _suppressed(params: Params) -> bool:
    try:
        return params.flag("suppressResponseCodes")
    except EAkteError:
        return False
