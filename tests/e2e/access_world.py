"""A small town hall for access tests: principals, records, and who may do what with them.

The oracle (:data:`ACCESS`) is written out by hand from the rules in the README, not
computed by the code under test: a change in the visibility rule that breaks it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.db.models import ReviewTask
from services.db.session import unit_of_work
from services.einvoice.intake import PROCESS_EINVOICE
from services.ports import IndexableDocument
from services.settings import SearchBackend, Settings
from tests.fixtures.app import Service, make_settings
from tests.fixtures.records import classify_now, insert_document

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
INVOICE = TESTDATA / "xrechnung-testsuite" / "business-cases" / "standard"
SEARCH_WORD = "Matrixprüfwort"


class Access(Enum):
    HIDDEN = "hidden"
    READ = "read"
    WRITE = "write"


H, R, W = Access.HIDDEN, Access.READ, Access.WRITE

PRINCIPALS: dict[str, dict[str, Any]] = {
    "admin": {"role": "admin", "org_unit": None, "clearance": "004"},
    "records_manager": {"role": "records_manager", "org_unit": None, "clearance": "002"},
    "auditor": {"role": "auditor", "org_unit": None, "clearance": "005"},
    "data_protection": {"role": "data_protection", "org_unit": None, "clearance": "004"},
    "mailroom": {"role": "mailroom", "org_unit": "POST", "clearance": "003"},
    "station": {"role": "station", "org_unit": "POST", "clearance": "003"},
    "cw63": {"role": "caseworker", "org_unit": "63", "clearance": "003"},
    "cw63_vertraulich": {"role": "caseworker", "org_unit": "63", "clearance": "005"},
    "cw32": {"role": "caseworker", "org_unit": "32", "clearance": "002"},
    "cw61": {"role": "caseworker", "org_unit": "61", "clearance": "003"},
}
"""cw32 belongs to the Ordnungsamt and so sees its sub-unit 32.3 (foreigners' authority);
cw61 (planning) sees one Bauakte of unit 63 because it is shared with 61 for reading."""

_COLUMNS = tuple(PRINCIPALS)

ACCESS: dict[str, dict[str, Access]] = {
    name: dict(zip(_COLUMNS, row, strict=True))
    for name, row in {
        #                      adm rm aud dpo mail stat cw63 cw63v cw32 cw61
        "akte63": (W, W, R, H, H, H, W, W, H, R),
        "doc63": (W, W, R, H, H, H, W, W, H, R),
        "akte63_vertraulich": (W, H, R, H, H, H, H, W, H, H),
        "doc63_vertraulich": (W, H, R, H, H, H, H, W, H, H),
        "akte323": (W, W, R, H, H, H, H, H, W, H),
        "doc323": (W, W, R, H, H, H, H, H, W, H),
        "doc_unfiled63": (W, W, R, H, W, W, W, W, H, H),
        "invoice_doc": (W, W, R, H, W, W, H, H, H, H),
    }.items()
}
"""Per object and principal: hidden, readable, or also changeable.  Unfiled mail is the
mail room's (and stations') and its target unit's; the data-protection officer reads no
content at all; the auditor reads everything within clearance 005 and changes nothing."""

DOCUMENT_OBJECTS = ("doc63", "doc63_vertraulich", "doc323", "doc_unfiled63", "invoice_doc")
AKTE_OBJECTS = ("akte63", "akte63_vertraulich", "akte323")


@dataclass
class World:
    service: Service
    keys: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    """Object name -> id (documents, Akten, and derived objects)."""
    task_of: dict[str, str] = field(default_factory=dict)
    vorgang_of: dict[str, str] = field(default_factory=dict)
    share_of: dict[str, int] = field(default_factory=dict)
    item_of: dict[str, str] = field(default_factory=dict)
    invoice_id: str = ""

    def headers(self, principal: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[principal]}"}

    def access(self, principal: str, obj: str) -> Access:
        return ACCESS[obj][principal]

    def visible(self, principal: str, objects: tuple[str, ...]) -> set[str]:
        return {self.ids[o] for o in objects if ACCESS[o][principal] is not Access.HIDDEN}


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def world_settings(request: pytest.FixtureRequest, data_dir: Path) -> Settings:
    """Settings of a world on ``request.param`` (``sqlite`` or ``postgres``).

    Access tests make hundreds of deliberately unauthenticated calls, so the failure
    limit is kept out of the way.
    """
    http = {"auth_failures_per_minute": 100_000}
    if request.param == "sqlite":
        return make_settings(data_dir, http=http)
    url = request.getfixturevalue("postgres_url_module")
    return make_settings(
        data_dir, database_url=url, search_backend=SearchBackend.POSTGRES, http=http
    )


def build_world(service: Service) -> World:
    world = World(service=service)
    client = service.client
    for name, spec in PRINCIPALS.items():
        body = {"name": f"{name} key", **spec}
        world.keys[name] = _ok(client.post("/api/v1/keys", json=body), 201)["key"]

    def akte(name: str, code: str, **extra: Any) -> None:
        created = _ok(
            client.post("/api/v1/akten", json={"code": code, "title": name, **extra}), 201
        )
        world.ids[name] = created["id"]
        vorgang = _ok(
            client.post(f"/api/v1/akten/{created['id']}/vorgaenge", json={"title": "V"}), 201
        )
        world.vorgang_of[name] = vorgang["id"]
        share = client.post(
            f"/api/v1/akten/{created['id']}/shares",
            json={"grantee_kind": "unit", "grantee": "37", "reason": "Brandschau"},
        )
        world.share_of[name] = _ok(share, 201)["id"]

    akte("akte63", "521.01")
    akte("akte63_vertraulich", "521.01", confidentiality="005")
    akte("akte323", "122.04", subject_keys=[{"kind": "person", "value": "Demir, Ali, 01.02.1990"}])
    assert _ok(client.get(f"/api/v1/akten/{world.ids['akte323']}"))["confidentiality"] == "002"
    _ok(
        client.post(
            f"/api/v1/akten/{world.ids['akte63']}/shares",
            json={"grantee_kind": "unit", "grantee": "61", "access": "read"},
        ),
        201,
    )

    def document(name: str, akte_name: str | None, org_unit: str) -> None:
        text = f"{SEARCH_WORD} {name}: Antrag auf Genehmigung für das Grundstück Lindenweg 3."
        document_id = insert_document(service.container, text, org_unit=org_unit)
        world.ids[name] = document_id
        if akte_name is not None:
            _ok(
                client.put(
                    f"/api/v1/documents/{document_id}/filing",
                    json={"akte_id": world.ids[akte_name], "reason": "Test"},
                )
            )

    document("doc63", "akte63", "63")
    document("doc63_vertraulich", "akte63_vertraulich", "63")
    document("doc323", "akte323", "32.3")
    document("doc_unfiled63", None, "63")
    classify_now(service.container, world.ids["doc_unfiled63"])

    xml = (INVOICE / "01.01a-INVOICE_ubl.xml").read_bytes()
    receipt = _ok(
        client.post(
            "/api/v1/einvoices",
            content=xml,
            headers={"Content-Type": "application/xml", "X-Filename": "r.xml"},
        ),
        202,
    )
    service.container.handlers()[PROCESS_EINVOICE].run({"einvoice_id": receipt["id"]})
    invoice = _ok(client.get(receipt["url"]))
    assert invoice["status"] == "accepted" and invoice["org_unit"] == "RE", invoice
    world.invoice_id = invoice["id"]
    world.ids["invoice_doc"] = invoice["document_id"]

    with unit_of_work(service.container.session_factory, write=False) as session:
        for name in ("doc_unfiled63", "invoice_doc"):
            task = session.scalar(
                select(ReviewTask).where(ReviewTask.document_id == world.ids[name])
            )
            assert task is not None, f"{name} should wait in a review queue"
            world.task_of[name] = task.id
    for name in DOCUMENT_OBJECTS:
        document_out = _ok(client.get(f"/api/v1/documents/{world.ids[name]}"))
        world.item_of[name] = document_out["item_id"]
    _index_all(world)
    return world


def _index_all(world: World) -> None:
    """Put every test document into the search index (insert_document does not)."""
    container = world.service.container
    with unit_of_work(container.session_factory) as session:
        for name in DOCUMENT_OBJECTS:
            container.search.index_document(
                session,
                IndexableDocument(
                    document_id=world.ids[name],
                    title=f"Brief {name}",
                    metadata_text="",
                    pages=[f"{SEARCH_WORD} {name} Grundstück Lindenweg"],
                ),
            )
