"""``eakte import``: legacy files with their true dates, resumable, every refusal reported.

Real components: the CLI on a data directory (SQLite, local store), the mail room's
checks, the ordinary record services; one case on PostgreSQL.  The xdomea case reads
x-man's 0503 example from ../shared/testdata/xdomea (see SOURCES.md there).
"""

from __future__ import annotations

import hashlib
import io
import json
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import img2pdf
import pytest
from PIL import Image
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from api.cli.main import app as cli
from file_plan import FilePlan
from services.access.scope import system_scope
from services.archive.xdomea.model import (
    AkteRecord,
    DocumentRecord,
    DocumentVersionRecord,
    Header,
    MessageType,
    Party,
    PrimaryFile,
    VorgangRecord,
)
from services.archive.xdomea.write_transfer import write_transfer
from services.bootstrap import Container, build_container, prepare
from services.db.models import (
    Akte,
    AkteSubjectKey,
    AuditEvent,
    Document,
    DocumentVersion,
    Job,
    LegacyImportEntry,
    Vorgang,
)
from services.db.session import unit_of_work
from services.legacy_import.run import ImportContext, run_import
from services.legacy_import.source import open_source
from services.records.file_plans import active_plan
from services.settings import Settings
from tests.fixtures.app import make_settings
from tests.fixtures.server import REPO, TESTDATA, eakte_env

XDOMEA = TESTDATA / "xdomea"
XMAN_0503 = (
    XDOMEA
    / "examples-x-man"
    / "9a75050f-323a-4e84-94c9-a889aa2b4fe8_Aussonderung.Aussonderung.0503.zip"
)
MEDIA_PDF = "application/pdf"
BUILDING_GONE = "Abgang des Gebäudes (Abbruch oder Veräußerung)"


def png(number: int) -> bytes:
    """A tiny greyscale scan whose bytes differ for every ``number``."""
    image = Image.new("L", (64, 64), 255)
    image.putpixel((number % 64, (number // 64) % 64), 0)
    image.putpixel((63, 63), number % 251)
    image.putpixel((62, 63), (number // 251) % 251)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(72, 72))
    return buffer.getvalue()


def pdf(number: int) -> bytes:
    data: bytes = img2pdf.convert(png(number + 100_000))
    return data


def three_akten(folder: Path) -> list[dict[str, Any]]:
    """Files for three Akten and their manifest entries (closing, event and open)."""
    scans = folder / "scans"
    scans.mkdir(parents=True)
    for name, data in {
        "v1.pdf": pdf(1),
        "v2.pdf": pdf(2),
        "note.png": png(3),
        "plan.pdf": pdf(4),
        "pass.png": png(5),
    }.items():
        (scans / name).write_bytes(data)
    return [
        {
            "id": "A1",
            "code": "111.02.01",
            "legacy_reference": "10/123/1998",
            "title": "Presse 1998",
            "subject_keys": ["other:Pressespiegel"],
            "opened_on": "1998-01-05",
            "closed_on": "1999-06-30",
            "vorgaenge": [
                {
                    "id": "V1",
                    "title": "Anfragen",
                    "opened_on": "1998-02-01",
                    "closed_on": "1998-12-31",
                    "documents": [
                        {
                            "id": "D1",
                            "versions": ["scans/v1.pdf", "scans/v2.pdf"],
                            "title": "Anfrage WAZ",
                            "letter_date": "1998-02-01",
                            "received_on": "1998-02-03",
                            "direction": "incoming",
                            "sender": "WAZ",
                        }
                    ],
                }
            ],
            "documents": [{"file": "scans/note.png", "title": "Notiz"}],
        },
        {
            "id": "A2",
            "code": "111.10",
            "legacy_reference": "65-4/1980",
            "title": "Altes Rathaus",
            "opened_on": "1980-03-01",
            "closed_on": "1990-01-01",
            "events": [{"event": BUILDING_GONE, "occurred_on": "2005-07-01"}],
            "documents": [{"file": "scans/plan.pdf", "title": "Lageplan"}],
        },
        {
            "id": "A3",
            "code": "122.04",
            "title": "Ausländerakte",
            "opened_on": "2001-04-02",
            "documents": [{"file": "scans/pass.png", "title": "Passkopie"}],
        },
    ]


def write_csv(folder: Path, akten: list[dict[str, Any]]) -> None:
    """The same Akten as ``manifest.csv``: one row per document."""
    header = [
        "akte_id",
        "code",
        "legacy_reference",
        "title",
        "subject_keys",
        "opened_on",
        "closed_on",
        "event",
        "event_on",
        "vorgang_id",
        "vorgang_title",
        "vorgang_opened_on",
        "vorgang_closed_on",
        "document_id",
        "file",
        "document_title",
        "letter_date",
        "received_on",
        "direction",
        "sender",
    ]
    rows = [";".join(header)]
    for akte in akten:
        event = (akte.get("events") or [{}])[0]
        base = {
            "akte_id": akte["id"],
            "code": akte["code"],
            "legacy_reference": akte.get("legacy_reference", ""),
            "title": akte["title"],
            "subject_keys": "|".join(akte.get("subject_keys", [])),
            "opened_on": akte["opened_on"],
            "closed_on": akte.get("closed_on", ""),
            "event": event.get("event", ""),
            "event_on": event.get("occurred_on", ""),
        }
        documents: list[tuple[dict[str, Any], dict[str, Any]]] = [
            ({}, d) for d in akte.get("documents", [])
        ]
        documents += [(v, d) for v in akte.get("vorgaenge", []) for d in v["documents"]]
        for vorgang, document in documents:
            row = dict(base)
            row.update(
                vorgang_id=vorgang.get("id", ""),
                vorgang_title=vorgang.get("title", ""),
                vorgang_opened_on=vorgang.get("opened_on", ""),
                vorgang_closed_on=vorgang.get("closed_on", ""),
                document_id=document.get("id", ""),
                file="|".join(document.get("versions", [])) or document.get("file", ""),
                document_title=document.get("title", ""),
                letter_date=document.get("letter_date", ""),
                received_on=document.get("received_on", ""),
                direction=document.get("direction", ""),
                sender=document.get("sender", ""),
            )
            rows.append(";".join(str(row.get(name, "")) for name in header))
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def write_json(folder: Path, akten: list[dict[str, Any]]) -> None:
    manifest = {"format": "eakte-legacy-import/1", "akten": akten}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "data"
    monkeypatch.setenv("EAKTE_DATA_DIR", str(directory))
    monkeypatch.setenv("EAKTE_ARCHIVE__SCHEMA_DIR", str(XDOMEA / "xsd"))
    return directory


def eakte_import(*args: str) -> tuple[Result, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["import", "--json", *args])
    assert result.exit_code in (0, 1), result.output
    return result, json.loads(result.stdout)


@pytest.fixture
def container(data_dir: Path) -> Iterator[Callable[[], Container]]:
    """Opens the data directory the CLI works on, for the checks after a run."""
    built: list[Container] = []

    def opened() -> Container:
        if not built:
            built.append(build_container(make_settings(data_dir)))
        return built[0]

    yield opened
    for made in built:
        made.close()


def count(container: Container, model: type[Any]) -> int:
    with unit_of_work(container.session_factory, write=False) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def plan_of(container: Container) -> FilePlan:
    with unit_of_work(container.session_factory, write=False) as session:
        return active_plan(session)


def akte_by_key(container: Container, key_suffix: str) -> Akte:
    with unit_of_work(container.session_factory, write=False) as session:
        entry = session.scalars(
            select(LegacyImportEntry).where(LegacyImportEntry.source_key.endswith(key_suffix))
        ).one()
        akte = session.get(Akte, entry.object_id)
        assert akte is not None
        return akte


@pytest.mark.parametrize("manifest", ["json", "csv"])
def test_manifest_imports_three_akten_with_their_true_dates(
    tmp_path: Path, data_dir: Path, container: Callable[[], Container], manifest: str
) -> None:
    folder = tmp_path / "legacy"
    akten = three_akten(folder)
    (write_json if manifest == "json" else write_csv)(folder, akten)

    result, report = eakte_import(str(folder))
    assert result.exit_code == 0, result.output
    assert report["created"] == {"akten": 3, "vorgaenge": 1, "documents": 4}
    assert report["refused"] == []
    opened = container()
    plan = plan_of(opened)

    presse = akte_by_key(opened, "#akte:A1")
    assert presse.aktenzeichen == "111.02.01-1/1998"  # the year follows the opening day
    assert (presse.opened_at.date(), presse.status) == (date(1998, 1, 5), "closed")
    assert presse.closed_at is not None and presse.closed_at.date() == date(1999, 6, 30)
    retention = plan.effective_retention("111.02.01")
    assert retention is not None
    assert presse.retention_until == retention.end_date(date(1999, 6, 30)) == date(2009, 12, 31)
    rathaus = akte_by_key(opened, "#akte:A2")
    assert rathaus.aktenzeichen == "111.10-1/1980" and rathaus.status == "closed"
    event_retention = plan.effective_retention("111.10")
    assert event_retention is not None
    assert rathaus.retention_until == event_retention.end_date(date(2005, 7, 1))
    auslaender = akte_by_key(opened, "#akte:A3")
    assert auslaender.status == "open" and auslaender.opened_at.date() == date(2001, 4, 2)

    with unit_of_work(opened.session_factory, write=False) as session:
        keys = session.scalars(
            select(AkteSubjectKey.akte_id).where(
                AkteSubjectKey.kind == "legacy_reference", AkteSubjectKey.value == "10/123/1998"
            )
        ).all()
        assert keys == [presse.id]
        vorgang = session.scalars(select(Vorgang).where(Vorgang.akte_id == presse.id)).one()
        assert vorgang.opened_at.date() == date(1998, 2, 1)
        assert vorgang.closed_at is not None and vorgang.closed_at.date() == date(1998, 12, 31)
        letter = session.scalars(select(Document).where(Document.title == "Anfrage WAZ")).one()
        assert (letter.akte_id, letter.vorgang_id) == (presse.id, vorgang.id)
        assert (letter.letter_date, letter.received_on) == (date(1998, 2, 1), date(1998, 2, 3))
        assert (letter.direction, letter.sender, letter.filing_status) == (
            "incoming",
            "WAZ",
            "filed",
        )
        assert letter.current_version == 2
        assert letter.item.received_at.date() == date(1998, 2, 3)
        assert len(session.scalars(select(DocumentVersion)).all()) == 5
        jobs = session.scalars(select(Job).where(Job.kind == "render_version")).all()
        assert len(jobs) == 5 and {job.status for job in jobs} == {"queued"}
        actions = {
            action
            for action in session.scalars(
                select(AuditEvent.action).where(AuditEvent.object_id == presse.id)
            )
        }
        assert {"akte.created", "akte.imported", "akte.closed"} <= actions
        imported = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "document.imported", AuditEvent.object_id == letter.id
            )
        ).one()
        assert [v["file"] for v in imported.details["versions"]] == ["scans/v1.pdf", "scans/v2.pdf"]

    again, second = eakte_import(str(folder))
    assert again.exit_code == 0, again.output
    assert second["created"] == {"akten": 0, "vorgaenge": 0, "documents": 0}
    assert second["skipped"] == {"akten": 3, "vorgaenge": 1, "documents": 4}
    assert count(opened, Document) == 4 and count(opened, Akte) == 3


def test_refused_entries_are_reported_and_a_fixed_rerun_completes(
    tmp_path: Path, data_dir: Path, container: Callable[[], Container]
) -> None:
    folder = tmp_path / "legacy"
    akten = three_akten(folder)
    (folder / "scans" / "notes.txt").write_text("Aktenvermerk: kein Scan")
    akten[0]["opened_on"] = "1998-02-30"  # bad date: the whole Akte is refused
    akten[2]["code"] = "999.99"  # unknown plan code
    akten[1]["documents"] += [
        {"file": "scans/notes.txt", "title": "Vermerk"},
        {"file": "scans/missing.pdf", "title": "Fehlt"},
    ]
    write_json(folder, akten)

    dry, checked = eakte_import(str(folder), "--dry-run")
    assert dry.exit_code == 1
    assert checked["dry_run"] is True and checked["created"]["documents"] == 1
    reasons = {entry["label"]: entry["reason"] for entry in checked["refused"]}
    assert "is not a date" in reasons["Akte A1"]
    assert "no code 999.99" in reasons["Akte A3 (Ausländerakte)"]
    assert "text/plain, which is not accepted" in reasons["document Vermerk"]
    assert "scans/missing.pdf: the file is missing" in reasons["document Fehlt"]
    opened = container()
    assert count(opened, Akte) == 0 and count(opened, LegacyImportEntry) == 0

    result, report = eakte_import(str(folder))
    assert result.exit_code == 1
    assert {e["label"]: e["reason"] for e in report["refused"]} == reasons
    assert report["created"] == {"akten": 1, "vorgaenge": 0, "documents": 1}
    rathaus = akte_by_key(opened, "#akte:A2")
    assert rathaus.status == "open"  # a refused document could not be filed later
    (outcome,) = [a for a in report["akten"] if a["key"].endswith("#akte:A2")]
    assert "left open: 2 of its entries were refused" in outcome["note"]

    (folder / "scans" / "notes.txt").write_bytes(png(77))  # the real scan, as it turned out
    (folder / "scans" / "missing.pdf").write_bytes(pdf(78))
    fixed, rerun = eakte_import(str(folder))
    assert fixed.exit_code == 1  # A1 and A3 are still wrong
    assert rerun["created"]["documents"] == 2 and rerun["skipped"]["documents"] == 1
    assert len(rerun["refused"]) == 2
    rathaus = akte_by_key(opened, "#akte:A2")
    assert rathaus.status == "closed" and rathaus.closed_at is not None
    assert rathaus.closed_at.date() == date(1990, 1, 1)
    assert count(opened, Document) == 3


def test_xman_0503_export(data_dir: Path, container: Callable[[], Container]) -> None:
    unmapped, report = eakte_import(str(XMAN_0503))
    assert unmapped.exit_code == 1 and report["created"]["akten"] == 0
    assert all("no code 1234" in entry["reason"] for entry in report["refused"])

    result, report = eakte_import(str(XMAN_0503), "--map-code", "1234=111.02.01")
    assert result.exit_code == 1  # the .docx is not a PDF/TIFF/JPEG/PNG
    assert report["schema_checked"] is True
    assert report["created"] == {"akten": 2, "vorgaenge": 3, "documents": 2}
    (refused,) = report["refused"]
    assert refused["key"] == "xdomea:de42eab8-9ba3-4e0e-980e-aa6b4aa80c6b"
    assert "f8bf94d0-4308-4ba4-910a-df3fc5f75949_test.docx" in refused["reason"]
    assert "not accepted" in refused["reason"]
    opened = container()
    complete = akte_by_key(opened, "xdomea:a3bdaca0-472d-4be8-be77-086bf4e64c45")
    assert complete.aktenzeichen == "111.02.01-2/2018"  # the second Akte of its code in 2018
    assert complete.status == "closed" and complete.closed_at is not None
    assert complete.closed_at.date() == date(2018, 7, 24)
    assert complete.retention_until == date(2028, 12, 31)
    partial = akte_by_key(opened, "xdomea:37ad5391-e5c1-4818-aaa0-58c5dd381020")
    assert partial.status == "open"
    with unit_of_work(opened.session_factory, write=False) as session:
        references = set(
            session.scalars(
                select(AkteSubjectKey.display).where(AkteSubjectKey.kind == "legacy_reference")
            )
        )
        assert references == {"1234-1", "1234-2"}
        documents = session.scalars(select(Document)).all()
        assert {d.item.original_filename for d in documents} == {
            "test_pdf_a1-b.pdf",
            "test_pdf_a2-u.pdf",
        }
        assert {(d.letter_date, d.received_on, d.direction) for d in documents} == {
            (date(2018, 7, 24), date(2018, 7, 24), "incoming")
        }
    again, second = eakte_import(str(XMAN_0503), "--map-code", "1234=111.02.01")
    assert second["skipped"] == {"akten": 2, "vorgaenge": 3, "documents": 2}
    assert count(opened, Document) == 2


def primary(folder: Path, name: str, data: bytes, media_type: str) -> PrimaryFile:
    """A primary file beside the message, named ``<uuid>_<name>`` as in a transfer."""
    file = PrimaryFile(
        file_name=f"{uuid.uuid4()}_{name}",
        original_name=name,
        media_type=media_type,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        created_at=datetime(2012, 3, 1, 9, 0, tzinfo=UTC),
        open=lambda: io.BytesIO(data),
    )
    (folder / file.file_name).write_bytes(data)
    return file


def test_xdomea_310_export_with_versions(
    tmp_path: Path, data_dir: Path, container: Callable[[], Container]
) -> None:
    """An xdomea 3.1.0 0503 (as eakte's own writer makes it) beside its files."""
    folder = tmp_path / "export"
    folder.mkdir()
    versions = (
        DocumentVersionRecord(1, (primary(folder, "entwurf.pdf", pdf(1), MEDIA_PDF),)),
        DocumentVersionRecord(2, (primary(folder, "bescheid.png", png(2), "image/png"),)),
    )
    letter = DocumentRecord(
        xdomea_id=str(uuid.uuid4()),
        title="Bescheid",
        created_on=date(2012, 3, 1),
        letter_date=date(2012, 2, 28),
        direction="outgoing",
        versions=versions,
    )
    request = DocumentRecord(
        xdomea_id=str(uuid.uuid4()),
        title="Antrag",
        created_on=date(2012, 1, 10),
        letter_date=date(2012, 1, 5),
        received_on=date(2012, 1, 10),
        direction="incoming",
        sender="Müller GmbH",
        versions=(
            DocumentVersionRecord(1, (primary(folder, "a.pdf", pdf(3), "application/pdf"),)),
        ),
    )
    vorgang = VorgangRecord(
        xdomea_id=str(uuid.uuid4()),
        reference="111.02.01-0007/2012-1",
        title="Genehmigung",
        opened_on=date(2012, 1, 10),
        closed_on=date(2012, 6, 30),
        documents=(letter,),
    )
    akte = AkteRecord(
        xdomea_id=str(uuid.uuid4()),
        aktenzeichen="111.02.01-0007/2012",
        title="Pressestelle 2012",
        file_plan_code="111.02.01",
        file_plan_title="Presse- und Öffentlichkeitsarbeit",
        opened_on=date(2012, 1, 10),
        closed_on=date(2013, 2, 1),
        retention_until=None,
        archive_value="A",
        vorgaenge=(vorgang,),
        documents=(request,),
    )
    town, archive = Party("05958016", "Stadt Hagen"), Party("LWL-AA", "LWL-Archivamt")
    header = Header(str(uuid.uuid4()), MessageType.TRANSFER, datetime.now(UTC), town, archive)
    write_transfer(
        folder / f"{header.process_id}_Aussonderung.Aussonderung.0503.xml", header, [akte]
    )

    result, report = eakte_import(str(folder))
    assert result.exit_code == 0, result.output
    assert report["schema_checked"] is True
    assert report["created"] == {"akten": 1, "vorgaenge": 1, "documents": 2}
    opened = container()
    imported = akte_by_key(opened, f"xdomea:{akte.xdomea_id}")
    assert imported.aktenzeichen == "111.02.01-1/2012" and imported.status == "closed"
    assert imported.retention_until == date(2023, 12, 31)
    with unit_of_work(opened.session_factory, write=False) as session:
        bescheid = session.scalars(select(Document).where(Document.title == "Bescheid")).one()
        assert (bescheid.current_version, bescheid.content_media_type) == (2, "image/png")
        assert (bescheid.direction, bescheid.letter_date) == ("outgoing", date(2012, 2, 28))
        stored = [
            v.content.sha256
            for v in session.scalars(
                select(DocumentVersion)
                .where(DocumentVersion.document_id == bescheid.id)
                .order_by(DocumentVersion.number)
            )
        ]
        assert stored == [v.files[0].sha256 for v in versions]
        antrag = session.scalars(select(Document).where(Document.title == "Antrag")).one()
        assert (antrag.direction, antrag.sender) == ("incoming", "Müller GmbH")
        assert antrag.received_on == date(2012, 1, 10) and antrag.vorgang_id is None
        assert antrag.item.original_filename == "a.pdf"
        genehmigung = session.scalars(select(Vorgang).where(Vorgang.akte_id == imported.id)).one()
        assert genehmigung.closed_at is not None
        assert genehmigung.closed_at.date() == date(2012, 6, 30)


def thousand_documents(folder: Path) -> list[dict[str, Any]]:
    """20 Akten of 50 documents (half in a Vorgang), PDFs and PNGs, three kinds of retention."""
    scans = folder / "scans"
    scans.mkdir(parents=True)
    codes = [("111.02.01", None), ("111.10", BUILDING_GONE), ("537.01", None)]
    akten = []
    number = 0
    for index in range(20):
        code, event = codes[index % 3]
        documents = []
        for _ in range(50):
            name = f"scans/{number:04d}.{'pdf' if number % 2 else 'png'}"
            (folder / name).write_bytes(pdf(number) if number % 2 else png(number))
            documents.append({"id": f"D{number}", "file": name, "letter_date": "1995-05-05"})
            number += 1
        akte: dict[str, Any] = {
            "id": f"A{index}",
            "code": code,
            "legacy_reference": f"ALT-{index}/19{80 + index}",
            "title": f"Altakte {index}",
            "opened_on": f"19{80 + index}-0{1 + index % 9}-1{index % 10}",
            "closed_on": f"200{index % 10}-11-2{index % 8}",
            "documents": documents[:25],
            "vorgaenge": [
                {"id": "V", "title": "Schriftverkehr", "documents": documents[25:]},
            ],
        }
        if event:
            akte["events"] = [{"event": event, "occurred_on": "2010-06-01"}]
        akten.append(akte)
    return akten


def ledger_documents(data_dir: Path) -> int:
    url = Settings(data_dir=data_dir).effective_database_url
    try:
        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30) as db:
            row = db.execute(
                "SELECT count(*) FROM legacy_import_entries WHERE kind = 'document'"
            ).fetchone()
            return int(row[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0


@pytest.mark.slow
def test_thousand_documents_survive_a_kill_in_the_middle(
    tmp_path: Path, data_dir: Path, container: Callable[[], Container]
) -> None:
    folder = tmp_path / "legacy"
    akten = thousand_documents(folder)
    write_json(folder, akten)
    command = [sys.executable, "-m", "api.cli", "import", "--json", str(folder)]
    env = eakte_env(data_dir)
    started = time.monotonic()
    process = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while (done := ledger_documents(data_dir)) < 300:
            assert process.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() - started < 120
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert done < 1000

    rerun = subprocess.run(
        command, env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    before_kill = report["skipped"]["documents"]
    assert before_kill >= done
    assert report["created"]["documents"] + before_kill == 1000
    assert report["refused"] == []

    opened = container()
    assert count(opened, Document) == 1000
    assert count(opened, Akte) == 20 and count(opened, Vorgang) == 20
    plan = plan_of(opened)
    with unit_of_work(opened.session_factory, write=False) as session:
        documents = session.scalars(select(Document)).all()
        assert len({d.content_sha256 for d in documents}) == 1000
        assert all(d.akte_id and d.filing_status == "filed" for d in documents)
        jobs = session.scalars(select(Job.payload).where(Job.kind == "render_version")).all()
        assert sorted(job["document_id"] for job in jobs) == sorted(d.id for d in documents)
        entries = session.scalars(select(LegacyImportEntry)).all()
        assert len(entries) == 1000 + 20 + 20
        assert len({e.object_id for e in entries}) == len(entries)
        for akte_entry in akten:
            akte = akte_by_key(opened, f"#akte:{akte_entry['id']}")
            opened_on = date.fromisoformat(akte_entry["opened_on"])
            closed_on = date.fromisoformat(akte_entry["closed_on"])
            assert akte.aktenzeichen.endswith(f"/{opened_on.year}")
            assert akte.opened_at.date() == opened_on
            assert akte.status == "closed" and akte.closed_at is not None
            assert akte.closed_at.date() == closed_on
            retention = plan.effective_retention(akte.file_plan_code)
            assert retention is not None
            trigger = date(2010, 6, 1) if akte_entry.get("events") else closed_on
            assert akte.retention_until == retention.end_date(trigger), akte.aktenzeichen


@pytest.mark.usefixtures("postgres_url")
def test_import_on_postgresql_twice(tmp_path: Path, postgres_url: str) -> None:
    folder = tmp_path / "legacy"
    write_json(folder, three_akten(folder))
    container = build_container(
        make_settings(tmp_path / "data", database_url=postgres_url, search_backend="postgres")
    )
    try:
        prepare(container, migrate=True)
        ctx = ImportContext(
            factory=container.session_factory,
            store=container.store,
            search=container.search,
            settings=container.settings,
            clock=container.clock,
            scope=system_scope("test"),
        )
        reports = []
        for _ in range(2):
            with open_source(folder, code_map={}) as source:
                reports.append(run_import(ctx, source, dry_run=False))
        assert reports[0].created == {"akten": 3, "vorgaenge": 1, "documents": 4}
        assert reports[1].skipped == reports[0].created
        assert count(container, Document) == 4
        presse = akte_by_key(container, "#akte:A1")
        assert presse.aktenzeichen == "111.02.01-1/1998"
        assert presse.retention_until == date(2009, 12, 31)
    finally:
        container.close()
