"""Privacy reports for data-protection officers: access report and Art. 15 disclosure."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from services.audit.trail import record_event
from services.bootstrap import build_container, prepare
from services.db.models import AuditEvent, Document
from services.db.session import unit_of_work
from services.ports import IndexableDocument
from services.settings import Settings
from tests.fixtures.app import Service, make_settings
from tests.fixtures.clock import ShiftedClock
from tests.fixtures.records import insert_document
from tests.fixtures.server import REPO, eakte_env

AMIRA = "El-Sayed, Amira, 12.09.1991"
AMIRA_REF = hashlib.sha256(b"person:el sayed|amira|1991-09-12").hexdigest()
DEMIR = "Demir, Yusuf, 01.02.1990"
SECRET_WORD = "Zitronenfalter"
"""Only in the letters' text: a report that shows it leaks content."""


@dataclass
class World:
    service: Service
    clock: ShiftedClock
    dpo: str
    worker: str
    worker_actor: str
    mailroom_actor: str
    mailroom: str

    def get(self, path: str, key: str, **params: Any) -> Any:
        return self.service.client.get(path, params=params, headers=self.service.headers(key))

    def step(self) -> datetime:
        """Move the clock on by an hour; the time just before the next action."""
        self.clock.advance(timedelta(hours=1))
        return self.clock.now()


def start_world(settings: Settings) -> Iterator[World]:
    clock = ShiftedClock()
    container = build_container(settings, clock=clock)
    admin = prepare(container, migrate=True)
    assert admin is not None
    app = create_app(container, run_workers=False)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {admin.secret}"
        service = Service(container=container, client=client, admin_key=admin.secret)
        dpo, _ = create_key(service, "Dora Datenschutz", "data_protection", None)
        worker, worker_id = create_key(service, "Anna Berg", "caseworker", "32.3", "002")
        mailroom, mailroom_id = create_key(service, "Poststelle", "mailroom", "POST")
        yield World(
            service=service,
            clock=clock,
            dpo=dpo,
            worker=worker,
            worker_actor=f"key:{worker_id} (Anna Berg)",
            mailroom=mailroom,
            mailroom_actor=f"key:{mailroom_id} (Poststelle)",
        )
    container.close()


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    yield from start_world(settings)


def create_key(
    service: Service, name: str, role: str, unit: str | None, clearance: str | None = None
) -> tuple[str, str]:
    body = {"name": name, "role": role, "org_unit": unit, "clearance": clearance}
    response = service.client.post("/api/v1/keys", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["key"]), str(response.json()["id"])


def open_akte(service: Service, code: str, title: str, *persons: str) -> dict[str, Any]:
    keys = [{"kind": "person", "value": p} for p in persons]
    response = service.client.post(
        "/api/v1/akten", json={"code": code, "title": title, "subject_keys": keys}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def letter(service: Service, text: str) -> str:
    """An unfiled, searchable document whose text is ``text``."""
    document_id = insert_document(service.container, text)
    with unit_of_work(service.container.session_factory) as session:
        service.container.search.index_document(
            session, IndexableDocument(document_id, "Brief", "", [text])
        )
    return document_id


def file_into(service: Service, document_id: str, akte: dict[str, Any]) -> None:
    response = service.client.put(
        f"/api/v1/documents/{document_id}/filing",
        json={"akte_id": akte["id"], "reason": "Bezug zur Akte"},
    )
    assert response.status_code == 200, response.text


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def privacy_events(service: Service) -> list[AuditEvent]:
    with service.container.session_factory() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.like("privacy.%"))
                .order_by(AuditEvent.seq)
            )
        )


def test_access_report_lists_exactly_the_reads_of_the_persons_files(world: World) -> None:
    check_access_report(world)


@pytest.mark.postgres
def test_access_report_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    """The same on PostgreSQL (JSON lookups of filing events).

    The snippet reads are recorded as GET /search records them: PostgreSQL search with a
    visibility filter fails today (services/search/scoping.py embeds psycopg's
    ``:name::VARCHAR`` casts in text(), which does not take them for parameters).
    """
    settings = make_settings(
        tmp_path / "data", database_url=postgres_url, search_backend="postgres"
    )
    with contextmanager(start_world)(settings) as world:
        check_access_report(world, search=False)


def check_access_report(world: World, *, search: bool = True) -> None:
    service, client = world.service, world.service.client
    akte = open_akte(service, "122.04", "El-Sayed, Amira", AMIRA)
    other = open_akte(service, "122.04", "Demir, Yusuf", DEMIR)
    antrag = letter(service, f"Antrag auf Aufenthaltserlaubnis {SECRET_WORD} El-Sayed")
    misfiled = letter(service, f"Widerspruch Demir {SECRET_WORD}")
    foreign = letter(service, f"Aufenthaltserlaubnis Demir {SECRET_WORD}")
    file_into(service, foreign, other)

    expected: list[tuple[datetime, str, str, str, str]] = []  # time, actor, action, doc, Akte
    before = world.step()  # the mail room reads the letter before anyone filed it
    ok(world.get(f"/api/v1/documents/{antrag}/text", world.mailroom))
    expected.append((before, world.mailroom_actor, "text.read", antrag, akte["aktenzeichen"]))
    file_into(service, antrag, akte)
    before = world.step()
    ok(world.get(f"/api/v1/documents/{antrag}/content", world.worker))
    expected.append((before, world.worker_actor, "content.read", antrag, akte["aktenzeichen"]))
    before = world.step()
    ok(world.get(f"/api/v1/documents/{antrag}/text", world.worker, page=1))
    expected.append((before, world.worker_actor, "text.read", antrag, akte["aktenzeichen"]))
    before = world.step()
    if search:
        hits = ok(world.get("/api/v1/search", world.worker, q="Aufenthaltserlaubnis")).json()
        assert {h["document_id"] for h in hits["hits"]} == {antrag, foreign}
    else:  # what GET /search records for its hits
        with unit_of_work(service.container.session_factory) as session:
            for rank, hit in enumerate((antrag, foreign), start=1):
                record_event(
                    session,
                    actor=world.worker_actor,
                    action="snippet.read",
                    object_type="document",
                    object_id=hit,
                    details={"query": "Aufenthaltserlaubnis", "rank": rank},
                    clock=world.clock,
                )
    expected.append((before, world.worker_actor, "snippet.read", antrag, akte["aktenzeichen"]))
    file_into(service, misfiled, akte)  # by mistake: read while in her Akte, then moved on
    before = world.step()
    ok(world.get(f"/api/v1/documents/{misfiled}/text", world.worker))
    expected.append((before, world.worker_actor, "text.read", misfiled, akte["aktenzeichen"]))
    file_into(service, misfiled, other)
    world.step()
    ok(world.get(f"/api/v1/documents/{misfiled}/text", world.worker))  # Demir's business now
    ok(world.get(f"/api/v1/documents/{foreign}/content", world.worker))

    response = ok(world.get("/api/v1/privacy/access-report", world.dpo, subject=f"person:{AMIRA}"))
    assert response.headers["cache-control"] == "no-store"
    report = response.json()
    assert SECRET_WORD not in response.text
    assert report["subject"] == {"kind": "person", "display": AMIRA, "ref": AMIRA_REF}
    assert [a["aktenzeichen"] for a in report["akten"]] == [akte["aktenzeichen"]]
    assert report["total"] == len(expected) and not report["truncated"]
    events = report["events"]
    expected.reverse()  # newest first
    assert [(e["actor"]["raw"], e["action"], e["object"]["id"]) for e in events] == [
        (actor, action, doc) for _, actor, action, doc, _ in expected
    ]
    for event, (before, *_, aktenzeichen) in zip(events, expected, strict=True):
        read_at = datetime.fromisoformat(event["occurred_at"])
        assert before <= read_at < before + timedelta(minutes=5), event
        assert event["aktenzeichen"] == aktenzeichen
        assert event["document_title"] == "Brief"
        assert event["object"]["type"] == "document"
    assert events[-1]["actor"] == {
        "raw": world.mailroom_actor,
        "kind": "key",
        "id": world.mailroom_actor.split(":")[1].split(" ")[0],
        "name": "Poststelle",
    }
    snippet = next(e for e in events if e["action"] == "snippet.read")
    assert snippet["details"] == {
        "query": "Aufenthaltserlaubnis",
        "rank": snippet["details"]["rank"],
    }
    assert "Suchtreffer" in snippet["description"]
    content = next(e for e in events if e["action"] == "content.read")
    assert content["details"] == {"version": 1, "part": "content"}
    assert content["description"] == "Inhalt gelesen (Original, Version 1)"

    third = expected[2][0]  # the page-1 text read, oldest first: mail room, content, page 1
    assert expected[2][2] == "text.read" and expected[2][1] == world.worker_actor
    later = ok(
        world.get(
            "/api/v1/privacy/access-report", world.dpo, subject=AMIRA, since=third.isoformat()
        )
    ).json()
    assert [e["action"] for e in later["events"]] == ["text.read", "snippet.read", "text.read"]
    earlier = ok(
        world.get(
            "/api/v1/privacy/access-report",
            world.dpo,
            kind="person",
            value=AMIRA,
            until=third.isoformat(),
        )
    ).json()
    assert [e["action"] for e in earlier["events"]] == ["content.read", "text.read"]
    assert earlier["events"][-1]["actor"]["raw"] == world.mailroom_actor
    short = ok(world.get("/api/v1/privacy/access-report", world.dpo, subject=AMIRA, limit=2))
    assert short.json()["total"] == 5 and short.json()["truncated"]
    assert len(short.json()["events"]) == 2
    posted = client.post(
        "/api/v1/privacy/access-report",
        json={"subject": f"person:{AMIRA}"},
        headers=service.headers(world.dpo),
    )
    assert ok(posted).json()["events"] == events

    pdf = ok(world.get("/api/v1/privacy/access-report", world.dpo, subject=AMIRA, format="pdf"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "Zugriffe" in text and "Anna Berg" in text and "Poststelle" in text
    assert akte["aktenzeichen"] in text and SECRET_WORD not in text

    for bad in ({"subject": "El-Sayed, Amira"}, {"subject": "mayor:x"}, {}):
        refused = world.get("/api/v1/privacy/access-report", world.dpo, **bad)
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
    naive = world.get(
        "/api/v1/privacy/access-report", world.dpo, subject=AMIRA, since="2026-01-01T00:00:00"
    )
    assert naive.status_code == 422

    # The reports themselves are audited, naming the subject by its hash only.
    audited = privacy_events(service)
    assert len(audited) == 6  # full, since, until, limit, POST, PDF (not the refused ones)
    for event in audited:
        assert (event.action, event.object_type, event.object_id) == (
            "privacy.access_report",
            "subject",
            AMIRA_REF,
        )
        assert event.actor.endswith("(Dora Datenschutz)")
        stored = json.dumps([event.actor, event.object_id, event.details], ensure_ascii=False)
        for clear in ("El-Sayed", "Amira", "1991", "el sayed"):
            assert clear not in stored
    assert audited[0].details["akten"] == [akte["id"]] and audited[0].details["reads"] == 5
    assert audited[-1].details["format"] == "pdf"
    trail = ok(world.get("/api/v1/audit", world.dpo, object=f"subject:{AMIRA_REF}")).json()
    assert trail["total"] == 6


def test_only_data_protection_gets_reports_and_it_reads_no_content(world: World) -> None:
    service = world.service
    akte = open_akte(service, "122.04", "El-Sayed, Amira", AMIRA)
    antrag = letter(service, f"Antrag {SECRET_WORD}")
    file_into(service, antrag, akte)
    for path in ("/api/v1/privacy/access-report", "/api/v1/privacy/disclosure"):
        assert world.get(path, world.worker, subject=AMIRA).status_code == 403
        posted = service.client.post(
            path, json={"subject": AMIRA}, headers=service.headers(world.worker)
        )
        assert posted.status_code == 403
        assert world.get(path, world.dpo, subject=AMIRA).status_code == 200
    # The built-in role may not read documents at all.
    for part in ("/content", "/rendition", "/text", ""):
        refused = world.get(f"/api/v1/documents/{antrag}{part}", world.dpo)
        assert refused.status_code == 403, (part, refused.text)
    assert world.get("/api/v1/search", world.dpo, q=SECRET_WORD).status_code == 403
    assert len(privacy_events(service)) == 2
    assert not any("Dora Datenschutz" in actor for actor in read_actors(service))


def test_a_data_protection_role_with_document_rights_still_sees_no_content(
    tmp_path: Path,
) -> None:
    roles = {
        "data_protection": {
            "permissions": ["read_audit", "privacy_reports", "read_documents", "search"],
            "reach": "all",
            "reads_content": False,
        }
    }
    settings = make_settings(tmp_path / "data", access={"roles": roles})
    with contextmanager(start_world)(settings) as world:
        service = world.service
        akte = open_akte(service, "122.04", "El-Sayed, Amira", AMIRA)
        antrag = letter(service, f"Antrag {SECRET_WORD}")
        file_into(service, antrag, akte)
        for part in ("/content", "/rendition", "/text", ""):
            hidden = world.get(f"/api/v1/documents/{antrag}{part}", world.dpo)
            assert hidden.status_code == 404, (part, hidden.text)
            assert SECRET_WORD not in hidden.text
        found = ok(world.get("/api/v1/search", world.dpo, q=SECRET_WORD)).json()
        assert found["total"] == 0 and found["hits"] == []
        assert ok(world.get(f"/api/v1/documents/{antrag}/text", world.worker)).text
        assert not any("Dora Datenschutz" in actor for actor in read_actors(service))
        report = ok(world.get("/api/v1/privacy/access-report", world.dpo, subject=AMIRA)).json()
        assert [e["actor"]["name"] for e in report["events"]] == ["Anna Berg"]


def read_actors(service: Service) -> list[str]:
    with service.container.session_factory() as session:
        return list(
            session.scalars(select(AuditEvent.actor).where(AuditEvent.action.like("%.read")))
        )


def test_disclosure_lists_akten_with_purpose_retention_recipients_and_documents(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    service, client = world.service, world.service.client
    family = open_akte(service, "122.04", "El-Sayed, Amira", AMIRA, "El-Sayed, Karim, 01.01.2015")
    citizenship = open_akte(service, "122.05", "Einbürgerung El-Sayed", AMIRA)
    fine = open_akte(service, "122.06", "Bußgeld El-Sayed", AMIRA)
    other = open_akte(service, "122.04", "Demir, Yusuf", DEMIR)
    antrag = letter(service, f"Antrag {SECRET_WORD}")
    file_into(service, antrag, family)
    bescheid = letter(service, f"Bußgeldbescheid {SECRET_WORD}")
    file_into(service, bescheid, fine)
    file_into(service, letter(service, "Demir"), other)
    ok(client.post(f"/api/v1/akten/{fine['id']}/close"))
    shared = client.post(
        f"/api/v1/akten/{family['id']}/shares",
        json={"grantee_kind": "unit", "grantee": "32", "reason": "Amtshilfe"},
    )
    assert shared.status_code == 201, shared.text
    end = date(world.clock.now().year + 5, 12, 31)

    response = ok(world.get("/api/v1/privacy/disclosure", world.dpo, subject=f"person:{AMIRA}"))
    assert SECRET_WORD not in response.text and "Karim" not in response.text
    body = response.json()
    assert body["subject"]["ref"] == AMIRA_REF
    akten = {a["aktenzeichen"]: a for a in body["akten"]}
    assert set(akten) == {family["aktenzeichen"], citizenship["aktenzeichen"], fine["aktenzeichen"]}
    first = akten[family["aktenzeichen"]]
    assert first["purpose"] == {
        "code": "122.04",
        "title": "Ausländerangelegenheiten",
        "path": ["Sicherheit und Ordnung", "Ordnungsangelegenheiten", "Ausländerangelegenheiten"],
    }
    assert first["org_unit"] == "32.3" and first["org_unit_name"]
    assert first["status"] == "open" and first["closed_at"] is None
    assert first["retention"] == {"until": None, "text": "unbekannt (Akte offen)"}
    assert "Wegzug" in first["retention_rule"]
    assert [(r["kind"], r["id"], r["access"]) for r in first["recipients"]] == [
        ("unit", "32", "read")
    ]
    assert first["recipients"][0]["name"] and first["recipients"][0]["revoked_at"] is None
    [document] = first["documents"]
    assert document["id"] == antrag and document["title"] == "Brief"
    assert document["received_at"] and document["filed_at"]
    assert document["retention"] == first["retention"]
    assert akten[citizenship["aktenzeichen"]]["retention"] == {"until": None, "text": "dauernd"}
    assert akten[citizenship["aktenzeichen"]]["documents"] == []
    closed = akten[fine["aktenzeichen"]]
    assert closed["status"] == "closed" and closed["closed_at"]
    assert closed["retention"] == {"until": end.isoformat(), "text": end.strftime("%d.%m.%Y")}
    assert closed["documents"][0]["retention"]["until"] == end.isoformat()

    pdf = ok(world.get("/api/v1/privacy/disclosure", world.dpo, subject=AMIRA, format="pdf"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    for expected in (
        "Auskunft nach Art. 15 DSGVO",
        AMIRA,
        family["aktenzeichen"],
        fine["aktenzeichen"],
        "Ausländerangelegenheiten",
        "unbekannt (Akte offen)",
        "dauernd",
        end.strftime("%d.%m.%Y"),
        "Art. 77",
    ):
        assert expected in text, expected
    assert SECRET_WORD not in text and "Karim" not in text

    nobody = ok(
        world.get("/api/v1/privacy/disclosure", world.dpo, subject="Niemand, Nora, 01.01.1950")
    )
    assert nobody.json()["akten"] == []
    empty = ok(
        world.get(
            "/api/v1/privacy/disclosure",
            world.dpo,
            subject="Niemand, Nora, 01.01.1950",
            format="pdf",
        )
    )
    assert "keine Akten" in pdf_text(empty.content)

    audited = [e for e in privacy_events(service) if e.object_id == AMIRA_REF]
    assert [(e.action, e.details["format"]) for e in audited] == [
        ("privacy.disclosure", "json"),
        ("privacy.disclosure", "pdf"),
    ]
    assert audited[0].details["documents"] == 2
    assert sorted(audited[0].details["akten"]) == sorted(
        [family["id"], citizenship["id"], fine["id"]]
    )

    # The console on the data directory: the same reports, audited as cli:<user>.
    out = tmp_path / "auskunft.pdf"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "privacy",
            "disclosure",
            "-",
            "--format",
            "pdf",
            "-o",
            str(out),
        ],
        input=f"person:{AMIRA}\n",
        env=eakte_env(settings.data_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert family["aktenzeichen"] in pdf_text(out.read_bytes())
    listed = subprocess.run(
        [sys.executable, "-m", "api.cli", "privacy", "access-report", AMIRA],
        env=eakte_env(settings.data_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["subject"]["ref"] == AMIRA_REF
    cli = [e for e in privacy_events(service) if e.actor.startswith("cli:")]
    assert [e.action for e in cli] == ["privacy.disclosure", "privacy.access_report"]
    assert all(e.object_id == AMIRA_REF for e in cli)
    refused = subprocess.run(
        [sys.executable, "-m", "api.cli", "privacy", "disclosure", "El-Sayed"],
        env=eakte_env(settings.data_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode == 1 and "family name, given names, birth date" in refused.stderr
    with service.container.session_factory() as session:
        assert session.get(Document, antrag) is not None
