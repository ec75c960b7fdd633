"""Blobs left without a row by an interrupted write are found, recorded and reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from services.backends.s3_store import S3BlobStore
from services.db.models import AuditEvent, ObjectPurpose
from services.db.session import unit_of_work
from services.errors import RetentionViolationError
from services.ports import BlobStore, Protection
from services.startup_sweep import sweep_at_startup
from services.storage.objects import minimum_protection, register_object, store_content
from services.storage.orphans import (
    ORPHAN_FOUND,
    find_orphans,
    record_orphans,
    reported_orphans,
)
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.clock import ShiftedClock
from tests.fixtures.records import insert_document
from tests.fixtures.server import REPO, eakte_env


def interrupted_upload(service: Service, data: bytes) -> str:
    """What a kill -9 between the blob write and the row's commit leaves: a locked blob."""
    container = service.container
    ref = store_content(
        container.store,
        data,
        media_type="application/pdf",
        settings=container.settings.retention,
        now=container.clock.now(),
    )
    return ref.key


@pytest.fixture
def shifted() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def shifted_service(tmp_path: Path, shifted: ShiftedClock):  # type: ignore[no-untyped-def]
    yield from start_service(make_settings(tmp_path / "data"), run_workers=False, clock=shifted)


def test_an_orphan_is_found_recorded_once_reported_and_stays_locked(
    shifted_service: Service, shifted: ShiftedClock
) -> None:
    service, container = shifted_service, shifted_service.container
    insert_document(container, "Bauantrag Mustermann")  # registered: never an orphan
    orphan = interrupted_upload(service, b"%PDF-1.7 half a scan")
    with unit_of_work(container.session_factory, write=False) as session:
        assert find_orphans(session, container.store, now=shifted.now()) == [], (
            "younger than the grace period: its row may be about to commit"
        )
    shifted.advance(timedelta(hours=1))

    first = sweep_at_startup(container)
    second = sweep_at_startup(container)
    assert [o.key for o in first.orphans] == [orphan] == [o.key for o in second.orphans]
    with unit_of_work(container.session_factory, write=False) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == ORPHAN_FOUND)).all()
        assert [e.object_id for e in events] == [orphan], "recorded once, not at every start"
        assert events[0].details["locked_until"] is not None

    report = service.client.get("/api/v1/health/storage")
    assert report.status_code == 200, report.text
    assert [o["key"] for o in report.json()["orphans"]] == [orphan]
    with pytest.raises(RetentionViolationError):
        container.store.delete(orphan, None)

    with unit_of_work(container.session_factory) as session:  # the same bytes arrive again
        register_object(
            session,
            container.store.put(
                b"%PDF-1.7 half a scan",
                protection=minimum_protection(container.settings.retention, shifted.now()),
            ),
            media_type="application/pdf",
            purpose=ObjectPurpose.ORIGINAL,
            retain_until=minimum_protection(
                container.settings.retention, shifted.now()
            ).retain_until,
            now=shifted.now(),
        )
    with unit_of_work(container.session_factory, write=False) as session:
        assert reported_orphans(session) == []
    assert service.client.get("/api/v1/health/storage").json()["orphans"] == []


def test_fixity_check_lists_orphans_older_than_the_grace_period(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    for service in start_service(make_settings(data_dir), run_workers=False):
        young = interrupted_upload(service, b"%PDF-1.7 interrupted just now")
        old = interrupted_upload(service, b"%PDF-1.7 interrupted an hour ago")
    an_hour_ago = time.time() - 3600
    os.utime(data_dir / "blobs" / old, (an_hour_ago, an_hour_ago))
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "fixity", "check", "--all", "--json"],
        env=eakte_env(data_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    orphans = [o["key"] for o in json.loads(result.stdout)["orphans"]]
    assert orphans == [old] and young not in orphans


def listed(store: BlobStore) -> set[str]:
    return {item.key for item in store.iter_keys()}


def test_fs_store_lists_content_keys_only(service_without_workers: Service) -> None:
    store = service_without_workers.container.store
    exercise_iter_keys(store)


@pytest.mark.s3
def test_s3_store_lists_content_keys_only(s3_blob_store: S3BlobStore) -> None:
    exercise_iter_keys(s3_blob_store)


def exercise_iter_keys(store: BlobStore) -> None:
    from datetime import UTC, datetime

    protection = Protection(retain_until=datetime.now(UTC) + timedelta(minutes=5))
    before = listed(store)
    ref = store.put(b"listed content " + str(id(store)).encode(), protection=protection)
    named = store.put_named(f"anchors/test/{id(store)}.json", b"{}", protection=protection)
    items = {item.key: item for item in store.iter_keys()}
    assert ref.key in items and named.key not in items
    assert set(items) - before == {ref.key}
    stored_at = items[ref.key].stored_at
    assert stored_at.tzinfo is not None
    assert abs(stored_at - datetime.now(UTC)) < timedelta(minutes=2)


def test_record_orphans_names_the_lock(service_without_workers: Service) -> None:
    container = service_without_workers.container
    key = interrupted_upload(service_without_workers, b"%PDF- lock end")
    with unit_of_work(container.session_factory) as session:
        found = find_orphans(
            session, container.store, now=container.clock.now(), grace=timedelta(0)
        )
        recorded = record_orphans(
            session, container.store, found, clock=container.clock, actor="test"
        )
    assert [o.key for o in recorded] == [key]
    assert recorded[0].locked_until is not None
    assert recorded[0].locked_until > container.clock.now() + timedelta(days=300)
