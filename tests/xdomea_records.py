"""AkteRecords with in-memory primary files, for the xdomea tests and the benchmark."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

from services.archive.xdomea.codes import PDFA_MEDIA_TYPE
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

TOWN = Party("05958016", "Stadt Hagen", "Hagen")
ARCHIVE = Party("LWL-AA", "LWL-Archivamt für Westfalen")
MEDIA = {"pdf": "application/pdf", "tif": "image/tiff", "jpg": "image/jpeg", "png": "image/png"}


def new_id() -> str:
    return str(uuid.uuid4())


def header(message_type: MessageType, process_id: str | None = None) -> Header:
    return Header(
        process_id=process_id or new_id(),
        message_type=message_type,
        created_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        sender=TOWN,
        recipient=ARCHIVE,
    )


def primary_file(name: str, content: bytes, media_type: str | None = None) -> PrimaryFile:
    return PrimaryFile(
        file_name=f"{new_id()}_{name}",
        original_name=name,
        media_type=media_type or MEDIA[name.rsplit(".", 1)[-1]],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        created_at=datetime(2019, 5, 6, 7, 8, 9, tzinfo=UTC),
        open=lambda: io.BytesIO(content),
    )


def document(title: str, files: tuple[PrimaryFile, ...] = (), versions: int = 1) -> DocumentRecord:
    return DocumentRecord(
        xdomea_id=new_id(),
        title=title,
        created_on=date(2019, 5, 6),
        letter_date=date(2019, 5, 2),
        received_on=date(2019, 5, 6),
        direction="incoming",
        sender="Ingenieurbüro Sommer & Söhne",
        versions=tuple(DocumentVersionRecord(number, files) for number in range(1, versions + 1))
        if files
        else (),
    )


def akte(
    number: int = 7,
    documents: tuple[DocumentRecord, ...] = (),
    vorgaenge: tuple[VorgangRecord, ...] = (),
    archive_value: str = "A",
) -> AkteRecord:
    return AkteRecord(
        xdomea_id=new_id(),
        aktenzeichen=f"63.01.02/2019/{number:04d}",
        title=f"Bauantrag Hauptstraße {number}",
        file_plan_code="63.01.02",
        file_plan_title="Baugenehmigungsverfahren",
        opened_on=date(2019, 1, 14),
        closed_on=date(2019, 11, 30),
        retention_until=date(2049, 12, 31),
        archive_value=archive_value,
        confidentiality="002",
        vorgaenge=vorgaenge,
        documents=documents,
    )


def vorgang(documents: tuple[DocumentRecord, ...]) -> VorgangRecord:
    return VorgangRecord(
        xdomea_id=new_id(),
        reference="63.01.02/2019/0007-1",
        title="Nachforderung Statik",
        opened_on=date(2019, 3, 1),
        closed_on=date(2019, 4, 1),
        documents=documents,
    )


def sample_akte(with_files: bool = True) -> AkteRecord:
    """An Akte with a document of two versions (TIFF scan + PDF/A) and a Vorgang."""
    scan = b"II*\x00" + b"scan" * 100
    rendition = b"%PDF-1.7 pdfa" + b"." * 200
    files = (
        primary_file("bauantrag.tif", scan),
        primary_file("bauantrag.pdf", rendition, PDFA_MEDIA_TYPE),
    )
    letter = document("Bauantrag", files if with_files else (), versions=1)
    photo = primary_file("foto.jpg", b"\xff\xd8\xff" + b"j" * 50)
    plan = primary_file("lageplan.png", b"\x89PNG" + b"p" * 50)
    statik = document("Statik", (photo, plan) if with_files else ())
    return akte(documents=(letter,), vorgaenge=(vorgang((statik,)),))


def many_akten(akten: int, documents_per_akte: int, file_size: int) -> Iterator[AkteRecord]:
    """Akten made one at a time (as the process service streams them from the database)."""
    for number in range(akten):
        documents = tuple(
            document(
                f"Schreiben {n}",
                (primary_file(f"schreiben-{n}.pdf", bytes([n % 256]) * file_size),),
            )
            for n in range(documents_per_akte)
        )
        yield akte(number=number, documents=documents)
