"""CMIS writes on real PostgreSQL: folders and documents, content, properties, move, delete.

The services are called as the bindings call them (a :class:`CmisContext` per request,
committed at its end); domain errors are judged as the bindings report them
(:func:`as_cmis_error`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from services.access.confidentiality import Confidentiality
from services.access.principal import Principal, PrincipalKind
from services.access.scope import build_scope
from services.access.shares import NewShare, share_akte
from services.bootstrap import Container, build_container, prepare
from services.cmis import errors
from services.cmis.content import get_content_stream, set_content_stream
from services.cmis.create import create_document, create_document_from_source, create_folder
from services.cmis.deletion import delete_object, delete_tree
from services.cmis.errors import CmisError, as_cmis_error
from services.cmis.model import CmisContext, CmisObject, IncomingContent, OperationContext
from services.cmis.move import move_object
from services.cmis.navigation import get_object
from services.cmis.types.mutability import create_type
from services.cmis.update import bulk_update_properties, update_properties
from services.cmis.versioning import check_in, check_out
from services.db.models import (
    Akte,
    AuditEvent,
    Document,
    DocumentTombstone,
    IntakeItem,
    Job,
    ShareGrantee,
)
from services.db.session import unit_of_work
from services.documents.new_version import RENDER_VERSION
from services.errors import EAkteError
from services.records.akten import close_akte
from services.records.file_plans import active_plan
from services.settings import SearchBackend
from services.storage.retention import set_document_hold
from tests.fixtures.app import make_settings
from tests.fixtures.clock import ShiftedClock
from tests.fixtures.documents import BAUANTRAG, WIDERSPRUCH, letter_pdf

pytestmark = pytest.mark.postgres
T = TypeVar("T")

PRINCIPALS: dict[str, tuple[str, tuple[str, ...], Confidentiality]] = {
    "admin": ("admin", (), Confidentiality.STRENG_GEHEIM),
    "cw63": ("caseworker", ("63",), Confidentiality.VERTRAULICH),
    "cw32": ("caseworker", ("32",), Confidentiality.VS_NFD),
    "cw33": ("caseworker", ("33",), Confidentiality.OFFEN),
}
BAU = "plan:521.01"
FUND = "plan:122.03.04"
"""Fundsachen (unit 33): kept 3 years after the end of the year the Akte is closed."""


@dataclass
class World:
    container: Container
    clock: ShiftedClock


@pytest.fixture
def world(tmp_path: Path, postgres_url: str) -> Iterator[World]:
    yield from open_world(tmp_path, postgres_url)


def open_world(tmp_path: Path, postgres_url: str) -> Iterator[World]:
    """eakte on its own PostgreSQL database, with a clock tests can move."""
    clock = ShiftedClock()
    settings = make_settings(
        tmp_path / "data", database_url=postgres_url, search_backend=SearchBackend.POSTGRES
    )
    container = build_container(settings, clock=clock)
    prepare(container, migrate=False)
    yield World(container, clock)
    container.close()


@contextmanager
def cmis(world: World, who: str) -> Iterator[CmisContext]:
    """One request of ``who``: a unit of work committed when the block ends."""
    role, units, clearance = PRINCIPALS[who]
    principal = Principal(
        id=f"person-{who}",
        kind=PrincipalKind.PERSON,
        name=who,
        roles=frozenset({role}),
        org_units=frozenset(units),
        clearance=clearance,
    )
    container = world.container
    with unit_of_work(container.session_factory) as session:
        scope = build_scope(session, principal, container.roles, today=world.clock.now().date())
        yield CmisContext(
            session=session,
            scope=scope,
            store=container.store,
            search=container.search,
            settings=container.settings,
            clock=world.clock,
            repository_id="-default-",
        )


def call(world: World, who: str, action: Callable[[CmisContext], T]) -> T:
    with cmis(world, who) as ctx:
        return action(ctx)


def refused(world: World, who: str, action: Callable[[CmisContext], Any]) -> CmisError:
    """The CMIS error ``action`` ends with (nothing of it is committed)."""
    with pytest.raises(EAkteError) as raised, cmis(world, who) as ctx:
        action(ctx)
    return as_cmis_error(raised.value)


def content(data: bytes, filename: str = "brief.pdf") -> IncomingContent:
    return IncomingContent(filename, "application/pdf", io.BytesIO(data), len(data))


def value(obj: CmisObject, property_id: str) -> Any:
    return obj.properties[property_id].first


def folder(world: World, who: str, parent: str, name: str, type_id: str = "cmis:folder") -> str:
    props = {"cmis:name": [name], "cmis:objectTypeId": [type_id]}
    return call(world, who, lambda ctx: create_folder(ctx, parent, props)).object_id


def document(world: World, who: str, parent: str, name: str, data: bytes, **props: str) -> str:
    raw = {"cmis:name": [name], "cmis:objectTypeId": ["eakte:dokument"]}
    raw |= {f"eakte:{k}": [v] for k, v in props.items()}
    created = call(world, who, lambda ctx: create_document(ctx, parent, raw, content(data), None))
    return created.object_id


def read(world: World, who: str, object_id: str, **kwargs: Any) -> bytes:
    def action(ctx: CmisContext) -> bytes:
        stream = get_content_stream(
            ctx, object_id, kwargs.get("stream_id"), kwargs.get("offset"), kwargs.get("length")
        )
        return b"".join(stream.chunks)

    return call(world, who, action)


def events(world: World, action: str, object_id: str) -> list[AuditEvent]:
    with unit_of_work(world.container.session_factory, write=False) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == action, AuditEvent.object_id == object_id
                )
            )
        )


def series(object_id: str) -> str:
    return object_id.split(";")[0]


PDF_A = letter_pdf(BAUANTRAG)
PDF_B = letter_pdf(WIDERSPRUCH)


def test_plain_folders_become_akte_vorgang_and_folders_and_documents_are_filed(
    world: World,
) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Lindenweg 3")
    assert akte_id.startswith("akte:")
    vorgang_id = folder(world, "cw63", akte_id, "Bauantrag 2026")
    teilakte_id = folder(world, "cw63", akte_id, "Statik", "eakte:teilakte")
    teilvorgang_id = folder(world, "cw63", vorgang_id, "Nachbarbeteiligung")
    day_id = folder(world, "cw63", teilvorgang_id, "2026-12-07")
    with cmis(world, "cw63") as ctx:
        types = {
            oid: get_object(ctx, oid, OperationContext()).type_id
            for oid in (akte_id, vorgang_id, teilakte_id, teilvorgang_id, day_id)
        }
        assert value(get_object(ctx, akte_id, OperationContext()), "eakte:planCode") == "521.01"
    assert types == {
        akte_id: "eakte:akte",
        vorgang_id: "eakte:vorgang",
        teilakte_id: "eakte:teilakte",
        teilvorgang_id: "eakte:teilvorgang",
        day_id: "cmis:folder",
    }

    doc_id = document(
        world,
        "cw63",
        day_id,
        "Stellungnahme Nachbar",
        PDF_A,
        sender="Erika Muster",
        direction="incoming",
    )
    assert doc_id.endswith(";1.0")
    assert read(world, "cw63", doc_id) == PDF_A
    assert read(world, "cw63", doc_id, offset=10, length=100) == PDF_A[10:110]
    with unit_of_work(world.container.session_factory, write=False) as session:
        stored = session.get(Document, series(doc_id))
        assert stored is not None
        assert (stored.sender, stored.direction, stored.filing_status) == (
            "Erika Muster",
            "incoming",
            "filed",
        )
        assert stored.akte_id == akte_id.removeprefix("akte:")
        assert stored.vorgang_id == vorgang_id.removeprefix("vorgang:")
        assert stored.folder_id == day_id.removeprefix("folder:")
        item = session.get(IntakeItem, stored.item_id)
        assert item is not None and item.station_id == "cmis" and item.status == "done"
        jobs = session.scalars(
            select(Job.kind).where(Job.payload["document_id"].as_string() == stored.id)
        ).all()
        assert RENDER_VERSION in jobs
        assert "classify_document" not in jobs
    assert events(world, "cmis.created", series(doc_id))
    assert events(world, "document.filed", series(doc_id))

    duplicate = refused(
        world,
        "cw63",
        lambda ctx: create_folder(ctx, vorgang_id, {"cmis:name": ["Nachbarbeteiligung"]}),
    )
    assert isinstance(duplicate, errors.NameConstraintViolation)
    slash = refused(
        world, "cw63", lambda ctx: create_folder(ctx, vorgang_id, {"cmis:name": ["a/b"]})
    )
    assert isinstance(slash, errors.InvalidArgument)
    at_plan = refused(
        world,
        "cw63",
        lambda ctx: create_document(ctx, BAU, {"cmis:name": ["x"]}, content(PDF_B), None),
    )
    assert isinstance(at_plan, errors.Constraint)
    unfiled = refused(
        world,
        "cw63",
        lambda ctx: create_document(ctx, None, {"cmis:name": ["x"]}, content(PDF_B), None),
    )
    assert isinstance(unfiled, errors.Constraint)
    empty = refused(
        world, "cw63", lambda ctx: create_document(ctx, akte_id, {"cmis:name": ["x"]}, None, None)
    )
    assert isinstance(empty, errors.Constraint)
    vorgang_in_vorgang = refused(
        world,
        "cw63",
        lambda ctx: create_folder(
            ctx, vorgang_id, {"cmis:name": ["V2"], "cmis:objectTypeId": ["eakte:vorgang"]}
        ),
    )
    assert isinstance(vorgang_in_vorgang, errors.Constraint)


def test_set_content_makes_a_new_version_and_never_changes_the_old_one(world: World) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Gartenstraße 12")
    doc_id = document(world, "cw63", akte_id, "Bauantrag", PDF_A)
    kept = refused(
        world,
        "cw63",
        lambda ctx: set_content_stream(
            ctx, doc_id, content(PDF_B), overwrite=False, change_token=None
        ),
    )
    assert isinstance(kept, errors.ContentAlreadyExists)
    newer = call(
        world,
        "cw63",
        lambda ctx: set_content_stream(
            ctx, doc_id, content(PDF_B), overwrite=True, change_token=None
        ),
    )
    assert newer.object_id == f"{series(doc_id)};1.1"
    assert value(newer, "cmis:isLatestVersion") is True
    assert read(world, "cw63", doc_id) == PDF_A
    assert read(world, "cw63", newer.object_id) == PDF_B
    assert read(world, "cw63", series(doc_id)) == PDF_B
    old = refused(
        world,
        "cw63",
        lambda ctx: set_content_stream(
            ctx, doc_id, content(PDF_A), overwrite=True, change_token=None
        ),
    )
    assert isinstance(old, errors.Constraint)
    assert events(world, "version.added", series(doc_id))


def test_hostile_and_foreign_files_are_refused_and_leave_nothing(world: World) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Hostile")
    polyglot = b"<html><script>alert(1)</script></html>\n" + PDF_A

    def upload(data: bytes) -> Callable[[CmisContext], CmisObject]:
        return lambda ctx: create_document(
            ctx, akte_id, {"cmis:name": ["Anhang"]}, content(data), None
        )

    for data in (polyglot, b"GIF89a" + b"\0" * 64, b"plain text, not a letter"):
        error = refused(world, "cw63", upload(data))
        assert isinstance(error, errors.Constraint), error
    doc_id = document(world, "cw63", akte_id, "Brief", PDF_A)
    error = refused(
        world,
        "cw63",
        lambda ctx: set_content_stream(
            ctx, doc_id, content(polyglot), overwrite=True, change_token=None
        ),
    )
    assert isinstance(error, errors.Constraint)
    with unit_of_work(world.container.session_factory, write=False) as session:
        titles = session.scalars(
            select(Document.title).where(Document.akte_id == akte_id.removeprefix("akte:"))
        ).all()
        assert titles == ["Brief"]
        assert session.get(Document, series(doc_id)).current_version == 1  # type: ignore[union-attr]


def test_update_properties_with_change_tokens_and_the_levels_service(world: World) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Ahornweg")
    doc_id = document(world, "cw63", akte_id, "Entwurf", PDF_A)
    token = call(world, "cw63", lambda ctx: _get(ctx, doc_id)).change_token
    world.clock.advance(timedelta(seconds=1))
    renamed = call(
        world,
        "cw63",
        lambda ctx: update_properties(
            ctx,
            doc_id,
            {
                "cmis:name": ["Baugenehmigung"],
                "eakte:sender": ["Bauherr"],
                "eakte:confidentiality": ["002"],
            },
            token,
        ),
    )
    assert value(renamed, "cmis:name") == "Baugenehmigung"
    assert value(renamed, "eakte:sender") == "Bauherr"
    assert value(renamed, "eakte:confidentiality") == "002"
    stale = refused(
        world,
        "cw63",
        lambda ctx: update_properties(ctx, doc_id, {"cmis:name": ["Noch ein Name"]}, token),
    )
    assert isinstance(stale, errors.UpdateConflict)
    readonly = refused(
        world,
        "cw63",
        lambda ctx: update_properties(ctx, doc_id, {"eakte:contentSha256": ["0" * 64]}, None),
    )
    assert isinstance(readonly, errors.Constraint)
    lowered = refused(
        world,
        "cw63",
        lambda ctx: update_properties(ctx, doc_id, {"eakte:confidentiality": ["003"]}, None),
    )
    assert isinstance(lowered, errors.PermissionDenied), "only records managers lower a level"
    assert events(world, "cmis.updated", series(doc_id))
    assert events(world, "document.confidentiality_changed", series(doc_id))
    folder_renamed = call(
        world,
        "cw63",
        lambda ctx: update_properties(ctx, akte_id, {"cmis:name": ["Bauakte Ahornweg 5"]}, None),
    )
    assert value(folder_renamed, "cmis:name") == "Bauakte Ahornweg 5"


def test_a_vorgangs_description_is_kept_and_its_change_token_moves(world: World) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Birkenweg")
    vorgang_id = folder(world, "cw63", akte_id, "Bauantrag")
    token = call(world, "cw63", lambda ctx: _get(ctx, vorgang_id)).change_token
    world.clock.advance(timedelta(seconds=1))
    described = call(
        world,
        "cw63",
        lambda ctx: update_properties(
            ctx, vorgang_id, {"cmis:description": ["Carport, Nachbar einverstanden"]}, token
        ),
    )
    assert value(described, "cmis:description") == "Carport, Nachbar einverstanden"
    assert described.change_token != token
    stale = refused(
        world,
        "cw63",
        lambda ctx: update_properties(ctx, vorgang_id, {"cmis:name": ["Bauvoranfrage"]}, token),
    )
    assert isinstance(stale, errors.UpdateConflict)


def test_move_refiles_with_audit_and_folders_stay_in_their_akte(world: World) -> None:
    first = folder(world, "cw63", BAU, "Bauakte Eins")
    second = folder(world, "cw63", BAU, "Bauakte Zwei")
    inner = folder(world, "cw63", first, "Unterlagen", "eakte:teilakte")
    doc_id = document(world, "cw63", inner, "Lageplan", PDF_A)
    moved = call(world, "cw63", lambda ctx: move_object(ctx, doc_id, second, inner))
    assert moved.object_id == doc_id
    with unit_of_work(world.container.session_factory, write=False) as session:
        stored = session.get(Document, series(doc_id))
        assert stored is not None
        assert (stored.akte_id, stored.folder_id) == (second.removeprefix("akte:"), None)
    assert events(world, "document.moved", series(doc_id))
    assert events(world, "cmis.moved", series(doc_id))
    wrong_source = refused(world, "cw63", lambda ctx: move_object(ctx, doc_id, first, inner))
    assert isinstance(wrong_source, errors.InvalidArgument)
    across = refused(world, "cw63", lambda ctx: move_object(ctx, inner, second, first))
    assert isinstance(across, errors.Constraint)
    sub = folder(world, "cw63", first, "Vorgang A")
    call(world, "cw63", lambda ctx: move_object(ctx, inner, sub, first))
    assert events(world, "cmis.moved", inner.removeprefix("folder:"))
    with cmis(world, "admin") as ctx:
        held = ctx.session.get(Document, series(doc_id))
        assert held is not None
        set_document_hold(
            ctx.session,
            ctx.store,
            held,
            active=True,
            reason="Widerspruch",
            actor="test",
            clock=ctx.clock,
            settings=ctx.settings.retention,
        )
    on_hold = refused(world, "cw63", lambda ctx: move_object(ctx, doc_id, first, None))
    assert isinstance(on_hold, errors.Constraint), "a held document stays in its Akte"


def test_other_units_case_worker_cannot_write(world: World) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Geheim")
    doc_id = document(world, "cw63", akte_id, "Bauantrag", PDF_A)
    unseen = refused(
        world,
        "cw32",
        lambda ctx: create_document(ctx, akte_id, {"cmis:name": ["Fremd"]}, content(PDF_B), None),
    )
    assert isinstance(unseen, errors.ObjectNotFound)
    with cmis(world, "cw63") as ctx:
        akte = ctx.session.get(Akte, akte_id.removeprefix("akte:"))
        assert akte is not None
        share_akte(ctx.session, ctx.scope, akte, NewShare(ShareGrantee.UNIT, "32"), clock=ctx.clock)
    assert read(world, "cw32", doc_id) == PDF_A
    for action in (
        lambda ctx: create_document(ctx, akte_id, {"cmis:name": ["Fremd"]}, content(PDF_B), None),
        lambda ctx: set_content_stream(
            ctx, doc_id, content(PDF_B), overwrite=True, change_token=None
        ),
        lambda ctx: update_properties(ctx, doc_id, {"cmis:name": ["Umbenannt"]}, None),
        lambda ctx: create_folder(ctx, akte_id, {"cmis:name": ["Fremder Vorgang"]}),
    ):
        assert isinstance(refused(world, "cw32", action), errors.PermissionDenied)
    foreign_plan = refused(
        world, "cw32", lambda ctx: create_folder(ctx, BAU, {"cmis:name": ["Fremde Akte"]})
    )
    assert isinstance(foreign_plan, errors.PermissionDenied)


def test_delete_is_refused_under_retention_and_hold_also_for_admins_and_allowed_after(
    world: World,
) -> None:
    akte_id = folder(world, "cw33", FUND, "Fundsache Regenschirm")
    kept_id = document(world, "cw33", akte_id, "Fundanzeige", PDF_A)
    held_id = document(world, "cw33", akte_id, "Quittung", PDF_B)
    empty_id = folder(world, "cw33", akte_id, "Leer", "eakte:teilakte")
    call(world, "cw33", lambda ctx: delete_object(ctx, empty_id, all_versions=True))
    assert events(world, "cmis.deleted", empty_id.removeprefix("folder:"))

    denied = refused(world, "cw33", lambda ctx: delete_object(ctx, kept_id, all_versions=True))
    assert isinstance(denied, errors.PermissionDenied)
    open_akte = refused(world, "admin", lambda ctx: delete_object(ctx, kept_id, all_versions=True))
    assert isinstance(open_akte, errors.Constraint) and open_akte.http_status == 409
    with cmis(world, "admin") as ctx:
        akte = ctx.session.get(Akte, akte_id.removeprefix("akte:"))
        assert akte is not None
        close_akte(ctx.session, active_plan(ctx.session), akte, actor="test", clock=ctx.clock)
        held = ctx.session.get(Document, series(held_id))
        assert held is not None
        set_document_hold(
            ctx.session,
            ctx.store,
            held,
            active=True,
            reason="Klage",
            actor="test",
            clock=ctx.clock,
            settings=ctx.settings.retention,
        )
    closed = refused(
        world,
        "cw33",
        lambda ctx: create_document(
            ctx, akte_id, {"cmis:name": ["Nachtrag"]}, content(PDF_A), None
        ),
    )
    assert isinstance(closed, errors.Constraint), "a closed Akte takes no new content"
    closed_folder = refused(
        world, "cw33", lambda ctx: create_folder(ctx, akte_id, {"cmis:name": ["Nachtrag"]})
    )
    assert isinstance(closed_folder, errors.Constraint)
    retained = refused(world, "admin", lambda ctx: delete_object(ctx, kept_id, all_versions=True))
    assert isinstance(retained, errors.Constraint)
    not_empty = refused(world, "admin", lambda ctx: delete_object(ctx, akte_id, all_versions=True))
    assert isinstance(not_empty, errors.Constraint)

    world.clock.advance(timedelta(days=5 * 366))
    failed = call(
        world,
        "admin",
        lambda ctx: delete_tree(ctx, akte_id, all_versions=True, continue_on_failure=True),
    )
    assert series(held_id) in failed and akte_id in failed
    assert series(kept_id) not in failed
    with unit_of_work(world.container.session_factory, write=False) as session:
        assert session.get(DocumentTombstone, series(kept_id)) is not None
        assert session.get(DocumentTombstone, series(held_id)) is None
    gone = refused(world, "admin", lambda ctx: get_content_stream(ctx, kept_id, None, None, None))
    assert isinstance(gone, errors.ObjectNotFound)
    assert events(world, "document.destroyed", series(kept_id))


def _get(ctx: CmisContext, object_id: str) -> CmisObject:
    return get_object(ctx, object_id, OperationContext())


DECISION_TYPE = {
    "id": "fv:bescheid",
    "baseId": "cmis:document",
    "parentId": "eakte:dokument",
    "displayName": "Bescheid (Fachverfahren)",
    "propertyDefinitions": {
        "fv:personNumber": {
            "id": "fv:personNumber",
            "propertyType": "string",
            "cardinality": "single",
            "updatability": "readwrite",
        }
    },
}

MARK_TYPE = {
    "id": "fv:markiert",
    "baseId": "cmis:secondary",
    "parentId": "cmis:secondary",
    "displayName": "Markiert",
    "propertyDefinitions": {
        "fv:grund": {"id": "fv:grund", "propertyType": "string", "updatability": "readwrite"}
    },
}


def test_client_types_copies_and_bulk_updates(world: World) -> None:
    call(world, "admin", lambda ctx: create_type(ctx, DECISION_TYPE))
    akte_id = folder(world, "cw63", BAU, "Bauakte Fachverfahren")
    props = {
        "cmis:name": ["Bescheid 1"],
        "cmis:objectTypeId": ["fv:bescheid"],
        "fv:personNumber": ["P-4711"],
    }
    first = call(
        world, "cw63", lambda ctx: create_document(ctx, akte_id, props, content(PDF_A), None)
    )
    assert first.type_id == "fv:bescheid"
    assert value(first, "fv:personNumber") == "P-4711"
    copy = call(
        world,
        "cw63",
        lambda ctx: create_document_from_source(
            ctx, first.object_id, akte_id, {"cmis:name": ["Bescheid 1 (Kopie)"]}, None
        ),
    )
    assert copy.type_id == "fv:bescheid" and value(copy, "fv:personNumber") == "P-4711"
    assert series(copy.object_id) != series(first.object_id)
    assert read(world, "cw63", copy.object_id) == PDF_A
    unknown = refused(
        world,
        "cw63",
        lambda ctx: create_document(
            ctx, akte_id, {"cmis:name": ["X"], "fv:unknown": ["1"]}, content(PDF_B), None
        ),
    )
    assert isinstance(unknown, errors.InvalidArgument)

    stale = "1"
    done = call(
        world,
        "cw63",
        lambda ctx: bulk_update_properties(
            ctx,
            [(first.object_id, None), (copy.object_id, stale)],
            {"fv:personNumber": ["P-0815"]},
            (),
            (),
        ),
    )
    assert [old for old, _, _ in done] == [first.object_id]
    with cmis(world, "cw63") as ctx:
        assert value(_get(ctx, first.object_id), "fv:personNumber") == "P-0815"
        assert value(_get(ctx, copy.object_id), "fv:personNumber") == "P-4711"

    call(world, "admin", lambda ctx: create_type(ctx, MARK_TYPE))
    marked = call(
        world,
        "cw63",
        lambda ctx: update_properties(
            ctx,
            copy.object_id,
            {"cmis:secondaryObjectTypeIds": ["fv:markiert"], "fv:grund": ["Prüfung"]},
            None,
        ),
    )
    assert marked.properties["cmis:secondaryObjectTypeIds"].values == ("fv:markiert",)
    assert value(marked, "fv:grund") == "Prüfung"
    assert value(marked, "fv:personNumber") == "P-4711"


@pytest.mark.ocr
def test_the_render_job_makes_the_pdfa_and_the_text_searchable(world: World) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Suche")
    doc_id = document(world, "cw63", akte_id, "Eingang", letter_pdf(BAUANTRAG))
    world.container.handlers()[RENDER_VERSION].run({"document_id": series(doc_id), "version": 1})
    rendition = read(world, "cw63", doc_id, stream_id="pdfa")
    assert rendition.startswith(b"%PDF")
    with cmis(world, "cw63") as ctx:
        hits = ctx.search.search(ctx.session, ctx.scope, "Baugenehmigung", limit=10, offset=0)
        assert [hit.document_id for hit in hits.hits] == [series(doc_id)]
        assert value(_get(ctx, doc_id), "eakte:ocrStatus") == "ocr_done"

    pwc_id = call(world, "cw63", lambda ctx: check_out(ctx, doc_id)).object_id
    same = call(
        world,
        "cw63",
        lambda ctx: check_in(
            ctx, pwc_id, major=True, properties={}, content=None, comment="nur Metadaten"
        ),
    )
    assert same.object_id == f"{series(doc_id)};2.0"
    assert read(world, "cw63", same.object_id, stream_id="pdfa") == rendition
    with unit_of_work(world.container.session_factory, write=False) as session:
        render_jobs = session.scalars(
            select(Job.dedupe_key).where(Job.kind == RENDER_VERSION)
        ).all()
        assert render_jobs == [f"{RENDER_VERSION}:{series(doc_id)}:1"], "no OCR for the same bytes"
        stored = session.get(Document, series(doc_id))
        assert stored is not None and stored.status == "ocr_done"
