"""``GET /api/v1/audit`` and ``eakte audit verify|anchor``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.audit.trail import record_event
from services.bootstrap import build_container, prepare
from services.db.session import unit_of_work
from services.settings import Settings
from tests.fixtures.app import Service, make_settings
from tests.fixtures.server import REPO, eakte_env


class StepClock:
    def __init__(self) -> None:
        self.current = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.current += timedelta(minutes=1)
        return self.current


def create_key(service: Service, role: str, org_unit: str | None = None) -> str:
    response = service.client.post(
        "/api/v1/keys", json={"name": f"{role} key", "role": role, "org_unit": org_unit}
    )
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def add_events(service: Service) -> None:
    clock = StepClock()
    with unit_of_work(service.container.session_factory) as session:
        for object_id, action in [
            ("d1", "document.filed"),
            ("d2", "document.filed"),
            ("d1", "content.read"),
            ("d1:v2", "version.added"),
            ("d1", "legal_hold.set"),
        ]:
            record_event(
                session,
                actor="key:k1 (Anna)",
                action=action,
                object_type="document",
                object_id=object_id,
                details={"part": "content"},
                clock=clock,
            )


def test_records_managers_read_the_trail_stations_do_not(service_without_workers: Service) -> None:
    service = service_without_workers
    add_events(service)
    manager = service.headers(create_key(service, "records_manager"))
    station = service.headers(create_key(service, "station", "POST"))
    caseworker = service.headers(create_key(service, "caseworker", "32"))
    client = service.client
    assert client.get("/api/v1/audit", headers=station).status_code == 403
    own_view = client.get("/api/v1/audit?object=document:d1", headers=caseworker)
    assert own_view.status_code == 200 and own_view.json()["total"] == 0, "not their document"

    response = client.get("/api/v1/audit?object=document:d1", headers=manager)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == 3 and page["next_offset"] is None
    assert [e["action"] for e in page["items"]] == [
        "document.filed",
        "content.read",
        "legal_hold.set",
    ]
    event = page["items"][0]
    assert set(event) == {
        "seq",
        "occurred_at",
        "actor",
        "action",
        "object",
        "details",
        "prev_hash",
        "event_hash",
    }
    assert event["object"] == {"type": "document", "id": "d1"}
    assert event["actor"] == "key:k1 (Anna)" and event["details"] == {"part": "content"}
    assert len(event["event_hash"]) == 64 and len(event["prev_hash"]) == 64
    seqs = [e["seq"] for e in page["items"]]
    assert seqs == sorted(seqs)

    ids_with_colon = client.get("/api/v1/audit?object=document:d1:v2", headers=manager).json()
    assert [e["action"] for e in ids_with_colon["items"]] == ["version.added"]
    by_fields = client.get(
        "/api/v1/audit",
        params={"object_type": "document", "object_id": "d2"},
        headers=manager,
    ).json()
    assert by_fields["total"] == 1
    filed = client.get("/api/v1/audit?action=document.filed", headers=manager).json()
    assert {e["object"]["id"] for e in filed["items"]} == {"d1", "d2"}
    since = client.get(
        "/api/v1/audit",
        params={"since": "2030-01-01T08:03:00+00:00", "object_type": "document"},
        headers=manager,
    ).json()
    assert [e["action"] for e in since["items"]] == [
        "content.read",
        "version.added",
        "legal_hold.set",
    ]
    first_page = client.get("/api/v1/audit?object_type=document&limit=2", headers=manager).json()
    assert first_page["total"] == 5 and first_page["next_offset"] == 2
    assert len(first_page["items"]) == 2

    for bad in ("document", "document:", ":d1"):
        refused = client.get("/api/v1/audit", params={"object": bad}, headers=manager)
        assert refused.status_code == 422, bad
        assert refused.headers["content-type"] == "application/problem+json"
    naive = client.get("/api/v1/audit", params={"since": "2030-01-01T08:03:00"}, headers=manager)
    assert naive.status_code == 422


def eakte(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=eakte_env(data_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )


def database(data_dir: Path) -> sqlite3.Connection:
    url = Settings(data_dir=data_dir).effective_database_url
    return sqlite3.connect(url.removeprefix("sqlite:///"))


def installed(data_dir: Path) -> Path:
    """A new installation, as the first 'eakte serve' makes it (keys create needs one)."""
    container = build_container(make_settings(data_dir))
    prepare(container, migrate=True)
    container.close()
    return data_dir


def test_verify_exits_1_naming_the_first_tampered_event(tmp_path: Path) -> None:
    data = installed(tmp_path / "data")
    assert eakte(data, "keys", "create", "--name", "Anna", "--role", "caseworker").returncode == 0
    assert eakte(data, "keys", "create", "--name", "Ben", "--role", "caseworker").returncode == 0
    ok = eakte(data, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("audit trail OK: ") and " 0 anchors, head " in ok.stdout
    report = json.loads(eakte(data, "audit", "verify", "--json").stdout)
    assert report["ok"] and report["events"] >= 2
    target = report["events"]

    with database(data) as db:
        db.execute(
            "UPDATE audit_events SET details = json_set(details, '$.tampered', 1) WHERE seq = ?",
            (target,),
        )
    broken = eakte(data, "audit", "verify")
    assert broken.returncode == 1
    assert f"audit trail BROKEN at seq {target} (id " in broken.stderr
    assert "changed after it was written" in broken.stderr
    as_json = eakte(data, "audit", "verify", "--json")
    assert as_json.returncode == 1
    first = json.loads(as_json.stdout)["first_break"]
    assert (first["seq"], first["problem"]) == (target, "altered")


def test_anchor_then_truncate_is_caught(tmp_path: Path) -> None:
    data = installed(tmp_path / "data")
    for name in ("Anna", "Ben", "Cem"):
        created = eakte(data, "keys", "create", "--name", name, "--role", "caseworker")
        assert created.returncode == 0, created.stderr
    anchored = eakte(data, "audit", "anchor")
    assert anchored.returncode == 0, anchored.stderr
    assert anchored.stdout.startswith("anchored seq ")
    head = int(anchored.stdout.split()[2])
    again = eakte(data, "audit", "anchor")
    assert again.returncode == 0 and again.stdout.startswith("nothing to anchor")
    ok = eakte(data, "audit", "verify")
    assert ok.returncode == 0 and " 1 anchors, " in ok.stdout, ok.stdout + ok.stderr

    with database(data) as db:
        db.execute("DELETE FROM audit_anchors")
        db.execute("DELETE FROM audit_events WHERE seq >= ?", (head - 1,))
    broken = eakte(data, "audit", "verify")
    assert broken.returncode == 1
    assert f"audit trail BROKEN at seq {head - 1}: " in broken.stderr
    assert f"names seq {head}" in broken.stderr
