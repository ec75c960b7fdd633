"""Request ids and JSON log lines, in a real ``eakte serve`` process and in the app.

The request id a client sends (or a new one) comes back in ``X-Request-ID`` and is on
every log line written while its request is served; secrets stay redacted in JSON too.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.log_redaction import RedactSecretsFilter
from services.observability.logs import JsonFormatter, RequestIdFilter
from tests.fixtures.app import Service
from tests.fixtures.server import ServerProcess, run_server

SECRET = "ek_0123456789ab_NotARealSecretButLooksLikeOne"


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture
def json_server(tmp_path: Path) -> Iterator[ServerProcess]:
    server = run_server(tmp_path / "data", tmp_path / "serve.log", EAKTE_LOG__FORMAT="json")
    try:
        yield server
    finally:
        server.stop()


def test_the_request_id_is_in_the_response_and_the_json_access_line(
    json_server: ServerProcess,
) -> None:
    with json_server.client() as client:
        sent = client.get(
            "/api/v1/documents", params={"key": SECRET}, headers={"X-Request-ID": "ops-0001"}
        )
        new = client.get("/api/v1/documents", headers={"X-Request-ID": "not well formed!"})
    assert sent.status_code == 200 and sent.headers["X-Request-ID"] == "ops-0001"
    assert re.fullmatch(r"[0-9a-f]{32}", new.headers["X-Request-ID"]), "replaced, not echoed"
    json_server.stop()  # flushes and closes the log

    log = json_server.log.read_text()
    assert SECRET not in log
    lines = json_lines(log)
    assert lines, "EAKTE_LOG__FORMAT=json writes JSON lines"
    [access] = [line for line in lines if line.get("request_id") == "ops-0001"]
    assert access["logger"] == "uvicorn.access" and access["level"] == "INFO"
    assert access["http"]["method"] == "GET" and access["http"]["status"] == 200
    assert access["http"]["path"] == "/api/v1/documents?[redacted]"
    assert {"time", "message"} <= set(access)
    assert any(line.get("request_id") == new.headers["X-Request-ID"] for line in lines)
    assert not any("not well formed" in json.dumps(line) for line in lines)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Root-logger output as ``eakte serve`` formats it with EAKTE_LOG__FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecretsFilter())
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _put_back(moved: Path, blobs: Path) -> None:
    """Move the store back; the service may have made empty folders meanwhile (anchoring
    after the request's commit); anything with a file in it makes ``rmdir`` fail loudly."""
    if blobs.exists():
        for folder in sorted(blobs.rglob("*"), key=lambda path: len(path.parts), reverse=True):
            folder.rmdir()
        blobs.rmdir()
    moved.rename(blobs)


def test_a_log_line_written_inside_a_request_carries_its_id(
    service: Service, captured: io.StringIO
) -> None:
    blobs = service.container.settings.blob_dir
    moved = blobs.with_name("blobs-away")
    blobs.rename(moved)  # the store's check fails and is logged, inside the request
    try:
        response = service.client.get(
            "/health/ready", headers={"Authorization": "", "X-Request-ID": "ops-ready-7"}
        )
    finally:
        _put_back(moved, blobs)
    assert response.status_code == 503
    assert response.headers["X-Request-ID"] == "ops-ready-7"
    warnings = [
        line
        for line in json_lines(captured.getvalue())
        if line["logger"] == "services.observability.dependencies"
    ]
    assert warnings and all(line["request_id"] == "ops-ready-7" for line in warnings)
    assert "readiness check store failed" in warnings[0]["message"]
    assert str(blobs) not in response.text, "the reason stays in the log"


def test_text_lines_carry_the_request_id_too(tmp_path: Path) -> None:
    server = run_server(tmp_path / "data", tmp_path / "serve.log")  # EAKTE_LOG__FORMAT=text
    try:
        with server.client() as client:
            assert client.get("/health/live", headers={"X-Request-ID": "ops-text-9"}).is_success
    finally:
        server.stop()
    [line] = [line for line in server.log.read_text().splitlines() if "ops-text-9" in line]
    assert line.endswith('"GET /health/live HTTP/1.1" 200 OK [request ops-text-9]')


def test_worker_processes_write_json_lines_too(tmp_path: Path) -> None:
    """``eakte worker`` and its processes use the same format as the server."""
    environment = {
        **os.environ,
        "EAKTE_DATA_DIR": str(tmp_path / "data"),
        "EAKTE_LOG__FORMAT": "json",
        "EAKTE_JOBS__SHUTDOWN_GRACE_SECONDS": "0",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker", "--processes", "1"],
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert worker.stdout is not None
    deadline = time.monotonic() + 120
    with selectors.DefaultSelector() as waiting:
        waiting.register(worker.stdout, selectors.EVENT_READ)
        # until the worker process reports that it runs (or the deadline passes)
        while not any("taking jobs" in line for line in lines):
            if time.monotonic() > deadline or not waiting.select(deadline - time.monotonic()):
                break
            line = worker.stdout.readline()
            if not line:
                break
            lines.append(line)
    worker.send_signal(signal.SIGTERM)
    rest, _ = worker.communicate(timeout=60)
    lines.extend(rest.splitlines())

    logged = [line for line in lines if line.strip()]
    assert logged and all(line.startswith("{") for line in logged), logged[:5]
    entries = json_lines("\n".join(logged))
    assert any(entry["message"].endswith("taking jobs") for entry in entries)
