"""Role × unit × confidentiality matrix over every route of the OpenAPI schema.

Every route must have an entry in :data:`ROUTES`; a new route without one fails
:func:`test_every_route_has_a_matrix_entry`.  For routes on one object, each principal's
answer for a real object is compared with the answer for an id that does not exist:

* no permission: 403 for both;
* hidden object: exactly the answer for the missing id (status and text, ids aside);
* readable but the route changes it: 403;
* otherwise: anything but the missing-id answer (200, or 409/410/422 of the domain).

List and search routes must list exactly the visible objects among the test's objects,
and count nothing else.  Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.access_world import (
    ACCESS,
    AKTE_OBJECTS,
    DOCUMENT_OBJECTS,
    PRINCIPALS,
    SEARCH_WORD,
    Access,
    World,
    build_world,
    world_settings,
)
from tests.fixtures.app import Service, start_service
from tests.fixtures.documents import letter_image, png_bytes

_CW = {"cw63", "cw63_vertraulich", "cw32", "cw61"}
_READERS = {"admin", "records_manager", "auditor", "mailroom"} | _CW
PERMITTED: dict[str, set[str]] = {
    "read": _READERS,
    "read_items": _READERS | {"station"},
    "manage_records": {"admin", "records_manager"} | _CW,
    "review": {"admin", "records_manager", "mailroom"} | _CW,
    "manage_retention": {"admin", "records_manager"},
    "read_audit": {"admin", "records_manager", "auditor", "data_protection"},
    "audit_trail": _READERS | {"data_protection"},
    "intake": {"admin", "records_manager", "mailroom", "station"},
    "manage_keys": {"admin"},
    "configure": {"admin", "records_manager"},
    "privacy": {"admin", "data_protection"},
    "metrics": {"admin"},
    "any": set(PRINCIPALS),
    "session": set(),
}
"""Who holds which permission, written out from the role table in the README ("session":
only a signed-in browser, never an API key)."""

LETTER_DATES = {"letter_date": "2019-03-01", "received_on": "2019-03-04", "reason": "Altakte"}
GHOST_ID = "7d9c1d8e-0c0b-4d1e-9a53-3f3b3c1f0a11"
PROCESS = f"/api/v1/archive/processes/{GHOST_ID}"
"""Archive routes are global (records managers see every unit); a process id that does not
exist is enough to tell a refused caller (403) from an admitted one (404)."""

ITEM_SEES_ALL = {"admin", "records_manager", "auditor", "mailroom", "station"}
PNG = png_bytes(letter_image(["Neue Fassung"]))


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    json: Any = None
    files: Any = None
    params: dict[str, str] | None = None


Builder = Callable[[World, str, str], Request]
"""(world, object name, id to use) -> the request; the id is the real one or a ghost."""


@dataclass(frozen=True)
class Route:
    kind: str
    """document, akte, vorgang, item, task, einvoice; list:<what>; global; public."""
    permission: str
    write: bool = False
    build: Builder | None = None


def get(template: str) -> Builder:
    return lambda world, name, object_id: Request("GET", template.format(id=object_id))


def call(method: str, template: str, body: Any = None) -> Builder:
    def build(world: World, name: str, object_id: str) -> Request:
        json = body(world, name) if callable(body) else body
        return Request(method, template.format(id=object_id), json=json)

    return build


def _level(world: World, name: str) -> dict[str, str]:
    levels = {"akte63": "003", "akte63_vertraulich": "005", "akte323": "002"}
    return {"level": levels.get(name, "003"), "reason": "Prüfung"}


def _filing(world: World, name: str) -> dict[str, str]:
    homes = {"doc63": "akte63", "doc63_vertraulich": "akte63_vertraulich", "doc323": "akte323"}
    return {"akte_id": world.ids[homes.get(name, "akte63")], "reason": "Prüfung"}


def _version(world: World, name: str, object_id: str) -> Request:
    files = {"file": ("neu.png", PNG, "image/png")}
    return Request("POST", f"/api/v1/documents/{object_id}/versions", files=files)


def _unshare(world: World, name: str, object_id: str) -> Request:
    return Request("DELETE", f"/api/v1/akten/{object_id}/shares/{world.share_of[name]}")


def _plan_upload(url: str) -> Builder:
    """An unreadable plan file: checked and refused, so nothing is ever imported."""

    def build(world: World, name: str, object_id: str) -> Request:
        return Request("POST", url, files={"file": ("plan.json", b"{", "application/json")})

    return build


HOLD = {"active": False, "reason": "Prüfung"}
APPRAISAL = {"value": "A", "reason": "Prüfung"}
EVENT = {"event": "Prüfung", "occurred_on": "2020-01-02", "note": "Prüfung"}
PERSON = "Demir, Ali, 01.02.1990"
D, A = "/api/v1/documents/{id}", "/api/v1/akten/{id}"

ROUTES: dict[str, Route] = {
    # documents
    "GET /api/v1/documents": Route("list:documents", "read"),
    "GET /api/v1/documents/{document_id}": Route("document", "read", build=get(D)),
    "GET /api/v1/documents/{document_id}/text": Route("document", "read", build=get(D + "/text")),
    "GET /api/v1/documents/{document_id}/content": Route(
        "document", "read", build=get(D + "/content")
    ),
    "GET /api/v1/documents/{document_id}/rendition": Route(
        "document", "read", build=get(D + "/rendition")
    ),
    "GET /api/v1/documents/{document_id}/pages/{page}/image": Route(
        "document", "read", build=get(D + "/pages/1/image?width=120")
    ),
    "GET /api/v1/documents/{document_id}/versions": Route(
        "document", "read", build=get(D + "/versions")
    ),
    "GET /api/v1/documents/{document_id}/versions/{number}/content": Route(
        "document", "read", build=get(D + "/versions/1/content")
    ),
    "GET /api/v1/documents/{document_id}/versions/{number}/rendition": Route(
        "document", "read", build=get(D + "/versions/1/rendition")
    ),
    "GET /api/v1/documents/{document_id}/versions/{number}/evidence": Route(
        "document", "read_audit", build=get(D + "/versions/1/evidence")
    ),
    "GET /api/v1/documents/{document_id}/retention": Route(
        "document", "read", build=get(D + "/retention")
    ),
    "GET /api/v1/documents/{document_id}/tombstone": Route(
        "document", "read", build=get(D + "/tombstone")
    ),
    "GET /api/v1/documents/{document_id}/filing": Route(
        "document", "read", build=get(D + "/filing")
    ),
    "GET /api/v1/documents/{document_id}/classification": Route(
        "document", "read", build=get(D + "/classification")
    ),
    "PUT /api/v1/documents/{document_id}/dates": Route(
        "document", "manage_records", True, call("PUT", D + "/dates", LETTER_DATES)
    ),
    "PUT /api/v1/documents/{document_id}/confidentiality": Route(
        "document", "manage_records", True, call("PUT", D + "/confidentiality", _level)
    ),
    "POST /api/v1/documents/{document_id}/versions": Route(
        "document", "manage_records", True, _version
    ),
    "PUT /api/v1/documents/{document_id}/retention": Route(
        "document",
        "manage_retention",
        True,
        call("PUT", D + "/retention", {"retain_until": "2099-12-31", "reason": "Prüfung"}),
    ),
    "PUT /api/v1/documents/{document_id}/legal-hold": Route(
        "document", "manage_retention", True, call("PUT", D + "/legal-hold", HOLD)
    ),
    "POST /api/v1/documents/{document_id}/destruction": Route(
        "document",
        "manage_retention",
        True,
        call("POST", D + "/destruction", {"reason": "Prüfung"}),
    ),
    "PUT /api/v1/documents/{document_id}/filing": Route(
        "document", "manage_records", True, call("PUT", D + "/filing", _filing)
    ),
    # page work: a page outside every document, so that nothing in the world changes
    "POST /api/v1/documents/{document_id}/pagework": Route(
        "document", "review", True, call("POST", D + "/pagework", {"drop": [100_000]})
    ),
    "GET /api/v1/documents/{document_id}/pagework/proposal": Route(
        "document", "review", build=get(D + "/pagework/proposal")
    ),
    "GET /api/v1/documents/{document_id}/pagework": Route(
        "document", "read", build=get(D + "/pagework")
    ),
    # Akten and Vorgänge
    "GET /api/v1/akten": Route("list:akten", "read"),
    "POST /api/v1/akten": Route(
        "global", "manage_records", build=call("POST", "/api/v1/akten", {})
    ),
    "GET /api/v1/akten/{akte_id}": Route("akte", "read", build=get(A)),
    "GET /api/v1/akten/{akte_id}/documents": Route("akte", "read", build=get(A + "/documents")),
    "GET /api/v1/akten/{akte_id}/vorgaenge": Route("akte", "read", build=get(A + "/vorgaenge")),
    "GET /api/v1/akten/{akte_id}/shares": Route("akte", "read", build=get(A + "/shares")),
    "POST /api/v1/akten/{akte_id}/vorgaenge": Route(
        "akte", "manage_records", True, call("POST", A + "/vorgaenge", {"title": "Neu"})
    ),
    "PUT /api/v1/akten/{akte_id}/confidentiality": Route(
        "akte", "manage_records", True, call("PUT", A + "/confidentiality", _level)
    ),
    "POST /api/v1/akten/{akte_id}/shares": Route(
        "akte",
        "manage_records",
        True,
        call("POST", A + "/shares", {"grantee_kind": "unit", "grantee": "37"}),
    ),
    "DELETE /api/v1/akten/{akte_id}/shares/{share_id}": Route(
        "akte", "manage_records", True, _unshare
    ),
    "POST /api/v1/akten/{akte_id}/close": Route(
        "akte", "manage_records", True, call("POST", A + "/close")
    ),
    "GET /api/v1/akten/{akte_id}/events": Route("akte", "read", build=get(A + "/events")),
    "POST /api/v1/akten/{akte_id}/events": Route(
        "akte", "manage_records", True, call("POST", A + "/events", EVENT)
    ),
    "POST /api/v1/akten/{akte_id}/reopen": Route(
        "akte", "manage_records", True, call("POST", A + "/reopen")
    ),
    "PUT /api/v1/akten/{akte_id}/legal-hold": Route(
        "akte", "manage_retention", True, call("PUT", A + "/legal-hold", HOLD)
    ),
    "PUT /api/v1/akten/{akte_id}/appraisal": Route(
        "akte", "manage_retention", True, call("PUT", A + "/appraisal", APPRAISAL)
    ),
    "GET /api/v1/disposition/due": Route(
        "global", "manage_retention", build=get("/api/v1/disposition/due")
    ),
    "POST /api/v1/archive/offer": Route(
        "global", "manage_retention", build=call("POST", "/api/v1/archive/offer")
    ),
    "POST /api/v1/archive/poll": Route(
        "global", "manage_retention", build=call("POST", "/api/v1/archive/poll")
    ),
    "GET /api/v1/archive/processes": Route(
        "global", "manage_retention", build=get("/api/v1/archive/processes")
    ),
    "GET /api/v1/archive/processes/{process_id}": Route(
        "global", "manage_retention", build=get(f"{PROCESS}")
    ),
    "POST /api/v1/archive/processes/{process_id}/approve": Route(
        "global", "manage_retention", build=call("POST", f"{PROCESS}/approve")
    ),
    "POST /api/v1/archive/processes/{process_id}/cancel": Route(
        "global", "manage_retention", build=call("POST", f"{PROCESS}/cancel", {"reason": "x"})
    ),
    "GET /api/v1/archive/processes/{process_id}/messages/{message_id}": Route(
        "global", "manage_retention", build=get(f"{PROCESS}/messages/1")
    ),
    "GET /api/v1/archive/alerts": Route(
        "global", "manage_retention", build=get("/api/v1/archive/alerts")
    ),
    "POST /api/v1/archive/alerts/{alert_id}/resolve": Route(
        "global",
        "manage_retention",
        build=call("POST", "/api/v1/archive/alerts/999999/resolve", {"note": "erledigt"}),
    ),
    "GET /api/v1/archive/certificates": Route(
        "global", "read_audit", build=get("/api/v1/archive/certificates")
    ),
    "GET /api/v1/archive/certificates/{certificate_id}/{kind}": Route(
        "global", "read_audit", build=get(f"/api/v1/archive/certificates/{GHOST_ID}/pdf")
    ),
    "GET /api/v1/vorgaenge/{vorgang_id}": Route(
        "vorgang", "read", build=get("/api/v1/vorgaenge/{id}")
    ),
    "POST /api/v1/vorgaenge/{vorgang_id}/close": Route(
        "vorgang", "manage_records", True, call("POST", "/api/v1/vorgaenge/{id}/close")
    ),
    "POST /api/v1/vorgaenge/{vorgang_id}/reopen": Route(
        "vorgang", "manage_records", True, call("POST", "/api/v1/vorgaenge/{id}/reopen")
    ),
    # mail room and review
    "POST /api/v1/intake": Route("global", "intake", build=call("POST", "/api/v1/intake")),
    "GET /api/v1/intake/items": Route("list:items", "read_items"),
    "GET /api/v1/intake/items/{item_id}": Route(
        "item", "read_items", build=get("/api/v1/intake/items/{id}")
    ),
    "GET /api/v1/review-queue": Route("list:tasks", "review"),
    "GET /api/v1/review-queue/{task_id}": Route(
        "task", "review", build=get("/api/v1/review-queue/{id}")
    ),
    "POST /api/v1/review-queue/{task_id}/decision": Route(
        "task",
        "review",
        True,
        call("POST", "/api/v1/review-queue/{id}/decision", {"action": "correct"}),
    ),
    "GET /api/v1/search": Route("list:search", "read"),
    # e-invoices
    "POST /api/v1/einvoices": Route("global", "intake", build=call("POST", "/api/v1/einvoices")),
    "GET /api/v1/einvoices": Route("list:einvoices", "read"),
    "GET /api/v1/einvoices/{einvoice_id}": Route(
        "einvoice", "read", build=get("/api/v1/einvoices/{id}")
    ),
    "GET /api/v1/einvoices/{einvoice_id}/report": Route(
        "einvoice", "read", build=get("/api/v1/einvoices/{id}/report")
    ),
    "GET /api/v1/einvoices/{einvoice_id}/html": Route(
        "einvoice", "read", build=get("/api/v1/einvoices/{id}/html")
    ),
    "GET /api/v1/einvoices/{einvoice_id}/pdf": Route(
        "einvoice", "read", build=get("/api/v1/einvoices/{id}/pdf")
    ),
    "POST /api/v1/einvoices/{einvoice_id}/routing": Route(
        "einvoice",
        "review",
        True,
        call("POST", "/api/v1/einvoices/{id}/routing", {"org_unit": "keine-einheit"}),
    ),
    "GET /api/v1/leitweg-routes": Route("global", "read", build=get("/api/v1/leitweg-routes")),
    "PUT /api/v1/leitweg-routes/{leitweg_id}": Route(
        "global", "configure", build=call("PUT", "/api/v1/leitweg-routes/991-x-00", {})
    ),
    "DELETE /api/v1/leitweg-routes/{leitweg_id}": Route(
        "global", "configure", build=call("DELETE", "/api/v1/leitweg-routes/991-x-00")
    ),
    "PUT /api/v1/annual-accounts/{fiscal_year}": Route(
        "global", "manage_retention", build=call("PUT", "/api/v1/annual-accounts/2020", {})
    ),
    # administration
    "GET /api/v1/file-plan": Route("global", "read", build=get("/api/v1/file-plan")),
    "GET /api/v1/file-plan/{code}": Route("global", "read", build=get("/api/v1/file-plan/63")),
    "PUT /api/v1/file-plan": Route("global", "configure", build=call("PUT", "/api/v1/file-plan")),
    "GET /api/v1/file-plan/versions": Route(
        "global", "read", build=get("/api/v1/file-plan/versions")
    ),
    "POST /api/v1/file-plan/validation": Route(
        "global", "configure", build=_plan_upload("/api/v1/file-plan/validation")
    ),
    "POST /api/v1/file-plan/versions": Route(
        "global", "configure", build=_plan_upload("/api/v1/file-plan/versions")
    ),
    "GET /api/v1/classifier": Route("global", "configure", build=get("/api/v1/classifier")),
    "POST /api/v1/classifier/training": Route(
        "global", "configure", build=call("POST", "/api/v1/classifier/training")
    ),
    "GET /api/v1/keys": Route("global", "manage_keys", build=get("/api/v1/keys")),
    "POST /api/v1/keys": Route("global", "manage_keys", build=call("POST", "/api/v1/keys", {})),
    "POST /api/v1/keys/{key_id}/rotation": Route(
        "global", "manage_keys", build=call("POST", "/api/v1/keys/nokey/rotation", {})
    ),
    "DELETE /api/v1/keys/{key_id}": Route(
        "global", "manage_keys", build=call("DELETE", "/api/v1/keys/nokey")
    ),
    "GET /api/v1/persons": Route("global", "manage_keys", build=get("/api/v1/persons")),
    "GET /api/v1/persons/{person_id}": Route(
        "global", "manage_keys", build=get("/api/v1/persons/noperson")
    ),
    "PUT /api/v1/persons/{person_id}/assignment": Route(
        "global", "manage_keys", build=call("PUT", "/api/v1/persons/noperson/assignment", {})
    ),
    "POST /api/v1/persons/{person_id}/assignment/reset": Route(
        "global", "manage_keys", build=call("POST", "/api/v1/persons/noperson/assignment/reset")
    ),
    "PUT /api/v1/persons/{person_id}/disabled": Route(
        "global", "manage_keys", build=call("PUT", "/api/v1/persons/noperson/disabled", {})
    ),
    # sign-in (tests/e2e/test_sso_login.py follows the whole flow with a real provider)
    "GET /auth/login": Route("public", "any"),
    "GET /auth/callback": Route("public", "any"),
    "POST /auth/logout": Route("global", "session", build=call("POST", "/auth/logout")),
    "GET /auth/me": Route("global", "any", build=get("/auth/me")),
    "GET /api/v1/privacy/access-report": Route(
        "global",
        "privacy",
        build=get("/api/v1/privacy/access-report?subject=" + PERSON),
    ),
    "POST /api/v1/privacy/access-report": Route(
        "global", "privacy", build=call("POST", "/api/v1/privacy/access-report", {})
    ),
    "GET /api/v1/privacy/disclosure": Route(
        "global", "privacy", build=get("/api/v1/privacy/disclosure?subject=" + PERSON)
    ),
    "POST /api/v1/privacy/disclosure": Route(
        "global", "privacy", build=call("POST", "/api/v1/privacy/disclosure", {})
    ),
    "GET /api/v1/audit": Route("list:audit", "audit_trail"),
    "POST /api/v1/audit/verification": Route(
        "global", "read_audit", build=call("POST", "/api/v1/audit/verification")
    ),
    "GET /api/v1/health": Route("global", "read_items", build=get("/api/v1/health")),
    "POST /api/v1/storage/fixity-runs": Route(
        "global", "read_audit", build=call("POST", "/api/v1/storage/fixity-runs")
    ),
    "GET /api/v1/health/storage": Route(
        "global", "read_items", build=get("/api/v1/health/storage")
    ),
    # operations (docs/monitoring.md): probes for orchestrators, metrics for Prometheus
    "GET /health/live": Route("public", "any"),
    "GET /health/ready": Route("public", "any"),
    "GET /metrics": Route("global", "metrics", build=get("/metrics")),
}


def _objects(kind: str) -> tuple[str, ...]:
    if kind in {"document", "item"}:
        return DOCUMENT_OBJECTS
    if kind in {"akte", "vorgang"}:
        return AKTE_OBJECTS
    if kind == "task":
        return ("doc_unfiled63", "invoice_doc")
    if kind == "einvoice":
        return ("invoice_doc",)
    raise AssertionError(kind)


def _real_id(world: World, kind: str, name: str) -> str:
    return {
        "document": lambda: world.ids[name],
        "akte": lambda: world.ids[name],
        "vorgang": lambda: world.vorgang_of[name],
        "item": lambda: world.item_of[name],
        "task": lambda: world.task_of[name],
        "einvoice": lambda: world.invoice_id,
    }[kind]()


def _expected(kind: str, principal: str, name: str) -> Access:
    if kind == "item" and principal in ITEM_SEES_ALL:
        return Access.WRITE
    return ACCESS[name][principal]


def _send(world: World, principal: str | None, request: Request) -> Any:
    # The test client sends the admin key by default; an empty header sends none.
    headers = world.headers(principal) if principal else {"Authorization": ""}
    return world.service.client.request(
        request.method,
        request.url,
        json=request.json,
        files=request.files,
        params=request.params,
        headers=headers,
    )


def _normal(response: Any, *ids: str) -> tuple[int, str]:
    text = response.text
    for object_id in ids:
        text = text.replace(object_id, "<id>")
    return response.status_code, re.sub(r'"instance":"[^"]*"', "", text)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    settings = world_settings(request, tmp_path_factory.mktemp("matrix") / "data")
    service: Service
    for service in start_service(settings, run_workers=False):
        yield build_world(service)


def test_every_route_has_a_matrix_entry(world: World) -> None:
    schema = world.service.client.app.openapi()  # type: ignore[attr-defined]
    routes = {f"{m.upper()} {path}" for path, ops in schema["paths"].items() for m in ops}
    assert routes - set(ROUTES) == set(), "routes without an access-matrix entry"
    assert set(ROUTES) - routes == set(), "matrix entries for routes that no longer exist"


def test_every_route_needs_authentication(world: World) -> None:
    for route_key, route in ROUTES.items():
        if route.kind == "public" or route.build is None:
            request = Request(route_key.split()[0], route_key.split()[1])
        else:
            name = _objects(route.kind)[0] if not route.kind.startswith(("list", "global")) else ""
            request = route.build(world, name, "x")
        if route.kind == "public":
            continue
        response = _send(world, None, request)
        assert response.status_code == 401, f"{route_key}: {response.status_code}"


OBJECT_ROUTES = [
    k
    for k, r in ROUTES.items()
    if r.kind in {"document", "akte", "vorgang", "item", "task", "einvoice"}
]


@pytest.mark.parametrize("route_key", OBJECT_ROUTES)
def test_object_routes_follow_the_matrix(world: World, route_key: str) -> None:
    route = ROUTES[route_key]
    assert route.build is not None
    problems: list[str] = []
    # Refusals first (they must not change anything), then the permitted calls.
    cases = [(principal, name) for name in _objects(route.kind) for principal in PRINCIPALS]
    cases.sort(key=lambda case: _expected(route.kind, *case) is not Access.HIDDEN)
    for principal, name in cases:
        real = _real_id(world, route.kind, name)
        ghost = str(uuid.uuid4())
        got = _send(world, principal, route.build(world, name, real))
        if principal not in PERMITTED[route.permission]:
            if got.status_code != 403:
                problems.append(f"{principal} {name}: {got.status_code}, expected 403")
            continue
        missing = _send(world, principal, route.build(world, name, ghost))
        access = _expected(route.kind, principal, name)
        same = _normal(got, real) == _normal(missing, ghost)
        if access is Access.HIDDEN:
            if not same:
                problems.append(f"{principal} {name}: {got.status_code} {got.text[:120]} (hidden)")
        elif access is Access.READ and route.write:
            if got.status_code != 403:
                problems.append(f"{principal} {name}: {got.status_code}, expected 403 (read only)")
        elif same or got.status_code in {401, 403}:
            problems.append(f"{principal} {name}: {got.status_code} {got.text[:120]} (visible)")
    assert problems == [], f"{route_key}:\n" + "\n".join(problems)


GLOBAL_ROUTES = [k for k, r in ROUTES.items() if r.kind == "global"]


@pytest.mark.parametrize("route_key", GLOBAL_ROUTES)
def test_global_routes_need_their_permission(world: World, route_key: str) -> None:
    route = ROUTES[route_key]
    assert route.build is not None
    problems = []
    for principal in PRINCIPALS:
        got = _send(world, principal, route.build(world, "", ""))
        allowed = principal in PERMITTED[route.permission]
        if allowed == (got.status_code in {401, 403}):
            problems.append(f"{principal}: {got.status_code} {got.text[:120]}")
    assert problems == [], f"{route_key}:\n" + "\n".join(problems)


def _listed(world: World, principal: str, what: str) -> tuple[set[str], int]:
    client, headers = world.service.client, world.headers(principal)
    url, params, key = {
        "documents": ("/api/v1/documents", {"limit": "500"}, "id"),
        "akten": ("/api/v1/akten", {"limit": "500"}, "id"),
        "items": ("/api/v1/intake/items", {"limit": "500"}, "id"),
        "tasks": ("/api/v1/review-queue", {"limit": "500"}, "id"),
        "einvoices": ("/api/v1/einvoices", {"limit": "500"}, "id"),
        "search": ("/api/v1/search", {"q": SEARCH_WORD, "limit": "100"}, "document_id"),
    }[what]
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    rows = body["hits"] if what == "search" else body["items"]
    return {row[key] for row in rows}, body["total"]


def _visible(world: World, principal: str, what: str) -> tuple[set[str], set[str]]:
    """(ids of the test's objects the principal must see, all the test's ids)."""
    kind, objects = {
        "documents": ("document", DOCUMENT_OBJECTS),
        "search": ("document", DOCUMENT_OBJECTS),
        "akten": ("akte", AKTE_OBJECTS),
        "items": ("item", DOCUMENT_OBJECTS),
        "tasks": ("task", ("doc_unfiled63", "invoice_doc")),
        "einvoices": ("einvoice", ("invoice_doc",)),
    }[what]
    ids = {name: _real_id(world, kind, name) for name in objects}
    seen = {ids[n] for n in objects if _expected(kind, principal, n) is not Access.HIDDEN}
    return seen, set(ids.values())


LIST_ROUTES = [
    k for k, r in ROUTES.items() if r.kind.startswith("list:") and r.kind != "list:audit"
]


@pytest.mark.parametrize("route_key", LIST_ROUTES)
def test_lists_and_totals_hold_only_what_the_caller_may_see(world: World, route_key: str) -> None:
    what = ROUTES[route_key].kind.removeprefix("list:")
    problems = []
    for principal in PRINCIPALS:
        if principal not in PERMITTED[ROUTES[route_key].permission]:
            response = world.service.client.get(
                route_key.split()[1], params={"q": "x"}, headers=world.headers(principal)
            )
            if response.status_code != 403:
                problems.append(f"{principal}: {response.status_code}, expected 403")
            continue
        listed, total = _listed(world, principal, what)
        expected, known = _visible(world, principal, what)
        if listed & known != expected:
            problems.append(
                f"{principal}: listed {sorted(listed & known)}, expected {sorted(expected)}"
            )
        if total != len(listed):
            problems.append(f"{principal}: total {total} for {len(listed)} rows")
        if what == "search" and total != len(expected):
            problems.append(f"{principal}: search total {total}, expected {len(expected)}")
    assert problems == [], f"{route_key}:\n" + "\n".join(problems)


def test_audit_trail_shows_only_events_of_visible_objects(world: World) -> None:
    known = {world.ids[n]: n for n in (*DOCUMENT_OBJECTS, *AKTE_OBJECTS)}
    for principal in PERMITTED["audit_trail"]:
        response = world.service.client.get(
            "/api/v1/audit", params={"limit": "500"}, headers=world.headers(principal)
        )
        assert response.status_code == 200, response.text
        seen = {
            known[e["object"]["id"]] for e in response.json()["items"] if e["object"]["id"] in known
        }
        if principal in PERMITTED["read_audit"]:
            assert seen == set(known.values()), principal
        else:
            allowed = {n for n in known.values() if ACCESS[n][principal] is not Access.HIDDEN}
            assert seen and seen <= allowed, (principal, seen - allowed)
