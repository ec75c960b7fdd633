"""Client-defined CMIS types and their property values on SQLite and PostgreSQL.

Types are created, extended and deleted through the service functions the bindings
call (CMIS JSON in, type definitions out), with the refusals CMIS clients rely on; the
values of client-defined properties are parsed from the strings clients send and come
back typed from the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.access.confidentiality import Confidentiality
from services.access.principal import Principal, PrincipalKind
from services.access.scope import Scope, build_scope, system_scope
from services.bootstrap import Container, build_container, prepare
from services.cmis.errors import Constraint, InvalidArgument, ObjectNotFound
from services.cmis.model import CmisContext, Updatability
from services.cmis.properties import WriteMode, load_custom, parse_properties, save_custom
from services.cmis.types.json_format import type_from_json, type_to_json
from services.cmis.types.mutability import create_type, delete_type, update_type
from services.cmis.types.registry import registry
from services.cmis.types.service import type_children, type_definition, type_descendants
from services.db.models import AuditEvent
from services.db.session import unit_of_work
from services.errors import PermissionDeniedError
from services.settings import SearchBackend
from tests.fixtures.app import make_settings

CASEWORKER = Principal(
    id="cw63",
    kind=PrincipalKind.KEY,
    name="caseworker 63",
    roles=frozenset({"caseworker"}),
    org_units=frozenset({"63"}),
    clearance=Confidentiality.OFFEN,
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def container(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Container]:
    if request.param == "sqlite":
        settings = make_settings(tmp_path / "data")
    else:
        url = request.getfixturevalue("postgres_url")
        settings = make_settings(
            tmp_path / "data", database_url=url, search_backend=SearchBackend.POSTGRES
        )
    built = build_container(settings)
    prepare(built, migrate=True)
    yield built
    built.close()


@contextmanager
def cmis(container: Container, principal: Principal | None = None) -> Iterator[CmisContext]:
    with unit_of_work(container.session_factory) as session:
        scope: Scope = (
            system_scope("admin")
            if principal is None
            else build_scope(
                session, principal, container.roles, today=container.clock.now().date()
            )
        )
        yield CmisContext(
            session=session,
            scope=scope,
            store=container.store,
            search=container.search,
            settings=container.settings,
            clock=container.clock,
            repository_id="-default-",
        )


def prop(pid: str, ptype: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "localName": pid.split(":")[-1],
        "queryName": pid,
        "displayName": pid,
        "propertyType": ptype,
        "cardinality": "single",
        "updatability": "readwrite",
        "inherited": False,
        "required": False,
        "queryable": True,
        "orderable": True,
        **extra,
    }


def bescheid(**extra: Any) -> dict[str, Any]:
    """A document type as a specialist procedure defines it (cmislib/OpenCMIS JSON)."""
    properties = [
        prop("fv:aktenzeichen", "string", maxLength=40),
        prop(
            "fv:art",
            "string",
            openChoice=False,
            choice=[
                {"displayName": "Erteilung", "value": "erteilung"},
                {"displayName": "Ablehnung", "value": "ablehnung"},
            ],
        ),
        prop("fv:gebuehr", "decimal"),
        prop("fv:seiten", "integer", minValue=1),
        prop("fv:zugestellt", "datetime"),
        prop("fv:eilig", "boolean", defaultValue=False),
        prop("fv:stichworte", "string", cardinality="multi"),
    ]
    definition = {
        "id": "fv:bescheid",
        "localName": "bescheid",
        "localNamespace": "urn:fachverfahren",
        "displayName": "Bescheid",
        "queryName": "fv:bescheid",
        "description": "Bescheide des Fachverfahrens",
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
        "typeMutability": {"create": True, "update": True, "delete": True},
        "propertyDefinitions": {p["id"]: p for p in properties},
    }
    definition.update(extra)
    return definition


def secondary() -> dict[str, Any]:
    return {
        "id": "fv:zustellung",
        "baseId": "cmis:secondary",
        "parentId": "cmis:secondary",
        "displayName": "Zustellung",
        "propertyDefinitions": {"fv:zustellart": prop("fv:zustellart", "string")},
    }


def test_base_and_eakte_types_are_listed(container: Container) -> None:
    with cmis(container) as ctx:
        bases, more, total = type_children(
            ctx, None, include_property_definitions=False, skip_count=0, max_items=None
        )
        assert [t.id for t in bases] == ["cmis:document", "cmis:folder", "cmis:secondary"]
        assert (more, total) == (False, 3)
        assert all(not t.property_definitions for t in bases)
        folders, more, total = type_children(
            ctx, "cmis:folder", include_property_definitions=True, skip_count=1, max_items=2
        )
        assert [t.id for t in folders] == ["eakte:akte", "eakte:teilakte"]
        assert (more, total) == (True, 5)
        assert folders[0].property_definitions["cmis:name"].inherited
        assert not folders[0].property_definitions["eakte:aktenzeichen"].inherited
        trees = type_descendants(ctx, None, -1, include_property_definitions=False)
        document = next(t for t in trees if t.type.id == "cmis:document")
        assert [c.type.id for c in document.children] == ["eakte:dokument"]
        assert type_descendants(ctx, None, 1, include_property_definitions=False)[0].children == []
        with pytest.raises(InvalidArgument):
            type_descendants(ctx, None, 0, include_property_definitions=False)
        akte = type_definition(ctx, "eakte:akte")
        assert akte.property_definitions["eakte:subjectKeys"].updatability is Updatability.ONCREATE
        with pytest.raises(ObjectNotFound):
            type_definition(ctx, "fv:nothing")


def test_a_client_type_is_created_with_inherited_properties_and_audited(
    container: Container,
) -> None:
    with cmis(container) as ctx:
        created = create_type(ctx, bescheid())
    assert created.parent_id == "eakte:dokument" and not created.built_in
    definitions = created.property_definitions
    assert definitions["eakte:aktenzeichen"].inherited and definitions["cmis:name"].inherited
    assert not definitions["fv:art"].inherited and not definitions["fv:art"].open_choice
    assert definitions["fv:aktenzeichen"].max_length == 40
    assert definitions["fv:stichworte"].max_length == 4000
    with cmis(container) as ctx:
        types = registry(ctx.session)
        assert types.is_a("fv:bescheid", "cmis:document")
        assert types.query_type_ids("cmis:document") == (
            "cmis:document",
            "eakte:dokument",
            "fv:bescheid",
        )
        event = ctx.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "cmis.type.created")
        ).one()
        assert event.object_id == "fv:bescheid" and "fv:art" in event.details["properties"]
        listed = json.loads(json.dumps(type_to_json(types.get("fv:bescheid"))))
    assert listed["parentId"] == "eakte:dokument" and listed["typeMutability"]["delete"]
    assert listed["propertyDefinitions"]["cmis:name"]["inherited"] is True
    assert listed["propertyDefinitions"]["fv:art"]["choice"][0] == {
        "displayName": "Erteilung",
        "value": "erteilung",
    }
    assert listed["propertyDefinitions"]["fv:eilig"]["defaultValue"] is False
    again = type_from_json(listed)  # what a client sends back: inherited ones are dropped
    assert set(again.property_definitions) == {p for p in definitions if p.startswith("fv:")}


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"id": "eakte:bescheid", "queryName": "x:y"}, InvalidArgument, "reserved"),
        ({"id": "fv bescheid"}, InvalidArgument, "not well-formed"),
        ({"queryName": "fv:bescheid.v2"}, InvalidArgument, "query name 'fv:bescheid.v2'"),
        ({"parentId": "fv:unknown"}, InvalidArgument, "does not exist"),
        ({"parentId": "eakte:planItem", "baseId": "cmis:folder"}, Constraint, "subtypes"),
        ({"baseId": "cmis:folder"}, InvalidArgument, "does not match"),
        ({"baseId": "cmis:relationship"}, InvalidArgument, "does not match"),
        (
            {"propertyDefinitions": {"x": prop("fv:x", "geometry")}},
            InvalidArgument,
            "propertyType",
        ),
        (
            {"propertyDefinitions": {"x": prop("cmis:name", "string")}},
            InvalidArgument,
            "reserved",
        ),
        (
            {"propertyDefinitions": {"x": prop("fv:x", "string", maxLength=5000)}},
            Constraint,
            "maxLength",
        ),
        (
            {"propertyDefinitions": {"x": prop("fv:x", "integer", defaultValue="drei")}},
            InvalidArgument,
            "not a integer",
        ),
    ],
)
def test_invalid_definitions_are_refused(
    container: Container, change: dict[str, Any], error: type[Exception], message: str
) -> None:
    with cmis(container) as ctx, pytest.raises(error) as raised:
        create_type(ctx, bescheid(**change))
    assert message in str(raised.value)


def test_conflicting_types_and_properties_are_refused(container: Container) -> None:
    with cmis(container) as ctx:
        create_type(ctx, bescheid())
    with cmis(container) as ctx, pytest.raises(Constraint, match="already exists"):
        create_type(ctx, bescheid())
    sub = {
        "id": "fv:widerspruchsbescheid",
        "baseId": "cmis:document",
        "parentId": "fv:bescheid",
        "propertyDefinitions": {"fv:art": prop("fv:art", "string")},
    }
    with cmis(container) as ctx, pytest.raises(Constraint, match="already defined by fv:bescheid"):
        create_type(ctx, sub)
    other = {
        "id": "fv:akte",
        "baseId": "cmis:folder",
        "parentId": "eakte:akte",
        "propertyDefinitions": {"fv:seiten": prop("fv:seiten", "string")},
    }
    with cmis(container) as ctx, pytest.raises(Constraint, match="another type"):
        create_type(ctx, other)


def test_only_type_managers_change_types(container: Container) -> None:
    with cmis(container, CASEWORKER) as ctx:
        assert type_definition(ctx, "cmis:document").id == "cmis:document"
        with pytest.raises(PermissionDeniedError):
            create_type(ctx, bescheid())


def test_update_adds_properties_and_refuses_changes(container: Container) -> None:
    with cmis(container) as ctx:
        create_type(ctx, bescheid())
    added = bescheid()
    added["propertyDefinitions"]["fv:sachbearbeiter"] = prop("fv:sachbearbeiter", "string")
    with cmis(container) as ctx:
        updated = update_type(ctx, added)
    assert "fv:sachbearbeiter" in updated.property_definitions
    assert "fv:art" in updated.property_definitions
    changed = bescheid()
    changed["propertyDefinitions"]["fv:seiten"] = prop("fv:seiten", "decimal")
    with cmis(container) as ctx, pytest.raises(Constraint, match="only new properties"):
        update_type(ctx, changed)
    required = bescheid()
    required["propertyDefinitions"]["fv:pflicht"] = prop("fv:pflicht", "string", required=True)
    with cmis(container) as ctx, pytest.raises(Constraint, match="needs a default"):
        update_type(ctx, required)
    with cmis(container) as ctx, pytest.raises(Constraint, match="built in"):
        update_type(ctx, {"id": "eakte:dokument", "baseId": "cmis:document"})
    with cmis(container) as ctx:
        actions = ctx.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "cmis_type")
        ).all()
    assert actions == ["cmis.type.created", "cmis.type.updated"]


def test_delete_refuses_used_types_subtypes_and_built_ins(container: Container) -> None:
    with cmis(container) as ctx:
        create_type(ctx, bescheid())
        create_type(ctx, secondary())
        create_type(
            ctx,
            {"id": "fv:sub", "baseId": "cmis:document", "parentId": "fv:bescheid"},
        )
    with cmis(container) as ctx, pytest.raises(Constraint, match="subtypes"):
        delete_type(ctx, "fv:bescheid")
    with cmis(container) as ctx, pytest.raises(Constraint, match="built in"):
        delete_type(ctx, "eakte:akte")
    with cmis(container) as ctx, pytest.raises(ObjectNotFound):
        delete_type(ctx, "fv:nothing")
    with cmis(container) as ctx:
        save_custom(ctx.session, "document:d1", "fv:sub", ["fv:zustellung"], {})
    with cmis(container) as ctx, pytest.raises(Constraint, match="used by objects"):
        delete_type(ctx, "fv:sub")
    with cmis(container) as ctx, pytest.raises(Constraint, match="used by objects"):
        delete_type(ctx, "fv:zustellung")
    with cmis(container) as ctx:
        save_custom(ctx.session, "document:d1", None, [], {})
    with cmis(container) as ctx:
        delete_type(ctx, "fv:sub")
        delete_type(ctx, "fv:zustellung")
        delete_type(ctx, "fv:bescheid")
    with cmis(container) as ctx:
        assert registry(ctx.session).find("fv:bescheid") is None
        deleted = ctx.session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "cmis.type.deleted")
        ).all()
    assert deleted == ["fv:sub", "fv:zustellung", "fv:bescheid"]


def test_string_values_are_parsed_by_their_definitions(container: Container) -> None:
    with cmis(container) as ctx:
        create_type(ctx, bescheid())
        types = registry(ctx.session)
    bescheid_type = types.get("fv:bescheid")
    parsed = parse_properties(
        bescheid_type,
        [],
        {
            "cmis:name": ["Bescheid 1"],
            "fv:art": ["erteilung"],
            "fv:gebuehr": ["125.50"],
            "fv:seiten": ["3"],
            "fv:zugestellt": ["1717236000000"],
            "fv:stichworte": ["Garage", "Carport"],
            "eakte:letterDate": ["2024-06-01T10:00:00+02:00"],
        },
    )
    assert parsed["fv:gebuehr"] == (Decimal("125.50"),)
    assert parsed["fv:seiten"] == (3,)
    assert parsed["fv:zugestellt"] == (datetime(2024, 6, 1, 10, 0, tzinfo=UTC),)
    assert parsed["eakte:letterDate"] == (datetime(2024, 6, 1, 8, 0, tzinfo=UTC),)
    assert parsed["fv:stichworte"] == ("Garage", "Carport")
    assert parsed["fv:eilig"] == (False,), "the default applies on create"
    for spelling, value in (("TRUE", True), ("1", True), ("false", False), ("0", False)):
        got = parse_properties(bescheid_type, [], {"fv:eilig": [spelling]}, mode=WriteMode.UPDATE)
        assert got == {"fv:eilig": (value,)}
    refusals: list[tuple[dict[str, list[str]], type[Exception], str, WriteMode]] = [
        ({"fv:unbekannt": ["x"]}, InvalidArgument, "not defined", WriteMode.UPDATE),
        ({"fv:seiten": ["drei"]}, InvalidArgument, "not a valid integer", WriteMode.UPDATE),
        ({"fv:seiten": ["0"]}, Constraint, "minimum", WriteMode.UPDATE),
        ({"fv:eilig": ["ja"]}, InvalidArgument, "boolean", WriteMode.UPDATE),
        ({"fv:zugestellt": ["gestern"]}, InvalidArgument, "datetime", WriteMode.UPDATE),
        ({"fv:art": ["widerruf"]}, Constraint, "choices", WriteMode.UPDATE),
        ({"fv:aktenzeichen": ["x" * 41]}, Constraint, "longer than 40", WriteMode.UPDATE),
        ({"fv:seiten": ["1", "2"]}, Constraint, "single-valued", WriteMode.UPDATE),
        ({"cmis:name": []}, Constraint, "required", WriteMode.UPDATE),
        ({"eakte:aktenzeichen": ["x"]}, Constraint, "readonly", WriteMode.UPDATE),
        ({"fv:art": ["erteilung"]}, Constraint, "cmis:name is required", WriteMode.CREATE),
    ]
    for raw, error, message, mode in refusals:
        with pytest.raises(error, match=message):
            parse_properties(bescheid_type, [], raw, mode=mode)
    akte = types.get("eakte:akte")
    with pytest.raises(Constraint, match="oncreate"):
        parse_properties(akte, [], {"eakte:subjectKeys": ["person:x"]}, mode=WriteMode.UPDATE)
    assert parse_properties(akte, [], {"cmis:name": ["A"], "eakte:subjectKeys": ["person:x"]})[
        "eakte:subjectKeys"
    ] == ("person:x",)


def test_values_are_stored_typed_and_loaded_in_bulk(container: Container) -> None:
    with cmis(container) as ctx:
        create_type(ctx, bescheid())
        create_type(ctx, secondary())
    values: dict[str, tuple[Any, ...]] = {
        "fv:gebuehr": (Decimal("125.5"),),
        "fv:seiten": (3,),
        "fv:zugestellt": (datetime(2024, 6, 1, 8, 0, tzinfo=UTC),),
        "fv:eilig": (True,),
        "fv:stichworte": ("Garage", "Carport", "Anbau"),
        "fv:zustellart": ("PZU",),
        "cmis:name": ("ignored: built-in properties live in the records",),
    }
    with cmis(container) as ctx:
        save_custom(ctx.session, "document:a", "fv:bescheid", ["fv:zustellung"], values)
        save_custom(ctx.session, "akte:b", None, ["fv:zustellung"], {"fv:zustellart": ("Post",)})
    with cmis(container) as ctx:
        states = load_custom(ctx.session, ["document:a", "akte:b", "folder:c"])
    state = states["document:a"]
    assert state.type_id == "fv:bescheid" and state.secondary_ids == ("fv:zustellung",)
    assert state.values == {k: v for k, v in values.items() if k != "cmis:name"}
    assert isinstance(state.values["fv:seiten"][0], int)
    assert states["akte:b"].values == {"fv:zustellart": ("Post",)}
    assert states["folder:c"].type_id is None and states["folder:c"].values == {}
    with cmis(container) as ctx:  # the secondary type removed: its values go with it
        save_custom(ctx.session, "document:a", "fv:bescheid", [], {"fv:seiten": (4,)})
    with cmis(container) as ctx:
        state = load_custom(ctx.session, ["document:a"])["document:a"]
    assert "fv:zustellart" not in state.values
    assert state.values["fv:seiten"] == (4,)
    assert state.values["fv:stichworte"] == ("Garage", "Carport", "Anbau")
    with cmis(container) as ctx, pytest.raises(InvalidArgument, match="not defined"):
        save_custom(ctx.session, "akte:b", None, [], {"fv:seiten": (1,)})


SPEC_PROPERTIES = {
    # CMIS 1.1 2.1.4.3.3 / 2.1.5.3.3: id -> (type, cardinality, updatability, required)
    "cmis:document": {
        "cmis:name": ("string", "single", "readwrite", True),
        "cmis:objectTypeId": ("id", "single", "oncreate", True),
        "cmis:secondaryObjectTypeIds": ("id", "multi", "readwrite", False),
        "cmis:creationDate": ("datetime", "single", "readonly", False),
        "cmis:isLatestMajorVersion": ("boolean", "single", "readonly", False),
        "cmis:versionSeriesCheckedOutId": ("id", "single", "readonly", False),
        "cmis:contentStreamLength": ("integer", "single", "readonly", False),
        "cmis:contentStreamId": ("id", "single", "readonly", False),
    },
    "cmis:folder": {
        "cmis:parentId": ("id", "single", "readonly", False),
        "cmis:path": ("string", "single", "readonly", False),
        "cmis:allowedChildObjectTypeIds": ("id", "multi", "readonly", False),
        "cmis:changeToken": ("string", "single", "readonly", False),
    },
}


def test_built_in_types_carry_the_spec_properties_in_cmis_json(container: Container) -> None:
    with cmis(container) as ctx:
        types = registry(ctx.session)
    for type_id, expected in SPEC_PROPERTIES.items():
        listed = type_to_json(types.get(type_id))["propertyDefinitions"]
        for pid, (ptype, cardinality, updatability, required) in expected.items():
            got = listed[pid]
            assert (got["propertyType"], got["cardinality"]) == (ptype, cardinality), pid
            assert (got["updatability"], got["required"]) == (updatability, required), pid
            assert got["inherited"] is False and got["queryName"] == pid
    assert len(types.get("cmis:document").property_definitions) == 26
    assert len(types.get("cmis:folder").property_definitions) == 14
    dokument = type_to_json(types.get("eakte:dokument"))
    assert dokument["versionable"] is True and dokument["contentStreamAllowed"] == "required"
    inherited = {p for p, d in dokument["propertyDefinitions"].items() if d["inherited"]}
    assert inherited == set(type_to_json(types.get("cmis:document"))["propertyDefinitions"])
    direction = dokument["propertyDefinitions"]["eakte:direction"]
    assert direction["openChoice"] is False and direction["updatability"] == "readwrite"
    assert [c["value"] for c in direction["choice"]] == ["incoming", "outgoing", "internal"]
    plan_item = type_to_json(types.get("eakte:planItem"), include_property_definitions=False)
    assert plan_item["creatable"] is False and "propertyDefinitions" not in plan_item
    assert plan_item["typeMutability"] == {"create": False, "update": False, "delete": False}
    assert type_to_json(types.get("cmis:secondary"))["propertyDefinitions"] == {}
