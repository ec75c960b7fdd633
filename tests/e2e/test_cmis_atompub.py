"""The CMIS 1.1 AtomPub binding (/cmis/atom) against a real eakte server.

cmislib's AtomPubBinding plays the client for what it can do (repository info, types,
navigation, create, content, check-out/check-in, versions, query, move, delete, ACL,
content changes); raw httpx checks the wire where cmislib does not look: the service
document's collections, links and URI templates, paging, Range requests, raw media posts,
renditions, createType, bulk update, errors and the refusal of what a careless XML parser
would accept.  100 MB go up in a base64 entry and down again while the server's memory
stays flat.
"""

from __future__ import annotations

import base64
import hashlib
import io
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from cmislib.exceptions import CmisException, ObjectNotFoundException

from api.cmis.atom.reading import BodyTooLarge, parse_entry
from services.cmis.errors import InvalidArgument
from tests.fixtures.cmis import (
    BUILDING_CODE,
    BUILDING_UNIT,
    CmisServer,
    LargePdf,
    memory,
    reset_peak,
    unique_pdf,
)

ATOM = "http://www.w3.org/2005/Atom"
APP = "http://www.w3.org/2007/app"
CMIS = "http://docs.oasis-open.org/ns/cmis/core/200908/"
CMISRA = "http://docs.oasis-open.org/ns/cmis/restatom/200908/"
ENTRY = "application/atom+xml;type=entry"
OWNER = "building"
"""The building authority's case worker: the Bauakte is theirs."""
OUTSIDER = "foreigners"
PLAN = BUILDING_CODE
MB = 1024 * 1024
NS = {"atom": ATOM, "app": APP, "cmis": CMIS, "cmisra": CMISRA}


# --- helpers ---------------------------------------------------------------------------


def service(http: httpx.Client) -> ET.Element:
    response = http.get("/cmis/atom")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atomsvc+xml")
    return ET.fromstring(response.content)


def collection(http: httpx.Client, kind: str) -> str:
    for element in service(http).iter(f"{{{APP}}}collection"):
        if element.findtext("cmisra:collectionType", namespaces=NS) == kind:
            return element.attrib["href"]
    raise AssertionError(f"no {kind} collection")


def template(http: httpx.Client, kind: str) -> str:
    for element in service(http).iter(f"{{{CMISRA}}}uritemplate"):
        if element.findtext("cmisra:type", namespaces=NS) == kind:
            return str(element.findtext("cmisra:template", namespaces=NS))
    raise AssertionError(f"no {kind} template")


def object_url(http: httpx.Client, object_id: str) -> str:
    url = template(http, "objectbyid")
    for name in ("filter", "includeAllowableActions", "includePolicyIds", "includeRelationships"):
        url = url.replace("{" + name + "}", "")
    url = url.replace("{includeACL}", "").replace("{renditionFilter}", "")
    return url.replace("{id}", quote(object_id, safe=""))


def get_entry(http: httpx.Client, object_id: str, **params: str) -> ET.Element:
    response = http.get(
        object_url(http, object_id) + "".join(f"&{k}={v}" for k, v in params.items())
    )
    assert response.status_code == 200, response.text
    return ET.fromstring(response.content)


def prop(entry: ET.Element, property_id: str) -> list[str]:
    for element in entry.find("cmisra:object/cmis:properties", NS) or []:
        if element.attrib.get("propertyDefinitionId") == property_id:
            return [v.text or "" for v in element.findall("cmis:value", NS)]
    raise AssertionError(f"no property {property_id}")


def link(entry: ET.Element, rel: str, media_type: str | None = None) -> str:
    for element in entry.findall("atom:link", NS):
        if element.attrib["rel"] == rel and (
            media_type is None or element.attrib.get("type", "").startswith(media_type)
        ):
            return element.attrib["href"]
    raise AssertionError(f"no {rel} link")


def properties_xml(type_id: str, name: str) -> str:
    return (
        "<cmisra:object><cmis:properties>"
        '<cmis:propertyId propertyDefinitionId="cmis:objectTypeId">'
        f"<cmis:value>{type_id}</cmis:value></cmis:propertyId>"
        '<cmis:propertyString propertyDefinitionId="cmis:name">'
        f"<cmis:value>{name}</cmis:value></cmis:propertyString>"
        "</cmis:properties></cmisra:object>"
    )


def document_entry(name: str, pdf: bytes, *, type_id: str = "cmis:document") -> bytes:
    """An entry with the content base64 in cmisra:content (after the properties)."""
    encoded = base64.b64encode(pdf).decode()
    # Line breaks inside the base64 text, as some clients write it.
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<entry xmlns="{ATOM}" xmlns:cmis="{CMIS}" xmlns:cmisra="{CMISRA}">'
        f"<title>{name}</title>{properties_xml(type_id, name)}"
        f"<cmisra:content><cmisra:base64>{wrapped}</cmisra:base64>"
        "<cmisra:mediatype>application/pdf</cmisra:mediatype></cmisra:content></entry>"
    ).encode()


def folder_entry(name: str, type_id: str = "cmis:folder") -> bytes:
    return (
        f'<entry xmlns="{ATOM}" xmlns:cmis="{CMIS}" xmlns:cmisra="{CMISRA}">'
        f"<title>{name}</title>{properties_xml(type_id, name)}</entry>"
    ).encode()


def akte_id(server: CmisServer, name: str = OWNER) -> str:
    return f"akte:{server.world.akten[name]['id']}"


def new_vorgang(http: httpx.Client, server: CmisServer, title: str) -> ET.Element:
    """A Vorgang (cmis:folder under the Akte) created through the Akte's children feed."""
    children = link(get_entry(http, akte_id(server)), "down", "application/atom+xml")
    response = http.post(children, content=folder_entry(title), headers={"Content-Type": ENTRY})
    assert response.status_code == 201, response.text
    return ET.fromstring(response.content)


def error_name(response: httpx.Response) -> str:
    text = response.text
    start = text.index("<!--exception-->") + len("<!--exception-->")
    return text[start : text.index("<!--/exception-->")]


# --- the service document --------------------------------------------------------------


def test_service_document_has_one_workspace_with_collections_links_and_templates(
    cmis_server: CmisServer,
) -> None:
    with cmis_server.http(OWNER) as http:
        root = service(http)
        workspaces = root.findall("app:workspace", NS)
        assert len(workspaces) == 1
        info = workspaces[0].find("cmisra:repositoryInfo", NS)
        assert info is not None
        assert info.findtext("cmis:repositoryId", namespaces=NS) == "-default-"
        assert info.findtext("cmis:rootFolderId", namespaces=NS) == "root"
        assert info.findtext("cmis:cmisVersionSupported", namespaces=NS) == "1.1"
        capabilities = info.find("cmis:capabilities", NS)
        assert capabilities is not None
        assert capabilities.findtext("cmis:capabilityUnfiling", namespaces=NS) == "false"
        assert capabilities.findtext("cmis:capabilityACL", namespaces=NS) == "manage"
        kinds = {
            c.findtext("cmisra:collectionType", namespaces=NS)
            for c in workspaces[0].findall("app:collection", NS)
        }
        assert kinds == {"root", "types", "query", "checkedout", "update"}  # no unfiled
        rels = {element.attrib["rel"] for element in workspaces[0].findall("atom:link", NS)}
        base = "http://docs.oasis-open.org/ns/cmis/link/200908/"
        assert {
            base + r for r in ("typedescendants", "foldertree", "rootdescendants", "changes")
        } <= rels
        templates = {
            t.findtext("cmisra:type", namespaces=NS): t.findtext("cmisra:template", namespaces=NS)
            for t in workspaces[0].findall("cmisra:uritemplate", NS)
        }
        assert set(templates) == {"objectbyid", "objectbypath", "query", "typebyid"}
        for placeholder in ("{id}", "{filter}", "{includeAllowableActions}", "{includeACL}"):
            assert placeholder in str(templates["objectbyid"])
        assert "{path}" in str(templates["objectbypath"])
        assert "{q}" in str(templates["query"]) and "{maxItems}" in str(templates["query"])
        assert "{id}" in str(templates["typebyid"])
        # Filled in, the templates work.
        plan = http.get(
            str(templates["objectbypath"])
            .replace("{path}", f"/{PLAN}")
            .replace("{filter}", "")
            .replace("{includeAllowableActions}", "true")
            .replace("{includePolicyIds}", "false")
            .replace("{includeRelationships}", "")
            .replace("{includeACL}", "false")
            .replace("{renditionFilter}", "")
        )
        assert plan.status_code == 200, plan.text
        entry = ET.fromstring(plan.content)
        assert prop(entry, "cmis:objectId") == [f"plan:{PLAN}"]
        assert entry.find("cmisra:object/cmis:allowableActions", NS) is not None
        typed = http.get(str(templates["typebyid"]).replace("{id}", "eakte:akte"))
        assert typed.status_code == 200
        assert ET.fromstring(typed.content).findtext("cmisra:type/cmis:id", namespaces=NS) == (
            "eakte:akte"
        )
        assert not any(p.startswith("/cmis") for p in http.get("/openapi.json").json()["paths"])


def test_without_credentials_the_binding_asks_for_basic_auth(cmis_server: CmisServer) -> None:
    with cmis_server.http() as http:
        response = http.get("/cmis/atom")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")


# --- cmislib: repository, types, navigation -------------------------------------------


def test_cmislib_reads_repository_info_and_types(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository(OWNER, "atom")
    assert repo.getRepositoryId() == "-default-"
    info = repo.getRepositoryInfo()
    assert info["rootFolderId"] == "root"
    assert info["cmisVersionSupported"] == "1.1"
    capabilities = repo.getCapabilities()
    assert capabilities["GetDescendants"] is True
    assert capabilities["Multifiling"] is False
    base_ids = {t.getTypeId() for t in repo.getTypeDefinitions()}
    assert {"cmis:document", "cmis:folder"} <= base_ids
    akte_type = repo.getTypeDefinition("eakte:akte")
    assert akte_type.getBaseId() == "cmis:folder"
    assert akte_type.properties["eakte:aktenzeichen"].getPropertyType() == "id"
    assert akte_type.properties["cmis:name"].isInherited() is True
    folder_children = {t.getTypeId() for t in repo.getTypeChildren("cmis:folder")}
    assert {"eakte:akte", "eakte:vorgang"} <= folder_children
    descendants = {t.getTypeId() for t in repo.getTypeDescendants("cmis:folder")}
    assert {"eakte:akte", "eakte:teilakte", "eakte:teilvorgang"} <= descendants


def test_cmislib_navigates_from_the_root_to_the_document(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository(OWNER, "atom")
    root = repo.getRootFolder()
    assert root.getObjectId() == "root"
    assert root.getChildren()  # the plan's top level
    akte = repo.getObject(akte_id(cmis_server))
    assert akte.getProperties()["cmis:objectTypeId"] == "eakte:akte"
    assert akte.getProperties()["eakte:aktenzeichen"]
    by_path = repo.getObjectByPath(akte.getProperties()["cmis:path"])
    assert by_path.getObjectId() == akte.getObjectId()
    names = {child.getName() for child in akte.getChildren()}
    assert "Antrag" in names
    parent = akte.getParent()
    assert parent.getObjectId() == f"plan:{PLAN}"
    document = repo.getObject(cmis_server.world.documents[OWNER])
    assert document.getContentStream().read() == cmis_server.world.pdfs[OWNER]
    paths = document.getPaths()
    assert paths and all(p.startswith(akte.getProperties()["cmis:path"]) for p in paths)
    tree = akte.getTree()
    assert {f.getName() for f in tree} >= {"Antrag"}
    assert all(f.getProperties()["cmis:baseTypeId"] == "cmis:folder" for f in tree)
    descendants = akte.getDescendants()
    assert any(d.getProperties()["cmis:baseTypeId"] == "cmis:document" for d in descendants)


def test_other_units_objects_are_not_found(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository(OUTSIDER, "atom")
    with pytest.raises(ObjectNotFoundException):
        repo.getObject(akte_id(cmis_server, OWNER))
    with cmis_server.http(OUTSIDER) as http:
        hidden = http.get(object_url(http, akte_id(cmis_server, OWNER)))
        missing = http.get(object_url(http, f"akte:{uuid.uuid4()}"))
    assert hidden.status_code == missing.status_code == 404
    assert error_name(hidden) == error_name(missing) == "objectNotFound"
    assert hidden.headers["content-type"].startswith("text/html")
    assert hidden.headers["x-content-type-options"] == "nosniff"


# --- cmislib: writing -----------------------------------------------------------------


def test_cmislib_creates_folder_and_document_and_reads_the_content_back(
    cmis_server: CmisServer,
) -> None:
    repo = cmis_server.repository(OWNER, "atom")
    akte = repo.getObject(akte_id(cmis_server))
    vorgang = akte.createFolder(f"Verlängerung {uuid.uuid4().hex[:6]}")
    assert vorgang.getProperties()["cmis:objectTypeId"] == "eakte:vorgang"
    pdf = unique_pdf("Aufenthaltstitel")
    document = vorgang.createDocument(
        "Aufenthaltstitel.pdf", contentFile=io.BytesIO(pdf), contentType="application/pdf"
    )
    properties = document.getProperties()
    assert properties["cmis:versionLabel"] == "1.0"
    assert properties["cmis:contentStreamLength"] == len(pdf)
    assert repo.getObject(document.getObjectId()).getContentStream().read() == pdf
    assert [c.getName() for c in vorgang.getChildren()] == ["Aufenthaltstitel.pdf"]
    updated = document.updateProperties({"cmis:description": "Titel für zwei Jahre"})
    assert updated.getProperties()["cmis:description"] == "Titel für zwei Jahre"


def test_cmislib_checks_out_and_in_and_lists_versions(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository(OWNER, "atom")
    akte = repo.getObject(akte_id(cmis_server))
    vorgang = akte.createFolder(f"Einbürgerung {uuid.uuid4().hex[:6]}")
    document = vorgang.createDocument(
        "Antrag.pdf", contentFile=io.BytesIO(unique_pdf("Antrag")), contentType="application/pdf"
    )
    pwc = document.checkout()
    assert pwc.getProperties()["cmis:isPrivateWorkingCopy"] is True
    assert document.isCheckedOut()
    assert pwc.getObjectId() in {d.getObjectId() for d in repo.getCheckedOutDocs()}
    second = unique_pdf("Antrag, ergänzt")
    pwc.setContentStream(io.BytesIO(second), "application/pdf")
    checked_in = pwc.checkin(checkinComment="ergänzt", major="true")
    assert checked_in.getProperties()["cmis:versionLabel"] == "2.0"
    assert checked_in.getProperties()["cmis:checkinComment"] == "ergänzt"
    versions = [v.getProperties()["cmis:versionLabel"] for v in checked_in.getAllVersions()]
    assert versions == ["2.0", "1.0"]
    latest = repo.getObject(document.getObjectId()).getLatestVersion()
    assert latest.getContentStream().read() == second
    # A second check-out cancelled: the series is not checked out any more.
    document = repo.getObject(latest.getObjectId())
    document.checkout()
    document.cancelCheckout()
    assert not repo.getObject(latest.getObjectId()).isCheckedOut()


def test_cmislib_queries(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository(OWNER, "atom")
    vorgang = repo.getObject(akte_id(cmis_server)).createFolder(f"Q {uuid.uuid4().hex[:6]}")
    name = f"Bescheid-{uuid.uuid4().hex[:8]}.pdf"
    document = vorgang.createDocument(
        name, contentFile=io.BytesIO(unique_pdf(name)), contentType="application/pdf"
    )
    results = repo.query(f"SELECT * FROM cmis:document WHERE cmis:name = '{name}'")
    assert [r.getObjectId() for r in results] == [document.getObjectId()]
    assert results[0].getProperties()["cmis:baseTypeId"] == "cmis:document"
    other = cmis_server.repository(OUTSIDER, "atom")
    assert list(other.query(f"SELECT * FROM cmis:document WHERE cmis:name = '{name}'")) == []


def test_cmislib_moves_and_deletes(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository(OWNER, "atom")
    akte = repo.getObject(akte_id(cmis_server))
    source = akte.createFolder(f"Quelle {uuid.uuid4().hex[:6]}")
    target = akte.createFolder(f"Ziel {uuid.uuid4().hex[:6]}")
    document = source.createDocument(
        "Vermerk.pdf", contentFile=io.BytesIO(unique_pdf("Vermerk")), contentType="application/pdf"
    )
    document.move(source, target)
    assert [c.getName() for c in target.getChildren()] == ["Vermerk.pdf"]
    assert list(source.getChildren()) == []
    # An open Akte's documents have no retention end yet: eakte destroys nothing of them.
    with pytest.raises(CmisException, match="403"):  # destroying records is not for clerks
        repo.getObject(document.getObjectId()).delete()
    manager = cmis_server.repository("records_manager", "atom")
    with pytest.raises(CmisException, match="409"):
        manager.getObject(document.getObjectId()).delete()
    assert repo.getObject(document.getObjectId()).getName() == "Vermerk.pdf"
    source.delete()
    with pytest.raises(ObjectNotFoundException):
        repo.getObject(source.getObjectId())


# --- raw AtomPub ----------------------------------------------------------------------


def test_a_base64_entry_creates_a_document_and_a_range_reads_part_of_it(
    cmis_server: CmisServer,
) -> None:
    with cmis_server.http(OWNER) as http:
        vorgang = new_vorgang(http, cmis_server, f"Range {uuid.uuid4().hex[:6]}")
        children = link(vorgang, "down", "application/atom+xml")
        pdf = unique_pdf("Range")
        response = http.post(
            children, content=document_entry("Range.pdf", pdf), headers={"Content-Type": ENTRY}
        )
        assert response.status_code == 201, response.text
        entry = ET.fromstring(response.content)
        assert response.headers["location"] == link(entry, "self")
        content_url = entry.find("atom:content", NS).attrib["src"]  # type: ignore[union-attr]
        assert content_url == link(entry, "edit-media")
        whole = http.get(content_url)
        assert whole.status_code == 200
        assert whole.content == pdf
        assert whole.headers["x-content-type-options"] == "nosniff"
        assert whole.headers["content-disposition"].startswith("inline")  # a proven PDF
        part = http.get(content_url, headers={"Range": "bytes=5-14"})
        assert part.status_code == 206
        assert part.content == pdf[5:15]
        assert part.headers["content-range"] == f"bytes 5-14/{len(pdf)}"
        assert part.headers["content-disposition"].startswith("attachment"), "a part proves nothing"
        tail = http.get(content_url, headers={"Range": f"bytes={len(pdf) - 4}-"})
        assert tail.status_code == 206 and tail.content == pdf[-4:]


def test_a_raw_media_post_with_slug_creates_a_document_and_put_makes_a_new_version(
    cmis_server: CmisServer,
) -> None:
    with cmis_server.http(OWNER) as http:
        vorgang = new_vorgang(http, cmis_server, f"Slug {uuid.uuid4().hex[:6]}")
        children = link(vorgang, "down", "application/atom+xml")
        pdf = unique_pdf("Slug")
        response = http.post(
            children, content=pdf, headers={"Content-Type": "application/pdf", "Slug": "Scan.pdf"}
        )
        assert response.status_code == 201, response.text
        entry = ET.fromstring(response.content)
        assert prop(entry, "cmis:name") == ["Scan.pdf"]
        assert prop(entry, "cmis:versionLabel") == ["1.0"]
        second = unique_pdf("Slug, zweite Fassung")
        put = http.put(
            link(entry, "edit-media"), content=second, headers={"Content-Type": "application/pdf"}
        )
        assert put.status_code == 201, put.text
        newer = ET.fromstring(put.content)
        assert prop(newer, "cmis:versionLabel") != ["1.0"]
        assert http.get(link(newer, "edit-media")).content == second
        assert http.get(link(entry, "edit-media")).content == pdf  # the old version stays
        versions = http.get(link(newer, "version-history"))
        labels = [
            prop(e, "cmis:versionLabel")[0]
            for e in ET.fromstring(versions.content).findall("atom:entry", NS)
        ]
        assert labels == [prop(newer, "cmis:versionLabel")[0], "1.0"]
        deleted = http.delete(link(newer, "edit-media"))
        assert deleted.status_code == 409  # eakte keeps content: a document must have some
        assert error_name(deleted) == "constraint"


def test_children_are_paged_with_num_items_and_next_links(cmis_server: CmisServer) -> None:
    with cmis_server.http(OWNER) as http:
        vorgang = new_vorgang(http, cmis_server, f"Seiten {uuid.uuid4().hex[:6]}")
        children = link(vorgang, "down", "application/atom+xml")
        for number in range(3):
            pdf = unique_pdf(f"Seite {number}")
            response = http.post(
                children,
                content=document_entry(f"Blatt {number}.pdf", pdf),
                headers={"Content-Type": ENTRY},
            )
            assert response.status_code == 201, response.text
        first = ET.fromstring(http.get(children + "&maxItems=2").content)
        assert first.findtext("cmisra:numItems", namespaces=NS) == "3"
        assert len(first.findall("atom:entry", NS)) == 2
        next_page = http.get(link(first, "next"))
        assert next_page.status_code == 200, next_page.text
        second = ET.fromstring(next_page.content)
        assert len(second.findall("atom:entry", NS)) == 1
        with pytest.raises(AssertionError):
            link(second, "next")
        names = [
            prop(e, "cmis:name")[0]
            for e in (*first.findall("atom:entry", NS), *second.findall("atom:entry", NS))
        ]
        assert sorted(names) == ["Blatt 0.pdf", "Blatt 1.pdf", "Blatt 2.pdf"]
        with_segments = ET.fromstring(http.get(children + "&includePathSegment=true").content)
        segments = [
            e.findtext("cmisra:pathSegment", "", NS)
            for e in with_segments.findall("atom:entry", NS)
        ]
        assert sorted(segments) == sorted(names)


def test_acl_and_allowable_actions(cmis_server: CmisServer) -> None:
    with cmis_server.http(OWNER) as http:
        entry = get_entry(http, akte_id(cmis_server), includeAllowableActions="true")
        actions = entry.find("cmisra:object/cmis:allowableActions", NS)
        assert actions is not None
        assert actions.findtext("cmis:canCreateFolder", namespaces=NS) == "true"
        acl = http.get(link(entry, "http://docs.oasis-open.org/ns/cmis/link/200908/acl"))
        assert acl.status_code == 200, acl.text
        principals = {
            p.findtext("cmis:principal/cmis:principalId", namespaces=NS)
            for p in ET.fromstring(acl.content).findall("cmis:permission", NS)
        }
        assert f"unit:{BUILDING_UNIT}" in principals
    with cmis_server.http(OUTSIDER) as http:
        hidden = http.get(acl.url)
        assert hidden.status_code == 404


def test_malformed_and_dangerous_xml_is_refused(cmis_server: CmisServer) -> None:
    with cmis_server.http(OWNER) as http:
        children = link(get_entry(http, akte_id(cmis_server)), "down", "application/atom+xml")
        broken = http.post(children, content=b"<entry", headers={"Content-Type": ENTRY})
        assert broken.status_code == 400
        assert error_name(broken) == "invalidArgument"
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            + folder_entry("&lol2;")[0:]
        )
        refused = http.post(children, content=laughs, headers={"Content-Type": ENTRY})
        assert refused.status_code == 400
        external = (
            b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + folder_entry("&x;")
        )
        assert (
            http.post(children, content=external, headers={"Content-Type": ENTRY}).status_code
            == 400
        )
        query = http.post(
            collection(http, "query"),
            content=b"<query xmlns='%s'><statement>SELEKT</statement></query>" % CMIS.encode(),
            headers={"Content-Type": "application/cmisquery+xml"},
        )
        assert query.status_code == 400
        assert error_name(query) == "invalidArgument"


def test_query_collection_answers_a_cmis_query_document(cmis_server: CmisServer) -> None:
    with cmis_server.http(OWNER) as http:
        body = (
            f"<cmis:query xmlns:cmis='{CMIS}'>"
            "<cmis:statement>SELECT cmis:objectId, cmis:name FROM eakte:akte</cmis:statement>"
            "<cmis:searchAllVersions>false</cmis:searchAllVersions>"
            "<cmis:includeAllowableActions>true</cmis:includeAllowableActions>"
            "<cmis:maxItems>10</cmis:maxItems><cmis:skipCount>0</cmis:skipCount>"
            "</cmis:query>"
        )
        response = http.post(
            collection(http, "query"),
            content=body.encode(),
            headers={"Content-Type": "application/cmisquery+xml"},
        )
        assert response.status_code == 201, response.text
        entries = ET.fromstring(response.content).findall("atom:entry", NS)
        ids = {prop(e, "cmis:objectId")[0] for e in entries}
        assert ids == {akte_id(cmis_server)}  # the other unit's Akte is not visible
        assert entries[0].find("cmisra:object/cmis:allowableActions", NS) is not None
        by_template = (
            template(http, "query")
            .replace("{q}", quote("SELECT cmis:objectId FROM eakte:akte"))
            .replace("{searchAllVersions}", "false")
            .replace("{includeAllowableActions}", "false")
            .replace("{includeRelationships}", "")
            .replace("{maxItems}", "10")
            .replace("{skipCount}", "0")
        )
        answer = http.get(by_template)
        assert answer.status_code == 200, answer.text
        rows = ET.fromstring(answer.content).findall("atom:entry", NS)
        assert {prop(e, "cmis:objectId")[0] for e in rows} == {akte_id(cmis_server)}


def test_errors_carry_the_cmis_status(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository(OWNER, "atom")
    plan_item = repo.getObjectByPath(f"/{PLAN}")
    with pytest.raises(CmisException):  # documents cannot be filed in a plan item
        plan_item.createDocument(
            "Lose.pdf", contentFile=io.BytesIO(unique_pdf("lose")), contentType="application/pdf"
        )
    with cmis_server.http(OWNER) as http:
        children = link(get_entry(http, f"plan:{PLAN}"), "down", "application/atom+xml")
        response = http.post(
            children,
            content=document_entry("Lose.pdf", unique_pdf("lose")),
            headers={"Content-Type": ENTRY},
        )
        assert response.status_code == 409
        assert error_name(response) == "constraint"
        wrong_repository = http.get("/cmis/atom/other/entry", params={"id": "root"})
        assert wrong_repository.status_code == 404
        assert error_name(wrong_repository) == "objectNotFound"
        unknown = http.delete("/cmis/atom/-default-/relationships", params={"id": "root"})
        assert unknown.status_code == 404
        assert error_name(unknown) == "objectNotFound"


# --- the streaming entry reader -------------------------------------------------------


class _Trickle(io.RawIOBase):
    """A body that hands out a few bytes per read, as a slow client sends it."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.position, self.step = data, 0, step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        piece = self.data[self.position : self.position + self.step]
        self.position += len(piece)
        return piece


@pytest.mark.parametrize("step", [1, 7, 4096])
def test_base64_content_is_decoded_piecewise_into_a_spooled_file(step: int) -> None:
    pdf = unique_pdf("stückweise") * 3
    entry = parse_entry(_Trickle(document_entry("x.pdf", pdf), step), content_limit=10**7)  # type: ignore[arg-type]
    try:
        assert entry.content is not None
        assert entry.content.mime_type == "application/pdf"
        assert entry.content.size == len(pdf)
        assert entry.content.file.read() == pdf
        assert entry.properties["cmis:name"] == ["x.pdf"]
    finally:
        entry.close()


def test_content_above_the_limit_and_bad_base64_are_refused() -> None:
    pdf = unique_pdf("zu groß")
    with pytest.raises(BodyTooLarge):
        parse_entry(io.BytesIO(document_entry("x.pdf", pdf)), content_limit=len(pdf) - 1)
    body = document_entry("x.pdf", pdf).replace(b"<cmisra:base64>", b"<cmisra:base64>!!")
    with pytest.raises(InvalidArgument):
        parse_entry(io.BytesIO(body), content_limit=10**7)


def test_ranges_past_the_end_are_not_satisfiable_and_suffixes_read_the_tail(
    cmis_server: CmisServer,
) -> None:
    with cmis_server.http(OWNER) as http:
        vorgang = new_vorgang(http, cmis_server, f"Bereiche {uuid.uuid4().hex[:6]}")
        pdf = unique_pdf("Bereiche")
        response = http.post(
            link(vorgang, "down", "application/atom+xml"),
            content=document_entry("Bereiche.pdf", pdf),
            headers={"Content-Type": ENTRY},
        )
        content_url = link(ET.fromstring(response.content), "edit-media")
        past = http.get(content_url, headers={"Range": f"bytes={len(pdf) + 10}-"})
        assert past.status_code == 416
        assert past.headers["content-range"] == f"bytes */{len(pdf)}"
        suffix = http.get(content_url, headers={"Range": "bytes=-7"})
        assert suffix.status_code == 206
        assert suffix.content == pdf[-7:]
        several = http.get(content_url, headers={"Range": "bytes=0-1,4-5"})
        assert several.status_code == 200 and several.content == pdf  # one range or all


def test_a_document_created_checked_out_is_checked_in_by_put(cmis_server: CmisServer) -> None:
    with cmis_server.http(OWNER) as http:
        vorgang = new_vorgang(http, cmis_server, f"Entwurf {uuid.uuid4().hex[:6]}")
        response = http.post(
            link(vorgang, "down", "application/atom+xml") + "&versioningState=checkedout",
            content=document_entry("Entwurf.pdf", unique_pdf("Entwurf")),
            headers={"Content-Type": ENTRY},
        )
        assert response.status_code == 201, response.text
        pwc = ET.fromstring(response.content)
        assert prop(pwc, "cmis:isPrivateWorkingCopy") == ["true"]
        assert prop(pwc, "cmis:objectId")[0].endswith(";pwc")
        checked_out = http.get(collection(http, "checkedout"))
        ids = [
            prop(e, "cmis:objectId")[0]
            for e in ET.fromstring(checked_out.content).findall("atom:entry", NS)
        ]
        assert prop(pwc, "cmis:objectId")[0] in ids
        checkin = http.put(
            link(pwc, "edit") + "&checkin=true&major=true&checkinComment=fertig",
            content=f'<entry xmlns="{ATOM}"/>'.encode(),
            headers={"Content-Type": ENTRY},
        )
        assert checkin.status_code == 200, checkin.text
        document = ET.fromstring(checkin.content)
        assert prop(document, "cmis:isPrivateWorkingCopy") == ["false"]
        assert prop(document, "cmis:isVersionSeriesCheckedOut") == ["false"]
        assert prop(document, "cmis:checkinComment") == ["fertig"]


def test_delete_tree_on_the_descendants_link(cmis_server: CmisServer) -> None:
    with cmis_server.http(OWNER) as http:
        vorgang = new_vorgang(http, cmis_server, f"Baum {uuid.uuid4().hex[:6]}")
        created = http.post(
            link(vorgang, "down", "application/atom+xml"),
            content=folder_entry("Unterordner"),
            headers={"Content-Type": ENTRY},
        )
        assert created.status_code == 201, created.text
        sub_id = prop(ET.fromstring(created.content), "cmis:objectId")[0]
        tree = http.get(link(vorgang, "down", "application/cmistree+xml"))
        assert tree.status_code == 200
        assert [
            prop(e, "cmis:objectId")[0]
            for e in ET.fromstring(tree.content).findall("atom:entry", NS)
        ] == [sub_id]
        deleted = http.delete(link(vorgang, "down", "application/cmistree+xml"))
        assert deleted.status_code == 204, deleted.text
        for object_id in (sub_id, prop(vorgang, "cmis:objectId")[0]):
            assert http.get(object_url(http, object_id)).status_code == 404


def test_types_are_created_and_deleted_through_the_types_collection(
    cmis_server: CmisServer,
) -> None:
    type_id = f"h6:vermerk{uuid.uuid4().hex[:6]}"
    definition = f"""<entry xmlns="{ATOM}" xmlns:cmis="{CMIS}" xmlns:cmisra="{CMISRA}"
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <title>Vermerk</title>
      <cmisra:type xsi:type="cmis:cmisTypeDocumentDefinitionType">
        <cmis:id>{type_id}</cmis:id><cmis:localName>vermerk</cmis:localName>
        <cmis:localNamespace>h6</cmis:localNamespace><cmis:displayName>Vermerk</cmis:displayName>
        <cmis:queryName>{type_id}</cmis:queryName><cmis:description>Ein Vermerk</cmis:description>
        <cmis:baseId>cmis:document</cmis:baseId><cmis:parentId>cmis:document</cmis:parentId>
        <cmis:creatable>true</cmis:creatable><cmis:fileable>true</cmis:fileable>
        <cmis:queryable>true</cmis:queryable><cmis:fulltextIndexed>false</cmis:fulltextIndexed>
        <cmis:includedInSupertypeQuery>true</cmis:includedInSupertypeQuery>
        <cmis:controllablePolicy>false</cmis:controllablePolicy>
        <cmis:controllableACL>false</cmis:controllableACL>
        <cmis:propertyIntegerDefinition>
          <cmis:id>{type_id}Seiten</cmis:id><cmis:localName>seiten</cmis:localName>
          <cmis:displayName>Seiten</cmis:displayName><cmis:queryName>{type_id}Seiten</cmis:queryName>
          <cmis:propertyType>integer</cmis:propertyType><cmis:cardinality>single</cmis:cardinality>
          <cmis:updatability>readwrite</cmis:updatability><cmis:inherited>false</cmis:inherited>
          <cmis:required>false</cmis:required><cmis:queryable>true</cmis:queryable>
          <cmis:orderable>true</cmis:orderable>
          <cmis:defaultValue propertyDefinitionId="{type_id}Seiten">
            <cmis:value>1</cmis:value>
          </cmis:defaultValue>
        </cmis:propertyIntegerDefinition>
        <cmis:versionable>true</cmis:versionable>
        <cmis:contentStreamAllowed>required</cmis:contentStreamAllowed>
      </cmisra:type>
    </entry>"""
    with cmis_server.http("admin") as http:
        response = http.post(
            collection(http, "types"), content=definition.encode(), headers={"Content-Type": ENTRY}
        )
        assert response.status_code == 201, response.text
        entry = ET.fromstring(response.content)
        assert entry.findtext("cmisra:type/cmis:id", namespaces=NS) == type_id
        seiten = next(
            d
            for d in entry.findall("cmisra:type/cmis:propertyIntegerDefinition", NS)
            if d.findtext("cmis:id", namespaces=NS) == f"{type_id}Seiten"
        )
        assert seiten.findtext("cmis:inherited", namespaces=NS) == "false"
        assert seiten.findtext("cmis:defaultValue/cmis:value", namespaces=NS) == "1"
        children = http.get(collection(http, "types") + "?typeId=cmis:document")
        ids = [
            e.findtext("cmisra:type/cmis:id", namespaces=NS)
            for e in ET.fromstring(children.content).findall("atom:entry", NS)
        ]
        assert type_id in ids
        deleted = http.delete(response.headers["location"])
        assert deleted.status_code == 204, deleted.text
        assert http.get(response.headers["location"]).status_code == 404
    repo = cmis_server.repository(OWNER, "atom")
    with pytest.raises(ObjectNotFoundException):
        repo.getTypeDefinition(type_id)


def test_cmislib_shares_an_akte_through_its_acl(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository(OWNER, "atom")
    akte = repo.getObject(akte_id(cmis_server))
    outsider = cmis_server.repository(OUTSIDER, "atom")
    with pytest.raises(ObjectNotFoundException):
        outsider.getObject(akte_id(cmis_server))
    acl = akte.getACL()
    assert acl.getEntries()[f"unit:{BUILDING_UNIT}"].direct is False
    acl.addEntry("unit:32.3", "cmis:read")
    shared = akte.applyACL(acl)
    assert "cmis:read" in shared.getEntries()["unit:32.3"].permissions
    assert outsider.getObject(akte_id(cmis_server)).getName() == akte.getName()
    acl = akte.getACL()
    acl.removeEntry("unit:32.3")
    akte.applyACL(acl)
    with pytest.raises(ObjectNotFoundException):
        outsider.getObject(akte_id(cmis_server))


def base64_entry(name: str, content: LargePdf) -> tuple[int, Iterator[bytes]]:
    """A document entry whose base64 content is encoded while it is sent: length, chunks."""
    head = (
        f'<entry xmlns="{ATOM}" xmlns:cmis="{CMIS}" xmlns:cmisra="{CMISRA}">'
        f"<title>{name}</title>{properties_xml('cmis:document', name)}"
        "<cmisra:content><cmisra:mediatype>application/pdf</cmisra:mediatype><cmisra:base64>"
    ).encode()
    tail = b"</cmisra:base64></cmisra:content></entry>"

    def chunks() -> Iterator[bytes]:
        yield head
        rest = b""
        for piece in content:
            data = rest + piece
            usable = len(data) - len(data) % 3
            rest = data[usable:]
            yield base64.b64encode(data[:usable])
        yield base64.b64encode(rest)
        yield tail

    return len(head) + 4 * ((content.size + 2) // 3) + len(tail), chunks()


def test_100_mb_in_a_base64_entry_up_and_down_with_flat_server_memory(
    cmis_process: CmisServer,
) -> None:
    server = cmis_process
    with server.http(OWNER) as http:
        children = link(get_entry(http, akte_id(server)), "down", "application/atom+xml")

        def round_trip(content: LargePdf, name: str) -> None:
            length, body = base64_entry(name, content)
            response = http.post(
                children,
                content=body,
                headers={"Content-Type": ENTRY, "Content-Length": str(length)},
            )
            assert response.status_code == 201, response.text
            digest = hashlib.sha256()
            with http.stream("GET", link(ET.fromstring(response.content), "edit-media")) as down:
                assert down.status_code == 200
                for chunk in down.iter_bytes(MB):
                    digest.update(chunk)
            assert digest.hexdigest() == content.sha256

        round_trip(LargePdf(256 * 1024), "Warmlauf.pdf")
        before = memory(server.pid)["VmRSS"]
        reset_peak(server.pid)
        round_trip(LargePdf(100 * MB), "Bescheid mit Anlagen.pdf")
        peak = memory(server.pid)["VmHWM"]
    growth = peak - before
    assert growth < 60 * MB, f"server RSS grew by {growth / MB:.1f} MB for 100 MB up and down"


def test_the_searchable_pdf_is_a_rendition_with_an_alternate_link(cmis_server: CmisServer) -> None:
    with cmis_server.http(OWNER) as http:
        vorgang = new_vorgang(http, cmis_server, f"Rendition {uuid.uuid4().hex[:6]}")
        response = http.post(
            link(vorgang, "down", "application/atom+xml"),
            content=document_entry("Gescannt.pdf", unique_pdf("Gescannt")),
            headers={"Content-Type": ENTRY},
        )
        object_id = prop(ET.fromstring(response.content), "cmis:objectId")[0]
        deadline = time.monotonic() + 120
        while True:  # the render job makes the searchable PDF in the background
            entry = get_entry(http, object_id, renditionFilter="*")
            rendition = entry.find("cmisra:object/cmis:rendition", NS)
            if rendition is not None or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert rendition is not None, "no rendition within two minutes"
        assert rendition.findtext("cmis:streamId", namespaces=NS) == "pdfa"
        assert rendition.findtext("cmis:kind", namespaces=NS) == "cmis:rendition"
        alternate = next(
            element
            for element in entry.findall("atom:link", NS)
            if element.attrib["rel"] == "alternate"
        )
        assert alternate.attrib[f"{{{CMISRA}}}renditionKind"] == "cmis:rendition"
        pdf = http.get(alternate.attrib["href"])
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF-")
        assert len(pdf.content) == int(rendition.findtext("cmis:length", namespaces=NS) or 0)
        without = get_entry(http, object_id)  # renditions only when asked for
        assert without.find("cmisra:object/cmis:rendition", NS) is None


def test_an_entry_with_huge_properties_is_refused() -> None:
    name = "x" * (2 * MB)
    with pytest.raises(BodyTooLarge):
        parse_entry(io.BytesIO(folder_entry(name)), content_limit=10**7)


def test_opencmis_file_name_beside_the_content_is_taken() -> None:
    body = document_entry("Bescheid", unique_pdf("Dateiname")).replace(
        b"<cmisra:mediatype>",
        b'<chemistry:filename xmlns:chemistry="http://chemistry.apache.org/">'
        b"bescheid.pdf</chemistry:filename><cmisra:mediatype>",
    )
    entry = parse_entry(io.BytesIO(body), content_limit=10**7)
    try:
        assert entry.content is not None
        assert entry.content.filename == "bescheid.pdf"
        assert entry.content.mime_type == "application/pdf"
    finally:
        entry.close()


def test_content_changes_are_paged_without_repeating_an_event(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository(OWNER, "atom")
    before = repo.getRepositoryInfo()["latestChangeLogToken"]
    assert before
    akte = repo.getObject(akte_id(cmis_server))
    created = [akte.createFolder(f"Änderung {n} {uuid.uuid4().hex[:6]}") for n in range(3)]
    changes = repo.getContentChanges(changeLogToken=before)
    seen = [(c.getObjectId(), c.getChangeType()) for c in changes]
    for folder in created:
        assert (folder.getObjectId(), "created") in seen
    with cmis_server.http(OWNER) as http:
        changes_url = next(
            element.attrib["href"]
            for element in service(http).iter(f"{{{ATOM}}}link")
            if element.attrib["rel"].endswith("/changes")
        )
        url: str | None = f"{changes_url}?changeLogToken={before}&maxItems=1"
        ids: list[str] = []
        while url is not None:
            page = ET.fromstring(http.get(url).content)
            entries = page.findall("atom:entry", NS)
            assert len(entries) <= 1
            ids += [prop(e, "cmis:objectId")[0] for e in entries]
            for entry in entries:
                assert entry.findtext(
                    "cmisra:object/cmis:changeEventInfo/cmis:changeType", namespaces=NS
                )
            try:
                url = link(page, "next")
            except AssertionError:
                url = None
        assert len(ids) == len(seen)  # the same events as one page, none twice
    outsider = cmis_server.repository(OUTSIDER, "atom")
    assert not {f.getObjectId() for f in created} & {
        c.getObjectId() for c in outsider.getContentChanges(changeLogToken=before)
    }


def test_bulk_update_changes_what_it_may_and_leaves_out_the_rest(cmis_server: CmisServer) -> None:
    with cmis_server.http(OWNER) as http:
        vorgang = new_vorgang(http, cmis_server, f"Stapel {uuid.uuid4().hex[:6]}")
        children = link(vorgang, "down", "application/atom+xml")
        first, second = (
            ET.fromstring(
                http.post(
                    children,
                    content=document_entry(f"Blatt {n}.pdf", unique_pdf(f"Stapel {n}")),
                    headers={"Content-Type": ENTRY},
                ).content
            )
            for n in (1, 2)
        )
        ids = [prop(d, "cmis:objectId")[0] for d in (first, second)]
        token = prop(first, "cmis:changeToken")[0]
        body = (
            f'<entry xmlns="{ATOM}" xmlns:cmis="{CMIS}" xmlns:cmisra="{CMISRA}">'
            "<title>bulk</title><cmisra:bulkUpdate>"
            f"<cmis:objectIdAndChangeToken><cmis:id>{ids[0]}</cmis:id>"
            f"<cmis:changeToken>{token}</cmis:changeToken></cmis:objectIdAndChangeToken>"
            f"<cmis:objectIdAndChangeToken><cmis:id>{ids[1]}</cmis:id>"
            "<cmis:changeToken>1</cmis:changeToken></cmis:objectIdAndChangeToken>"
            "<cmis:properties>"
            '<cmis:propertyString propertyDefinitionId="cmis:description">'
            "<cmis:value>geprüft</cmis:value></cmis:propertyString>"
            "</cmis:properties></cmisra:bulkUpdate></entry>"
        )
        response = http.post(
            collection(http, "update"),
            content=body.encode(),
            headers={"Content-Type": "application/cmisatom+xml;type=entry"},
        )
        assert response.status_code == 200, response.text
        entries = ET.fromstring(response.content).findall("atom:entry", NS)
        assert [prop(e, "cmis:objectId")[0] for e in entries] == [ids[0]]  # stale token left out
        assert prop(entries[0], "cmis:changeToken") == prop(
            get_entry(http, ids[0]), "cmis:changeToken"
        )
        assert prop(get_entry(http, ids[0]), "cmis:description") == ["geprüft"]
        assert prop(get_entry(http, ids[1]), "cmis:description") != ["geprüft"]
