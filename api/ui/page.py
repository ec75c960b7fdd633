"""What every page handler gets: the caller, their scope, and a way to render.

``PageDep`` is the pages' one dependency.  It builds on the API's ``ScopeDep`` (the
same principal, the same scope), adds the navigation the caller may use, and renders
templates with the context every page shares (``base.html`` needs it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from api.dependencies import ContainerDep, PrincipalDep, ScopeDep
from api.ui.templating import render_template
from services.access.principal import Principal
from services.access.roles import Permission
from services.access.scope import Scope
from services.bootstrap import Container


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    permission: Permission | None
    """Shown only with this permission; None: always."""
    shortcut: str
    """The key that opens it after ``g`` (``g p`` for the Postkorb)."""


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("/ui/posteingang", "Posteingang", Permission.READ_ITEMS, "e"),
    NavItem("/ui/pruefen", "Prüfen", Permission.REVIEW, "v"),
    NavItem("/ui/postkorb", "Postkorb", Permission.REVIEW, "p"),
    NavItem("/ui/suche", "Suche", Permission.SEARCH, "s"),
    NavItem("/ui/akten", "Akten", Permission.READ_RECORDS, "a"),
    NavItem("/ui/e-rechnungen", "E-Rechnungen", Permission.READ_RECORDS, "r"),
    NavItem("/ui/verwaltung", "Verwaltung", None, "w"),
)
"""The main menu; each page module serves the path it names."""

ADMIN_PERMISSIONS = frozenset(
    {
        Permission.MANAGE_RETENTION,
        Permission.READ_AUDIT,
        Permission.MANAGE_FILE_PLAN,
        Permission.MANAGE_KEYS,
        Permission.PRIVACY_REPORTS,
    }
)
"""Any of these opens the Verwaltung section."""


@dataclass(frozen=True)
class Page:
    request: Request
    container: Container
    principal: Principal
    scope: Scope

    def can(self, permission: Permission) -> bool:
        return self.scope.may(permission)

    @property
    def navigation(self) -> list[NavItem]:
        items = []
        for item in NAVIGATION:
            if item.permission is None:
                if any(self.can(p) for p in ADMIN_PERMISSIONS):
                    items.append(item)
            elif self.can(item.permission):
                items.append(item)
        return items

    def render(
        self, template: str, *, title: str, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        """Render ``template`` (which extends ``base.html``) with the shared context."""
        html = render_template(
            template,
            {
                "page": self,
                "title": title,
                "current_path": self.request.url.path,
                "Permission": Permission,
                **context,
            },
        )
        return HTMLResponse(html, status_code=status_code)


def get_page(
    request: Request, container: ContainerDep, principal: PrincipalDep, scope: ScopeDep
) -> Page:
    return Page(request=request, container=container, principal=principal, scope=scope)


PageDep = Annotated[Page, Depends(get_page)]
