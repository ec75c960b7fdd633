"""Request size limits: declared lengths refused unread, streamed bodies cut off."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.bootstrap import build_container, prepare
from services.settings import Settings
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.server import ServerProcess, run_server

MB = 1024 * 1024


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


@pytest.fixture
def small_limits(tmp_path: Path) -> Iterator[Service]:
    yield from start_service(
        make_settings(
            tmp_path / "data",
            http={"max_json_bytes": 4096},
            einvoice={"max_bytes": 8192},
            limits={"max_upload_bytes": 16 * 1024, "max_files_per_request": 2},
        ),
        run_workers=False,
    )


def test_a_chunked_json_body_is_cut_off_at_the_limit(small_limits: Service) -> None:
    response = small_limits.client.post(
        "/api/v1/keys",
        content=chunks(10 * MB),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_each_upload_route_has_its_own_limit(small_limits: Service) -> None:
    client = small_limits.client
    xml = {"Content-Type": "application/xml"}
    too_big = client.post("/api/v1/einvoices", content=chunks(9000), headers=xml)
    assert too_big.status_code == 413, too_big.text
    assert "8192" in too_big.json()["detail"]
    declared = client.post("/api/v1/einvoices", content=b"<x/>" * 50_000, headers=xml)
    assert declared.status_code == 413
    small = client.post("/api/v1/einvoices", content=b"<Invoice/>", headers=xml)
    assert small.status_code != 413

    # two files of 16 KiB fit the intake limit; a body of 400 KiB does not
    fits = [("files", (f"{i}.pdf", b"%PDF-" + b"0" * 15_000)) for i in range(2)]
    assert client.post("/api/v1/intake", files=fits).status_code != 413
    huge = [("files", ("big.pdf", b"%PDF-" + b"0" * 400_000))]
    assert client.post("/api/v1/intake", files=huge).status_code == 413


def test_a_multipart_einvoice_over_the_limit_is_refused(small_limits: Service) -> None:
    client = small_limits.client
    response = client.post("/api/v1/einvoices", files={"file": ("r.xml", b"<a/>" * 2500)})
    assert response.status_code == 413, response.text


# -- a real server and raw sockets -------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[ServerProcess, Path]]:
    data_dir, spool = tmp_path / "data", tmp_path / "tmp"
    spool.mkdir()
    container = build_container(Settings(data_dir=data_dir))
    key = prepare(container, migrate=True)
    container.close()
    assert key is not None
    process = run_server(
        data_dir,
        tmp_path / "server.log",
        admin_key=key.secret,
        TMPDIR=str(spool),
        EAKTE_EMBEDDED_WORKERS="false",
        EAKTE_LIMITS__MAX_FILES_PER_REQUEST="2",
    )
    try:
        yield process, spool
    finally:
        process.stop()


def raw_request(url: str, head: str, body_chunk: bytes = b"") -> tuple[str, float]:
    """Send ``head`` (and a first piece of body), then read the status line."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(head.encode() + body_chunk)
        answer = sock.recv(4096).decode(errors="replace")
        return answer.split("\r\n", 1)[0], time.monotonic() - started


def files_in(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


def test_a_2gb_upload_without_a_key_is_answered_401_before_a_byte_is_spooled(
    server: tuple[ServerProcess, Path],
) -> None:
    process, spool = server
    head = (
        "POST /api/v1/intake HTTP/1.1\r\nHost: eakte\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {2 * 1024**3}\r\n\r\n"
    )
    first = b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n'
    status, seconds = raw_request(process.url, head, first + b"%PDF-" + b"0" * MB)
    assert status == "HTTP/1.1 401 Unauthorized"
    assert seconds < 5
    assert files_in(spool) == []


def test_a_2gb_upload_with_a_key_is_answered_413_before_it_is_read(
    server: tuple[ServerProcess, Path],
) -> None:
    process, spool = server
    head = (
        "POST /api/v1/intake HTTP/1.1\r\nHost: eakte\r\n"
        f"Authorization: Bearer {process.admin_key}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {2 * 1024**3}\r\n\r\n"
    )
    status, _ = raw_request(process.url, head, b"--b\r\n")
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert files_in(spool) == []


def test_a_chunked_body_is_cut_off_on_the_wire(server: tuple[ServerProcess, Path]) -> None:
    process, _ = server
    host, port = process.url.removeprefix("http://").split(":")
    head = (
        "POST /api/v1/keys HTTP/1.1\r\nHost: eakte\r\n"
        f"Authorization: Bearer {process.admin_key}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    sent = 0
    answer = b""
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode())
        sock.settimeout(0.05)
        while sent < 64 * MB and not answer:
            try:
                sock.sendall(chunk)
            except OSError:  # the server closed the connection after answering
                break
            sent += len(piece)
            try:
                answer = sock.recv(4096)
            except TimeoutError:
                continue
        if not answer:
            sock.settimeout(10)
            answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 8 * MB, f"the server read {sent} bytes before refusing"
