"""CMIS reading over real records: ids, paths, children, trees, parents, ACLs, actions.

A small town hall on SQLite and PostgreSQL: a Bauakte of unit 63 (plan item 521.01)
with a Vorgang, a folder and letters, and an Ausländerakte of unit 32.3.  Callers are
scopes built the way requests build them, so visibility is the real rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality
from services.access.principal import Principal, PrincipalKind
from services.access.roles import RoleCatalog
from services.access.scope import build_scope
from services.bootstrap import Container, build_container, prepare
from services.cmis import navigation
from services.cmis.acl import apply_acl, get_acl
from services.cmis.actions import get_allowable_actions
from services.cmis.errors import Constraint, InvalidArgument, ObjectNotFound, PermissionDenied
from services.cmis.ids import IdKind, parse_object_id, version_object_id
from services.cmis.model import AccessControlEntry, Acl, CmisContext, CmisObject, OperationContext
from services.cmis.paths import plan_item_name
from services.cmis.renditions import get_renditions
from services.cmis.repository_info import repository_info
from services.db.models import (
    Akte,
    Document,
    DocumentCheckout,
    FilingStatus,
    FolderKind,
    RecordFolder,
    VersionLabel,
)
from services.db.session import unit_of_work
from services.documents.versions import versions_of
from services.errors import PermissionDeniedError
from services.records.akten import NewAkte, close_akte, create_akte
from services.records.file_plans import active_plan
from services.records.filing import file_document
from services.records.vorgaenge import create_vorgang
from services.settings import CmisSettings, SearchBackend
from tests.fixtures.app import make_settings
from tests.fixtures.records import insert_stored_document

BUILDING = "521.01"
FOREIGNERS = "122.04"
LETTERS = 12
PEOPLE = {
    "cw63": ("caseworker", "63", "003"),
    "cw61": ("caseworker", "61", "003"),
    "cw32": ("caseworker", "32", "002"),
    "auditor": ("auditor", None, "005"),
    "station": ("station", "POST", "003"),
}


@dataclass
class World:
    container: Container
    bauakte: str = ""
    auslaenderakte: str = ""
    vorgang: str = ""
    folder: str = ""
    subfolder: str = ""
    letters: list[str] = field(default_factory=list)
    """Documents directly in the Bauakte, ``Brief 00`` … in creation order."""
    in_vorgang: str = ""
    in_folder: str = ""
    foreign_letter: str = ""

    def call(self, person: str, session: Session) -> CmisContext:
        role, unit, clearance = PEOPLE[person]
        principal = Principal(
            id=f"key-{person}",
            kind=PrincipalKind.KEY,
            name=person,
            roles=frozenset({role}),
            org_units=frozenset({unit} if unit else set()),
            clearance=Confidentiality(clearance),
        )
        c = self.container
        scope = build_scope(session, principal, RoleCatalog(), today=c.clock.now().date())
        return CmisContext(
            session=session,
            scope=scope,
            store=c.store,
            search=c.search,
            settings=c.settings,
            clock=c.clock,
            repository_id="-default-",
        )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    overrides: dict[str, object] = {}
    if request.param == "postgres":
        overrides["database_url"] = request.getfixturevalue("postgres_url")
        overrides["search_backend"] = SearchBackend.POSTGRES
    container = build_container(make_settings(tmp_path / "data", **overrides))
    prepare(container, migrate=True)
    try:
        yield _build(container)
    finally:
        container.close()


def _letter(container: Container, title: str, unit: str) -> str:
    data = f"%PDF-1.4 {title} {unit}".encode()
    return insert_stored_document(
        container, data, "application/pdf", [title], org_unit=unit, title=title
    )


def _build(container: Container) -> World:
    world = World(container)
    clock = container.clock
    letters = [_letter(container, f"Brief {n:02d}", "63") for n in range(LETTERS)]
    extra = [_letter(container, title, "63") for title in ("Antrag", "Plan", "Bescheid")]
    foreign = _letter(container, "Aufenthaltstitel", "32.3")
    with unit_of_work(container.session_factory) as session:
        plan = active_plan(session)
        bau = create_akte(
            session, plan, NewAkte(BUILDING, "Neubau Marktstraße 1"), actor="t", clock=clock
        )
        aus = create_akte(
            session, plan, NewAkte(FOREIGNERS, "Musterfrau, Erika"), actor="t", clock=clock
        )
        vorgang = create_vorgang(session, bau, "Bauantrag", actor="t", clock=clock)
        now = clock.now()
        folder = RecordFolder(
            akte_id=bau.id,
            kind=FolderKind.TEILAKTE,
            name="Statik",
            created_at=now,
            created_by="t",
            updated_at=now,
        )
        session.add(folder)
        session.flush()
        sub = RecordFolder(
            akte_id=bau.id,
            parent_id=folder.id,
            kind=FolderKind.FOLDER,
            name="Prüfberichte",
            created_at=now,
            created_by="t",
            updated_at=now,
        )
        session.add(sub)
        session.flush()
        for document_id in letters:
            _file(session, document_id, bau, None, clock)
        _file(session, extra[0], bau, vorgang, clock)
        filed = _file(session, extra[1], bau, None, clock)
        filed.folder_id = folder.id
        _file(session, extra[2], bau, None, clock).folder_id = sub.id
        _file(session, foreign, aus, None, clock)
        world.bauakte, world.auslaenderakte, world.vorgang = bau.id, aus.id, vorgang.id
        world.folder, world.subfolder = folder.id, sub.id
    world.letters, world.in_vorgang, world.in_folder = letters, extra[0], extra[1]
    world.foreign_letter = foreign
    return world


def _file(session: Session, document_id: str, akte: Akte, vorgang, clock) -> Document:  # type: ignore[no-untyped-def]
    document = session.get(Document, document_id)
    assert document is not None
    return file_document(
        session,
        document,
        akte,
        vorgang,
        status=FilingStatus.FILED,
        reason="test",
        actor="t",
        clock=clock,
    )


ALL = OperationContext()


def _acl(principal: str, permission: str) -> Acl:
    return Acl((AccessControlEntry(principal, (permission,)),))


def _name(obj: CmisObject) -> str:
    return str(obj.properties["cmis:name"].first)


def _value(obj: CmisObject, property_id: str) -> object:
    return obj.properties[property_id].first


def test_ids_round_trip() -> None:
    parsed = parse_object_id("8a3f0c1e-0000-4000-8000-000000000001;2.1")
    assert (parsed.kind, parsed.major, parsed.minor, parsed.pwc) == (IdKind.DOCUMENT, 2, 1, False)
    assert parse_object_id("8A3F0C1E-0000-4000-8000-000000000001;pwc").pwc
    assert parse_object_id("plan:32.10.01").key == "32.10.01"
    assert parse_object_id("8a3f0c1e-0000-4000-8000-000000000001").is_series
    for bad in ("akte:nope", "x;1.0", "", "plan:", "8a3f0c1e-0000-4000-8000-000000000001;1"):
        with pytest.raises(ObjectNotFound):
            parse_object_id(bad)


def test_paths_full_short_and_by_aktenzeichen(world: World) -> None:
    with unit_of_work(world.container.session_factory) as session:
        ctx = world.call("cw63", session)
        plan = active_plan(session)
        root = navigation.get_object_by_path(ctx, "/", ALL)
        assert root.object_id == "root" and _value(root, "cmis:path") == "/"
        item = navigation.get_object_by_path(ctx, f"/{BUILDING}", ALL)
        assert item.object_id == f"plan:{BUILDING}" and item.type_id == "eakte:planItem"
        full = str(_value(item, "cmis:path"))
        assert full.split("/")[1:] == [
            plan_item_name(item) for item in (*plan.ancestors(BUILDING), plan.get(BUILDING))
        ]
        akte = navigation.get_object(ctx, f"akte:{world.bauakte}", ALL)
        path = str(_value(akte, "cmis:path"))
        assert path == f"{full}/Neubau Marktstraße 1"
        assert navigation.get_object_by_path(ctx, path, ALL).object_id == akte.object_id
        aktenzeichen = str(_value(akte, "eakte:aktenzeichen")).replace("/", "-")
        by_az = navigation.get_object_by_path(ctx, f"/{BUILDING}/{aktenzeichen}", ALL)
        assert by_az.object_id == akte.object_id
        sub = navigation.get_object_by_path(
            ctx, f"/{BUILDING}/Neubau Marktstraße 1/Statik/Prüfberichte", ALL
        )
        assert sub.object_id == f"folder:{world.subfolder}"
        assert _value(sub, "cmis:path") == f"{path}/Statik/Prüfberichte"
        letter = navigation.get_object_by_path(ctx, f"{path}/Bauantrag/Antrag", ALL)
        assert letter.object_id == version_object_id(world.in_vorgang, 1, 0)
        with pytest.raises(ObjectNotFound):
            navigation.get_object_by_path(ctx, f"{path}/Bauantrag/Nichts", ALL)
        with pytest.raises(InvalidArgument):
            navigation.get_object_by_path(ctx, "relative/path", ALL)


def test_children_page_in_order_with_counts(world: World) -> None:
    with unit_of_work(world.container.session_factory) as session:
        ctx = world.call("cw63", session)
        folder_id = f"akte:{world.bauakte}"
        first = navigation.get_children(ctx, folder_id, OperationContext(max_items=5))
        total = LETTERS + 2  # the Vorgang, the Teilakte and the letters directly in the Akte
        assert first.num_items == total and first.has_more_items
        names = [_name(o.object) for o in first.objects]
        assert names == ["Bauantrag", "Statik", "Brief 00", "Brief 01", "Brief 02"]
        last = navigation.get_children(ctx, folder_id, OperationContext(max_items=5, skip_count=10))
        assert [_name(o.object) for o in last.objects] == [
            "Brief 08",
            "Brief 09",
            "Brief 10",
            "Brief 11",
        ]
        assert not last.has_more_items
        newest = navigation.get_children(
            ctx, folder_id, OperationContext(order_by="cmis:name DESC", max_items=3)
        )
        assert [_name(o.object) for o in newest.objects] == ["Statik", "Brief 11", "Brief 10"]
        by_date = navigation.get_children(
            ctx,
            folder_id,
            OperationContext(order_by="cmis:creationDate DESC,cmis:name", max_items=100),
        )
        assert len(by_date.objects) == total
        with pytest.raises(InvalidArgument):
            navigation.get_children(ctx, folder_id, OperationContext(order_by="cmis:secret ASC"))
        filtered = navigation.get_children(
            ctx,
            folder_id,
            OperationContext(
                filter=frozenset({"cmis:name"}), max_items=1, include_path_segment=True
            ),
        )
        only = filtered.objects[0]
        assert set(only.object.properties) == {
            "cmis:name",
            "cmis:objectId",
            "cmis:baseTypeId",
            "cmis:objectTypeId",
        }
        assert only.path_segment == "Bauantrag"
        plan_children = navigation.get_children(ctx, f"plan:{BUILDING}", ALL)
        assert [o.object.object_id for o in plan_children.objects] == [folder_id]


def test_document_properties_versions_and_renditions(world: World) -> None:
    with unit_of_work(world.container.session_factory) as session:
        ctx = world.call("cw63", session)
        series = world.letters[0]
        latest = navigation.get_object(ctx, series, ALL)
        assert latest.object_id == version_object_id(series, 1, 0)
        assert latest.type_id == "eakte:dokument"
        assert _value(latest, "cmis:versionLabel") == "1.0"
        assert _value(latest, "cmis:isLatestVersion") is True
        assert _value(latest, "cmis:isLatestMajorVersion") is True
        assert _value(latest, "cmis:versionSeriesId") == series
        assert _value(latest, "cmis:contentStreamMimeType") == "application/pdf"
        assert _value(latest, "cmis:contentStreamLength") == len(b"%PDF-1.4 Brief 00 63")
        assert _value(latest, "cmis:contentStreamFileName") == "Brief 00.pdf"
        assert _value(latest, "eakte:planCode") == BUILDING
        assert _value(latest, "cmis:isVersionSeriesCheckedOut") is False
        assert latest.change_token == _value(latest, "cmis:changeToken")
        assert get_renditions(ctx, latest.object_id) == []  # no PDF/A made yet
        version = versions_of(session, series)[0]
        version.rendition_object_id = version.content_object_id  # stands in for the PDF/A
        session.flush()
        session.expire_all()
        (pdfa,) = get_renditions(ctx, series)
        assert (pdfa.stream_id, pdfa.mime_type, pdfa.kind) == (
            "pdfa",
            "application/pdf",
            "cmis:rendition",
        )
        for wanted, found in (("application/*", 1), ("cmis:thumbnail", 0), ("cmis:none", 0)):
            shown = navigation.get_object(ctx, series, OperationContext(rendition_filter=wanted))
            assert len(shown.renditions) == found
        by_query_name = navigation.get_object(
            ctx, series, OperationContext(filter=frozenset({"eakte:aktenzeichen", "cmis:name"}))
        )
        assert set(by_query_name.properties) == {
            "cmis:objectId",
            "cmis:baseTypeId",
            "cmis:objectTypeId",
            "cmis:name",
            "eakte:aktenzeichen",
        }
        session.add(VersionLabel(version_id=version.id, major=0, minor=1, is_major=False))
        session.flush()
        assert navigation.get_object(ctx, f"{series};0.1", ALL).object_id == f"{series};0.1"
        with pytest.raises(ObjectNotFound):
            navigation.get_object(ctx, f"{series};1.0", ALL)
        with pytest.raises(ObjectNotFound):
            navigation.get_object(ctx, f"{series};pwc", ALL)


def test_invisible_objects_are_exactly_missing_ones(world: World) -> None:
    with unit_of_work(world.container.session_factory) as session:
        cw61 = world.call("cw61", session)
        missing = "00000000-0000-4000-8000-000000000000"
        for hidden, absent in (
            (f"akte:{world.bauakte}", f"akte:{missing}"),
            (f"folder:{world.folder}", f"folder:{missing}"),
            (f"vorgang:{world.vorgang}", f"vorgang:{missing}"),
            (world.letters[0], missing),
        ):
            with pytest.raises(ObjectNotFound) as seen:
                navigation.get_object(cw61, hidden, ALL)
            with pytest.raises(ObjectNotFound) as nothing:
                navigation.get_object(cw61, absent, ALL)
            assert str(seen.value).replace(hidden, "X") == str(nothing.value).replace(absent, "X")
        empty = navigation.get_children(cw61, f"plan:{BUILDING}", ALL)
        assert empty.num_items == 0 and not empty.objects
        with pytest.raises(ObjectNotFound):
            navigation.get_object_by_path(cw61, f"/{BUILDING}/Neubau Marktstraße 1", ALL)
        # The Ausländerakte is VS-NfD: unit 32 (parent of 32.3) with clearance 002 sees it.
        cw32 = world.call("cw32", session)
        aus = navigation.get_object(cw32, f"akte:{world.auslaenderakte}", ALL)
        assert _value(aus, "eakte:confidentiality") == "002"
        assert navigation.get_checked_out_docs(cw61, None, ALL).num_items == 0


def test_acl_read_apply_and_revoke(world: World) -> None:
    factory = world.container.session_factory
    akte_id = f"akte:{world.bauakte}"
    with unit_of_work(factory) as session:
        ctx = world.call("cw63", session)
        acl = get_acl(ctx, akte_id)
        principals = {a.principal_id: a.permissions for a in acl.aces}
        assert principals["unit:63"] == ("cmis:all",)
        assert principals["role:records_manager"] == ("cmis:all",)
        assert principals["role:auditor"] == ("cmis:read",)
        assert "unit:61" not in principals
        plan_acl = get_acl(ctx, f"plan:{BUILDING}")
        assert [(a.principal_id, a.permissions) for a in plan_acl.aces] == [
            ("anyone", ("cmis:read",))
        ]
        with pytest.raises(Constraint):
            apply_acl(ctx, f"plan:{BUILDING}", _acl("unit:61", "cmis:read"), None)
        grant = Acl((AccessControlEntry("unit:61", ("cmis:read",)),))
        after = apply_acl(ctx, world.letters[3], grant, None)
        assert any(a.principal_id == "unit:61" and not a.direct for a in after.aces)
        with pytest.raises(Constraint) as refused:
            apply_acl(ctx, akte_id, None, _acl("unit:63", "cmis:all"))
        assert "cannot be removed" in str(refused.value)
    with unit_of_work(factory) as session:
        cw61 = world.call("cw61", session)
        seen = navigation.get_object(
            cw61, akte_id, OperationContext(include_allowable_actions=True)
        )
        assert seen.allowable_actions is not None
        assert "canGetChildren" in seen.allowable_actions
        assert "canCreateDocument" not in seen.allowable_actions
        assert navigation.get_children(cw61, f"plan:{BUILDING}", ALL).num_items == 1
        with pytest.raises(PermissionDeniedError):
            apply_acl(cw61, akte_id, _acl("unit:61", "cmis:write"), None)
    with unit_of_work(factory) as session:
        ctx = world.call("cw63", session)
        revoked = apply_acl(
            ctx, akte_id, None, Acl((AccessControlEntry("unit:61", ("cmis:read",)),))
        )
        assert "unit:61" not in {a.principal_id for a in revoked.aces}
    with unit_of_work(factory) as session, pytest.raises(ObjectNotFound):
        navigation.get_object(world.call("cw61", session), akte_id, ALL)


def test_allowable_actions_follow_state(world: World) -> None:
    factory = world.container.session_factory
    with unit_of_work(factory) as session:
        ctx = world.call("cw63", session)
        akte = get_allowable_actions(ctx, f"akte:{world.bauakte}")
        assert {"canCreateDocument", "canCreateFolder", "canApplyACL"} <= akte
        assert "canMoveObject" not in akte  # Akten stay under their plan item
        letter = get_allowable_actions(ctx, world.letters[0])
        assert {"canCheckOut", "canSetContentStream", "canGetContentStream"} <= letter
        assert "canDeleteObject" not in letter  # retention has not even started
        assert "canDeleteObject" in get_allowable_actions(ctx, f"vorgang:{world.vorgang}")
        reader = get_allowable_actions(world.call("auditor", session), world.letters[0])
        assert reader == {
            "canGetProperties",
            "canGetObjectParents",
            "canGetAllVersions",
            "canGetACL",
            "canGetContentStream",
        }
        assert "canCreateFolder" in get_allowable_actions(ctx, f"plan:{BUILDING}")
        assert "canCreateFolder" not in get_allowable_actions(ctx, f"plan:{FOREIGNERS}")
        assert get_allowable_actions(ctx, "root") >= {"canGetChildren", "canGetFolderTree"}
        session.add(
            DocumentCheckout(
                document_id=world.letters[1],
                checked_out_by="cw63",
                checked_out_at=world.container.clock.now(),
                properties={},
            )
        )
        session.flush()
        checked_out = get_allowable_actions(ctx, world.letters[1])
        assert "canCheckOut" not in checked_out and "canCheckIn" not in checked_out
        pwc = get_allowable_actions(ctx, f"{world.letters[1]};pwc")
        assert {"canCheckIn", "canCancelCheckOut"} <= pwc
        listed = navigation.get_checked_out_docs(ctx, f"akte:{world.bauakte}", ALL)
        assert [o.object.object_id for o in listed.objects] == [f"{world.letters[1]};pwc"]
        pwc_object = listed.objects[0].object
        assert _value(pwc_object, "cmis:isPrivateWorkingCopy") is True
        series = navigation.get_object(ctx, world.letters[1], ALL)
        assert _value(series, "cmis:versionSeriesCheckedOutId") == f"{world.letters[1]};pwc"
    with unit_of_work(factory) as session:
        plan = active_plan(session)
        bauakte = session.get(Akte, world.bauakte)
        assert bauakte is not None
        close_akte(session, plan, bauakte, actor="t", clock=world.container.clock)
    with unit_of_work(factory) as session:
        ctx = world.call("cw63", session)
        closed = get_allowable_actions(ctx, f"akte:{world.bauakte}")
        assert "canCreateDocument" not in closed and "canGetChildren" in closed
        assert "canCheckOut" not in get_allowable_actions(ctx, world.letters[2])


def test_descendants_tree_and_parents(world: World) -> None:
    with unit_of_work(world.container.session_factory) as session:
        ctx = world.call("cw63", session)
        akte_id = f"akte:{world.bauakte}"
        tree = navigation.get_descendants(ctx, akte_id, -1, ALL, folders_only=True)
        shape = {
            _name(n.item.object): sorted(_name(c.item.object) for c in n.children) for n in tree
        }
        assert shape == {"Bauantrag": [], "Statik": ["Prüfberichte"]}
        all_below = navigation.get_descendants(ctx, akte_id, 2, ALL, folders_only=False)
        statik = next(n for n in all_below if _name(n.item.object) == "Statik")
        assert sorted(_name(c.item.object) for c in statik.children) == ["Plan", "Prüfberichte"]
        assert all(not c.children for c in statik.children)  # depth 2 stops there
        with pytest.raises(InvalidArgument):
            navigation.get_descendants(ctx, akte_id, 0, ALL, folders_only=False)
        small = replace(
            ctx, settings=ctx.settings.model_copy(update={"cmis": CmisSettings(max_tree_objects=5)})
        )
        with pytest.raises(Constraint, match="more than 5 objects"):
            navigation.get_descendants(small, "root", -1, ALL, folders_only=False)
        assert navigation.get_descendants(small, akte_id, -1, ALL, folders_only=True)
        parent = navigation.get_folder_parent(ctx, f"folder:{world.subfolder}", ALL)
        assert parent.object_id == f"folder:{world.folder}"
        assert navigation.get_folder_parent(ctx, akte_id, ALL).object_id == f"plan:{BUILDING}"
        with pytest.raises(InvalidArgument):
            navigation.get_folder_parent(ctx, "root", ALL)
        parents = navigation.get_object_parents(
            ctx, world.in_vorgang, OperationContext(include_path_segment=True)
        )
        assert [(p.object.object_id, p.relative_path_segment) for p in parents] == [
            (f"vorgang:{world.vorgang}", "Antrag")
        ]
        assert navigation.get_object_parents(ctx, "root", ALL) == []


def test_repository_info_is_honest(world: World) -> None:
    with unit_of_work(world.container.session_factory) as session:
        info = repository_info(world.call("auditor", session))
        assert info.root_folder_id == "root" and info.cmis_version_supported == "1.1"
        caps = info.capabilities
        assert caps["multifiling"] is False and caps["unfiling"] is False
        assert caps["ACL"] == "manage" and caps["join"] == "none"
        assert info.latest_change_log_token is not None  # filing the letters was recorded
        with pytest.raises(PermissionDenied):
            repository_info(world.call("station", session))  # no read_documents


def test_children_of_large_folder_load_one_page(world: World) -> None:
    """Listing stays a page of work however large the folder (the benchmark measures time)."""
    from sqlalchemy import event

    with unit_of_work(world.container.session_factory) as session:
        ctx = world.call("cw63", session)
        statements: list[str] = []
        engine = session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            navigation.get_children(ctx, f"akte:{world.bauakte}", OperationContext(max_items=10))
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len(statements) <= 16, statements
