"""Sign-in and the start page.

With an OpenID Connect provider the sign-in page offers it first; every installation
also accepts an API key (stations, and towns without a provider).  A key entered here
opens a browser session like a provider sign-in: the key itself never reaches a cookie.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.authentication import sent_by_this_site
from api.dependencies import ContainerDep
from api.routers.auth import local_path
from api.session_cookies import set_session_cookies
from api.ui.page import PageDep
from api.ui.templating import render_template
from services.access.sessions import open_key_session
from services.db.session import unit_of_work
from services.errors import AuthenticationError

router = APIRouter(include_in_schema=False)

SIGN_IN = "/ui/anmelden"


def ui_target(next_path: str | None) -> str:
    """Where to go after signing in: a page of the web interface, else its start."""
    target = local_path(next_path)
    return target if target == "/ui" or target.startswith("/ui/") else "/ui/"


def _sign_in_page(
    container: ContainerDep, next_path: str, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    html = render_template(
        "sign_in.html",
        {
            "page": None,
            "title": "Anmelden",
            "next": next_path,
            "sso_url": f"/auth/login?next={quote(next_path)}" if container.oidc else None,
            "error": error,
        },
    )
    return HTMLResponse(html, status_code=status)


@router.get("/ui/anmelden", response_class=HTMLResponse)
def sign_in_page(
    container: ContainerDep, next: Annotated[str | None, Query(max_length=2000)] = None
) -> HTMLResponse:
    return _sign_in_page(container, ui_target(next))


@router.post("/ui/anmelden", response_class=HTMLResponse)
def sign_in_with_key(
    request: Request,
    container: ContainerDep,
    api_key: Annotated[str, Form(max_length=200)],
    next: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    target = ui_target(next)
    if not sent_by_this_site(request):
        return _sign_in_page(
            container, target, error="Die Anmeldung kam nicht von dieser Seite.", status=403
        )
    try:
        with unit_of_work(container.session_factory) as session:
            opened = open_key_session(
                session,
                api_key,
                hours=container.settings.oidc.session_hours,
                clock=container.clock,
            )
    except AuthenticationError:
        return _sign_in_page(
            container,
            target,
            error="Dieser Schlüssel ist unbekannt, widerrufen oder abgelaufen.",
            status=401,
        )
    response = RedirectResponse(target, status_code=303)
    set_session_cookies(response, opened, max_age=int(container.settings.oidc.session_hours * 3600))
    return response


@router.get("/")
@router.get("/ui")
def ui_root() -> RedirectResponse:
    """The server's address opens the web interface."""
    return RedirectResponse("/ui/", status_code=308)


@router.get("/ui/", response_class=HTMLResponse)
def start(page: PageDep) -> Response:
    """The first menu entry the caller may use; a page that says so when there is none."""
    navigation = page.navigation
    if navigation:
        return RedirectResponse(navigation[0].path, status_code=303)
    return page.render("start.html", title="Start")
