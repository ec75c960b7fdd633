"""Archive transfer with xdomea 3.1.0 against an archive that answers as x-man does.

Four-step: offer (0501), the archive's 0504 and 0502, our 0505 and 0503, its 0507 and
0506, destruction after approval (V) and after the confirmed import (A).  Two-step: eakte
appraises itself and sends the 0503 at once.  The records manager works through the REST
API; the archive side is :class:`tests.archive_simulator.ArchiveSimulator`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

import api.cli.archive_cmd
import api.cli.context
from api.cli.main import app as cli
from api.cli.server import ServerClient
from services.bootstrap import build_container
from services.db.models import (
    ArchiveProcessItem,
    ArchiveTransferFile,
    AuditEvent,
    DestructionCertificate,
    StoredObject,
)
from services.db.session import unit_of_work
from services.evidence.records import evidence_record, verify_record
from services.evidence.sealing import seal_days
from tests.archive_simulator import ArchiveSimulator, OfferedObject
from tests.fixtures.app import Service
from tests.fixtures.archive import (
    XDOMEA_XSD,
    ArchiveWorld,
    archive_service,
    build_world,
    postgres_s3,
)
from tests.fixtures.clock import ShiftedClock

ARCHIVE = "/api/v1/archive"
PLAN = {"satzung": "111.02.03", "abfall": "537.01", "owi": "573.01"}


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture(params=["sqlite", "postgres_s3"])
def four_step(
    request: pytest.FixtureRequest, tmp_path: Path, clock: ShiftedClock
) -> Iterator[Service]:
    """SQLite with the local store, and PostgreSQL with SeaweedFS S3 (Object Lock)."""
    backends = postgres_s3(request) if request.param == "postgres_s3" else {}
    yield from archive_service(tmp_path / "data", clock, flow="four-step", backends=backends)


@pytest.fixture
def two_step(tmp_path: Path, clock: ShiftedClock) -> Iterator[Service]:
    yield from archive_service(tmp_path / "data", clock, flow="two-step")


def by_proposal(obj: OfferedObject) -> str | None:
    """The archive follows the agency's proposal, and takes the B Akte too."""
    return "V" if obj.proposal == "V" else "A"


def simulator(world: ArchiveWorld, **options: object) -> ArchiveSimulator:
    return ArchiveSimulator(world.transfer_dir, XDOMEA_XSD, **options)  # type: ignore[arg-type]


def process_of(world: ArchiveWorld, process_id: str) -> dict:
    return world.get(f"{ARCHIVE}/processes/{process_id}")


def akte_states(detail: dict) -> dict[str, str]:
    return {row["aktenzeichen"]: row["state"] for row in detail["akten_list"]}


def test_four_step_round_trip(four_step: Service, clock: ShiftedClock) -> None:
    world = build_world(four_step, clock, PLAN)
    names = {name: akte["aktenzeichen"] for name, akte in world.akten.items()}
    archive = simulator(world, appraise=by_proposal)

    offer = world.post(f"{ARCHIVE}/offer")
    assert sorted(offer["offered"]) == sorted(names.values())
    (process_id,) = offer["processes"]
    assert world.get("/api/v1/disposition/due")["total"] == 0  # in transfer now
    reopened = four_step.client.post(
        f"/api/v1/akten/{world.akten['satzung']['id']}/reopen", headers=world.headers()
    )
    assert reopened.status_code == 409 and "archive transfer" in reopened.text

    replies = archive.step()
    assert [r.code for r in replies] == ["0504", "0502"], archive.errors
    polled = world.post(f"{ARCHIVE}/poll")
    assert [m["accepted"] for m in polled["messages"]] == [True, True], polled
    detail = process_of(world, process_id)
    assert detail["status"] == "transfer_sent"
    assert akte_states(detail) == {
        names["satzung"]: "transferred",
        names["abfall"]: "transferred",
        names["owi"]: "to_destroy",
    }
    assert detail["awaiting_approval"] is True
    sent = [m["message_type"] for m in detail["messages"] if m["direction"] == "out"]
    assert sent == ["0501", "0505", "0503"]

    replies = archive.step()
    assert [r.code for r in replies] == ["0507", "0506"], archive.errors
    assert archive.errors == []
    _transferred_hashes_match(four_step, archive, process_id)
    # Before the 0506 is read nothing transferred is deleted.
    for document_id in world.documents["satzung"]:
        assert content_status(four_step, document_id) == 200

    world.post(f"{ARCHIVE}/poll")
    detail = process_of(world, process_id)
    assert akte_states(detail)[names["satzung"]] == "destroyed"
    assert akte_states(detail)[names["owi"]] == "to_destroy"  # waits for the approval
    for document_id in world.documents["satzung"] + world.documents["abfall"]:
        assert content_status(four_step, document_id) == 410
    for document_id in world.documents["owi"]:
        assert content_status(four_step, document_id) == 200

    approved = world.post(f"{ARCHIVE}/processes/{process_id}/approve")
    assert approved["status"] == "completed"
    assert set(akte_states(approved).values()) == {"destroyed"}
    for document_id in world.documents["owi"]:
        assert content_status(four_step, document_id) == 410
    reasons = sorted(c["reason"] for c in approved["certificates"])
    assert reasons == ["archive_appraised_v", "transferred"]
    _certificates_name_their_akten(world, approved, names)
    assert approved["open_alerts"] == 0
    _certificates_are_sealed(four_step, clock)
    # The Akten left eakte: not due any more, released from the process.
    assert world.get("/api/v1/disposition/due")["total"] == 0


def content_status(service: Service, document_id: str) -> int:
    return service.client.get(f"/api/v1/documents/{document_id}/content").status_code


def _transferred_hashes_match(service: Service, archive: ArchiveSimulator, process_id: str) -> None:
    with unit_of_work(service.container.session_factory, write=False) as session:
        recorded = {
            row.file_name: row.sha256
            for row in session.scalars(
                select(ArchiveTransferFile).where(ArchiveTransferFile.process_id == process_id)
            )
        }
        audited = [
            file["sha256"]
            for event in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "archive.files_transferred")
            )
            for file in event.details["files"]
        ]
    received = {f.file_name: f.sha256 for f in archive.archived_files.values()}
    assert recorded == received and len(recorded) == 4
    assert sorted(audited) == sorted(recorded.values())


def _certificates_name_their_akten(
    world: ArchiveWorld, detail: dict, names: dict[str, str]
) -> None:
    for certificate in detail["certificates"]:
        raw = world.service.client.get(certificate["json_url"], headers=world.headers())
        assert raw.status_code == 200, raw.text
        body = json.loads(raw.content)
        listed = {a["aktenzeichen"] for a in body["akten"]}
        expected = (
            {names["owi"]}
            if certificate["reason"] == "archive_appraised_v"
            else {names["satzung"], names["abfall"]}
        )
        assert listed == expected
        pdf = world.service.client.get(certificate["pdf_url"], headers=world.headers())
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert hashlib.sha256(raw.content).hexdigest() in _pdf_text(pdf.content)


def _certificates_are_sealed(service: Service, clock: ShiftedClock) -> None:
    """The day's evidence tree covers the certificates and the messages (TR-ESOR style)."""
    container = service.container
    tomorrow = clock.now().date() + timedelta(days=1)
    with unit_of_work(container.session_factory) as session:
        seal_days(session, container.store, clock, through=tomorrow)
    with unit_of_work(container.session_factory, write=False) as session:
        certificate = session.scalars(select(DestructionCertificate)).first()
        assert certificate is not None
        for object_id in (certificate.pdf_object_id, certificate.json_object_id):
            stored = session.get(StoredObject, object_id)
            assert stored is not None
            record = evidence_record(session, container.store, object_id)
            data = container.store.get(stored.blob_key, stored.version_id)
            verdict = verify_record(data, record, store=container.store)
            assert verdict.valid, verdict.reason


def _pdf_text(data: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


class CommandLine:
    """``eakte archive ...`` embedded (on the service's data directory) or against it."""

    def __init__(self, service: Service, clock: ShiftedClock, monkeypatch: pytest.MonkeyPatch):
        settings = service.container.settings
        monkeypatch.setenv("EAKTE_DATA_DIR", str(settings.data_dir))
        # The embedded CLI works on the service's database and store, with its clock.
        monkeypatch.setattr(
            api.cli.context,
            "build_container",
            lambda _from_environment: build_container(settings, clock=clock),
        )
        app = service.client.app

        class InProcessServer(ServerClient):
            def __init__(self, base_url: str, api_key: str, *, timeout: float) -> None:
                self._client = TestClient(
                    app, base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}
                )

        monkeypatch.setattr(api.cli.archive_cmd, "ServerClient", InProcessServer)
        self._runner = CliRunner()

    def run(self, *args: str, key: str | None = None, expect: int = 0) -> Any:
        remote = ["--url", "http://testserver", "--api-key", key] if key else []
        result = self._runner.invoke(cli, ["archive", *args, *remote])
        assert result.exit_code == expect, result.output
        return json.loads(result.stdout) if "--json" in args and expect == 0 else result


def test_two_step_round_trip_on_the_command_line(
    two_step: Service, clock: ShiftedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(two_step, clock, PLAN)
    names = {name: akte["aktenzeichen"] for name, akte in world.akten.items()}
    archive = simulator(world)
    command = CommandLine(two_step, clock, monkeypatch)

    first = command.run("offer", "--json")
    assert sorted(first["offered"]) == sorted([names["satzung"], names["owi"]])
    assert [s["aktenzeichen"] for s in first["skipped"]] == [names["abfall"]]
    assert "not appraised" in first["skipped"][0]["reason"]
    (transfer,) = first["processes"]
    assert [r.code for r in archive.step()] == ["0507", "0506"], archive.errors
    assert {f.object_id for f in archive.archived_files.values()} == set(
        _xdomea_ids(two_step, world.documents["satzung"])
    )

    world.service.client.put(
        f"/api/v1/akten/{world.akten['abfall']['id']}/appraisal",
        json={"value": "V", "reason": "Gleichförmige Massenakten"},
        headers=world.headers(),
    ).raise_for_status()
    second = command.run("offer", "--json", key=world.manager)
    assert second["offered"] == [names["abfall"]] and second["skipped"] == []
    (destroy_only,) = second["processes"]
    assert archive.step() == []  # a process with nothing to archive sends no message

    polled = command.run("poll", "--json")
    assert [(m["message_type"], m["accepted"]) for m in polled["messages"]] == [
        ("0507", True),
        ("0506", True),
    ]
    listed = command.run("processes", "--json")
    assert {p["id"]: p["awaiting_approval"] for p in listed["items"]} == {
        transfer: True,
        destroy_only: True,
    }
    for document_id in world.documents["satzung"]:
        assert content_status(two_step, document_id) == 410
    for document_id in world.documents["owi"] + world.documents["abfall"]:
        assert content_status(two_step, document_id) == 200

    caseworker = world.service.client.post(
        "/api/v1/keys", json={"name": "SB", "role": "caseworker", "org_unit": "32"}
    ).json()["key"]
    refused = command.run("approve", transfer, key=caseworker, expect=1)
    assert "403" in refused.stderr
    done = command.run("approve", transfer, "--json", key=world.manager)
    assert done["status"] == "completed"
    done = command.run("approve", destroy_only, "--json")
    assert done["status"] == "completed"
    for document_id in world.documents["owi"] + world.documents["abfall"]:
        assert content_status(two_step, document_id) == 410
    certificates = world.get(f"{ARCHIVE}/certificates")["items"]
    assert sorted(c["reason"] for c in certificates) == [
        "agency_appraised_v",
        "agency_appraised_v",
        "transferred",
    ]
    assert {c["approved_by"] for c in certificates if c["reason"] != "transferred"} != {None}


def test_waived_codes_are_destroyed_without_an_offer(tmp_path: Path, clock: ShiftedClock) -> None:
    for service in archive_service(
        tmp_path / "data", clock, waived_codes=["573"], approval_required=False
    ):
        world = build_world(service, clock, PLAN)
        offer = world.post(f"{ARCHIVE}/offer")
        assert offer["waived"] == [world.akten["owi"]["aktenzeichen"]]
        assert len(offer["processes"]) == 2
        waived = next(p for p in world.get(f"{ARCHIVE}/processes")["items"] if p["waived"])
        assert waived["status"] == "completed" and waived["items"] == {"destroyed": 4}
        detail = process_of(world, waived["id"])
        assert detail["messages"] == []  # nothing is offered to the archive
        (certificate,) = detail["certificates"]
        assert certificate["reason"] == "offer_waived" and certificate["approved_by"] is None
        body = json.loads(
            service.client.get(certificate["json_url"], headers=world.headers()).content
        )
        assert body["approval"] is None and body["approval_required"] is False
        for document_id in world.documents["owi"]:
            assert content_status(service, document_id) == 410
        for document_id in world.documents["satzung"]:
            assert content_status(service, document_id) == 200


def _xdomea_ids(service: Service, document_ids: list[str]) -> list[str]:
    with unit_of_work(service.container.session_factory, write=False) as session:
        return list(
            session.scalars(
                select(ArchiveProcessItem.xdomea_id).where(
                    ArchiveProcessItem.document_id.in_(document_ids)
                )
            )
        )


def test_records_in_transfer_are_read_only_on_every_way_in(
    two_step: Service, clock: ShiftedClock
) -> None:
    """What a closed Akte still allows is refused while it is in transfer; the guard sits
    on the database session, so CMIS and the web pages meet it as well (CMIS refuses
    writes into closed Akten already)."""
    world = build_world(two_step, clock, {"satzung": "111.02.03"})
    # Hold the 0506 back: the process stays running.
    world.post(f"{ARCHIVE}/offer")
    akte_id = world.akten["satzung"]["id"]
    document_id = world.documents["satzung"][0]
    client, headers = two_step.client, world.headers()
    refused = [
        client.put(
            f"/api/v1/documents/{document_id}/dates",
            json={"letter_date": "2015-01-02", "reason": "Korrektur"},
            headers=headers,
        ),
        client.put(
            f"/api/v1/documents/{document_id}/confidentiality",
            json={"level": "002", "reason": "VS-NfD"},
            headers=two_step.headers(),  # the admin's clearance reaches VS-NfD
        ),
        client.post(f"/api/v1/akten/{akte_id}/reopen", headers=headers),
    ]
    for response in refused:
        assert response.status_code == 409, response.text
        assert "archive transfer" in response.text
    shown = client.get(f"/api/v1/documents/{document_id}").json()
    assert (shown["letter_date"], shown["confidentiality"]) == (None, "003")
    # A legal hold still works: it stops the transfer's deletions too.
    held = client.put(
        f"/api/v1/akten/{akte_id}/legal-hold",
        json={"active": True, "reason": "Klage"},
        headers=headers,
    )
    assert held.status_code == 200, held.text


def test_alerts_are_listed_and_acknowledged_on_the_command_line(
    four_step: Service, clock: ShiftedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(four_step, clock, {"owi": "573.01"})
    archive = simulator(world, schema_invalid_replies={"0502"})
    command = CommandLine(four_step, clock, monkeypatch)
    command.run("offer", "--json")
    archive.step()
    polled = command.run("poll", expect=1)
    assert "REFUSED" in polled.stdout
    listed = command.run("alerts", "--json", key=world.manager, expect=1)
    assert "message_refused" in listed.stdout
    alert_id = json.loads(listed.stdout)["items"][0]["id"]
    command.run("resolve", str(alert_id), "--note", "", expect=1)
    resolved = command.run("resolve", str(alert_id), "--note", "Archiv sendet neu", "--json")
    assert resolved["resolved_at"] is not None
    assert command.run("alerts", "--json")["total"] == 0
    command.run("resolve", str(alert_id), "--note", "nochmal", key=world.manager, expect=1)
