"""Content that is never held wholly in memory: upload preflight, put_file, open_range, streams.

Against both stores: the local fs store and a real SeaweedFS with Object Lock.  Memory
is measured with tracemalloc (Python allocations, which is where a whole-file copy
would show up; qpdf and PDFium read the file in place).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pikepdf
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality
from services.access.principal import Principal, PrincipalKind
from services.access.scope import Scope, build_scope, system_scope
from services.backends.blob_keys import key_for_digest
from services.backends.fs_store import FsBlobStore
from services.backends.streams import CHUNK_SIZE
from services.bootstrap import Container, build_container, prepare
from services.db.models import AuditEvent, Document
from services.db.session import unit_of_work
from services.documents.streaming import StreamedContent, stream_content
from services.documents.versions import Part
from services.errors import (
    EAkteError,
    GoneError,
    IntegrityError,
    InvalidInputError,
    LimitExceededError,
    NotFoundError,
    UnsupportedMediaTypeError,
)
from services.intake.receive import IncomingFile, preflight
from services.intake.spooled_upload import (
    PreparedUpload,
    SpooledUpload,
    preflight_upload,
    store_upload,
)
from services.ports import BlobRef, BlobStore, Protection
from services.settings import LimitSettings, Settings
from tests.fixtures.app import make_settings
from tests.fixtures.records import insert_stored_document
from tests.fixtures.server import SCANS

T = TypeVar("T")
MIB = 1024 * 1024
BIG_PAYLOAD = 100 * MIB
MEMORY_BUDGET = 16 * MIB
"""What a 100 MB upload or download may allocate at its peak (Python allocations)."""


def write_big_pdf(path: Path, payload: int) -> None:
    """A valid one-page PDF carrying ``payload`` random bytes as an embedded file.

    Written object by object with its cross-reference table, a MiB of random data at a
    time, so that making it costs no memory either.
    """
    offsets: list[int] = []
    with path.open("wb") as out:

        def obj(body: bytes) -> None:
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % len(offsets) + body + b"\nendobj\n")

        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        obj(
            b"<< /Type /Catalog /Pages 2 0 R "
            b"/Names << /EmbeddedFiles << /Names [(payload.bin) 5 0 R] >> >> >>"
        )
        obj(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        obj(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>")
        obj(b"<< /Length 19 >>\nstream\n0 0 m 100 100 l S\nendstream")
        obj(b"<< /Type /Filespec /F (payload.bin) /UF (payload.bin) /EF << /F 6 0 R >> >>")
        offsets.append(out.tell())
        out.write(b"6 0 obj\n<< /Type /EmbeddedFile /Length %d >>\nstream\n" % payload)
        for start in range(0, payload, MIB):
            out.write(os.urandom(min(MIB, payload - start)))
        out.write(b"\nendstream\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(
            b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(offsets) + 1, xref)
        )


def file_sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def peak_allocation(action: Callable[[], T]) -> tuple[int, T]:
    """Run ``action`` and return the peak of what it allocated, with its result."""
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before, result


def lock() -> Protection:
    return Protection(retain_until=datetime.now(UTC) + timedelta(hours=1))


def upload_of(data: bytes, filename: str = "brief.pdf") -> SpooledUpload:
    return SpooledUpload(filename=filename, file=io.BytesIO(data), size=len(data))


def small_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def big_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "akte.pdf"
    write_big_pdf(path, BIG_PAYLOAD)
    return path


@pytest.fixture(params=["fs", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "fs":
        return FsBlobStore(tmp_path / "blobs")
    s3_store: BlobStore = request.getfixturevalue("s3_blob_store")
    return s3_store


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


# --- 100 MB in and out with flat memory -------------------------------------------------


def test_a_100_mb_pdf_goes_in_and_out_with_flat_memory(
    big_pdf: Path, store: BlobStore, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    size = big_pdf.stat().st_size
    assert size > BIG_PAYLOAD
    with big_pdf.open("rb") as file:
        upload = SpooledUpload(filename="C:\\Scans\\akte.pdf", file=file, size=size)

        def take() -> tuple[PreparedUpload, BlobRef]:
            prepared = preflight_upload(upload, settings)
            return prepared, store_upload(store, upload, prepared, settings=settings, now=_now())

        up_peak, taken = peak_allocation(take)
    prepared, ref = taken
    assert (prepared.filename, prepared.media_type, prepared.page_count) == (
        "akte.pdf",
        "application/pdf",
        1,
    )
    assert prepared.size == ref.size == size
    assert prepared.sha256 == ref.sha256 == file_sha256(big_pdf)
    minimum = _now() + timedelta(days=settings.retention.minimum_days - 1)
    assert store.protection(ref.key, ref.version_id).retain_until > minimum  # locked

    def give() -> tuple[str, int]:
        sha = hashlib.sha256()
        largest = 0
        with store.open_range(ref.key, ref.version_id) as chunks:
            for chunk in chunks:
                sha.update(chunk)
                largest = max(largest, len(chunk))
        return sha.hexdigest(), largest

    down_peak, given = peak_allocation(give)
    assert given == (ref.sha256, CHUNK_SIZE)
    with capsys.disabled():
        print(
            f"\n{store.name}: 100 MB, peak {up_peak / MIB:.1f} MiB up, {down_peak / MIB:.1f} down"
        )
    assert up_peak < MEMORY_BUDGET, f"upload allocated {up_peak / MIB:.1f} MiB at its peak"
    assert down_peak < MEMORY_BUDGET, f"download allocated {down_peak / MIB:.1f} MiB at its peak"


# --- the store's ranges -----------------------------------------------------------------


def test_ranges_are_read_in_chunks_and_clipped_at_the_end(store: BlobStore) -> None:
    data = os.urandom(2 * MIB + 1000)
    ref = store.put(data, protection=lock())

    def read(offset: int = 0, length: int | None = None) -> list[bytes]:
        with store.open_range(ref.key, ref.version_id, offset, length) as chunks:
            return list(chunks)

    assert [len(c) for c in read()] == [MIB, MIB, 1000]
    assert b"".join(read()) == data
    assert read(10, 100) == [data[10:110]]
    assert b"".join(read(MIB - 5, MIB + 10)) == data[MIB - 5 : 2 * MIB + 5]
    assert read(len(data) - 5, 1000) == [data[-5:]]
    assert read(len(data)) == []
    assert read(7, 0) == []
    with pytest.raises(InvalidInputError, match="beyond"):
        store.open_range(ref.key, ref.version_id, len(data) + 1)
    with pytest.raises(InvalidInputError, match="negative"):
        store.open_range(ref.key, ref.version_id, -1)
    with pytest.raises(InvalidInputError, match="negative"):
        store.open_range(ref.key, ref.version_id, 0, -1)


def test_a_missing_blob_is_refused_when_opened_not_on_the_first_chunk(store: BlobStore) -> None:
    with pytest.raises(NotFoundError):
        store.open_range(key_for_digest("ab" * 32))
    with pytest.raises(InvalidInputError, match="not a blob key"):
        store.open_range("sha256/../../etc/passwd")


def test_a_stream_closed_early_releases_the_store(store: BlobStore) -> None:
    ref = store.put(os.urandom(3 * MIB), protection=lock())
    for _ in range(20):  # more than the S3 client's connection pool holds
        chunks = store.open_range(ref.key, ref.version_id)
        assert len(next(chunks)) == MIB
        chunks.close()
        assert list(chunks) == []
    assert store.verify(ref.key, ref.version_id)


def test_a_damaged_blob_fails_a_whole_read_before_its_last_chunk(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store = FsBlobStore(tmp_path / "blobs")
    data = os.urandom(2 * MIB + 10)
    ref = store.put(data, protection=lock())
    path = tmp_path / "blobs" / ref.key
    path.chmod(0o644)
    with path.open("r+b") as file:
        file.seek(2 * MIB)
        file.write(b"X")

    received: list[bytes] = []
    with pytest.raises(IntegrityError, match="does not match"):
        for chunk in store.open_range(ref.key):
            received.append(chunk)
    assert len(received) == 2  # the damaged last chunk was never handed out
    assert b"".join(store.open_range(ref.key, offset=0, length=MIB)) == data[:MIB]


@pytest.mark.s3
def test_a_forged_s3_version_fails_a_whole_read(request: pytest.FixtureRequest) -> None:
    store = request.getfixturevalue("s3_blob_store")
    client = request.getfixturevalue("s3_client")
    bucket = request.getfixturevalue("s3_bucket")
    data = os.urandom(MIB + 10)
    ref = store.put(data, protection=lock())
    forged = os.urandom(len(data))
    client.put_object(
        bucket, ref.key, io.BytesIO(forged), len(forged), metadata={"sha256": ref.sha256}
    )
    with pytest.raises(IntegrityError, match="does not match"):
        list(store.open_range(ref.key))
    assert not store.verify(ref.key)
    assert b"".join(store.open_range(ref.key, ref.version_id)) == data  # the locked original


# --- put_file checks what it stores -----------------------------------------------------


def test_put_file_stores_what_put_stores(store: BlobStore) -> None:
    data = os.urandom(6 * MIB + 3)  # more than one S3 part
    digest = hashlib.sha256(data).hexdigest()
    ref = store.put_file(
        io.BytesIO(data), sha256=digest, size=len(data), protection=lock(), content_type="x/y"
    )
    assert (ref.sha256, ref.size) == (digest, len(data))
    assert store.get(ref.key, ref.version_id) == data
    assert store.protection(ref.key, ref.version_id).retain_until > datetime.now(UTC)
    later = datetime.now(UTC) + timedelta(hours=2)
    again = store.put_file(
        io.BytesIO(data), sha256=digest, size=len(data), protection=Protection(later)
    )
    assert again == ref  # content-addressed and write-once: the same version
    assert store.protection(ref.key, ref.version_id).retain_until >= later.replace(microsecond=0)
    assert store.put(data, protection=lock()) == ref


MEASURED = 6 * MIB + 5
"""More than one S3 part: a difference found in the last part aborts the multipart upload."""


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        (b"A" * (MEASURED - 1) + b"B", "SHA-256 is"),
        (b"A" * (MEASURED - 1000), f"ended after {MEASURED - 1000}"),
        (b"A" * (MEASURED + 1), f"more than {MEASURED}"),
    ],
    ids=["other-bytes", "shorter", "longer"],
)
def test_put_file_refuses_a_file_that_is_not_what_was_measured(
    store: BlobStore, stored: bytes, message: str
) -> None:
    claimed = hashlib.sha256(b"A" * MEASURED).hexdigest()
    with pytest.raises(IntegrityError, match=message):
        store.put_file(io.BytesIO(stored), sha256=claimed, size=MEASURED, protection=lock())
    assert not store.exists(key_for_digest(claimed))


def test_put_file_of_stored_content_still_checks_the_file(store: BlobStore) -> None:
    data = os.urandom(5000)
    ref = store.put(data, protection=lock())
    with pytest.raises(IntegrityError, match="SHA-256 is"):
        store.put_file(
            io.BytesIO(os.urandom(5000)), sha256=ref.sha256, size=5000, protection=lock()
        )
    with pytest.raises(InvalidInputError, match="not a blob key"):
        store.put_file(io.BytesIO(data), sha256="../x", size=5000, protection=lock())


# --- preflight from a file ---------------------------------------------------------------


def _outcome(check: Callable[[], object]) -> object:
    try:
        return check()
    except EAkteError as exc:
        return type(exc).__name__, exc.detail


def _scans() -> list[Path]:
    if not SCANS.is_dir():
        return []
    return sorted(p for p in SCANS.rglob("*") if p.is_file() and p.suffix != ".md")


@pytest.mark.parametrize("path", _scans(), ids=lambda p: p.name)
def test_the_file_preflight_decides_exactly_as_the_mail_room(path: Path) -> None:
    settings = Settings(limits=LimitSettings(max_image_pixels=50_000_000, max_pages=40))
    data = path.read_bytes()

    def by_bytes() -> object:
        found = preflight(IncomingFile(filename=path.name, data=data), settings)
        return found.media_type, found.sha256, found.page_count

    def by_file() -> object:
        with path.open("rb") as file:
            upload = SpooledUpload(filename=path.name, file=file, size=len(data))
            found = preflight_upload(upload, settings)
        return found.media_type, found.sha256, found.page_count

    assert _outcome(by_file) == _outcome(by_bytes)


@pytest.mark.parametrize("name", ["multipage.pdf", "baiona.png"])
def test_an_upload_spooled_in_memory_or_on_disk_is_checked_alike(
    name: str, settings: Settings
) -> None:
    """Web frameworks hand uploads over as SpooledTemporaryFile, small ones in memory."""
    data = (SCANS / "ocrmypdf" / name).read_bytes()
    found = []
    for max_size in (len(data) + 1, 1000):
        with tempfile.SpooledTemporaryFile(max_size=max_size) as file:
            file.write(data)
            file.seek(0)
            found.append(preflight_upload(SpooledUpload(name, file, len(data)), settings))
    assert found[0] == found[1]
    assert found[0].sha256 == hashlib.sha256(data).hexdigest()


def test_the_scans_for_the_comparison_are_there() -> None:
    assert len(_scans()) > 20, f"no test scans under {SCANS}"


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"", InvalidInputError, "empty"),
        (b"Sehr geehrte Damen und Herren\n" * 50, UnsupportedMediaTypeError, "text/plain"),
        (b"<html><script>alert(1)</script>\n" + small_pdf(), UnsupportedMediaTypeError, "polyglot"),
        (small_pdf()[:-200], InvalidInputError, "damaged"),
    ],
    ids=["empty", "text", "html-pdf-polyglot", "truncated"],
)
def test_hostile_or_broken_files_are_refused(
    data: bytes, error: type[Exception], message: str, settings: Settings
) -> None:
    with pytest.raises(error, match=message):
        preflight_upload(upload_of(data), settings)


def test_an_encrypted_pdf_is_refused(settings: Settings) -> None:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(small_pdf())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(InvalidInputError, match="encrypted"):
        preflight_upload(upload_of(out.getvalue()), settings)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", limits={"max_upload_bytes": 10_000})

    class Unreadable(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("an upload over the limit was read")

    upload = SpooledUpload(filename="x.pdf", file=Unreadable(), size=10_001)
    with pytest.raises(LimitExceededError, match="limit is 10000"):
        preflight_upload(upload, settings)


def test_an_upload_that_is_not_the_announced_size_is_refused(settings: Settings) -> None:
    data = small_pdf()
    upload = SpooledUpload(filename="x.pdf", file=io.BytesIO(data), size=len(data) - 1)
    with pytest.raises(InvalidInputError, match="not .* as announced"):
        preflight_upload(upload, settings)


# --- audited streams of a document's content ---------------------------------------------


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    container = build_container(settings)
    prepare(container, migrate=True)
    yield container
    container.close()


def _stream(
    container: Container, document_id: str, **kwargs: object
) -> tuple[StreamedContent, bytes]:
    with unit_of_work(container.session_factory) as session:
        streamed = stream_content(
            session,
            system_scope("Sachbearbeitung"),
            container.store,
            document_id,
            kwargs.pop("number", None),  # type: ignore[arg-type]
            kwargs.pop("part", Part.CONTENT),  # type: ignore[arg-type]
            offset=kwargs.pop("offset", None),  # type: ignore[arg-type]
            length=kwargs.pop("length", None),  # type: ignore[arg-type]
            clock=container.clock,
        )
        try:
            return streamed, b"".join(streamed.chunks)
        finally:
            streamed.close()


def _read_events(container: Container, document_id: str) -> list[dict[str, object]]:
    with unit_of_work(container.session_factory) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_id == document_id, AuditEvent.action == "content.read")
            .order_by(AuditEvent.id)
        )
        return [dict(e.details) for e in events]


def test_a_stream_of_a_document_is_scoped_ranged_and_audited(container: Container) -> None:
    data = os.urandom(3 * MIB) + small_pdf()
    document_id = insert_stored_document(
        container, data, "application/pdf", ["Seite"], org_unit="32", title="Bescheid.pdf"
    )
    streamed, received = _stream(container, document_id)
    assert received == data
    assert (streamed.total_size, streamed.offset, streamed.length) == (len(data), 0, len(data))
    assert (streamed.media_type, streamed.filename, streamed.number) == (
        "application/pdf",
        "Bescheid.pdf",
        1,
    )
    assert streamed.sha256 == hashlib.sha256(data).hexdigest()

    streamed, received = _stream(container, document_id, offset=MIB + 7, length=10 * MIB)
    assert received == data[MIB + 7 :]
    assert (streamed.offset, streamed.length) == (MIB + 7, len(data) - MIB - 7)
    assert _read_events(container, document_id) == [
        {"version": 1, "part": "content", "sha256": streamed.sha256},
        {
            "version": 1,
            "part": "content",
            "sha256": streamed.sha256,
            "offset": MIB + 7,
            "length": len(data) - MIB - 7,
        },
    ]

    with pytest.raises(InvalidInputError, match="beyond"):
        _stream(container, document_id, offset=len(data) + 1)
    with pytest.raises(NotFoundError, match="searchable PDF"):
        _stream(container, document_id, part=Part.RENDITION)
    with pytest.raises(NotFoundError):
        _stream(container, document_id, number=2)
    assert len(_read_events(container, document_id)) == 2  # refused reads leave no event


def test_a_stream_is_refused_outside_the_scope_and_after_destruction(
    container: Container,
) -> None:
    document_id = insert_stored_document(
        container, small_pdf(), "application/pdf", ["Seite"], org_unit="32"
    )
    with unit_of_work(container.session_factory) as session:
        with pytest.raises(NotFoundError):
            stream_content(
                session,
                caseworker_scope(container, session, "61"),
                container.store,
                document_id,
                None,
                Part.CONTENT,
                offset=None,
                length=None,
                clock=container.clock,
            )
        session.get_one(Document, document_id).disposed_at = _now()
    with pytest.raises(GoneError, match="destroyed"):
        _stream(container, document_id)
    assert _read_events(container, document_id) == []


def _now() -> datetime:
    return datetime.now(UTC)


def caseworker_scope(container: Container, session: Session, unit: str) -> Scope:
    """What a case worker of ``unit`` is allowed, as a request would build it."""
    principal = Principal(
        id="k",
        kind=PrincipalKind.KEY,
        name="Sachbearbeitung",
        roles=frozenset({"caseworker"}),
        org_units=frozenset({unit}),
        clearance=Confidentiality.OFFEN,
    )
    return build_scope(session, principal, container.roles, today=_now().date())
