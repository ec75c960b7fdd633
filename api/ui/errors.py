"""Errors on web pages answer a German HTML page, not problem+json.

The API's handlers stay in charge of everything outside ``/ui/``; for pages the same
status code is kept (404 for what the caller may not see, exactly as for what does
not exist) and the page names what happened in German.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response

from api.authentication import resolve_principal
from api.dependencies import get_scope
from api.errors import status_for
from api.ui.page import Page, get_page
from api.ui.templating import render_template
from services.errors import EAkteError

Handler = Callable[[Request, Exception], Awaitable[Response]]

HEADLINES = {
    400: "Die Anfrage ist ungültig",
    401: "Bitte melden Sie sich an",
    403: "Dafür fehlt Ihnen die Berechtigung",
    404: "Nicht gefunden",
    409: "Das geht gerade nicht",
    410: "Nicht mehr vorhanden",
    413: "Zu groß",
    415: "Dieses Format wird nicht angenommen",
    422: "Die Eingabe ist ungültig",
    429: "Zu viele Versuche",
}
EXPLANATIONS = {
    403: "Ihre Anmeldung hat für diese Seite nicht die nötige Berechtigung. "
    "Wenden Sie sich an die IT, wenn Sie sie für Ihre Arbeit brauchen.",
    404: "Diese Seite oder dieses Schriftgut gibt es nicht, oder es ist für Sie nicht sichtbar.",
    500: "Ein unerwarteter Fehler ist aufgetreten. Die IT sieht die Einzelheiten im Protokoll.",
}


def is_page(request: Request) -> bool:
    path = request.url.path
    return (path == "/ui" or path.startswith("/ui/")) and not path.startswith("/ui/static/")


def _signed_in_page(request: Request) -> Page | None:
    """The caller's page context, for the menu on the error page; None if not signed in."""
    container = request.app.state.container
    try:
        principal = resolve_principal(container, request)
        return get_page(request, container, principal, get_scope(request, container, principal))
    except EAkteError:
        return None


def error_page(request: Request, status: int, detail: str | None) -> HTMLResponse:
    headline = HEADLINES.get(status, "Es ist ein Fehler aufgetreten")
    html = render_template(
        "error.html",
        {
            "page": _signed_in_page(request) if status != 401 else None,
            "current_path": request.url.path,
            "title": headline,
            "status": status,
            "headline": headline,
            "explanation": EXPLANATIONS.get(status),
            "detail": None if status in EXPLANATIONS else detail,
        },
    )
    return HTMLResponse(html, status_code=status)


def _status_and_detail(exc: Exception) -> tuple[int, str | None]:
    if isinstance(exc, EAkteError):
        return status_for(exc), exc.detail
    if isinstance(exc, HTTPException):
        return exc.status_code, str(exc.detail)
    if isinstance(exc, RequestValidationError):
        return 422, "; ".join(str(err["msg"]) for err in exc.errors())
    return 500, None


def install_html_errors(app: FastAPI) -> None:
    """Wrap the API's exception handlers: pages get HTML, everything else is unchanged."""
    for exc_class in (EAkteError, HTTPException, RequestValidationError, Exception):
        api_handler = cast("Handler", app.exception_handlers[exc_class])

        async def handler(request: Request, exc: Exception, api: Handler = api_handler) -> Response:
            if not is_page(request):
                return await api(request, exc)
            status, detail = _status_and_detail(exc)
            if status >= 500:
                await api(request, exc)  # logs it
            return error_page(request, status, detail)

        app.add_exception_handler(exc_class, handler)
