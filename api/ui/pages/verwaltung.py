"""``/ui/verwaltung``: the sections of the Verwaltung the caller may use.

Each section is its own page (and module); this overview only links those the
caller's permissions open, so nobody is led to a 403 page.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.ui.page import ADMIN_PERMISSIONS, PageDep
from services.access.roles import Permission
from services.errors import PermissionDeniedError

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Section:
    path: str
    label: str
    description: str
    permission: Permission


SECTIONS: tuple[Section, ...] = (
    Section(
        "/ui/verwaltung/aufbewahrung",
        "Aufbewahrung und Löschung",
        "Fällige Aufbewahrungsfristen, Löschsperren (Legal Hold), Fristverlängerung "
        "und Vernichtung nach Fristablauf.",
        Permission.MANAGE_RETENTION,
    ),
    Section(
        "/ui/verwaltung/aussonderung",
        "Aussonderung",
        "Fällige Akten bewerten, dem Archiv anbieten oder übergeben (xdomea), "
        "Aussonderungsverfahren verfolgen und die Vernichtung freigeben.",
        Permission.MANAGE_RETENTION,
    ),
    Section(
        "/ui/verwaltung/vernichtungsprotokolle",
        "Vernichtungsprotokolle",
        "Vernichtungs- und Löschprotokolle der Aussonderung als PDF und JSON.",
        Permission.READ_AUDIT,
    ),
    Section(
        "/ui/verwaltung/integritaet",
        "Integrität und Speicher",
        "Hash-Kette des Protokolls, Beweisdaten, Fixity-Prüfung und Zustand des Speichers.",
        Permission.READ_AUDIT,
    ),
    Section(
        "/ui/verwaltung/protokoll",
        "Protokoll",
        "Das revisionssichere Protokoll: wer hat wann was getan.",
        Permission.READ_AUDIT,
    ),
    Section(
        "/ui/verwaltung/aktenplan",
        "Aktenplan",
        "Aktenplan einsehen und eine neue Fassung einspielen.",
        Permission.MANAGE_FILE_PLAN,
    ),
    Section(
        "/ui/verwaltung/leitweg",
        "Leitweg-IDs",
        "Zuordnung der Leitweg-IDs für E-Rechnungen zu Organisationseinheiten.",
        Permission.MANAGE_FILE_PLAN,
    ),
    Section(
        "/ui/verwaltung/schluessel",
        "API-Schlüssel",
        "Schlüssel anlegen, erneuern und widerrufen.",
        Permission.MANAGE_KEYS,
    ),
    Section(
        "/ui/verwaltung/personen",
        "Personen",
        "Personen Rollen und Organisationseinheiten zuordnen.",
        Permission.MANAGE_KEYS,
    ),
)


@router.get("/ui/verwaltung", response_class=HTMLResponse)
def overview(page: PageDep) -> HTMLResponse:
    if not any(page.can(p) for p in ADMIN_PERMISSIONS):
        raise PermissionDeniedError("the Verwaltung needs an administrative permission")
    sections = [section for section in SECTIONS if page.can(section.permission)]
    return page.render("records_admin/overview.html", title="Verwaltung", sections=sections)
