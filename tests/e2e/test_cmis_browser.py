"""The CMIS Browser binding against a real eakte server: cmislib, and raw requests.

cmislib (the Apache Chemistry Python client) drives what it covers; raw httpx requests
check what real clients send besides (any spelling of names and booleans, urlencoded
forms, the query in ``statement``, ranges) and the spec's JSON errors.

cmislib 0.7 bugs worked around here, not in the server: ``Document.checkin(major=…)``
sends ``major=false`` whenever ``major`` is given at all (so checking in major means not
passing it); ``Repository.getCheckedOutDocs`` builds its result set without a
serializer and fails on any answer; its ACL serialiser misspells ``principal``.  Those
operations go raw.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import time
import uuid
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from cmislib.exceptions import ObjectNotFoundException

from tests.fixtures.cmis import (
    BUILDING_CODE,
    FOREIGNERS_CODE,
    REPOSITORY_ID,
    CmisServer,
    unique_pdf,
)

ROOT = f"/cmis/browser/{REPOSITORY_ID}/root"
REPO = f"/cmis/browser/{REPOSITORY_ID}"


def akte_id(server: CmisServer, name: str = "foreigners") -> str:
    return f"akte:{server.world.akten[name]['id']}"


def new_vorgang(http: httpx.Client, akte: str, title: str | None = None) -> dict[str, Any]:
    """A Vorgang below ``akte``: a plain cmis:folder created under an Akte."""
    response = http.post(
        ROOT,
        data={
            "cmisaction": "createFolder",
            "objectId": akte,
            "propertyId[0]": "cmis:name",
            "propertyValue[0]": title or f"Vorgang {uuid.uuid4().hex[:8]}",
            "propertyId[1]": "cmis:objectTypeId",
            "propertyValue[1]": "cmis:folder",
            "succinct": "true",
        },
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["succinctProperties"]
    return created


def upload(
    http: httpx.Client, folder_id: str, data: bytes, name: str, **fields: str
) -> dict[str, Any]:
    response = http.post(
        ROOT,
        data={
            "cmisaction": "createDocument",
            "objectId": folder_id,
            "propertyId[0]": "cmis:name",
            "propertyValue[0]": name,
            "propertyId[1]": "cmis:objectTypeId",
            "propertyValue[1]": "cmis:document",
            "succinct": "true",
            **fields,
        },
        files={"content": (f"{name}.pdf", data, "application/pdf")},
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"].startswith("http")
    created: dict[str, Any] = response.json()["succinctProperties"]
    return created


# --- repository, authentication, errors ----------------------------------------------


def test_repository_infos_name_the_urls(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        response = http.get("/cmis/browser")
    assert response.status_code == 200, response.text
    info = response.json()[REPOSITORY_ID]
    assert info["repositoryId"] == REPOSITORY_ID
    assert info["repositoryUrl"] == cmis_server.base_url + REPO
    assert info["rootFolderUrl"] == cmis_server.base_url + ROOT
    assert info["rootFolderId"] == "root"
    assert info["cmisVersionSupported"] == "1.1"
    assert info["capabilities"]["capabilityACL"] == "manage"
    assert info["capabilities"]["capabilityMultifiling"] is False
    repo = cmis_server.repository("foreigners", "browser")
    assert repo.getRepositoryId() == REPOSITORY_ID
    assert repo.getCapabilities()["GetDescendants"] is True
    assert repo.getRootFolder().getObjectId() == "root"


def test_without_credentials_the_answer_is_401_asking_for_basic(cmis_server: CmisServer) -> None:
    with cmis_server.http() as http:
        for response in (
            http.get(ROOT, params={"cmisselector": "children"}),
            http.post(ROOT, data={"cmisaction": "createFolder"}),
        ):
            assert response.status_code == 401
            assert response.headers["www-authenticate"].startswith("Basic")
            assert response.json()["exception"] == "unauthorized"
    wrong = httpx.BasicAuth("fachverfahren", "not-a-key")
    with httpx.Client(base_url=cmis_server.base_url, auth=wrong) as http:
        response = http.get(REPO)
        assert response.status_code == 401
        assert response.json()["exception"] == "unauthorized"


def test_bearer_keys_work_as_well_as_basic_and_basic_for_rest(cmis_server: CmisServer) -> None:
    headers = {"Authorization": f"Bearer {cmis_server.keys['foreigners']}"}
    with httpx.Client(base_url=cmis_server.base_url, headers=headers) as http:
        response = http.get(REPO, params={"cmisselector": "repositoryInfo"})
    assert response.status_code == 200, response.text
    assert REPOSITORY_ID in response.json()
    with cmis_server.http("foreigners") as http:  # and HTTP Basic works for the REST API
        assert http.get(f"/api/v1/akten/{cmis_server.world.akten['foreigners']['id']}").is_success


def test_basic_credentials_on_a_change_from_another_sites_page_are_refused(
    cmis_server: CmisServer,
) -> None:
    create = {"cmisaction": "createFolder", "objectId": akte_id(cmis_server)}
    with cmis_server.http("foreigners") as http:
        for forged in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://elsewhere.example"}):
            name = f"Gefälscht {uuid.uuid4().hex[:6]}"
            refused = http.post(
                ROOT,
                data={**create, "propertyId[0]": "cmis:name", "propertyValue[0]": name},
                headers=forged,
            )
            assert refused.status_code == 403, refused.text
            assert refused.json()["exception"] == "permissionDenied"
        assert http.get(ROOT, headers={"Sec-Fetch-Site": "cross-site"}).is_success, "reads are"
        own = {"Sec-Fetch-Site": "same-origin"}
        name = f"Eigen {uuid.uuid4().hex[:6]}"
        created = http.post(
            ROOT,
            data={**create, "propertyId[0]": "cmis:name", "propertyValue[0]": name},
            headers=own,
        )
        assert created.status_code == 201, created.text
    bearer = {"Authorization": f"Bearer {cmis_server.keys['foreigners']}"}
    with httpx.Client(base_url=cmis_server.base_url, headers=bearer) as http:
        name = f"Token {uuid.uuid4().hex[:6]}"
        created = http.post(
            ROOT,
            data={**create, "propertyId[0]": "cmis:name", "propertyValue[0]": name},
            headers={"Sec-Fetch-Site": "cross-site"},
        )
        assert created.status_code == 201, "a browser never sends a bearer token by itself"


def test_errors_are_the_specs_json(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        unknown = http.get(ROOT, params={"cmisselector": "object", "objectId": "akte:" + "0" * 32})
        assert unknown.status_code == 404
        assert unknown.json()["exception"] == "objectNotFound"
        assert set(unknown.json()) >= {"exception", "message"}
        selector = http.get(ROOT, params={"cmisselector": "sideways"})
        assert (selector.status_code, selector.json()["exception"]) == (405, "notSupported")
        action = http.post(ROOT, data={"cmisaction": "teleport"})
        assert (action.status_code, action.json()["exception"]) == (405, "notSupported")
        invalid = http.get(ROOT, params={"cmisselector": "children", "maxItems": "many"})
        assert (invalid.status_code, invalid.json()["exception"]) == (400, "invalidArgument")
        repository = http.get("/cmis/browser/elsewhere")
        assert repository.status_code == 404
        nowhere = http.get(f"{REPO}/nowhere/at/all")
        assert (nowhere.status_code, nowhere.json()["exception"]) == (404, "objectNotFound")
        suppressed = http.get(
            ROOT,
            params={"cmisselector": "object", "objectId": "nothing", "suppressResponseCodes": "1"},
        )
        assert suppressed.status_code == 200
        assert suppressed.json()["exception"] == "objectNotFound"
        created = http.post(
            ROOT,
            data={
                "cmisaction": "createFolder",
                "objectId": akte_id(cmis_server),
                "propertyId[0]": "cmis:name",
                "propertyValue[0]": f"Still {uuid.uuid4().hex[:6]}",
                "suppressResponseCodes": "true",
            },
        )
        assert created.status_code == 200, created.text
        jsonp = http.get(REPO, params={"callback": "steal"})
        assert jsonp.status_code == 400
        assert not jsonp.text.startswith("steal")


def test_cmis_routes_are_not_in_the_openapi_schema(cmis_server: CmisServer) -> None:
    with cmis_server.api() as api:
        paths = api.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/cmis")]


def test_an_oversized_declared_body_is_refused_before_it_is_read(cmis_server: CmisServer) -> None:
    address = urlsplit(cmis_server.base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.putrequest("POST", ROOT)
        key = cmis_server.keys["foreigners"]
        connection.putheader("Authorization", httpx.BasicAuth("x", key)._auth_header)
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(50 * 1024**3))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["exception"] == "constraint"
    finally:
        connection.close()


def test_a_large_urlencoded_form_is_held_to_the_small_limit(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        response = http.post(
            ROOT, data={"cmisaction": "update", "objectId": "root", "x": "y" * (2 * 1024**2)}
        )
    assert response.status_code in (409, 413), response.text
    assert response.json()["exception"] == "constraint"


# --- types ------------------------------------------------------------------------------


def test_types_children_descendants_and_definitions(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository("foreigners", "browser")
    base_ids = {t.getTypeId() for t in repo.getTypeChildren()}
    assert {"cmis:document", "cmis:folder"} <= base_ids
    akte = repo.getTypeDefinition("eakte:akte")
    assert akte.getBaseId() == "cmis:folder"
    assert "eakte:aktenzeichen" in akte.properties
    with cmis_server.http("foreigners") as http:
        tree = http.get(
            REPO, params={"cmisSelector": "typeDescendants", "typeId": "cmis:folder"}
        ).json()
        children = http.get(
            REPO, params={"cmisselector": "typeChildren", "typeId": "cmis:document"}
        ).json()
    assert "eakte:akte" in {entry["type"]["id"] for entry in tree}
    assert "eakte:dokument" in {t["id"] for t in children["types"]}


# --- navigation -----------------------------------------------------------------------


def test_the_plan_akten_and_documents_as_folders(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository("foreigners", "browser")
    item = repo.getObjectByPath(f"/{FOREIGNERS_CODE}")
    assert item.getProperties()["cmis:objectTypeId"] == "eakte:planItem"
    akten = {c.getObjectId() for c in item.getChildren()}
    assert akte_id(cmis_server) in akten
    akte = repo.getObject(akte_id(cmis_server))
    names = [c.getName() for c in akte.getChildren()]
    assert "Antrag" in names
    document_id = cmis_server.world.documents["foreigners"]
    document = repo.getObject(document_id)
    assert document.getProperties()["cmis:versionSeriesId"] == document_id
    parents = [p.getObjectId() for p in document.getObjectParents()]
    assert parents and parents[0].startswith(("akte:", "vorgang:"))
    assert repo.getObject(akte_id(cmis_server)).getParent().getObjectId().startswith("plan:")
    # The building authority's Akte is as absent as one that never existed.
    with pytest.raises(ObjectNotFoundException):
        repo.getObject(akte_id(cmis_server, "building"))
    building_item = repo.getObjectByPath(f"/{BUILDING_CODE}")
    assert [c.getName() for c in building_item.getChildren()] == []


def test_children_paging_order_and_succinct_properties(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        akte = akte_id(cmis_server)
        for title in ("B-Vorgang", "A-Vorgang", "C-Vorgang"):
            new_vorgang(http, akte, f"{title} {uuid.uuid4().hex[:4]}")
        first = http.get(
            ROOT,
            params={
                "objectId": akte,
                "cmisselector": "children",
                "maxItems": "2",
                "orderBy": "cmis:name ASC",
                "succinct": "TRUE",
                "includePathSegment": "yes",
            },
        ).json()
        assert first["hasMoreItems"] is True
        assert first["numItems"] >= 4
        assert len(first["objects"]) == 2
        names = [o["object"]["succinctProperties"]["cmis:name"] for o in first["objects"]]
        assert names == sorted(names)
        assert all("pathSegment" in o for o in first["objects"])
        created = first["objects"][0]["object"]["succinctProperties"]["cmis:creationDate"]
        assert isinstance(created, int), "date-times go out as epoch milliseconds"
        full = http.get(ROOT, params={"objectId": akte, "cmisselector": "object"}).json()
        name = full["properties"]["cmis:name"]
        assert name["type"] == "string" and name["cardinality"] == "single"
        tree = http.get(
            ROOT, params={"objectId": akte, "cmisselector": "folderTree", "depth": "-1"}
        ).json()
        assert tree and all(
            n["object"]["object"]["properties"]["cmis:baseTypeId"]["value"] == "cmis:folder"
            for n in tree
        )
        descendants = http.get(ROOT, params={"objectId": akte, "cmisselector": "descendants"})
        assert descendants.status_code == 200, descendants.text


def test_objects_by_path_with_and_without_selector(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        item = http.get(f"{ROOT}/{FOREIGNERS_CODE}", params={"cmisselector": "object"})
        assert item.status_code == 200, item.text
        assert item.json()["properties"]["cmis:objectId"]["value"] == f"plan:{FOREIGNERS_CODE}"
        children = http.get(f"{ROOT}/{FOREIGNERS_CODE}")  # a folder without selector
        assert "objects" in children.json()
        allowed = http.get(
            ROOT, params={"objectId": akte_id(cmis_server), "cmisselector": "allowableActions"}
        ).json()
        assert allowed["canGetChildren"] is True
        assert allowed["canCreateFolder"] is True
        assert set(allowed) >= {"canDeleteObject", "canCheckOut", "canApplyACL"}


# --- documents and content --------------------------------------------------------------


def test_create_a_document_and_read_it_back_byte_identical(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository("foreigners", "browser")
    akte = repo.getObject(akte_id(cmis_server))
    vorgang = akte.createFolder(f"Einbürgerung {uuid.uuid4().hex[:6]}")
    assert vorgang.getObjectId().startswith("vorgang:")
    pdf = unique_pdf("Einbürgerungsantrag")
    document = vorgang.createDocument(
        "Einbürgerungsantrag", contentFile=io.BytesIO(pdf), contentType="application/pdf"
    )
    props = document.getProperties()
    assert props["cmis:versionLabel"] == "1.0"
    assert props["cmis:contentStreamLength"] == len(pdf)
    assert document.getContentStream().read() == pdf
    with cmis_server.http("foreigners") as http:
        plain = http.get(ROOT, params={"objectId": document.getObjectId()})  # no selector
        assert plain.content == pdf
        assert plain.headers["content-type"].startswith("application/pdf")
        assert plain.headers["x-content-type-options"] == "nosniff"
        ranged = http.get(
            ROOT,
            params={"objectId": document.getObjectId(), "cmisselector": "content"},
            headers={"Range": "bytes=10-109"},
        )
        assert ranged.status_code == 206
        assert ranged.content == pdf[10:110]
        assert ranged.headers["content-range"] == f"bytes 10-109/{len(pdf)}"
        tail = http.get(
            ROOT,
            params={"objectId": document.getObjectId(), "cmisselector": "content", "offset": "5"},
        )
        assert tail.status_code == 206 and tail.content == pdf[5:]
        attachment = http.get(
            ROOT,
            params={
                "objectId": document.getObjectId(),
                "cmisselector": "content",
                "download": "attachment",
            },
        )
        assert attachment.headers["content-disposition"].startswith("attachment")


def test_a_hostile_file_is_refused(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        vorgang = new_vorgang(http, akte_id(cmis_server))
        response = http.post(
            ROOT,
            data={
                "cmisaction": "createDocument",
                "objectId": vorgang["cmis:objectId"],
                "propertyId[0]": "cmis:name",
                "propertyValue[0]": "Skript",
            },
            files={"content": ("brief.pdf", b"<html><script>alert(1)</script>", "application/pdf")},
        )
    assert response.status_code in (400, 409), response.text
    assert response.json()["exception"] in ("constraint", "invalidArgument")


def test_update_properties_and_a_stale_change_token(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        vorgang = new_vorgang(http, akte_id(cmis_server))
        doc = upload(http, vorgang["cmis:objectId"], unique_pdf("Anhörung"), "Anhörung")
        token = doc["cmis:changeToken"]
        response = http.post(
            ROOT,
            data={
                "CMISACTION": "Update",
                "OBJECTID": doc["cmis:objectId"],
                "propertyId[0]": "eakte:sender",
                "propertyValue[0]": "Rechtsanwalt Weber",
                "propertyId[1]": "eakte:sender",  # repeated: the last wins
                "propertyValue[1]": "Kanzlei Weber & Partner",
                "propertyId[2]": "eakte:letterDate",
                "propertyValue[2]": "1767225600000",  # 2026-01-01, as epoch milliseconds
                "changeToken": token,
                "succinct": "1",
            },
        )
        assert response.status_code in (200, 201), response.text
        updated = response.json()["succinctProperties"]
        assert updated["eakte:sender"] == "Kanzlei Weber & Partner"
        assert updated["eakte:letterDate"] == 1767225600000
        stale = http.post(
            ROOT,
            data={
                "cmisaction": "update",
                "objectId": doc["cmis:objectId"],
                "propertyId[0]": "eakte:sender",
                "propertyValue[0]": "Jemand",
                "changeToken": "1",
            },
        )
        assert (stale.status_code, stale.json()["exception"]) == (409, "updateConflict")


def test_versions_check_out_check_in_and_set_content(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository("foreigners", "browser")
    with cmis_server.http("foreigners") as http:
        vorgang = new_vorgang(http, akte_id(cmis_server))
        doc = upload(http, vorgang["cmis:objectId"], unique_pdf("Bescheid"), "Bescheid")
    document = repo.getObject(doc["cmis:objectId"])
    pwc = document.checkout()
    assert pwc.getProperties()["cmis:isPrivateWorkingCopy"] is True
    assert repo.getObject(doc["cmis:objectId"]).isCheckedOut()
    with cmis_server.http("foreigners") as http:  # cmislib's getCheckedOutDocs is broken
        listed = http.get(REPO, params={"cmisselector": "checkedOut", "succinct": "true"})
    checked_out = [o["succinctProperties"]["cmis:objectId"] for o in listed.json()["objects"]]
    assert pwc.getObjectId() in checked_out
    second = unique_pdf("Bescheid, geändert")
    new = pwc.checkin(
        checkinComment="Tippfehler", contentFile=io.BytesIO(second), contentType="application/pdf"
    )
    assert new.getProperties()["cmis:versionLabel"] == "2.0"
    assert new.getContentStream().read() == second
    labels = [v.getProperties()["cmis:versionLabel"] for v in new.getAllVersions()]
    assert labels == ["2.0", "1.0"]
    third = unique_pdf("Bescheid, ergänzt")
    with cmis_server.http("foreigners") as http:
        response = http.post(
            ROOT,
            data={"cmisaction": "setContent", "objectId": new.getObjectId(), "succinct": "true"},
            files={"content": ("bescheid.pdf", third, "application/pdf")},
        )
        assert response.status_code == 201, response.text
        latest = response.json()["succinctProperties"]
        assert latest["cmis:versionLabel"] != "2.0"
        versions = http.get(
            ROOT,
            params={"objectId": doc["cmis:versionSeriesId"], "cmisselector": "versions"},
        ).json()
        assert len(versions) == 3
        latest_major = http.get(
            ROOT,
            params={
                "objectId": doc["cmis:objectId"],
                "cmisselector": "object",
                "returnVersion": "latest",
                "succinct": "true",
            },
        ).json()
        assert latest_major["succinctProperties"]["cmis:objectId"] == latest["cmis:objectId"]
        content = http.get(ROOT, params={"objectId": latest["cmis:objectId"]})
        assert content.content == third
        cancelled = http.post(
            ROOT, data={"cmisaction": "checkOut", "objectId": latest["cmis:objectId"]}
        )
        assert cancelled.status_code == 201, cancelled.text
        cancel = http.post(
            ROOT, data={"cmisaction": "cancelCheckOut", "objectId": latest["cmis:objectId"]}
        )
        assert cancel.status_code == 200, cancel.text


def test_move_a_document_between_vorgaenge(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        source = new_vorgang(http, akte_id(cmis_server))
        target = new_vorgang(http, akte_id(cmis_server))
        doc = upload(http, source["cmis:objectId"], unique_pdf("Umzug"), "Meldebescheinigung")
        response = http.post(
            ROOT,
            data={
                "cmisaction": "move",
                "objectId": doc["cmis:objectId"],
                "sourceFolderId": source["cmis:objectId"],
                "targetFolderId": target["cmis:objectId"],
            },
        )
        assert response.status_code == 201, response.text
        parents = http.get(
            ROOT, params={"objectId": doc["cmis:objectId"], "cmisselector": "parents"}
        ).json()
        assert [p["object"]["properties"]["cmis:objectId"]["value"] for p in parents] == [
            target["cmis:objectId"]
        ]


# --- query, changes, ACL ----------------------------------------------------------------


def test_query_by_get_and_post_in_q_or_statement(cmis_server: CmisServer) -> None:
    name = f"Duldung {uuid.uuid4().hex[:8]}"
    with cmis_server.http("foreigners") as http:
        vorgang = new_vorgang(http, akte_id(cmis_server))
        doc = upload(http, vorgang["cmis:objectId"], unique_pdf(name), name)
        statement = f"SELECT cmis:objectId, cmis:name FROM cmis:document WHERE cmis:name = '{name}'"
        by_get = http.get(REPO, params={"cmisselector": "query", "q": statement}).json()
        by_post = http.post(
            REPO, data={"cmisaction": "query", "statement": statement, "succinct": "true"}
        ).json()
    assert [r["properties"]["cmis:objectId"]["value"] for r in by_get["results"]] == [
        doc["cmis:objectId"]
    ]
    assert [r["succinctProperties"]["cmis:name"] for r in by_post["results"]] == [name]
    repo = cmis_server.repository("foreigners", "browser")
    found = repo.query(statement)
    assert [r.getProperties()["cmis:objectId"] for r in found] == [doc["cmis:objectId"]]
    other = cmis_server.repository("building", "browser")
    assert list(other.query(statement)) == []


def test_content_changes_name_created_objects(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        token = http.get(REPO).json()[REPOSITORY_ID]["latestChangeLogToken"]
        vorgang = new_vorgang(http, akte_id(cmis_server))
        changes = http.get(
            REPO, params={"cmisselector": "contentChanges", "changeLogToken": token or ""}
        )
    assert changes.status_code == 200, changes.text
    body = changes.json()
    ids = [o["properties"]["cmis:objectId"]["value"] for o in body["objects"]]
    assert vorgang["cmis:objectId"] in ids
    assert all(isinstance(o["changeEventInfo"]["changeTime"], int) for o in body["objects"])


def test_acl_read_and_a_share_applied(cmis_server: CmisServer) -> None:
    akte = akte_id(cmis_server)
    with cmis_server.http("foreigners") as http:
        acl = http.get(ROOT, params={"objectId": akte, "cmisselector": "acl"}).json()
        assert acl["aces"], acl
        assert all("principalId" in ace["principal"] for ace in acl["aces"])
    with cmis_server.http("building") as http:
        hidden = http.get(ROOT, params={"objectId": akte, "cmisselector": "object"})
        assert hidden.status_code == 404
    with cmis_server.http("foreigners") as http:
        applied = http.post(
            ROOT,
            data={
                "cmisaction": "applyACL",
                "objectId": akte,
                "addACEPrincipal[0]": "unit:63",
                "addACEPermission[0][0]": "cmis:read",
            },
        )
        assert applied.status_code == 200, applied.text
        assert "unit:63" in [a["principal"]["principalId"] for a in applied.json()["aces"]]
    with cmis_server.http("building") as http:
        shared = http.get(ROOT, params={"objectId": akte, "cmisselector": "object"})
        assert shared.status_code == 200, shared.text
    with cmis_server.http("foreigners") as http:
        revoked = http.post(
            ROOT,
            data={
                "cmisaction": "applyACL",
                "objectId": akte,
                "removeACEPrincipal[0]": "unit:63",
                "removeACEPermission[0][0]": "cmis:read",
            },
        )
        assert revoked.status_code == 200, revoked.text
    with cmis_server.http("building") as http:
        assert (
            http.get(ROOT, params={"objectId": akte, "cmisselector": "object"}).status_code == 404
        )


def test_a_custom_type_and_property_in_a_query(cmis_server: CmisServer) -> None:
    type_id = f"fv:akte{uuid.uuid4().hex[:6]}"
    definition = {
        "id": type_id,
        "localName": type_id,
        "localNamespace": "urn:fachverfahren",
        "displayName": "Fachverfahrensdokument",
        "queryName": type_id,
        "description": "",
        "baseId": "cmis:document",
        "parentId": "cmis:document",
        "creatable": True,
        "fileable": True,
        "queryable": True,
        "fulltextIndexed": False,
        "includedInSupertypeQuery": True,
        "controllablePolicy": False,
        "controllableACL": False,
        "propertyDefinitions": {
            "fv:fallnummer": {
                "id": "fv:fallnummer",
                "localName": "fallnummer",
                "displayName": "Fallnummer",
                "queryName": "fv:fallnummer",
                "propertyType": "string",
                "cardinality": "single",
                "updatability": "readwrite",
                "inherited": False,
                "required": False,
                "queryable": True,
                "orderable": True,
            }
        },
    }
    number = f"F-{uuid.uuid4().hex[:10]}"
    with cmis_server.http("admin") as http:
        created = http.post(REPO, data={"cmisaction": "createType", "type": json.dumps(definition)})
        assert created.status_code == 201, created.text
    with cmis_server.http("foreigners") as http:
        vorgang = new_vorgang(http, akte_id(cmis_server))
        doc = upload(
            http,
            vorgang["cmis:objectId"],
            unique_pdf("Fall"),
            "Fallakte",
            **{
                "propertyValue[1]": type_id,
                "propertyId[2]": "fv:fallnummer",
                "propertyValue[2]": number,
            },
        )
        assert doc["cmis:objectTypeId"] == type_id
        assert doc["fv:fallnummer"] == number
        statement = f"SELECT cmis:objectId FROM {type_id} WHERE fv:fallnummer = '{number}'"
        result = http.get(REPO, params={"cmisselector": "query", "q": statement}).json()
    assert [r["properties"]["cmis:objectId"]["value"] for r in result["results"]] == [
        doc["cmis:objectId"]
    ]


def test_urlencoded_forms_and_multipart_without_the_content_name(
    cmis_server: CmisServer,
) -> None:
    with cmis_server.http("foreigners") as http:
        vorgang = new_vorgang(http, akte_id(cmis_server))  # urlencoded
        pdf = unique_pdf("Beliebiger Teilname")
        response = http.post(
            f"{ROOT}",
            data={
                "cmisAction": "CREATEDOCUMENT",
                "objectid": vorgang["cmis:objectId"],
                "propertyid[0]": "cmis:name",
                "propertyvalue[0]": "Anlage",
            },
            files={"datei": ("anlage.pdf", pdf, "application/pdf")},
        )
        assert response.status_code == 201, response.text
        digest = response.json()["properties"]["eakte:contentSha256"]["value"]
        assert digest == hashlib.sha256(pdf).hexdigest()


def test_a_working_copy_filled_in_chunks_is_checked_in(cmis_server: CmisServer) -> None:
    """Chunked upload as the spec has it: empty the working copy, append, check in."""
    with cmis_server.http("foreigners") as http:
        vorgang = new_vorgang(http, akte_id(cmis_server))
        doc = upload(http, vorgang["cmis:objectId"], unique_pdf("Erst"), "Gutachten")
        pwc = http.post(
            ROOT,
            data={"cmisaction": "checkOut", "objectId": doc["cmis:objectId"], "succinct": "1"},
        ).json()["succinctProperties"]["cmis:objectId"]
        emptied = http.post(ROOT, data={"cmisaction": "deleteContent", "objectId": pwc})
        assert emptied.status_code == 200, emptied.text
        whole = unique_pdf("Gutachten, vollständig")
        half = len(whole) // 2
        for chunk, last in ((whole[:half], "false"), (whole[half:], "TRUE")):
            response = http.post(
                ROOT,
                data={"cmisaction": "appendContent", "objectId": pwc, "isLastChunk": last},
                files={"content": ("gutachten.pdf", chunk, "application/pdf")},
            )
            assert response.status_code == 201, response.text
        checked_in = http.post(
            ROOT,
            data={"cmisaction": "checkIn", "objectId": pwc, "major": "no", "succinct": "true"},
        )
        assert checked_in.status_code == 201, checked_in.text
        latest = checked_in.json()["succinctProperties"]
        assert latest["cmis:versionLabel"] == "1.1"
        assert http.get(ROOT, params={"objectId": latest["cmis:objectId"]}).content == whole


def test_delete_content_of_a_document_is_a_constraint(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        vorgang = new_vorgang(http, akte_id(cmis_server))
        doc = upload(http, vorgang["cmis:objectId"], unique_pdf("Bleibt"), "Bleibt")
        response = http.post(
            ROOT, data={"cmisaction": "deleteContent", "objectId": doc["cmis:objectId"]}
        )
    assert (response.status_code, response.json()["exception"]) == (409, "constraint")


def test_delete_an_empty_vorgang_and_refuse_a_retained_document(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        empty = new_vorgang(http, akte_id(cmis_server))
        deleted = http.post(ROOT, data={"cmisaction": "delete", "objectId": empty["cmis:objectId"]})
        assert deleted.status_code == 200, deleted.text
        gone = http.get(ROOT, params={"objectId": empty["cmis:objectId"], "cmisselector": "object"})
        assert gone.status_code == 404
        vorgang = new_vorgang(http, akte_id(cmis_server))
        doc = upload(http, vorgang["cmis:objectId"], unique_pdf("Aufbewahrt"), "Aufbewahrt")
        refused = http.post(ROOT, data={"cmisaction": "delete", "objectId": doc["cmis:objectId"]})
        assert refused.status_code in (403, 409), refused.text
        assert refused.json()["exception"] in ("constraint", "permissionDenied")
        tree = http.post(
            ROOT,
            data={
                "cmisaction": "deleteTree",
                "objectId": vorgang["cmis:objectId"],
                "continueOnFailure": "true",
            },
        )
        assert tree.status_code in (200, 409), tree.text
        still = http.get(ROOT, params={"objectId": doc["cmis:objectId"], "cmisselector": "object"})
        assert still.status_code == 200


def test_bulk_update_and_create_from_source(cmis_server: CmisServer) -> None:
    with cmis_server.http("foreigners") as http:
        vorgang = new_vorgang(http, akte_id(cmis_server))
        first = upload(http, vorgang["cmis:objectId"], unique_pdf("Eins"), "Eins")
        second = upload(http, vorgang["cmis:objectId"], unique_pdf("Zwei"), "Zwei")
        response = http.post(
            REPO,
            data={
                "cmisaction": "bulkUpdate",
                "objectId[0]": first["cmis:objectId"],
                "objectId[1]": second["cmis:objectId"],
                "propertyId[0]": "eakte:sender",
                "propertyValue[0]": "Landesamt",
            },
        )
        assert response.status_code == 200, response.text
        assert {r["id"] for r in response.json()} == {
            first["cmis:objectId"],
            second["cmis:objectId"],
        }
        for doc in (first, second):
            props = http.get(
                ROOT,
                params={
                    "objectId": doc["cmis:versionSeriesId"],
                    "succinct": "true",
                    "cmisselector": "properties",
                },
            ).json()
            assert props["eakte:sender"] == "Landesamt"
        copy = http.post(
            ROOT,
            data={
                "cmisaction": "createDocumentFromSource",
                "objectId": vorgang["cmis:objectId"],
                "sourceId": first["cmis:objectId"],
                "propertyId[0]": "cmis:name",
                "propertyValue[0]": "Eins (Kopie)",
                "succinct": "true",
            },
        )
        assert copy.status_code == 201, copy.text
        copied = copy.json()["succinctProperties"]
        assert copied["cmis:versionSeriesId"] != first["cmis:versionSeriesId"]
        assert copied["eakte:contentSha256"] == first["eakte:contentSha256"]


def test_a_form_post_with_a_token_leaves_its_result_for_last_result(
    cmis_server: CmisServer,
) -> None:
    with cmis_server.http("foreigners") as http:
        token = uuid.uuid4().hex
        posted = http.post(
            ROOT,
            data={
                "cmisaction": "createFolder",
                "objectId": akte_id(cmis_server),
                "propertyId[0]": "cmis:name",
                "propertyValue[0]": f"Formular {token[:6]}",
                "token": token,
            },
        )
        assert posted.status_code == 200
        assert posted.headers["content-type"].startswith("text/html") and not posted.content
        result = http.get(REPO, params={"cmisselector": "lastResult", "token": token}).json()
        assert result["code"] == 201
        assert result["objectId"].startswith("vorgang:")
        failed = http.post(ROOT, data={"cmisaction": "checkOut", "objectId": "x", "token": "t2"})
        assert failed.status_code == 200
        outcome = http.get(REPO, params={"cmisselector": "lastresult", "token": "t2"}).json()
        assert (outcome["code"], outcome["exception"]) == (404, "objectNotFound")
        again = http.get(REPO, params={"cmisselector": "lastResult", "token": "t2"}).json()
        assert again["code"] == 0, "a result is read once"


def test_cmislib_navigation_updates_moves_and_renditions(cmis_server: CmisServer) -> None:
    repo = cmis_server.repository("foreigners", "browser")
    akte = repo.getObject(akte_id(cmis_server))
    akte_path = akte.getPaths()[0]
    assert repo.getObjectByPath(akte_path).getObjectId() == akte.getObjectId()
    source = akte.createFolder(f"Quelle {uuid.uuid4().hex[:6]}")
    target = akte.createFolder(f"Ziel {uuid.uuid4().hex[:6]}")
    pdf = unique_pdf("Aufenthaltstitel")
    document = source.createDocument(
        "Aufenthaltstitel", contentFile=io.BytesIO(pdf), contentType="application/pdf"
    )
    tree_ids = {o.getObjectId() for o in akte.getTree()}
    assert {source.getObjectId(), target.getObjectId()} <= tree_ids
    assert document.getObjectId() in {o.getObjectId() for o in source.getDescendants()}
    document.updateProperties({"eakte:sender": "Bundesamt"})
    assert document.getProperties()["eakte:sender"] == "Bundesamt"
    document.move(source, target)
    assert [c.getObjectId() for c in target.getChildren()] == [document.getObjectId()]
    assert document.getAllowableActions()["canGetContentStream"] is True
    acl = document.getACL()
    assert acl.getEntries()
    renditions: list[Any] = []
    for _ in range(120):  # the searchable PDF/A comes from a job
        renditions = document.getRenditions()
        if renditions:
            break
        time.sleep(0.5)
    assert [r.getStreamId() for r in renditions] == ["pdfa"]
    with cmis_server.http("foreigners") as http:
        rendition = http.get(
            ROOT,
            params={
                "objectId": document.getObjectId(),
                "cmisselector": "content",
                "streamId": "pdfa",
            },
        )
    assert rendition.status_code == 200, rendition.text
    assert rendition.content.startswith(b"%PDF-")


def test_a_latin1_form_with_charset_and_a_document_by_its_path(cmis_server: CmisServer) -> None:
    akte = akte_id(cmis_server)
    name = f"Vorgang Größe {uuid.uuid4().hex[:6]}"
    body = (
        "cmisaction=createFolder&objectId="
        + akte
        + "&propertyId[0]=cmis:name&propertyValue[0]="
        + quote(name, encoding="latin-1")
        + "&succinct=true&_charset_=ISO-8859-1"
    )
    with cmis_server.http("foreigners") as http:
        response = http.post(
            ROOT,
            content=body.encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 201, response.text
        folder = response.json()["succinctProperties"]
        assert folder["cmis:name"] == name
        pdf = unique_pdf("Pfad")
        upload(http, folder["cmis:objectId"], pdf, "Bescheid per Pfad")
        folder_path = http.get(
            ROOT,
            params={"objectId": folder["cmis:objectId"], "cmisselector": "object", "succinct": "1"},
        ).json()["succinctProperties"]["cmis:path"]
        by_path = http.get(f"{ROOT}{quote(folder_path)}/{quote('Bescheid per Pfad')}")
    assert by_path.status_code == 200, by_path.text
    assert by_path.content == pdf
