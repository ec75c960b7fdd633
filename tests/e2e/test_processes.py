"""Real processes: restart, a worker killed during OCR, interrupted uploads, the CLI."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.fixtures.documents import BAUANTRAG, WIDERSPRUCH, letter_pdf
from tests.fixtures.server import REPO, SCANS, eakte_env, run_server, wait_for_item

pytestmark = [pytest.mark.ocr, pytest.mark.slow]


def post_scan(client: httpx.Client, name: str, data: bytes) -> str:
    response = client.post("/api/v1/intake", files=[("files", (name, data))])
    assert response.status_code == 202, response.text
    item_id: str = response.json()["items"][0]["id"]
    return item_id


def test_nothing_is_lost_across_a_restart(tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "server.log"
    server = run_server(data_dir, log, EAKTE_EMBEDDED_WORKERS="false")
    with server.client() as client:
        first = post_scan(client, "a.pdf", letter_pdf(BAUANTRAG))
        second = post_scan(client, "b.pdf", letter_pdf(WIDERSPRUCH))
    server.stop()  # before any worker ran: both jobs are only queued

    restarted = run_server(data_dir, log, admin_key=server.admin_key)
    try:
        with restarted.client() as client:
            for item_id in (first, second):
                done = wait_for_item(client.get, item_id)
                assert done["status"] == "done", done["failure_reason"]
            assert client.get("/api/v1/documents").json()["total"] == 2
            hits = client.get("/api/v1/search", params={"q": "Baugenehmigung"}).json()["hits"]
            assert "<mark>Baugenehmigung</mark>" in hits[0]["snippet"]
    finally:
        restarted.stop()
    assert "bootstrap admin API key" not in log.read_text().split("eakte listening")[-1]


def test_worker_killed_during_ocr_the_document_still_completes(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = run_server(data_dir, tmp_path / "server.log", EAKTE_EMBEDDED_WORKERS="false")
    worker_log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "workers"],
        env=eakte_env(data_dir, EAKTE_WORKERS="1"),
        stdout=worker_log,
        stderr=subprocess.STDOUT,
        cwd=REPO,
        start_new_session=True,
    )
    try:
        with server.client() as client:
            item_id = post_scan(
                client,
                "multi.pdf",
                (SCANS / "paperless-ngx" / "multi-page-images.pdf").read_bytes(),
            )
            deadline = time.monotonic() + 60
            while client.get(f"/api/v1/intake/items/{item_id}").json()["status"] != "processing":
                assert time.monotonic() < deadline, "the worker never started the job"
                time.sleep(0.1)
            time.sleep(1.0)  # well inside OCR
            children = _worker_children(worker.pid)
            assert children, "no worker process to kill"
            for pid in children:
                os.kill(pid, signal.SIGKILL)  # the supervisor starts a new worker
            done = wait_for_item(client.get, item_id)
            assert done["status"] == "done", done["failure_reason"]
            assert done["documents"][0]["pages"] == 3
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(60)
        server.stop()


def _worker_children(supervisor_pid: int) -> list[int]:
    output = subprocess.run(
        ["ps", "-ww", "-o", "pid=,ppid=,args=", "-e"], capture_output=True, text=True, check=True
    ).stdout
    children = []
    for line in output.splitlines():
        pid, ppid, args = line.strip().split(maxsplit=2)
        if int(ppid) == supervisor_pid and "multiprocessing" in args and "spawn_main" in args:
            children.append(int(pid))
    return children


def test_interrupted_upload_stores_nothing_and_the_server_goes_on(tmp_path: Path) -> None:
    server = run_server(tmp_path / "data", tmp_path / "server.log", EAKTE_EMBEDDED_WORKERS="false")
    try:
        url = urlsplit(server.url)
        body = letter_pdf(BAUANTRAG)
        boundary = "eakteboundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="cut.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        total = len(head) + len(body) + len(f"\r\n--{boundary}--\r\n")
        with socket.create_connection((url.hostname, url.port)) as sock:
            sock.sendall(
                (
                    f"POST /api/v1/intake HTTP/1.1\r\nHost: {url.netloc}\r\n"
                    f"Authorization: Bearer {server.admin_key}\r\n"
                    f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                    f"Content-Length: {total}\r\n\r\n"
                ).encode()
                + head
                + body[: len(body) // 2]
            )
            time.sleep(0.5)
        time.sleep(0.5)
        with server.client() as client:
            assert client.get("/api/v1/intake/items").json()["total"] == 0
            assert post_scan(client, "whole.pdf", body)
            assert client.get("/api/v1/intake/items").json()["total"] == 1
    finally:
        server.stop()


def test_cli_ingest_wait_json_and_text_on_the_embedded_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    letter = tmp_path / "bauantrag.pdf"
    letter.write_bytes(letter_pdf(BAUANTRAG))
    bogus = tmp_path / "notes.pdf"
    bogus.write_text("kein PDF")
    env = eakte_env(data_dir)
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "ingest", "--wait", "--json", str(letter), str(bogus)],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert result.returncode == 1, "a refused file makes the exit code non-zero"
    ok, refused = (json.loads(line) for line in result.stdout.splitlines())
    assert ok["file"] == str(letter)
    [document] = ok["documents"]
    assert document["status"] == "ocr_done" and document["pages"] == 1
    assert document["text_chars"] > 50
    assert refused["file"] == str(bogus) and "text/plain" in refused["error"]

    text = subprocess.run(
        [sys.executable, "-m", "api.cli", "documents", "text", document["id"]],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    ).stdout
    assert "Baugenehmigung" in text

    found = subprocess.run(
        [sys.executable, "-m", "api.cli", "search", "--json", "Grundstück"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    ).stdout
    assert json.loads(found)["hits"][0]["document_id"] == document["id"]


def test_cli_reports_a_bad_configuration_and_exits_non_zero(tmp_path: Path) -> None:
    env = eakte_env(tmp_path / "data", EAKTE_STORAGE_BACKEND="s3")
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "search", "x"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 1
    assert "EAKTE_S3_ENDPOINT" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_against_a_running_server(tmp_path: Path) -> None:
    server = run_server(tmp_path / "data", tmp_path / "server.log")
    letter = tmp_path / "widerspruch.pdf"
    letter.write_bytes(letter_pdf(WIDERSPRUCH))
    env = eakte_env(tmp_path / "elsewhere", EAKTE_URL=server.url, EAKTE_API_KEY=server.admin_key)
    try:
        result = subprocess.run(
            [
                sys.executable, "-m", "api.cli", "ingest", "--wait", "--json",
                "--station", "scanner-7", str(letter), str(tmp_path / "missing.pdf"),
            ],
            env=env, capture_output=True, text=True, cwd=REPO, timeout=300,
        )  # fmt: skip
        assert result.returncode == 1
        ok, missing = (json.loads(line) for line in result.stdout.splitlines())
        assert ok["status"] == "done" and ok["documents"][0]["pages"] == 1
        assert "No such file" in missing["error"]
        assert "Traceback" not in result.stderr
        wrong_key = subprocess.run(
            [sys.executable, "-m", "api.cli", "documents", "show", ok["documents"][0]["id"]],
            env={**env, "EAKTE_API_KEY": "ek_wrong_key"},
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert wrong_key.returncode == 1
        assert "401" in wrong_key.stderr and "unknown API key" in wrong_key.stderr
    finally:
        server.stop()
    assert not (tmp_path / "elsewhere").exists(), "with a server URL the CLI keeps off local data"
