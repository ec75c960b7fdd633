"""Role × unit × confidentiality matrix over every page of the web interface.

The pages are not in the OpenAPI schema, so :mod:`tests.e2e.test_access_matrix` does not
see them; this module holds them to the same oracle (the hand-written ``ACCESS`` table
of :mod:`tests.e2e.access_world` and the permission table ``PERMITTED``).  Every page
under ``/ui`` needs an entry in :data:`PAGES`; a new page without one fails.

* a principal without the page's permission: the 403 page;
* an object the principal may not see: exactly the page for an id that does not exist
  (status and HTML, ids aside);
* an object they may see: anything but that page.

Pages only read (every change goes through the JSON API, covered by the other matrix),
so read and write access count alike here.  Runs on SQLite; the visibility rule is the
same SQL the API matrix runs on both databases.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI

from tests.e2e.access_world import PRINCIPALS, Access, World, build_world
from tests.e2e.test_access_matrix import PERMITTED, _expected, _normal, _objects, _real_id
from tests.fixtures.app import make_settings, start_service


@dataclass(frozen=True)
class Page:
    kind: str
    """document, akte, item, task, einvoice (an object page); global; public; ghost (an
    object outside the unit matrix, like an archive process or a destruction certificate:
    records managers and auditors see all of them, so an id that does not exist tells a
    refused caller from an admitted one)."""
    permission: str
    query: str = ""


PAGES: dict[str, Page] = {
    "/": Page("public", "any"),
    "/ui": Page("public", "any"),
    "/ui/anmelden": Page("public", "any"),
    "/ui/": Page("global", "any"),
    "/ui/posteingang": Page("global", "read_items"),
    "/ui/posteingang/zeilen": Page("global", "read_items"),
    "/ui/posteingang/{item_id}": Page("item", "read_items"),
    "/ui/posteingang/{item_id}/stand": Page("item", "read_items"),
    "/ui/pruefen": Page("global", "review"),
    "/ui/pruefen/{task_id}": Page("task", "review"),
    "/ui/pruefen/{task_id}/seiten": Page("task", "review"),
    "/ui/postkorb": Page("global", "review"),
    "/ui/suche": Page("global", "read", "?q=Matrixprüfwort"),
    "/ui/akten": Page("global", "read"),
    "/ui/akten/{akte_id}": Page("akte", "read"),
    "/ui/dokumente/{document_id}": Page("document", "read"),
    "/ui/dokumente/{document_id}/akten": Page("document", "manage_records", "?q=Akte"),
    "/ui/dokumente/{document_id}/seiten": Page("document", "review"),
    "/ui/e-rechnungen": Page("global", "read"),
    "/ui/e-rechnungen/{einvoice_id}": Page("einvoice", "read"),
    "/ui/verwaltung": Page("global", "read_audit"),
    "/ui/verwaltung/aufbewahrung": Page("global", "manage_retention"),
    "/ui/verwaltung/aufbewahrung/suchen": Page("global", "manage_retention", "?q=63"),
    "/ui/verwaltung/aufbewahrung/dokument/{document_id}": Page("document", "manage_retention"),
    "/ui/verwaltung/aufbewahrung/akte/{akte_id}": Page("akte", "manage_retention"),
    "/ui/verwaltung/aussonderung": Page("global", "manage_retention"),
    "/ui/verwaltung/aussonderung/verfahren": Page("global", "manage_retention"),
    "/ui/verwaltung/aussonderung/verfahren/{process_id}": Page("ghost", "manage_retention"),
    "/ui/verwaltung/aussonderung/verfahren/{process_id}/nachrichten/{message_id}": Page(
        "ghost", "manage_retention"
    ),
    "/ui/verwaltung/vernichtungsprotokolle": Page("global", "read_audit"),
    "/ui/verwaltung/vernichtungsprotokolle/{certificate_id}/{kind}": Page("ghost", "read_audit"),
    "/ui/verwaltung/integritaet": Page("global", "read_audit"),
    "/ui/verwaltung/protokoll": Page("global", "read_audit"),
    "/ui/verwaltung/aktenplan": Page("global", "read"),
    "/ui/verwaltung/leitweg": Page("global", "read"),
    "/ui/verwaltung/schluessel": Page("global", "manage_keys"),
    "/ui/verwaltung/personen": Page("global", "manage_keys"),
}
"""Who may open each page, written out by hand (``any``: every signed-in principal)."""


def page_paths(app: FastAPI) -> set[str]:
    """Every path of the web interface the app serves (static files aside)."""
    paths = set()
    for route in app.routes:
        router = getattr(route, "original_router", None)
        for inner in router.routes if router is not None else [route]:
            path = (router.prefix if router is not None else "") + getattr(inner, "path", "")
            if (path == "/" or path.startswith("/ui")) and path != "/ui/static":
                paths.add(path)
    return paths


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data_dir = tmp_path_factory.mktemp("ui-matrix") / "data"
    settings = make_settings(data_dir, http={"auth_failures_per_minute": 100_000})
    for service in start_service(settings, run_workers=False):
        yield build_world(service)


def _get(world: World, principal: str, url: str) -> tuple[int, str]:
    response = world.service.client.get(
        url, headers=world.headers(principal), follow_redirects=False
    )
    return response.status_code, response.text


def test_every_page_has_a_matrix_entry(world: World) -> None:
    served = page_paths(world.service.client.app)  # type: ignore[arg-type]
    assert served - set(PAGES) == set(), "pages without an access-matrix entry"
    assert set(PAGES) - served == set(), "matrix entries for pages that no longer exist"


def test_pages_need_a_sign_in(world: World) -> None:
    for path, page in PAGES.items():
        if page.kind == "public":
            continue
        url = re.sub(r"\{[^}]*\}", "x", path) + page.query
        response = world.service.client.get(
            url, headers={"Authorization": ""}, follow_redirects=False
        )
        assert response.status_code == 303, f"{path}: {response.status_code}"
        assert response.headers["location"].startswith("/ui/anmelden?next=")


@pytest.mark.parametrize("path", [p for p, page in PAGES.items() if page.kind == "global"])
def test_global_pages_need_their_permission(world: World, path: str) -> None:
    page = PAGES[path]
    problems = []
    for principal in PRINCIPALS:
        status, text = _get(world, principal, path + page.query)
        allowed = page.permission == "any" or principal in PERMITTED[page.permission]
        if allowed != (status in {200, 303}):
            problems.append(f"{principal}: {status} {text[:120]}")
    assert problems == [], f"{path}:\n" + "\n".join(problems)


GHOST_PARAMS = {"kind": "pdf", "message_id": "1"}
"""Path parameters of ``ghost`` pages that are not ids: a valid value."""


@pytest.mark.parametrize("path", [p for p, page in PAGES.items() if page.kind == "ghost"])
def test_pages_of_objects_outside_the_matrix_need_their_permission(world: World, path: str) -> None:
    page = PAGES[path]
    url = re.sub(r"\{([^}]*)\}", lambda m: GHOST_PARAMS.get(m[1], str(uuid.uuid4())), path)
    problems = []
    for principal in PRINCIPALS:
        status, text = _get(world, principal, url + page.query)
        expected = 404 if principal in PERMITTED[page.permission] else 403
        if status != expected:
            problems.append(f"{principal}: {status}, expected {expected} {text[:120]}")
    assert problems == [], f"{path}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "path", [p for p, page in PAGES.items() if page.kind not in {"global", "public", "ghost"}]
)
def test_object_pages_follow_the_matrix(world: World, path: str) -> None:
    page = PAGES[path]
    template = path.replace(path[path.index("{") : path.index("}") + 1], "{id}")
    problems: list[str] = []
    for name in _objects(page.kind):
        real, ghost = _real_id(world, page.kind, name), str(uuid.uuid4())
        for principal in PRINCIPALS:
            got = _get(world, principal, template.format(id=real) + page.query)
            if principal not in PERMITTED[page.permission]:
                if got[0] != 403:
                    problems.append(f"{principal} {name}: {got[0]}, expected 403")
                continue
            missing = _get(world, principal, template.format(id=ghost) + page.query)
            same = _normal(_Answer(*got), real) == _normal(_Answer(*missing), ghost)
            hidden = _expected(page.kind, principal, name) is Access.HIDDEN
            if hidden != same:
                what = "hidden" if hidden else "visible"
                problems.append(f"{principal} {name}: {got[0]} ({what}) {got[1][:100]!r}")
    assert problems == [], f"{path}:\n" + "\n".join(problems)


@dataclass(frozen=True)
class _Answer:
    """What ``_normal`` of the API matrix reads from a response."""

    status_code: int
    text: str
