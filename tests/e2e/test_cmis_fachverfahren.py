"""A specialist procedure (Fachverfahren) of the foreigners' authority files through CMIS.

The procedure logs in as a technical user (HTTP Basic with its API key; its deployment
role adds defining types to a case worker's rights), defines its own
document type with a person number, finds or creates the person's Ausländerakte below
plan item 122.04 by path, stores a decision there and finds it again by the person
number, over the Browser and the AtomPub binding alike.  The building authority's case
worker sees none of it; retention refuses deletion (409) until it ends; 100 MB go up and
down through the Browser binding while the server's memory stays flat.
"""

from __future__ import annotations

import hashlib
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from cmislib.exceptions import CmisException, ObjectNotFoundException

from services.db.models import Akte
from services.db.session import unit_of_work
from services.records.file_plans import active_plan
from tests.fixtures.cmis import (
    BINDINGS,
    FOREIGNERS_CODE,
    Binding,
    CmisServer,
    LargePdf,
    memory,
    multipart_upload,
    postgres_s3_settings,
    reset_peak,
    start_cmis_server,
    unique_pdf,
)

PERSON = "Nguyen, Van Minh"
PERSON_KEY = "person:Nguyen, Van Minh, 03.11.1979"
PERSON_NUMBER = "AZR-2026-0047113"
TYPE_ID = "abh:bescheid"
NUMBER_ID = "abh:personennummer"
ATOM = "http://www.w3.org/2005/Atom"
APP = "http://www.w3.org/2007/app"
CMIS = "http://docs.oasis-open.org/ns/cmis/core/200908/"
CMISRA = "http://docs.oasis-open.org/ns/cmis/restatom/200908/"
MB = 1024 * 1024


@pytest.fixture(
    scope="module",
    params=[
        *BINDINGS,
        pytest.param("browser-postgres-s3", marks=[pytest.mark.postgres, pytest.mark.s3]),
    ],
)
def procedure(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[CmisServer, Binding]]:
    """A server per binding (and the Browser binding once more on PostgreSQL and S3 with
    Object Lock): each defines the type and files from scratch.

    The last test of the module moves the server's clock by years.
    """
    variant: str = request.param
    binding: Binding = "atom" if variant == "atom" else "browser"
    overrides = postgres_s3_settings(request) if variant.endswith("s3") else {}
    data_dir = tmp_path_factory.mktemp(f"abh-{variant}") / "data"
    yield from ((server, binding) for server in start_cmis_server(data_dir, **overrides))


def test_the_procedure_defines_its_type_files_a_decision_and_finds_it(
    procedure: tuple[CmisServer, Binding],
) -> None:
    server, binding = procedure
    refused = create_type(server, binding, "foreigners")
    assert refused.status_code == 403, "a case worker's key may not define types"
    assert created_type_id(binding, create_type(server, binding, "procedure")) == TYPE_ID
    repo = server.repository("procedure", binding)
    definition = repo.getTypeDefinition(TYPE_ID)
    assert definition.getBaseId() == "cmis:document"
    assert NUMBER_ID in definition.properties

    akte = find_or_create_akte(repo)
    assert find_or_create_akte(server.repository("procedure", binding)).getObjectId() == (
        akte.getObjectId()
    ), "the second call finds the Akte the first one created"
    assert akte.getObjectId().startswith("akte:")
    props = akte.getProperties()
    assert props["eakte:planCode"] == FOREIGNERS_CODE
    assert props["eakte:orgUnit"] == "32.3"

    pdf = unique_pdf("Bescheid über die Verlängerung der Aufenthaltserlaubnis")
    decision = akte.createDocument(
        "Bescheid Verlängerung Aufenthaltserlaubnis",
        {"cmis:objectTypeId": TYPE_ID, NUMBER_ID: PERSON_NUMBER},
        contentFile=io.BytesIO(pdf),
        contentType="application/pdf",
    )
    stored = decision.getProperties()
    assert stored["cmis:objectTypeId"] == TYPE_ID
    assert stored[NUMBER_ID] == PERSON_NUMBER
    assert stored["eakte:contentSha256"] == hashlib.sha256(pdf).hexdigest()

    found = query_ids(repo, PERSON_NUMBER)
    assert found == [decision.getObjectId()]
    assert query_ids(repo, "AZR-0000-0000000") == []
    again = repo.getObject(found[0])
    assert read_content(again) == pdf
    assert read_content(repo.getObject(stored["cmis:versionSeriesId"])) == pdf

    other = server.repository("building", binding)
    for object_id in (decision.getObjectId(), akte.getObjectId()):
        with pytest.raises(ObjectNotFoundException):
            other.getObject(object_id)
    with pytest.raises(ObjectNotFoundException):
        other.getObjectByPath(f"/{FOREIGNERS_CODE}/{PERSON}")
    plan_item = other.getObjectByPath(f"/{FOREIGNERS_CODE}")
    assert [child.getName() for child in plan_item.getChildren()] == []
    assert query_ids(other, PERSON_NUMBER) == []
    assert PERSON in [
        c.getName() for c in repo.getObjectByPath(f"/{FOREIGNERS_CODE}").getChildren()
    ]


def test_deleting_a_decision_is_refused_while_it_is_retained(
    procedure: tuple[CmisServer, Binding],
) -> None:
    server, binding = procedure
    decision = file_decision(server, binding, "Ablehnungsbescheid")
    for person in ("foreigners", "records_manager", "admin"):
        with pytest.raises(CmisException) as refused:
            server.repository(person, binding).getObject(decision).delete()
        if person == "foreigners":  # a case worker may lack the right to destroy at all
            assert refused.value.status in {403, 409}, refused.value
        else:
            assert refused.value.status == 409, refused.value
    assert_constraint(server, binding, decision)
    assert read_content(server.repository("procedure", binding).getObject(decision))


def test_deletion_is_allowed_after_the_retention_ends(
    procedure: tuple[CmisServer, Binding],
) -> None:
    """Moves the server's clock by twelve years: keep this the module's last test."""
    server, binding = procedure
    assert server.clock is not None and server.ui is not None
    decision = file_decision(server, binding, "Ausweisungsverfügung")
    repo = server.repository("records_manager", binding)
    akte_id = repo.getObject(decision).getObjectParents()[0].getObjectId()
    assert akte_id.startswith("akte:")
    with server.api("records_manager") as api:
        closed = api.post(f"/api/v1/akten/{akte_id.removeprefix('akte:')}/close")
        assert closed.status_code == 200, closed.text
    with pytest.raises(CmisException) as refused:
        repo.getObject(decision).delete()
    assert refused.value.status == 409, "closed, but the person's departure is not recorded"
    record_departure(server, akte_id.removeprefix("akte:"))
    server.clock.advance(timedelta(days=366 * 12))

    repo.getObject(decision).delete()
    with pytest.raises(ObjectNotFoundException):
        repo.getObject(decision)
    with server.api("records_manager") as api:
        tombstone = api.get(f"/api/v1/documents/{decision.split(';')[0]}/tombstone")
        assert tombstone.status_code == 200, tombstone.text


def test_100_mb_stream_up_and_down_with_flat_server_memory(cmis_process: CmisServer) -> None:
    server = cmis_process
    folder = "akte:" + server.world.akten["foreigners"]["id"]
    with server.http("foreigners") as http:
        root_url = browser_root_url(http)
        small = LargePdf(256 * 1024)
        warm = upload(http, root_url, folder, small, "Warmlauf.pdf")
        assert download_sha256(http, root_url, warm) == small.sha256

        before = memory(server.pid)["VmRSS"]
        reset_peak(server.pid)
        big = LargePdf(100 * MB)
        document = upload(http, root_url, folder, big, "Bescheid mit Anlagen.pdf")
        assert download_sha256(http, root_url, document) == big.sha256
        peak = memory(server.pid)["VmHWM"]
    growth = peak - before
    assert growth < 60 * MB, f"server RSS grew by {growth / MB:.1f} MB for 100 MB up and down"


# --- what the procedure does -------------------------------------------------------------


def decision_type() -> dict[str, Any]:
    """The procedure's document type in CMIS JSON (Browser binding's type format)."""
    number = {
        "id": NUMBER_ID,
        "localName": "personennummer",
        "localNamespace": "urn:hagenbeck:abh",
        "displayName": "Personennummer (AZR)",
        "queryName": NUMBER_ID,
        "description": "AZR-Nummer der Person",
        "propertyType": "string",
        "cardinality": "single",
        "updatability": "readwrite",
        "inherited": False,
        "required": True,
        "queryable": True,
        "orderable": True,
        "maxLength": 40,
    }
    return {
        "id": TYPE_ID,
        "localName": "bescheid",
        "localNamespace": "urn:hagenbeck:abh",
        "displayName": "Bescheid (Ausländerbehörde)",
        "queryName": TYPE_ID,
        "description": "Bescheide des Fachverfahrens Ausländerwesen",
        "baseId": "cmis:document",
        "parentId": "eakte:dokument",
        "creatable": True,
        "fileable": True,
        "queryable": True,
        "fulltextIndexed": False,
        "includedInSupertypeQuery": True,
        "controllablePolicy": False,
        "controllableACL": False,
        "versionable": True,
        "contentStreamAllowed": "required",
        "propertyDefinitions": {NUMBER_ID: number},
    }


def create_type(server: CmisServer, binding: Binding, person: str) -> httpx.Response:
    """createType over the binding's own wire format (cmislib has no createType)."""
    definition = decision_type()
    with server.http(person) as http:
        if binding == "browser":
            infos = http.get("/cmis/browser").json()
            url = next(iter(infos.values()))["repositoryUrl"]
            return http.post(url, data={"cmisaction": "createType", "type": json.dumps(definition)})
        return http.post(
            atom_collection(http, "types"),
            content=atom_type_entry(definition),
            headers={"Content-Type": "application/atom+xml;type=entry"},
        )


def created_type_id(binding: Binding, response: httpx.Response) -> str | None:
    assert response.status_code == 201, response.text
    if binding == "browser":
        type_id: str | None = response.json()["id"]
        return type_id
    return ET.fromstring(response.content).findtext(f"{{{CMISRA}}}type/{{{CMIS}}}id")


def find_or_create_akte(repo: Any) -> Any:
    """The person's Akte by path below the plan item; created when there is none yet."""
    try:
        return repo.getObjectByPath(f"/{FOREIGNERS_CODE}/{PERSON}")
    except ObjectNotFoundException:
        plan_item = repo.getObjectByPath(f"/{FOREIGNERS_CODE}")
        return plan_item.createFolder(
            PERSON, {"cmis:objectTypeId": "eakte:akte", "eakte:subjectKeys": [PERSON_KEY]}
        )


def file_decision(server: CmisServer, binding: Binding, name: str) -> str:
    """A new decision (plain eakte:dokument) in the person's Akte; its object id."""
    repo = server.repository("procedure", binding)
    document = find_or_create_akte(repo).createDocument(
        name,
        {"cmis:objectTypeId": "eakte:dokument"},
        contentFile=io.BytesIO(unique_pdf("Ablehnungsbescheid")),
        contentType="application/pdf",
    )
    object_id: str = document.getObjectId()
    return object_id


def query_ids(repo: Any, number: str) -> list[str]:
    statement = f"SELECT cmis:objectId FROM {TYPE_ID} WHERE {NUMBER_ID} = '{number}'"
    return [row.getProperties()["cmis:objectId"] for row in repo.query(statement)]


def read_content(document: Any) -> bytes:
    stream = document.getContentStream()
    try:
        data: bytes = stream.read()
    finally:
        stream.close()
    return data


def record_departure(server: CmisServer, akte_id: str) -> None:
    """Record the person's departure, which starts the Akte's ten years (122.04).

    eakte has no service for recording a retention event yet; this sets what it would.
    """
    assert server.ui is not None and server.clock is not None
    container = server.ui.container
    today = server.clock.now().date()
    with unit_of_work(container.session_factory) as session:
        akte = session.get(Akte, akte_id)
        assert akte is not None and akte.closed_at is not None
        retention = active_plan(session).effective_retention(akte.file_plan_code)
        assert retention is not None
        akte.retention_trigger_date = today
        akte.retention_until = retention.end_date(today)


def assert_constraint(server: CmisServer, binding: Binding, object_id: str) -> None:
    """The refusal on the wire: 409 and the CMIS exception name ``constraint``."""
    with server.http("admin") as http:
        if binding == "browser":
            root_url = browser_root_url(http)
            response = http.post(root_url, data={"cmisaction": "delete", "objectId": object_id})
            assert response.status_code == 409, response.text
            assert response.json()["exception"] == "constraint"
            return
        repo = server.repository("admin", binding)
        self_link = repo.getObject(object_id)._getSelfLink()
        response = http.delete(self_link)
        assert response.status_code == 409, response.text


# --- the Browser and AtomPub wire -------------------------------------------------------


def browser_root_url(http: httpx.Client) -> str:
    infos = http.get("/cmis/browser")
    assert infos.status_code == 200, infos.text
    url: str = next(iter(infos.json().values()))["rootFolderUrl"]
    return url


def upload(http: httpx.Client, root_url: str, folder_id: str, content: LargePdf, name: str) -> str:
    """createDocument with a streamed multipart body; the new document's object id."""
    fields = {
        "cmisaction": "createDocument",
        "propertyId[0]": "cmis:objectTypeId",
        "propertyValue[0]": "cmis:document",
        "propertyId[1]": "cmis:name",
        "propertyValue[1]": name,
        "succinct": "true",
    }
    content_type, length, body = multipart_upload(fields, content, name)
    response = http.post(
        root_url,
        params={"objectId": folder_id},
        content=body,
        headers={"Content-Type": content_type, "Content-Length": str(length)},
    )
    assert response.status_code == 201, response.text
    object_id: str = response.json()["succinctProperties"]["cmis:objectId"]
    return object_id


def download_sha256(http: httpx.Client, root_url: str, object_id: str) -> str:
    digest = hashlib.sha256()
    params = {"objectId": object_id, "cmisselector": "content"}
    with http.stream("GET", root_url, params=params) as response:
        assert response.status_code == 200, response.read()
        for chunk in response.iter_bytes(MB):
            digest.update(chunk)
    return digest.hexdigest()


def atom_collection(http: httpx.Client, kind: str) -> str:
    service = http.get("/cmis/atom")
    assert service.status_code == 200, service.text
    for collection in ET.fromstring(service.content).iter(f"{{{APP}}}collection"):
        if collection.findtext(f"{{{CMISRA}}}collectionType") == kind:
            return collection.attrib["href"]
    raise AssertionError(f"no {kind} collection in the service document")


def atom_type_entry(definition: dict[str, Any]) -> bytes:
    """An Atom entry carrying a document type definition (CMIS 1.1 AtomPub createType)."""
    ET.register_namespace("", ATOM)
    ET.register_namespace("cmis", CMIS)
    ET.register_namespace("cmisra", CMISRA)
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    entry = ET.Element(f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}title").text = definition["displayName"]
    ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:eakte:type:{definition['id']}"
    author = ET.SubElement(entry, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Fachverfahren Ausländerwesen"
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = "2026-01-01T00:00:00Z"
    type_element = ET.SubElement(
        entry, f"{{{CMISRA}}}type", {f"{{{xsi}}}type": "cmis:cmisTypeDocumentDefinitionType"}
    )

    def add(parent: ET.Element, name: str, value: Any) -> None:
        text = str(value).lower() if isinstance(value, bool) else str(value)
        ET.SubElement(parent, f"{{{CMIS}}}{name}").text = text

    for name in (
        "id",
        "localName",
        "localNamespace",
        "displayName",
        "queryName",
        "description",
        "baseId",
        "parentId",
        "creatable",
        "fileable",
        "queryable",
        "fulltextIndexed",
        "includedInSupertypeQuery",
        "controllablePolicy",
        "controllableACL",
    ):
        add(type_element, name, definition[name])
    for prop in definition["propertyDefinitions"].values():
        element = ET.SubElement(type_element, f"{{{CMIS}}}propertyStringDefinition")
        for name in (
            "id",
            "localName",
            "localNamespace",
            "displayName",
            "queryName",
            "description",
            "propertyType",
            "cardinality",
            "updatability",
            "inherited",
            "required",
            "queryable",
            "orderable",
            "maxLength",
        ):
            add(element, name, prop[name])
    add(type_element, "versionable", definition["versionable"])
    add(type_element, "contentStreamAllowed", definition["contentStreamAllowed"])
    document: bytes = ET.tostring(entry, xml_declaration=True, encoding="utf-8")
    return document
