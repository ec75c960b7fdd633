"""SIGTERM to ``eakte serve``: the upload in flight is answered and kept, nothing new is
accepted, and the process shuts down gracefully.

The upload's body is sent in two parts; the signal arrives between them.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_operations_logs import json_lines
from tests.fixtures.documents import BAUANTRAG, letter_image, png_bytes
from tests.fixtures.server import ServerProcess, run_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = run_server(tmp_path / "data", tmp_path / "serve.log", EAKTE_LOG__FORMAT="json")
    try:
        yield process
    finally:
        process.stop()


def test_sigterm_lets_the_request_in_flight_finish(server: ServerProcess, tmp_path: Path) -> None:
    multipart = httpx.Request(
        "POST",
        f"{server.url}/api/v1/intake",
        files=[("files", ("brief.png", png_bytes(letter_image(BAUANTRAG))))],
    )
    body = multipart.read()
    half = len(body) // 2
    first_part_sent = threading.Event()
    signalled = threading.Event()

    def parts() -> Iterator[bytes]:
        yield body[:half]
        first_part_sent.set()  # asked for more: the first part is on its way
        signalled.wait(30)
        yield body[half:]

    answers: list[httpx.Response] = []

    def upload() -> None:
        headers = {
            "Authorization": f"Bearer {server.admin_key}",
            "Content-Type": multipart.headers["Content-Type"],
            "Content-Length": str(len(body)),
        }
        answers.append(
            httpx.post(f"{server.url}/api/v1/intake", content=parts(), headers=headers, timeout=60)
        )

    sender = threading.Thread(target=upload)
    sender.start()
    assert first_part_sent.wait(30)
    server.process.send_signal(signal.SIGTERM)
    # The rest of the body only once uvicorn is shutting down: the request is in flight.
    closed = _listener_closed(server)
    signalled.set()
    sender.join(60)

    [answer] = answers
    assert answer.status_code == 202, answer.text
    assert closed, "no new connection is accepted once shutdown began"
    # uvicorn raises the signal again once it has shut down gracefully, so that the exit
    # status tells the supervisor why the process ended.
    assert server.process.wait(60) in {0, -signal.SIGTERM}
    messages = [line["message"] for line in json_lines(server.log.read_text())]
    # The upload was answered after shutdown began: it was in flight and allowed to finish.
    answered = next(i for i, message in enumerate(messages) if '"POST /api/v1/intake' in message)
    assert messages.index("Shutting down") < answered
    assert any(message.startswith("Finished server process") for message in messages)
    restarted = run_server(tmp_path / "data", tmp_path / "again.log", admin_key=server.admin_key)
    try:
        with restarted.client() as client:
            item = answer.json()["items"][0]
            kept = client.get(f"/api/v1/intake/items/{item['id']}")
            assert kept.status_code == 200, "the upload answered 202 was kept"
    finally:
        restarted.stop()


def _listener_closed(server: ServerProcess) -> bool:
    """Whether the server stops accepting connections (it answers 503 to readiness meanwhile)."""
    for _ in range(100):  # the signal is handled asynchronously: ask until it shows
        try:
            httpx.get(f"{server.url}/health/ready", timeout=5)
        except httpx.TransportError:
            return True
        threading.Event().wait(0.1)
    return False
