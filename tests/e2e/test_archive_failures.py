"""Archive transfer when things go wrong: nothing lost, nothing deleted early, nothing twice.

The archive side is :class:`tests.archive_simulator.ArchiveSimulator` (answers as x-man
does) with its negative options; broken or repeated replies the simulator cannot make
are written by hand from its real replies.  Each case checks the records (document
content 200 while kept, 410 once destroyed), what the archive received, the process's
state and the alert a records manager sees.  The two kill -9 cases run ``eakte archive``
as a separate process on the same data directory (:mod:`tests.fixtures.archive_crash`).
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from services.archive.inbox import REFUSED
from services.archive.outbox import STAGING
from services.db.models import (
    ArchiveMessage,
    ArchiveProcessItem,
    ArchiveTransferFile,
    DocumentTombstone,
    ItemKind,
)
from services.db.session import unit_of_work
from tests.archive_simulator import ArchiveSimulator, OfferedObject
from tests.archive_simulator.naming import xman_would_read
from tests.fixtures.app import Service
from tests.fixtures.archive import XDOMEA_XSD, ArchiveWorld, archive_service, build_world
from tests.fixtures.archive_crash import (
    crash_service,
    eakte_archive,
    kill_archive_when,
    legacy_world,
)
from tests.fixtures.clock import ShiftedClock

ARCHIVE = "/api/v1/archive"
FOUR_STEP_PLAN = {"satzung": "111.02.03", "abfall": "537.01", "owi": "573.01"}
TWO_STEP_PLAN = {"satzung": "111.02.03", "bau": "111.02.03", "owi": "573.01"}


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def four_step(tmp_path: Path, clock: ShiftedClock) -> Iterator[Service]:
    yield from archive_service(tmp_path / "data", clock, flow="four-step")


@pytest.fixture
def two_step(tmp_path: Path, clock: ShiftedClock) -> Iterator[Service]:
    yield from archive_service(tmp_path / "data", clock, flow="two-step")


def by_proposal(obj: OfferedObject) -> str | None:
    return "V" if obj.proposal == "V" else "A"


def simulator(world: ArchiveWorld, **options: Any) -> ArchiveSimulator:
    return ArchiveSimulator(world.transfer_dir, XDOMEA_XSD, **options)


def process_of(world: ArchiveWorld, process_id: str) -> dict[str, Any]:
    detail: dict[str, Any] = world.get(f"{ARCHIVE}/processes/{process_id}")
    return detail


def states(world: ArchiveWorld, process_id: str) -> dict[str, str]:
    """Akte name -> its state in the process."""
    by_number = {akte["aktenzeichen"]: name for name, akte in world.akten.items()}
    return {
        by_number[row["aktenzeichen"]]: row["state"]
        for row in process_of(world, process_id)["akten_list"]
    }


def xdomea_id(world: ArchiveWorld, process_id: str, name: str) -> str:
    number = world.akten[name]["aktenzeichen"]
    rows = process_of(world, process_id)["akten_list"]
    return str(next(row["xdomea_id"] for row in rows if row["aktenzeichen"] == number))


def open_alerts(world: ArchiveWorld) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = world.get(f"{ARCHIVE}/alerts?limit=500")["items"]
    return alerts


def alert_kinds(world: ArchiveWorld, process_id: str | None) -> list[str]:
    return sorted(a["kind"] for a in open_alerts(world) if a["process_id"] == process_id)


def sent_types(world: ArchiveWorld, process_id: str) -> list[str]:
    messages = process_of(world, process_id)["messages"]
    return [m["message_type"] for m in messages if m["direction"] == "out"]


def content(world: ArchiveWorld, *names: str) -> set[int]:
    """The status codes of the content of every document of the named Akten."""
    return {
        world.service.client.get(
            f"/api/v1/documents/{document_id}/content", headers=world.headers()
        ).status_code
        for name in names
        for document_id in world.documents[name]
    }


def poll(world: ArchiveWorld) -> list[tuple[str, bool]]:
    polled = world.post(f"{ARCHIVE}/poll")
    return [(m["message_type"], m["accepted"]) for m in polled["messages"]]


def due_numbers(world: ArchiveWorld) -> set[str]:
    due = world.get("/api/v1/disposition/due?limit=500")
    return {row["aktenzeichen"] for row in due["items"]}


def rewrite_reply(source: Path, target: Path, edit: Callable[[etree._Element], None]) -> None:
    """A copy of the reply ``source`` with its XML changed by ``edit``, written atomically."""
    with zipfile.ZipFile(source) as archive:
        (member,) = archive.namelist()
        root = etree.fromstring(archive.read(member))
    edit(root)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    temporary = target.parent / f".tmp-{uuid.uuid4().hex}"
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, xml)
    temporary.replace(target)


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def drop_unknown_element(root: etree._Element) -> None:
    """Undo the simulator's ``break_schema``: the Kopf loses the element xdomea lacks."""
    (kopf,) = [child for child in root if _local(child) == "Kopf"]
    for child in list(kopf):
        if _local(child) == "UnbekanntesElement":
            kopf.remove(child)


def appraise_everything(value: str) -> Callable[[etree._Element], None]:
    def edit(root: etree._Element) -> None:
        for element in root.iter():
            if isinstance(element.tag, str) and _local(element) == "Aussonderungsart":
                code = element.find("code")
                if code is not None:
                    code.text = value

    return edit


def incoming_rows(world: ArchiveWorld, process_id: str, message_type: str) -> int:
    with unit_of_work(world.service.container.session_factory, write=False) as session:
        return len(
            session.scalars(
                select(ArchiveMessage.id).where(
                    ArchiveMessage.claimed_process_id == process_id,
                    ArchiveMessage.direction == "in",
                    ArchiveMessage.message_type == message_type,
                )
            ).all()
        )


# -- replies that are broken or do not fit ------------------------------------------------


def test_schema_invalid_appraisal_is_refused_and_a_valid_one_applied_later(
    four_step: Service, clock: ShiftedClock
) -> None:
    world = build_world(four_step, clock, FOUR_STEP_PLAN)
    archive = simulator(world, appraise=by_proposal, schema_invalid_replies={"0502"})
    (process_id,) = world.post(f"{ARCHIVE}/offer")["processes"]

    replies = archive.step()
    assert [r.code for r in replies] == ["0504", "0502"]
    broken = replies[1].path
    assert poll(world) == [("0504", True), ("0502", False)]
    refused = world.transfer_dir / REFUSED / broken.name
    assert refused.is_file() and not broken.exists()
    note = broken.with_name(broken.name + ".refused.txt").read_text(encoding="utf-8")
    assert "Schema" in note or "schema" in note, note
    detail = process_of(world, process_id)
    assert detail["status"] == "offered"
    assert set(states(world, process_id).values()) == {"offered"}
    assert sent_types(world, process_id) == ["0501"]  # no 0505, no 0503
    assert "message_refused" in alert_kinds(world, process_id)
    assert content(world, *FOUR_STEP_PLAN) == {200}

    # The archive's staff send it again, fixed: it is applied as if nothing had happened.
    rewrite_reply(refused, broken, drop_unknown_element)
    assert poll(world) == [("0502", True)]
    assert states(world, process_id) == {
        "satzung": "transferred",
        "abfall": "transferred",
        "owi": "to_destroy",
    }
    assert sent_types(world, process_id) == ["0501", "0505", "0503"]
    assert [r.code for r in archive.step()] == ["0507", "0506"]
    assert archive.errors == []
    assert poll(world) == [("0507", True), ("0506", True)]
    assert content(world, "satzung", "abfall") == {410}
    assert content(world, "owi") == {200}


def test_reply_with_an_unknown_process_id_is_refused_with_an_alert(
    four_step: Service, clock: ShiftedClock
) -> None:
    world = build_world(four_step, clock, FOUR_STEP_PLAN)
    archive = simulator(world, appraise=by_proposal, unknown_process_replies={"0502"})
    (process_id,) = world.post(f"{ARCHIVE}/offer")["processes"]

    replies = archive.step()
    assert [r.code for r in replies] == ["0504", "0502"]
    stranger = replies[1].process_id
    assert stranger != process_id
    polled = world.post(f"{ARCHIVE}/poll")["messages"]
    assert [(m["process_id"], m["accepted"]) for m in polled] == [
        (process_id, True),
        (stranger, False),
    ]
    unknown = [a for a in open_alerts(world) if a["process_id"] is None]
    assert [a["kind"] for a in unknown] == ["message_refused"]
    assert stranger in unknown[0]["message"]
    assert (world.transfer_dir / REFUSED / replies[1].path.name).is_file()
    assert process_of(world, process_id)["status"] == "offered"
    assert set(states(world, process_id).values()) == {"offered"}
    assert content(world, *FOUR_STEP_PLAN) == {200}


@pytest.mark.parametrize("named", ["foreign id", "a document"])
def test_appraisal_naming_ids_not_in_the_offer_is_refused_whole(
    four_step: Service, clock: ShiftedClock, named: str
) -> None:
    world = build_world(four_step, clock, FOUR_STEP_PLAN)
    archive = simulator(world, appraise=by_proposal)
    (process_id,) = world.post(f"{ARCHIVE}/offer")["processes"]
    if named == "foreign id":
        stray = str(uuid.uuid4())
    else:  # documents follow their parent; the archive cannot appraise one alone
        with unit_of_work(four_step.container.session_factory, write=False) as session:
            document = session.scalars(
                select(ArchiveProcessItem.xdomea_id).where(
                    ArchiveProcessItem.process_id == process_id,
                    ArchiveProcessItem.kind == ItemKind.DOCUMENT,
                )
            ).first()
            assert document is not None
            stray = document
    archive.extra_appraisals = {stray: "V"}

    assert [r.code for r in archive.step()] == ["0504", "0502"]
    assert poll(world) == [("0504", True), ("0502", False)]
    assert process_of(world, process_id)["status"] == "offered"
    assert set(states(world, process_id).values()) == {"offered"}
    with unit_of_work(four_step.container.session_factory, write=False) as session:
        decided = session.scalars(
            select(ArchiveProcessItem.archive_value).where(
                ArchiveProcessItem.process_id == process_id
            )
        ).all()
    assert set(decided) == {None}  # not one item decided
    alerts = [a for a in open_alerts(world) if a["process_id"] == process_id]
    assert [a["kind"] for a in alerts] == ["message_refused"]
    assert stray in alerts[0]["message"]
    assert sent_types(world, process_id) == ["0501"]
    assert content(world, *FOUR_STEP_PLAN) == {200}


def test_duplicate_appraisal_is_read_once_and_a_different_second_one_refused(
    four_step: Service, clock: ShiftedClock
) -> None:
    world = build_world(four_step, clock, FOUR_STEP_PLAN)
    archive = simulator(world, appraise=by_proposal)
    (process_id,) = world.post(f"{ARCHIVE}/offer")["processes"]
    appraisal = archive.step()[1].path
    # x-man writes the same 0502 into its sub-directory as well (Path0502).
    (world.transfer_dir / "0502").mkdir()
    copy = Path(shutil.copy2(appraisal, world.transfer_dir / "0502" / appraisal.name))
    kept = world.transfer_dir.parent / "first-0502.zip"
    shutil.copy2(appraisal, kept)

    polled = world.post(f"{ARCHIVE}/poll")["messages"]
    assert [(m["message_type"], m["accepted"]) for m in polled] == [
        ("0504", True),
        ("0502", True),
        ("0502", True),
    ]
    assert polled[2]["detail"] == "already read"
    assert not appraisal.exists() and not copy.exists()
    assert incoming_rows(world, process_id, "0502") == 1
    assert open_alerts(world) == []
    assert sent_types(world, process_id) == ["0501", "0505", "0503"]
    decided = states(world, process_id)
    assert decided == {"satzung": "transferred", "abfall": "transferred", "owi": "to_destroy"}

    # A different 0502 after the first was applied would destroy what went to the archive.
    rewrite_reply(kept, appraisal, appraise_everything("V"))
    assert poll(world) == [("0502", False)]
    assert states(world, process_id) == decided
    assert alert_kinds(world, process_id) == ["message_refused"]
    assert sent_types(world, process_id) == ["0501", "0505", "0503"]
    assert [r.code for r in archive.step()] == ["0507", "0506"]
    assert len(archive.received_of("0503")) == 1 and archive.errors == []
    assert content(world, *FOUR_STEP_PLAN) == {200}


# -- the import confirmation (0506) ------------------------------------------------------


def test_failed_import_keeps_the_akte_and_raises_an_alert(
    two_step: Service, clock: ShiftedClock
) -> None:
    world = build_world(two_step, clock, TWO_STEP_PLAN)
    archive = simulator(world)
    (process_id,) = world.post(f"{ARCHIVE}/offer")["processes"]
    archive.fail_objects = {xdomea_id(world, process_id, "bau")}

    assert [r.code for r in archive.step()] == ["0507", "0506"]
    assert poll(world) == [("0507", True), ("0506", True)]
    assert states(world, process_id) == {
        "satzung": "destroyed",
        "bau": "failed",
        "owi": "to_destroy",
    }
    assert content(world, "satzung") == {410}
    assert content(world, "bau", "owi") == {200}
    failed_alerts = [a for a in open_alerts(world) if a["process_id"] == process_id]
    assert {a["kind"] for a in failed_alerts} == {"import_failed"}
    bau_id = xdomea_id(world, process_id, "bau")
    assert any(bau_id in a["message"] for a in failed_alerts)
    detail = process_of(world, process_id)
    (certificate,) = detail["certificates"]
    assert certificate["reason"] == "transferred" and certificate["akten"] == 1
    assert certificate["documents"] == len(world.documents["satzung"])

    # The failed Akte left the process: writable and due again, to be offered anew.
    assert world.akten["bau"]["aktenzeichen"] in due_numbers(world)
    approved = world.post(f"{ARCHIVE}/processes/{process_id}/approve")
    assert approved["status"] == "completed"
    assert content(world, "owi") == {410}
    assert content(world, "bau") == {200}
    again = world.post(f"{ARCHIVE}/offer")
    assert again["offered"] == [world.akten["bau"]["aktenzeichen"]]
    assert [r.code for r in archive.step()] == ["0507", "0506"]
    assert archive.errors == []
    archived = {f.object_id for f in archive.archived_files.values() if f.imported}
    transferred_twice = [
        name for name, f in archive.archived_files.items() if f.process_id != process_id
    ]
    assert len(transferred_twice) == len(world.documents["bau"])
    assert archived  # the second attempt went through
    # One alert for the failed Akte, not one per Vorgang and document in it (an Akte of
    # 300 documents would flood the records manager's list with 302).
    assert len(failed_alerts) == 1, [a["message"] for a in failed_alerts]


def test_missing_import_confirmation_deletes_nothing_and_alerts_when_overdue(
    two_step: Service, clock: ShiftedClock
) -> None:
    world = build_world(two_step, clock, TWO_STEP_PLAN)
    archive = simulator(world, hold_import_confirmation=True)
    (process_id,) = world.post(f"{ARCHIVE}/offer")["processes"]
    assert [r.code for r in archive.step()] == ["0507"]
    assert poll(world) == [("0507", True)]
    assert process_of(world, process_id)["status"] == "transfer_received"
    assert content(world, "satzung", "bau") == {200}
    assert open_alerts(world) == []

    timeout = two_step.container.settings.archive.import_timeout_days
    clock.advance(timedelta(days=timeout - 1))
    poll(world)
    assert open_alerts(world) == []
    clock.advance(timedelta(days=2))
    poll(world)
    assert alert_kinds(world, process_id) == ["no_import_confirmation"]
    poll(world)  # one alert per cause, however often the job notices it
    assert alert_kinds(world, process_id) == ["no_import_confirmation"]
    assert content(world, "satzung", "bau") == {200}

    assert [r.code for r in archive.release()] == ["0506"]
    assert poll(world) == [("0506", True)]
    assert content(world, "satzung", "bau") == {410}
    assert content(world, "owi") == {200}  # waits for its approval
    # The 0506 came: the overdue alert is resolved, and stays resolved while the V Akte
    # of the same process waits for its approval.
    assert alert_kinds(world, process_id) == []


def test_transfer_receipt_alone_never_deletes(four_step: Service, clock: ShiftedClock) -> None:
    world = build_world(four_step, clock, FOUR_STEP_PLAN)
    archive = simulator(world, appraise=by_proposal, hold_import_confirmation=True)
    (process_id,) = world.post(f"{ARCHIVE}/offer")["processes"]
    archive.step()
    poll(world)
    assert [r.code for r in archive.step()] == ["0507"]
    assert poll(world) == [("0507", True)]
    # Approving the V list destroys the V Akte only; the A Akten wait for the 0506.
    approved = world.post(f"{ARCHIVE}/processes/{process_id}/approve")
    assert approved["status"] == "transfer_received"
    for _ in range(3):
        poll(world)
    assert states(world, process_id) == {
        "satzung": "transferred",
        "abfall": "transferred",
        "owi": "destroyed",
    }
    assert content(world, "satzung", "abfall") == {200}
    assert content(world, "owi") == {410}
    (certificate,) = process_of(world, process_id)["certificates"]
    assert certificate["reason"] == "archive_appraised_v"


# -- cancelling, holds ------------------------------------------------------------------


def test_cancelled_process_destroys_nothing_and_refuses_later_replies(
    four_step: Service, clock: ShiftedClock
) -> None:
    world = build_world(four_step, clock, FOUR_STEP_PLAN)
    archive = simulator(world, appraise=by_proposal)
    (process_id,) = world.post(f"{ARCHIVE}/offer")["processes"]
    archive.step()
    assert poll(world) == [("0504", True), ("0502", True)]
    assert sent_types(world, process_id) == ["0501", "0505", "0503"]

    cancelled = world.post(
        f"{ARCHIVE}/processes/{process_id}/cancel", json={"reason": "Archiv bittet um Aufschub"}
    )
    assert cancelled["status"] == "cancelled"
    assert set(states(world, process_id).values()) == {"kept"}
    reopened = four_step.client.post(
        f"/api/v1/akten/{world.akten['owi']['id']}/reopen", headers=world.headers()
    )
    assert reopened.status_code == 200, reopened.text
    assert world.post(f"{ARCHIVE}/processes/{process_id}/approve", expect=409)

    assert [r.code for r in archive.step()] == ["0507", "0506"]
    assert poll(world) == [("0507", False), ("0506", False)]
    assert alert_kinds(world, process_id) == ["message_refused", "message_refused"]
    assert content(world, *FOUR_STEP_PLAN) == {200}
    assert process_of(world, process_id)["certificates"] == []
    # Released: the closed ones are due again (the reopened one is open now).
    due = due_numbers(world)
    assert {world.akten[n]["aktenzeichen"] for n in ("satzung", "abfall")} <= due
    assert world.akten["owi"]["aktenzeichen"] not in due


def test_legal_hold_during_transfer_stops_the_deletion(
    two_step: Service, clock: ShiftedClock
) -> None:
    world = build_world(two_step, clock, TWO_STEP_PLAN)
    archive = simulator(world)
    (process_id,) = world.post(f"{ARCHIVE}/offer")["processes"]
    held = two_step.client.put(
        f"/api/v1/akten/{world.akten['bau']['id']}/legal-hold",
        json={"active": True, "reason": "Klage vor dem Verwaltungsgericht"},
        headers=world.headers(),
    )
    assert held.status_code == 200, held.text
    assert held.json()["legal_hold"] is True

    assert [r.code for r in archive.step()] == ["0507", "0506"]
    assert poll(world) == [("0507", True), ("0506", True)]
    assert content(world, "satzung") == {410}
    assert content(world, "bau") == {200}
    assert states(world, process_id)["bau"] != "destroyed"
    (certificate,) = process_of(world, process_id)["certificates"]
    assert certificate["akten"] == 1
    assert certificate["documents"] == len(world.documents["satzung"])
    poll(world)  # the job tries again; the hold still stops it
    assert content(world, "bau") == {200}
    assert len(process_of(world, process_id)["certificates"]) == 1
    detail = process_of(world, process_id)
    assert detail["status"] == "transfer_received"  # the held Akte still waits in it
    assert states(world, process_id)["bau"] == "archived"
    refused = [a for a in detail["alerts"] if a["kind"] == "destruction_refused"]
    assert refused and all(
        world.akten["bau"]["aktenzeichen"] in a["message"] and "legal hold" in a["message"]
        for a in refused
    )

    # The hold ends: the archive confirmed the import, so the Akte goes now.
    released = two_step.client.put(
        f"/api/v1/akten/{world.akten['bau']['id']}/legal-hold",
        json={"active": False, "reason": "Verfahren abgeschlossen"},
        headers=world.headers(),
    )
    assert released.status_code == 200, released.text
    poll(world)
    assert content(world, "bau") == {410}
    assert states(world, process_id)["bau"] == "destroyed"
    approved = world.post(f"{ARCHIVE}/processes/{process_id}/approve")
    assert approved["status"] == "completed"
    # No open alert says any more that a document "stays" which is destroyed now.
    assert alert_kinds(world, process_id) == []


# -- kill -9 of ``eakte archive`` ---------------------------------------------------------


@pytest.fixture
def legacy(tmp_path: Path) -> Iterator[tuple[Path, Service]]:
    data_dir = tmp_path / "data"
    for service in crash_service(data_dir):
        yield data_dir, service


def document_items(service: Service, names: list[str], world: ArchiveWorld) -> dict[str, str]:
    """xdomea id -> document id of every document of the named Akten in a process."""
    wanted = {document_id for name in names for document_id in world.documents[name]}
    with unit_of_work(service.container.session_factory, write=False) as session:
        rows = session.execute(
            select(ArchiveProcessItem.xdomea_id, ArchiveProcessItem.document_id).where(
                ArchiveProcessItem.kind == ItemKind.DOCUMENT
            )
        ).all()
    return {xid: document_id for xid, document_id in rows if document_id in wanted}


def tombstones(service: Service) -> Counter[str]:
    with unit_of_work(service.container.session_factory, write=False) as session:
        return Counter(session.scalars(select(DocumentTombstone.document_id)).all())


def out_messages(service: Service, message_type: str) -> int:
    with unit_of_work(service.container.session_factory, write=False) as session:
        return len(
            session.scalars(
                select(ArchiveMessage.id).where(
                    ArchiveMessage.direction == "out", ArchiveMessage.message_type == message_type
                )
            ).all()
        )


def message_like_files(transfer_dir: Path) -> list[Path]:
    """Every file anywhere below the transfer directory that x-man would take as a message."""
    return sorted(p for p in transfer_dir.rglob("*") if p.is_file() and xman_would_read(p.name))


def test_kill_while_writing_the_transfer_leaves_one_complete_0503(
    legacy: tuple[Path, Service],
) -> None:
    data_dir, service = legacy
    world = legacy_world(
        service, {"satzung": ("111.02.03", 100, 512 * 1024), "owi": ("573.01", 2, 100)}
    )
    staging = world.transfer_dir / STAGING

    def half_written() -> bool:
        partial = [p for p in staging.glob("*.partial")] if staging.is_dir() else []
        return any(p.stat().st_size > 16 * 1024 * 1024 for p in partial)

    kill_archive_when(data_dir, ["offer", "--json"], half_written)
    assert list(staging.glob("*.partial"))  # killed with the zip half written
    assert message_like_files(world.transfer_dir) == []
    assert out_messages(service, "0503") == 0

    rerun = eakte_archive(data_dir, "poll", "--json")
    assert rerun.returncode == 0, rerun.stderr
    (transfer,) = message_like_files(world.transfer_dir)
    assert transfer.parent == world.transfer_dir
    assert transfer.name.endswith("_Aussonderung.Aussonderung.0503.zip")
    assert [p.name for p in staging.iterdir()] == []  # the half-written zip is gone
    assert out_messages(service, "0503") == 1

    archive = simulator(world)
    assert [r.code for r in archive.step()] == ["0507", "0506"]
    assert archive.errors == [] and archive.unknown_files <= {STAGING}
    (received,) = archive.received_of("0503")
    assert received.accepted  # schema-valid 3.1.0, record set complete, files present
    expected = document_items(service, ["satzung"], world)
    sent = Counter(f.object_id for f in archive.archived_files.values())
    assert sent == Counter(list(expected))  # every document once, none of the V Akte
    with unit_of_work(service.container.session_factory, write=False) as session:
        recorded = session.scalars(select(ArchiveTransferFile.file_name)).all()
    assert sorted(recorded) == sorted(archive.archived_files)
    assert tombstones(service) == Counter()
    assert content(world, "satzung", "owi") == {200}


def test_kill_while_destroying_after_the_0506_destroys_each_document_once(
    legacy: tuple[Path, Service],
) -> None:
    data_dir, service = legacy
    world = legacy_world(
        service,
        {
            "satzung": ("111.02.03", 120, 2000),
            "bau": ("111.02.03", 120, 2000),
            "kaputt": ("111.02.03", 4, 2000),
            "owi": ("573.01", 4, 100),
        },
    )
    offered = eakte_archive(data_dir, "offer", "--json")
    assert offered.returncode == 0, offered.stderr
    (process_id,) = json.loads(offered.stdout)["processes"]
    archive = simulator(world, fail_objects={xdomea_id(world, process_id, "kaputt")})
    replies = archive.step()
    assert [r.code for r in replies] == ["0507", "0506"]
    confirmation = replies[1].path
    vanished: list[float] = []

    def deleting() -> bool:
        """The 0506 was recorded (its file taken away) and the deletion runs for a while."""
        if confirmation.exists():
            return False
        vanished.append(time.monotonic())
        return vanished[-1] - vanished[0] >= 0.4

    kill_archive_when(data_dir, ["poll", "--json"], deleting)
    # Killed between the recorded 0506 and the end of the deletion run.
    assert tombstones(service) == Counter()
    assert incoming_rows(world, process_id, "0506") == 1

    rerun = eakte_archive(data_dir, "poll", "--json")
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["messages"] == []  # the 0506 is not read again
    confirmed = set(world.documents["satzung"] + world.documents["bau"])
    destroyed = tombstones(service)
    assert set(destroyed) == confirmed and set(destroyed.values()) == {1}
    assert incoming_rows(world, process_id, "0506") == 1
    assert content(world, "satzung", "bau") == {410}
    assert content(world, "kaputt", "owi") == {200}  # failed import; V awaits approval
    assert states(world, process_id) == {
        "satzung": "destroyed",
        "bau": "destroyed",
        "kaputt": "failed",
        "owi": "to_destroy",
    }

    certified: list[str] = []
    for certificate in world.get(f"{ARCHIVE}/certificates?limit=500")["items"]:
        raw = service.client.get(certificate["json_url"], headers=world.headers())
        assert raw.status_code == 200, raw.text
        for akte in json.loads(raw.content)["akten"]:
            certified.extend(d["document_id"] for d in akte["documents"])
    assert sorted(certified) == sorted(confirmed)
