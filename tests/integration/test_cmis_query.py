"""CMIS queries and content changes against real databases, as each principal sees them.

The town hall of :mod:`tests.e2e.access_world` (Akten of units 63 and 32.3, a
confidential Akte, a share with unit 61), plus a client-defined document type whose
values the queries filter on.  What a principal may not see must never be in a result:
the expected sets come from the world's hand-written access table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from services.access.roles import Permission
from services.access.scope import build_scope
from services.auth.keys import authenticate
from services.cmis.actions import get_allowable_actions
from services.cmis.changes import content_changes, latest_change_token
from services.cmis.errors import InvalidArgument, NotSupported, ObjectNotFound, PermissionDenied
from services.cmis.model import CmisContext, OperationContext, QueryResult
from services.cmis.navigation import get_children, get_object
from services.cmis.properties import save_custom
from services.cmis.query import query
from services.cmis.types.mutability import create_type
from services.db.models import (
    Akte,
    AkteSubjectKey,
    Document,
    DocumentVersion,
    FilePlanEntry,
    VersionLabel,
    Vorgang,
)
from services.db.session import unit_of_work
from tests.e2e.access_world import ACCESS, PRINCIPALS, Access, World, build_world, world_settings
from tests.fixtures.app import Service, start_service

FILED = ("doc63", "doc63_vertraulich", "doc323")
AKTEN = ("akte63", "akte63_vertraulich", "akte323")
READERS = [p for p in PRINCIPALS if p not in ("station", "data_protection")]


def _prop(pid: str, ptype: str, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "queryName": pid, "propertyType": ptype, "cardinality": "single",
            "updatability": "readwrite", **extra}  # fmt: skip


BESCHEID = {
    "id": "fv:bescheid",
    "baseId": "cmis:document",
    "parentId": "eakte:dokument",
    "displayName": "Bescheid",
    "propertyDefinitions": {
        p["id"]: p
        for p in (
            _prop("fv:nummer", "string"),
            _prop("fv:seiten", "integer"),
            _prop("fv:gebuehr", "decimal"),
            _prop("fv:eilig", "boolean"),
            _prop("fv:zugestellt", "datetime"),
            _prop("fv:stichworte", "string", cardinality="multi"),
        )
    },
}
ZUSTELLUNG = {
    "id": "fv:zustellung",
    "baseId": "cmis:secondary",
    "parentId": "cmis:secondary",
    "propertyDefinitions": {"fv:zustellart": _prop("fv:zustellart", "string")},
}
VALUES: dict[str, dict[str, tuple[Any, ...]]] = {
    "doc63": {
        "fv:nummer": ("BV-2024-0001",),
        "fv:seiten": (3,),
        "fv:gebuehr": (Decimal("125.50"),),
        "fv:eilig": (True,),
        "fv:zugestellt": (datetime(2024, 6, 1, 8, 0, tzinfo=UTC),),
        "fv:stichworte": ("Garage", "Carport"),
    },
    "doc323": {
        "fv:nummer": ("AUS-2024-0002",),
        "fv:seiten": (12,),
        "fv:eilig": (False,),
        "fv:zugestellt": (datetime(2024, 7, 1, 8, 0, tzinfo=UTC),),
        "fv:stichworte": ("Aufenthalt",),
    },
}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    settings = world_settings(request, tmp_path_factory.mktemp("cmis_query") / "data")
    service: Service
    for service in start_service(settings, run_workers=False):
        built = build_world(service)
        with cmis(built, "admin") as ctx:
            create_type(ctx, BESCHEID)
            create_type(ctx, ZUSTELLUNG)
            for name in (*FILED, "doc_unfiled63"):
                ctx.session.execute(
                    update(Document).where(Document.id == built.ids[name]).values(title=name)
                )
            first = ctx.session.scalars(
                select(DocumentVersion).where(DocumentVersion.document_id == built.ids["doc323"])
            ).one()  # doc323 was made as a minor version by a CMIS client
            ctx.session.add(VersionLabel(version_id=first.id, major=0, minor=1, is_major=False))
            for name, values in VALUES.items():
                key = f"document:{built.ids[name]}"
                save_custom(ctx.session, key, "fv:bescheid", ["fv:zustellung"], values)
            save_custom(
                ctx.session,
                f"document:{built.ids['doc63']}",
                "fv:bescheid",
                ["fv:zustellung"],
                {"fv:zustellart": ("PZU",)},
            )
        yield built


@contextmanager
def cmis(world: World, principal: str) -> Iterator[CmisContext]:
    container = world.service.container
    with unit_of_work(container.session_factory) as session:
        caller = authenticate(session, world.keys[principal], container.clock)
        scope = build_scope(session, caller, container.roles, today=container.clock.now().date())
        yield CmisContext(
            session=session,
            scope=scope,
            store=container.store,
            search=container.search,
            settings=container.settings,
            clock=container.clock,
            repository_id="-default-",
        )


def run(
    world: World, principal: str, statement: str, *, skip: int = 0, size: int | None = None
) -> QueryResult:
    with cmis(world, principal) as ctx:
        return query(
            ctx,
            statement,
            search_all_versions=False,
            include_allowable_actions=False,
            skip_count=skip,
            max_items=size,
        )


def values(result: QueryResult, name: str) -> list[Any]:
    found = []
    for row in result.rows:
        (value,) = [v for _, n, v in row.properties if n == name]
        found.append(value[0] if len(value) == 1 else value)
    return found


def series(world: World, result: QueryResult) -> set[str]:
    """Names of the documents among the rows (by their version series)."""
    by_id = {v: k for k, v in world.ids.items()}
    return {by_id[str(row.object_id).split(";")[0]] for row in result.rows}


def named(world: World, result: QueryResult) -> set[str]:
    by_id = {v: k for k, v in world.ids.items()}
    return {by_id[str(row.object_id).split(":", 1)[1]] for row in result.rows}


def visible(principal: str, objects: tuple[str, ...]) -> set[str]:
    return {o for o in objects if ACCESS[o][principal] is not Access.HIDDEN}


@pytest.mark.parametrize("principal", READERS)
def test_document_queries_show_exactly_what_the_principal_sees(
    world: World, principal: str
) -> None:
    result = run(world, principal, "SELECT cmis:objectId, cmis:name FROM cmis:document")
    assert series(world, result) == visible(principal, FILED)
    assert result.num_items == len(visible(principal, FILED)) and not result.has_more_items
    custom = run(world, principal, "SELECT * FROM fv:bescheid WHERE fv:seiten > 0")
    assert series(world, custom) == visible(principal, ("doc63", "doc323"))
    text = run(
        world, principal, "SELECT cmis:objectId FROM cmis:document WHERE CONTAINS('Lindenweg')"
    )
    assert series(world, text) == visible(principal, FILED)


@pytest.mark.parametrize("principal", READERS)
def test_akte_queries_show_exactly_what_the_principal_sees(world: World, principal: str) -> None:
    result = run(world, principal, "SELECT cmis:objectId FROM eakte:akte")
    assert named(world, result) == visible(principal, AKTEN)


@pytest.mark.parametrize("principal", READERS)
def test_objects_by_id_and_in_folders_follow_the_access_table(world: World, principal: str) -> None:
    """getObject, the plan item's children and allowable actions against the role x unit
    table of the access tests: hidden is objectNotFound, changeable offers updates."""
    with cmis(world, principal) as ctx:
        for name in (*FILED, *AKTEN):
            object_id = world.ids[name] if name in FILED else f"akte:{world.ids[name]}"
            access = ACCESS[name][principal]
            if access is Access.HIDDEN:
                with pytest.raises(ObjectNotFound):
                    get_object(ctx, object_id, OperationContext())
                continue
            actions = get_allowable_actions(ctx, object_id)
            assert ("canUpdateProperties" in actions) is (access is Access.WRITE), name
        with pytest.raises(ObjectNotFound):  # unfiled mail is not in the repository
            get_object(ctx, world.ids["doc_unfiled63"], OperationContext())
        listed = set()
        for akte in AKTEN:
            found = ctx.session.get(Akte, world.ids[akte])
            assert found is not None
            code = found.file_plan_code
            children = get_children(ctx, f"plan:{code}", OperationContext(max_items=1000))
            listed |= {item.object.object_id for item in children.objects}
        by_id = {f"akte:{v}": k for k, v in world.ids.items()}
        assert {by_id[i] for i in listed if i in by_id} == visible(principal, AKTEN)


@pytest.mark.parametrize("principal", ["station", "data_protection"])
def test_principals_without_document_access_cannot_query(world: World, principal: str) -> None:
    with cmis(world, principal) as ctx:
        if ctx.scope.may(Permission.READ_DOCUMENTS):
            result = query(
                ctx,
                "SELECT * FROM cmis:document",
                search_all_versions=False,
                include_allowable_actions=False,
                skip_count=0,
                max_items=None,
            )
            assert result.rows == []
            return
        with pytest.raises(PermissionDenied):
            query(
                ctx,
                "SELECT * FROM cmis:document",
                search_all_versions=False,
                include_allowable_actions=False,
                skip_count=0,
                max_items=None,
            )


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("fv:nummer = 'BV-2024-0001'", {"doc63"}),
        ("fv:nummer <> 'BV-2024-0001'", {"doc323"}),
        ("fv:nummer LIKE 'BV-%'", {"doc63"}),
        ("fv:nummer LIKE 'bv-%'", set()),
        ("fv:nummer LIKE 'BV-2024-000_'", {"doc63"}),
        ("fv:nummer LIKE 'BV*%'", set()),
        ("fv:nummer LIKE '%-2024-000_'", {"doc63", "doc323"}),
        ("fv:nummer NOT LIKE 'BV%'", {"doc323"}),
        ("fv:nummer IN ('AUS-2024-0002', 'X')", {"doc323"}),
        ("fv:nummer NOT IN ('AUS-2024-0002')", {"doc63"}),
        ("fv:seiten >= 12", {"doc323"}),
        ("fv:seiten < 12", {"doc63"}),
        ("fv:gebuehr = 125.5", {"doc63"}),
        ("fv:gebuehr IS NULL", {"doc323"}),
        ("fv:gebuehr IS NOT NULL", {"doc63"}),
        ("fv:eilig = TRUE", {"doc63"}),
        ("fv:eilig = false", {"doc323"}),
        ("fv:zugestellt > TIMESTAMP '2024-06-15T00:00:00.000Z'", {"doc323"}),
        ("fv:zugestellt <= TIMESTAMP '2024-06-01T10:00:00.000+02:00'", {"doc63"}),
        ("'Carport' = ANY fv:stichworte", {"doc63"}),
        ("ANY fv:stichworte IN ('Aufenthalt', 'Garage')", {"doc63", "doc323"}),
        ("ANY fv:stichworte NOT IN ('Garage')", {"doc323"}),
        ("fv:stichworte IS NOT NULL", {"doc63", "doc323"}),
        ("NOT (fv:seiten > 5) AND fv:seiten IS NOT NULL", {"doc63"}),
        ("fv:seiten > 5 OR fv:eilig = TRUE", {"doc63", "doc323"}),
        ("'fv:zustellung' = ANY cmis:secondaryObjectTypeIds", {"doc63", "doc323"}),
    ],
)
def test_conditions_on_client_defined_properties(
    world: World, where: str, expected: set[str]
) -> None:
    result = run(world, "admin", f"SELECT cmis:objectId FROM fv:bescheid WHERE {where}")
    assert series(world, result) == expected


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("cmis:objectTypeId = 'fv:bescheid'", {"doc63", "doc323"}),
        ("cmis:objectTypeId = 'eakte:dokument'", {"doc63_vertraulich"}),
        ("cmis:objectTypeId <> 'eakte:dokument'", {"doc63", "doc323"}),
        ("cmis:objectTypeId IN ('eakte:dokument', 'fv:bescheid')", set(FILED)),
        ("cmis:objectTypeId LIKE 'fv:%'", {"doc63", "doc323"}),
        ("'fv:zustellung' = ANY cmis:secondaryObjectTypeIds", {"doc63", "doc323"}),
        ("cmis:secondaryObjectTypeIds IS NULL", {"doc63_vertraulich"}),
        ("cmis:name = 'doc63'", {"doc63"}),
        ("cmis:name LIKE '%_vertraulich'", {"doc63_vertraulich"}),
        ("cmis:name LIKE '%\\_vertraulich'", {"doc63_vertraulich"}),
        ("cmis:name LIKE 'DOC%'", set()),
        ("cmis:name LIKE 'doc63%' AND eakte:planCode = '521.01'", {"doc63", "doc63_vertraulich"}),
        ("eakte:aktenzeichen IS NOT NULL AND cmis:isLatestVersion = TRUE", set(FILED)),
        (
            "cmis:contentStreamLength > 0 AND cmis:versionLabel = '1.0'",
            {"doc63", "doc63_vertraulich"},
        ),
        ("cmis:versionLabel = '0.1'", {"doc323"}),
        ("cmis:versionLabel = '2.0'", set()),
        ("cmis:isMajorVersion = FALSE", {"doc323"}),
        ("cmis:isMajorVersion = TRUE", {"doc63", "doc63_vertraulich"}),
        ("eakte:letterDate IS NULL AND eakte:legalHold = FALSE", set(FILED)),
        ("eakte:pageCount = 1 AND cmis:contentStreamMimeType = 'application/pdf'", set(FILED)),
        ("cmis:isVersionSeriesCheckedOut = FALSE", set(FILED)),
        ("cmis:creationDate > TIMESTAMP '2000-01-01T00:00:00Z'", set(FILED)),
        ("cmis:creationDate < TIMESTAMP '2000-01-01T00:00:00Z'", set()),
    ],
)
def test_conditions_on_built_in_properties(world: World, where: str, expected: set[str]) -> None:
    result = run(world, "admin", f"SELECT cmis:objectId FROM eakte:dokument WHERE {where}")
    assert series(world, result) == expected


def test_object_ids_compare_with_their_version(world: World) -> None:
    doc63 = world.ids["doc63"]
    for text, expected in (
        (f"{doc63};1.0", {"doc63"}),
        (f"{doc63};1.1", set()),
        (doc63, {"doc63"}),
    ):
        found = run(world, "admin", f"SELECT * FROM cmis:document WHERE cmis:objectId = '{text}'")
        assert series(world, found) == expected, text
    hidden = run(world, "cw32", f"SELECT * FROM cmis:document WHERE cmis:objectId = '{doc63};1.0'")
    assert hidden.rows == []


def test_selected_values_aliases_and_order(world: World) -> None:
    result = run(
        world,
        "admin",
        "SELECT d.fv:nummer AS nummer, fv:seiten, fv:stichworte, cmis:name "
        "FROM fv:bescheid d ORDER BY fv:seiten DESC",
    )
    assert values(result, "nummer") == ["AUS-2024-0002", "BV-2024-0001"]
    assert values(result, "fv:seiten") == [12, 3]
    assert values(result, "fv:stichworte") == ["Aufenthalt", ("Garage", "Carport")]
    ascending = run(world, "admin", "SELECT cmis:name FROM cmis:document ORDER BY cmis:name")
    assert values(ascending, "cmis:name") == ["doc323", "doc63", "doc63_vertraulich"]
    by_alias = run(world, "admin", "SELECT cmis:name AS n FROM cmis:document ORDER BY n DESC")
    assert values(by_alias, "n") == ["doc63_vertraulich", "doc63", "doc323"]
    star = run(world, "admin", "SELECT * FROM fv:bescheid WHERE fv:nummer = 'BV-2024-0001'")
    names = [n for _, n, _ in star.rows[0].properties]
    assert "cmis:name" in names and "fv:nummer" in names and "eakte:aktenzeichen" in names
    assert star.rows[0].object_id == f"{world.ids['doc63']};1.0"


def test_paging(world: World) -> None:
    statement = "SELECT cmis:name FROM cmis:document ORDER BY cmis:name"
    first = run(world, "admin", statement, size=2)
    assert values(first, "cmis:name") == ["doc323", "doc63"]
    assert first.has_more_items and first.num_items == 3
    rest = run(world, "admin", statement, skip=2, size=2)
    assert values(rest, "cmis:name") == ["doc63_vertraulich"]
    assert not rest.has_more_items and rest.num_items == 3
    beyond = run(world, "admin", statement, skip=5, size=2)
    assert beyond.rows == [] and beyond.num_items == 3


def test_folder_queries(world: World) -> None:
    akte63, akte323 = world.ids["akte63"], world.ids["akte323"]
    in_plan = run(world, "admin", "SELECT * FROM eakte:akte WHERE IN_FOLDER('plan:521.01')")
    assert named(world, in_plan) == {"akte63", "akte63_vertraulich"}
    in_tree = run(world, "cw63", "SELECT * FROM cmis:document WHERE IN_TREE('plan:52')")
    assert series(world, in_tree) == {"doc63"}
    in_akte = run(world, "admin", f"SELECT * FROM cmis:document WHERE IN_FOLDER('akte:{akte323}')")
    assert series(world, in_akte) == {"doc323"}
    vorgaenge = run(
        world,
        "admin",
        f"SELECT cmis:objectId FROM eakte:vorgang WHERE cmis:parentId = 'akte:{akte63}'",
    )
    assert [row.object_id for row in vorgaenge.rows] == [f"vorgang:{world.vorgang_of['akte63']}"]
    with cmis(world, "admin") as ctx:
        ctx.session.execute(
            update(Vorgang)
            .where(Vorgang.id == world.vorgang_of["akte63"])
            .values(details={"description": "Garage am Lindenweg"})
        )
    described = run(
        world,
        "cw61",
        "SELECT cmis:objectId FROM eakte:vorgang WHERE cmis:description LIKE 'Garage%'",
    )
    assert [row.object_id for row in described.rows] == [f"vorgang:{world.vorgang_of['akte63']}"]
    folders = run(
        world, "cw32", f"SELECT cmis:objectId FROM cmis:folder WHERE IN_TREE('akte:{akte63}')"
    )
    assert folders.rows == [], "another unit's Akte: nothing below it"
    plan = run(
        world,
        "cw32",
        "SELECT cmis:name, eakte:planCode FROM eakte:planItem WHERE IN_FOLDER('plan:521')",
    )
    assert "521.01" in values(plan, "eakte:planCode")
    with cmis(world, "admin") as ctx:
        key = ctx.session.scalars(
            select(AkteSubjectKey).where(AkteSubjectKey.akte_id == akte323)
        ).one()
        codes = ctx.session.scalars(select(FilePlanEntry.code)).all()
    subject = f"{key.kind}:{key.value}"
    by_key = run(
        world, "admin", f"SELECT * FROM eakte:akte WHERE '{subject}' = ANY eakte:subjectKeys"
    )
    assert named(world, by_key) == {"akte323"}
    assert (
        named(
            world,
            run(
                world, "cw63", f"SELECT * FROM eakte:akte WHERE '{subject}' = ANY eakte:subjectKeys"
            ),
        )
        == set()
    )
    everything = run(world, "cw63", "SELECT cmis:objectId FROM cmis:folder", size=1000)
    ids = {str(row.object_id) for row in everything.rows}
    assert {f"plan:{c}" for c in codes} <= ids, "plan items are visible to every reader"
    assert f"akte:{akte323}" not in ids and f"akte:{akte63}" in ids


def test_secondary_type_query(world: World) -> None:
    result = run(world, "cw32", "SELECT fv:zustellart FROM fv:zustellung")
    assert series(world, result) == {"doc323"}
    assert values(result, "fv:zustellart") == [()]
    admin = run(
        world, "admin", "SELECT fv:zustellart FROM fv:zustellung WHERE fv:zustellart = 'PZU'"
    )
    assert series(world, admin) == {"doc63"}


def test_contains_scores(world: World) -> None:
    result = run(
        world,
        "admin",
        "SELECT cmis:objectId, SCORE() AS s FROM cmis:document "
        "WHERE CONTAINS('doc323') ORDER BY SCORE() DESC",
    )
    assert series(world, result) == {"doc323"}
    assert values(result, "s")[0] > 0


@pytest.mark.parametrize(
    ("statement", "error", "message"),
    [
        ("SELECT * FROM fv:nothing", InvalidArgument, "unknown type 'fv:nothing'"),
        ("SELECT fv:nothing FROM cmis:document", InvalidArgument, "no property 'fv:nothing'"),
        ("SELECT * FROM cmis:document WHERE fv:seiten = 1", InvalidArgument, "no property"),
        ("SELECT * FROM cmis:document WHERE cmis:path = '/'", InvalidArgument, "no property"),
        ("SELECT * FROM cmis:folder WHERE cmis:path = '/'", InvalidArgument, "not queryable"),
        ("SELECT * FROM fv:bescheid WHERE fv:seiten = 'drei'", InvalidArgument, "does not fit"),
        ("SELECT * FROM fv:bescheid WHERE fv:seiten LIKE '3%'", InvalidArgument, "LIKE needs"),
        ("SELECT * FROM fv:bescheid WHERE fv:stichworte = 'a'", InvalidArgument, "use ANY"),
        ("SELECT * FROM fv:bescheid WHERE 'a' = ANY fv:nummer", InvalidArgument, "single-valued"),
        ("SELECT * FROM fv:bescheid x WHERE y.fv:seiten = 1", InvalidArgument, "qualifier 'y'"),
        ("SELECT * FROM cmis:document ORDER BY cmis:objectId", InvalidArgument, "not orderable"),
        (
            "SELECT * FROM cmis:document WHERE CONTAINS('a') OR CONTAINS('b')",
            InvalidArgument,
            "CONTAINS",
        ),
        ("SELECT * FROM cmis:document WHERE IN_FOLDER('nonsense')", InvalidArgument, "folder"),
        ("SELECT * FROM cmis:document d JOIN x y ON a = b", NotSupported, "JOIN"),
    ],
)
def test_invalid_queries_are_refused_precisely(
    world: World, statement: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        run(world, "admin", statement)
    assert message in str(raised.value)


def test_all_versions_cannot_be_searched(world: World) -> None:
    with cmis(world, "admin") as ctx, pytest.raises(InvalidArgument, match="searchAllVersions"):
        query(
            ctx,
            "SELECT * FROM cmis:document",
            search_all_versions=True,
            include_allowable_actions=False,
            skip_count=0,
            max_items=None,
        )


def test_content_changes_follow_visibility(world: World) -> None:
    with cmis(world, "admin") as ctx:
        everything, latest, more = content_changes(ctx, None, max_items=1000)
        assert latest == latest_change_token(ctx)
    assert not more and everything
    ids = {event.object_id for event in everything}
    assert world.ids["doc63"] in ids and f"akte:{world.ids['akte323']}" in ids
    assert {e.change_type for e in everything} >= {"created", "updated", "security"}
    tokens = [int(e.token) for e in everything]
    assert tokens == sorted(tokens)
    with cmis(world, "cw32") as ctx:
        mine, _, _ = content_changes(ctx, None, max_items=1000)
    seen = {event.object_id for event in mine}
    assert world.ids["doc323"] in seen and f"akte:{world.ids['akte323']}" in seen
    assert world.ids["doc63"] not in seen and f"akte:{world.ids['akte63']}" not in seen
    with cmis(world, "admin") as ctx:
        page, token, more = content_changes(ctx, everything[1].token, max_items=2)
    assert [e.token for e in page] == [everything[1].token, everything[2].token]
    assert more and token == everything[2].token
    with cmis(world, "admin") as ctx, pytest.raises(InvalidArgument, match="changeLogToken"):
        content_changes(ctx, "yesterday", max_items=None)


def test_types_left_out_of_supertype_queries(world: World) -> None:
    definition = {
        "id": "fv:auslaenderakte",
        "baseId": "cmis:folder",
        "parentId": "eakte:akte",
        "includedInSupertypeQuery": False,
        "propertyDefinitions": {"fv:aufenthaltstitel": _prop("fv:aufenthaltstitel", "string")},
    }
    key = f"akte:{world.ids['akte323']}"
    with cmis(world, "admin") as ctx:
        create_type(ctx, definition)
        save_custom(ctx.session, key, "fv:auslaenderakte", [], {"fv:aufenthaltstitel": ("AE",)})
    try:
        own = run(world, "cw32", "SELECT * FROM fv:auslaenderakte WHERE fv:aufenthaltstitel = 'AE'")
        assert named(world, own) == {"akte323"}
        assert values(own, "cmis:objectTypeId") == ["fv:auslaenderakte"]
        assert named(world, run(world, "cw32", "SELECT * FROM eakte:akte")) == set()
        folders = run(world, "admin", "SELECT cmis:objectId FROM cmis:folder", size=1000)
        assert f"akte:{world.ids['akte323']}" not in {row.object_id for row in folders.rows}
        assert named(world, run(world, "cw63", "SELECT * FROM fv:auslaenderakte")) == set()
    finally:
        with cmis(world, "admin") as ctx:
            save_custom(ctx.session, key, None, [], {})
