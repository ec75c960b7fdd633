"""The two cookies of a signed-in browser, set and cleared in one place.

- ``eakte_session``: the session token; HttpOnly, SameSite=Lax, Path=/.
- ``eakte_csrf``: the session's CSRF token; readable by the page (not HttpOnly) but
  sent only to eakte itself (SameSite=Strict).  Pages echo it in ``X-CSRF-Token``.

Both are always ``Secure``: browsers keep such cookies over HTTPS and on
``http://localhost`` / ``http://127.0.0.1`` (``make run`` on a workstation); any other
installation serves eakte over TLS.
"""

from __future__ import annotations

from starlette.responses import Response

from services.access.sessions import SESSION_COOKIE, OpenedSession

CSRF_COOKIE = "eakte_csrf"


def set_session_cookies(response: Response, opened: OpenedSession, *, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        max_age=max_age,
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )
    response.set_cookie(
        CSRF_COOKIE,
        opened.csrf_token,
        max_age=max_age,
        path="/",
        secure=True,
        httponly=False,
        samesite="strict",
    )


def clear_session_cookies(response: Response) -> None:
    for name, httponly, samesite in (
        (SESSION_COOKIE, True, "lax"),
        (CSRF_COOKIE, False, "strict"),
    ):
        response.delete_cookie(
            name,
            path="/",
            secure=True,
            httponly=httponly,
            samesite=samesite,  # type: ignore[arg-type]
        )
