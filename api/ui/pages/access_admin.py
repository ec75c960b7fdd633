"""/ui/verwaltung/schluessel and /ui/verwaltung/personen: who may use eakte (admins).

Both need ``manage_keys``, as their API routes do.  The pages list keys and persons; the
script creates and revokes keys (``/api/v1/keys``) and changes, resets, disables and
enables persons (``/api/v1/persons/...``).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep
from api.ui.page import PageDep
from services.access.admin_lists import keys_for, persons_for
from services.access.confidentiality import Confidentiality
from services.records.file_plans import active_plan

router = APIRouter(include_in_schema=False)

ROLE_LABELS = {
    "station": "Scan-Arbeitsplatz",
    "mailroom": "Poststelle",
    "caseworker": "Sachbearbeitung",
    "records_manager": "Registratur",
    "auditor": "Prüfung",
    "data_protection": "Datenschutz",
    "monitoring": "Überwachung (Prometheus)",
    "admin": "Administration",
}
"""German names of the built-in roles; a deployment's own roles show their key."""


def _levels() -> list[Confidentiality]:
    return sorted(Confidentiality, key=lambda level: level.rank)


def _roles(page: PageDep) -> list[tuple[str, str]]:
    return [(name, ROLE_LABELS.get(name, name)) for name in page.container.roles.names]


@router.get("/ui/verwaltung/schluessel", response_class=HTMLResponse)
def keys_page(page: PageDep, session: SessionDep) -> HTMLResponse:
    keys = keys_for(session, page.scope)
    return page.render(
        "admin/keys.html",
        title="API-Schlüssel",
        keys=list(reversed(keys)),
        roles=_roles(page),
        role_labels=ROLE_LABELS,
        units=sorted(active_plan(session).org_units.items()),
        levels=_levels(),
        default_clearance=page.container.settings.access.default_clearance,
        own_key=page.principal.id,
        now=page.container.clock.now(),
    )


@router.get("/ui/verwaltung/personen", response_class=HTMLResponse)
def persons_page(page: PageDep, session: SessionDep) -> HTMLResponse:
    persons = persons_for(session, page.scope)
    return page.render(
        "admin/persons.html",
        title="Personen",
        persons=persons,
        roles=_roles(page),
        role_labels=ROLE_LABELS,
        units=sorted(active_plan(session).org_units.items()),
        levels=_levels(),
        own_id=page.principal.id,
    )
