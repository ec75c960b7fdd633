"""The routes the Verwaltung pages added: verifying the trail, starting a fixity run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from services.db.models import Job, JobStatus
from services.db.session import unit_of_work
from services.storage.fixity import RUN_FIXITY
from tests.fixtures.app import Service, make_settings, start_service


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    yield from start_service(make_settings(tmp_path / "data"), run_workers=False)


def test_verification_reports_a_tampered_event_and_is_recorded(service: Service) -> None:
    intact = service.client.post("/api/v1/audit/verification")
    assert intact.status_code == 200, intact.text
    assert intact.json()["ok"] and intact.json()["events"] >= 1
    recorded = service.client.get("/api/v1/audit", params={"action": "audit.verified"}).json()
    assert recorded["items"][-1]["details"]["ok"] is True
    page = service.client.get("/ui/verwaltung/integritaet")
    assert page.status_code == 200 and ">Intakt<" in page.text

    with unit_of_work(service.container.session_factory) as session:
        session.execute(
            text("UPDATE audit_events SET details = json_set(details, '$.x', 1) WHERE seq = 1")
        )
    broken = service.client.post("/api/v1/audit/verification")
    assert broken.status_code == 200
    report = broken.json()
    assert not report["ok"]
    assert (report["first_break"]["seq"], report["first_break"]["problem"]) == (1, "altered")
    page = service.client.get("/ui/verwaltung/integritaet")
    assert ">Verletzt<" in page.text and "seq 1" in page.text


def test_a_fixity_run_is_brought_forward_not_doubled(service: Service) -> None:
    def waiting() -> list[Job]:
        with unit_of_work(service.container.session_factory, write=False) as session:
            query = select(Job).where(Job.kind == RUN_FIXITY, Job.status == JobStatus.QUEUED)
            return list(session.scalars(query))

    before = waiting()
    assert len(before) == 1  # scheduled at start
    started = service.client.post("/api/v1/storage/fixity-runs")
    assert started.status_code == 202, started.text
    after = waiting()
    assert [job.id for job in after] == [before[0].id]
    assert after[0].run_after <= service.container.clock.now()
    events = service.client.get("/api/v1/audit", params={"action": "fixity.requested"}).json()
    assert events["total"] == 1
