"""``eakte keys`` against a running server and on the local data directory; the first key."""

from __future__ import annotations

import contextlib
import json
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.bootstrap import build_container, prepare
from services.settings import Settings
from tests.fixtures.server import REPO, ServerProcess, eakte_env, free_port, run_server


def eakte(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def installation(data_dir: Path) -> str:
    container = build_container(Settings(data_dir=data_dir))
    key = prepare(container, migrate=True)
    container.close()
    assert key is not None
    return key.secret


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    data_dir = tmp_path / "server-data"
    process = run_server(
        data_dir,
        tmp_path / "server.log",
        admin_key=installation(data_dir),
        EAKTE_EMBEDDED_WORKERS="false",
    )
    try:
        yield process
    finally:
        process.stop()


def works(server: ServerProcess, key: str) -> bool:
    response = httpx.get(f"{server.url}/api/v1/health", headers={"Authorization": f"Bearer {key}"})
    return response.status_code == 200


def test_with_eakte_url_keys_are_managed_on_the_server(
    server: ServerProcess, tmp_path: Path
) -> None:
    nowhere = tmp_path / "no-local-data"
    env = eakte_env(nowhere, EAKTE_URL=server.url, EAKTE_API_KEY=server.admin_key)
    created = eakte(
        "keys", "create", "--name", "Scanner 2", "--role", "station", "--org-unit", "10",
        "--clearance", "002", "--expires", "2030-01-31", "--json", env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    key = json.loads(created.stdout)
    assert key["clearance"] == "002" and key["org_unit"] == "10"
    assert key["expires_at"].startswith("2030-02-01T00:00:00")
    assert works(server, key["key"])
    assert not nowhere.exists(), "no local installation is made on the side"
    with server.client() as client:
        assert key["id"] in [k["id"] for k in client.get("/api/v1/keys").json()]

    listed = eakte("keys", "list", env=env)
    assert (
        listed.returncode == 0 and "Scanner 2" in listed.stdout and key["key"] not in listed.stdout
    )

    rotated = eakte("keys", "rotate", key["prefix"], "--grace-hours", "1", "--json", env=env)
    assert rotated.returncode == 0, rotated.stderr
    successor = json.loads(rotated.stdout)
    assert successor["id"] != key["id"] and successor["clearance"] == "002"
    assert works(server, successor["key"]) and works(server, key["key"]), "old key: grace"

    revoked = eakte("keys", "revoke", key["id"], env=env)
    assert revoked.returncode == 0, revoked.stderr
    assert not works(server, key["key"]) and works(server, successor["key"])

    refused = eakte(
        "keys", "create", "--name", "x", "--role", "station", "--clearance", "999", env=env
    )
    assert refused.returncode == 1 and "confidentiality" in refused.stderr


def test_without_eakte_url_a_missing_data_directory_is_not_created(tmp_path: Path) -> None:
    nowhere = tmp_path / "typo-in-data-dir"
    result = eakte("keys", "create", "--name", "x", "--role", "station", env=eakte_env(nowhere))
    assert result.returncode == 1
    assert "no eakte data directory" in result.stderr and "EAKTE_URL" in result.stderr
    assert not nowhere.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = eakte("keys", "list", env=eakte_env(empty))
    assert result.returncode == 1 and "no eakte database" in result.stderr
    assert list(empty.iterdir()) == []


def test_local_keys_with_clearance_and_expiry(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    installation(data_dir)
    env = eakte_env(data_dir)
    created = eakte(
        "keys", "create", "--name", "Bauaufsicht", "--role", "caseworker", "--org-unit", "63",
        "--clearance", "005", "--expires", "2031-12-31", env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "clearance: 005" in created.stdout and "2032-01-01" in created.stdout
    listed = eakte("keys", "list", "--json", env=env)
    found = {k["name"]: k for k in json.loads(listed.stdout)}
    assert found["Bauaufsicht"]["clearance"] == "005"
    bad_date = eakte("keys", "create", "--name", "x", "--role", "station", "--expires",
                     "31.12.2031", env=env)  # fmt: skip
    assert bad_date.returncode == 1 and "YYYY-MM-DD" in bad_date.stderr


def test_serve_without_a_terminal_writes_the_first_key_to_a_private_file(tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "serve.log"
    port = free_port()
    env = eakte_env(data_dir, EAKTE_PORT=str(port), EAKTE_EMBEDDED_WORKERS="false")
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve"],
            env=env,
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    key_file = data_dir / "bootstrap-admin-key"
    try:
        deadline = time.monotonic() + 60
        answered = None
        while time.monotonic() < deadline and answered is None:
            assert process.poll() is None, log.read_text()
            if key_file.exists():
                secret = key_file.read_text().strip()
                with contextlib.suppress(httpx.TransportError):
                    answered = httpx.get(
                        f"http://127.0.0.1:{port}/api/v1/health",
                        headers={"Authorization": f"Bearer {secret}"},
                    )
            time.sleep(0.2)
        assert answered is not None and answered.status_code == 200, log.read_text()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    text = log.read_text()
    assert secret not in text and "ek_" not in text
    assert str(key_file.resolve()) in text
