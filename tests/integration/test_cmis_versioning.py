"""CMIS versioning on real PostgreSQL: check-out, working copy, check-in, labels, history."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from services.cmis import errors
from services.cmis.append_spool import STALE_AFTER, spool_path, sweep_stale_spools
from services.cmis.content import (
    append_content_stream,
    delete_content_stream,
    set_content_stream,
)
from services.cmis.create import create_document
from services.cmis.deletion import delete_object
from services.cmis.model import OperationContext, VersioningState
from services.cmis.update import update_properties
from services.cmis.versioning import (
    cancel_check_out,
    check_in,
    check_out,
    get_all_versions,
    get_object_of_latest_version,
)
from services.db.models import DocumentCheckout, DocumentVersion, VersionLabel
from services.db.session import unit_of_work
from tests.fixtures.documents import letter_pdf
from tests.integration.test_cmis_writes import (
    BAU,
    PDF_A,
    PDF_B,
    World,
    call,
    content,
    document,
    events,
    folder,
    open_world,
    read,
    refused,
    series,
    value,
)

pytestmark = pytest.mark.postgres
PDF_C = letter_pdf(["Stadt Hagen", "Baugenehmigung erteilt", "Mit freundlichen Grüßen"])
OC = OperationContext()


@pytest.fixture
def world(tmp_path: Path, postgres_url: str) -> Iterator[World]:
    yield from open_world(tmp_path, postgres_url)


def labels(world: World, object_id: str) -> list[str]:
    versions = call(world, "cw63", lambda ctx: get_all_versions(ctx, object_id, OC))
    return [value(v, "cmis:versionLabel") for v in versions]


def test_check_out_check_in_cancel_and_labels(world: World) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Versionen")
    doc_id = document(world, "cw63", akte_id, "Bescheid", PDF_A)
    pwc = call(world, "cw63", lambda ctx: check_out(ctx, doc_id))
    assert pwc.object_id == f"{series(doc_id)};pwc"
    assert value(pwc, "cmis:isPrivateWorkingCopy") is True
    again = refused(world, "cw63", lambda ctx: check_out(ctx, doc_id))
    assert isinstance(again, errors.Versioning)
    beside = refused(
        world,
        "cw63",
        lambda ctx: set_content_stream(
            ctx, doc_id, content(PDF_B), overwrite=True, change_token=None
        ),
    )
    assert isinstance(beside, errors.Versioning)
    assert labels(world, doc_id) == ["pwc", "1.0"]

    call(
        world,
        "cw63",
        lambda ctx: set_content_stream(
            ctx, pwc.object_id, content(PDF_B), overwrite=True, change_token=None
        ),
    )
    assert read(world, "cw63", pwc.object_id) == PDF_B
    assert read(world, "cw63", doc_id) == PDF_A, "the document is unchanged until check-in"
    minor = call(
        world,
        "cw63",
        lambda ctx: check_in(
            ctx, pwc.object_id, major=False, properties={}, content=None, comment="Entwurf"
        ),
    )
    assert minor.object_id == f"{series(doc_id)};1.1"
    assert value(minor, "cmis:checkinComment") == "Entwurf"
    assert value(minor, "cmis:isMajorVersion") is False
    assert read(world, "cw63", minor.object_id) == PDF_B

    call(world, "cw63", lambda ctx: check_out(ctx, minor.object_id))
    major = call(
        world,
        "cw63",
        lambda ctx: check_in(
            ctx,
            f"{series(doc_id)};pwc",
            major=True,
            properties={"cmis:name": ["Bescheid endgültig"]},
            content=None,
            comment="freigegeben",
        ),
    )
    assert major.object_id == f"{series(doc_id)};2.0"
    assert value(major, "cmis:name") == "Bescheid endgültig"
    assert read(world, "cw63", major.object_id) == PDF_B
    assert labels(world, doc_id) == ["2.0", "1.1", "1.0"]

    call(world, "cw63", lambda ctx: check_out(ctx, series(doc_id)))
    call(world, "cw63", lambda ctx: cancel_check_out(ctx, f"{series(doc_id)};pwc"))
    assert labels(world, doc_id) == ["2.0", "1.1", "1.0"]
    with unit_of_work(world.container.session_factory, write=False) as session:
        assert session.get(DocumentCheckout, series(doc_id)) is None
        rows = session.execute(
            select(DocumentVersion.number, VersionLabel.major, VersionLabel.minor)
            .join(VersionLabel, VersionLabel.version_id == DocumentVersion.id)
            .where(DocumentVersion.document_id == series(doc_id))
            .order_by(DocumentVersion.number)
        ).all()
        assert [tuple(r) for r in rows] == [(1, 1, 0), (2, 1, 1), (3, 2, 0)]
    not_out = refused(world, "cw63", lambda ctx: cancel_check_out(ctx, doc_id))
    assert isinstance(not_out, errors.Versioning)
    for action in ("cmis.checked_out", "cmis.checked_in", "cmis.check_out_cancelled"):
        assert events(world, action, series(doc_id)), action

    latest = call(
        world, "cw63", lambda ctx: get_object_of_latest_version(ctx, doc_id, major=False, oc=OC)
    )
    assert latest.object_id == f"{series(doc_id)};2.0"


def test_versioning_states_at_creation_and_latest_major(world: World) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Zustände")

    def create(name: str, state: VersioningState) -> str:
        props = {"cmis:name": [name]}
        return call(
            world, "cw63", lambda ctx: create_document(ctx, akte_id, props, content(PDF_A), state)
        ).object_id

    minor_id = create("Entwurf", VersioningState.MINOR)
    assert minor_id.endswith(";0.1")
    none_id = create("Ohne", VersioningState.NONE)
    assert none_id.endswith(";1.0")
    no_major = refused(
        world, "cw63", lambda ctx: get_object_of_latest_version(ctx, minor_id, major=True, oc=OC)
    )
    assert isinstance(no_major, errors.ObjectNotFound)

    pwc_id = create("Ausgecheckt", VersioningState.CHECKEDOUT)
    assert pwc_id.endswith(";pwc")
    checked_in = call(
        world,
        "cw63",
        lambda ctx: check_in(
            ctx, pwc_id, major=True, properties={}, content=content(PDF_C), comment=None
        ),
    )
    assert checked_in.object_id == f"{series(pwc_id)};1.0"
    assert read(world, "cw63", checked_in.object_id) == PDF_C
    latest_major = call(
        world,
        "cw63",
        lambda ctx: get_object_of_latest_version(ctx, series(pwc_id), major=True, oc=OC),
    )
    assert latest_major.object_id == checked_in.object_id


def test_content_of_a_working_copy_can_be_deleted_and_appended_a_document_keeps_its(
    world: World,
) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Inhalt")
    doc_id = document(world, "cw63", akte_id, "Plan", PDF_A)
    kept = refused(world, "cw63", lambda ctx: delete_content_stream(ctx, doc_id, None))
    assert isinstance(kept, errors.Constraint)
    pwc_id = call(world, "cw63", lambda ctx: check_out(ctx, doc_id)).object_id
    emptied = call(world, "cw63", lambda ctx: delete_content_stream(ctx, pwc_id, None))
    assert value(emptied, "cmis:contentStreamLength") is None
    without = refused(
        world,
        "cw63",
        lambda ctx: check_in(ctx, pwc_id, major=True, properties={}, content=None, comment=None),
    )
    assert isinstance(without, errors.Constraint)

    half = len(PDF_C) // 2
    call(
        world,
        "cw63",
        lambda ctx: append_content_stream(ctx, pwc_id, content(PDF_C[:half]), is_last_chunk=False),
    )
    call(
        world,
        "cw63",
        lambda ctx: append_content_stream(ctx, pwc_id, content(PDF_C[half:]), is_last_chunk=True),
    )
    assert read(world, "cw63", pwc_id) == PDF_C
    done = call(
        world,
        "cw63",
        lambda ctx: check_in(ctx, pwc_id, major=False, properties={}, content=None, comment=None),
    )
    assert done.object_id == f"{series(doc_id)};1.1"
    assert read(world, "cw63", done.object_id) == PDF_C

    stale = refused(
        world, "cw63", lambda ctx: update_properties(ctx, doc_id, {"cmis:name": ["Alt"]}, None)
    )
    assert isinstance(stale, errors.Constraint), "an older version is immutable"
    pwc_again = call(world, "cw63", lambda ctx: check_out(ctx, done.object_id)).object_id
    call(world, "cw63", lambda ctx: delete_object(ctx, pwc_again, all_versions=True))
    assert labels(world, doc_id) == ["1.1", "1.0"]


def test_chunks_left_without_a_last_one_go_stale_and_are_not_appended_to(world: World) -> None:
    akte_id = folder(world, "cw63", BAU, "Bauakte Abgebrochen")
    doc_id = document(world, "cw63", akte_id, "Plan", PDF_A)
    pwc_id = call(world, "cw63", lambda ctx: check_out(ctx, doc_id)).object_id
    call(world, "cw63", lambda ctx: delete_content_stream(ctx, pwc_id, None))
    call(
        world,
        "cw63",
        lambda ctx: append_content_stream(ctx, pwc_id, content(b"abandoned"), is_last_chunk=False),
    )
    data_dir = world.container.settings.data_dir
    spool = spool_path(data_dir, series(doc_id), pwc=True)
    assert spool.read_bytes() == b"abandoned"
    long_ago = time.time() - STALE_AFTER.total_seconds() - 60
    os.utime(spool, (long_ago, long_ago))
    call(
        world,
        "cw63",
        lambda ctx: append_content_stream(ctx, pwc_id, content(PDF_C), is_last_chunk=True),
    )
    assert read(world, "cw63", pwc_id) == PDF_C, "the stale chunk is not part of the content"

    call(
        world,
        "cw63",
        lambda ctx: append_content_stream(ctx, pwc_id, content(b"again"), is_last_chunk=False),
    )
    os.utime(spool, (long_ago, long_ago))
    fresh = spool_path(data_dir, "another-document", pwc=False)
    fresh.write_bytes(b"still coming")
    assert sweep_stale_spools(data_dir) == 1
    assert not spool.exists() and fresh.exists()
